-- Webhooks: a job may name a URL; each of its state changes becomes a signed delivery, retried until received.

ALTER TABLE jobs ADD COLUMN webhook_url text CHECK (webhook_url ~ '^https?://');

-- The project's signing secret (Standard Webhooks form: "whsec_" + base64 of 32 random bytes).
ALTER TABLE projects ADD COLUMN webhook_secret text;
UPDATE projects SET webhook_secret =
  'whsec_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'base64');
ALTER TABLE projects ALTER COLUMN webhook_secret SET NOT NULL;
ALTER TABLE projects ALTER COLUMN webhook_secret SET DEFAULT
  'whsec_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'base64');

CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id       uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  job_id           uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  event_id         bigint NOT NULL UNIQUE REFERENCES job_events (id) ON DELETE CASCADE,
  event_type       text NOT NULL,
  url              text NOT NULL,
  payload          jsonb NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_project ON webhook_deliveries (project_id, created_at DESC);

-- Every state event of a job with a webhook becomes a delivery in the same transaction: none can be missed.
CREATE FUNCTION enqueue_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target text;
BEGIN
  IF NEW.type <> 'state' THEN
    RETURN NEW;
  END IF;
  SELECT webhook_url INTO target FROM jobs WHERE id = NEW.job_id;
  IF target IS NOT NULL THEN
    INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
    VALUES (NEW.project_id, NEW.job_id, NEW.id, 'job.' || NEW.state, target,
            jsonb_build_object(
              'type', 'job.' || NEW.state,
              'timestamp', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'data', jsonb_build_object('jobId', NEW.job_id, 'state', NEW.state, 'attempt', NEW.attempt,
                                         'error', NEW.error, 'eventId', NEW.id)));
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER job_events_webhooks AFTER INSERT ON job_events
  FOR EACH ROW EXECUTE FUNCTION enqueue_webhook_delivery();
