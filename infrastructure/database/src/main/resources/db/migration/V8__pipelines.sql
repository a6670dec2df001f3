-- Pipelines: several job steps run one after another (e.g. transcription, enrichment, render). Each step is a job
-- row; a step's success queues the next one in the same transaction (the trigger below), so a pipeline can never
-- stop between steps, and a failed pipeline resumes from its failed step with the finished ones kept.

CREATE TABLE pipelines (
  id            uuid PRIMARY KEY,
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  asset_id      uuid NOT NULL,
  -- [{"kind": "transcription", "params": {...}, "maxAttempts": 3}, ...], fixed at submission.
  steps         jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) BETWEEN 1 AND 10),
  state         text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  current_step  integer NOT NULL DEFAULT 0,
  error         text,
  webhook_url   text CHECK (webhook_url ~ '^https?://'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (project_id, id),
  FOREIGN KEY (project_id, asset_id) REFERENCES assets (project_id, id)
);
CREATE INDEX pipelines_by_project ON pipelines (project_id, created_at DESC);

ALTER TABLE jobs ADD COLUMN pipeline_id uuid;
ALTER TABLE jobs ADD COLUMN pipeline_step integer;
ALTER TABLE jobs ADD CONSTRAINT jobs_pipeline_fk
  FOREIGN KEY (project_id, pipeline_id) REFERENCES pipelines (project_id, id) ON DELETE CASCADE;
ALTER TABLE jobs ADD CONSTRAINT jobs_pipeline_step_given CHECK ((pipeline_id IS NULL) = (pipeline_step IS NULL));
-- One job per step: a step that runs twice (retry, resume) is the same row again.
CREATE UNIQUE INDEX jobs_by_pipeline_step ON jobs (pipeline_id, pipeline_step) WHERE pipeline_id IS NOT NULL;

-- Pipeline state changes are logged next to their jobs' events, under the job that caused them.
ALTER TABLE job_events DROP CONSTRAINT job_events_type_check;
ALTER TABLE job_events ADD CONSTRAINT job_events_type_check CHECK (type IN ('state', 'progress', 'pipeline'));

CREATE FUNCTION advance_pipeline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p          pipelines%ROWTYPE;
  total      integer;
  next_state text;
  next_step  jsonb;
  next_job   uuid;
BEGIN
  SELECT * INTO p FROM pipelines WHERE id = NEW.pipeline_id FOR UPDATE;
  IF NOT FOUND OR NEW.pipeline_step <> p.current_step THEN
    RETURN NULL;
  END IF;
  total := jsonb_array_length(p.steps);
  IF NEW.state = 'succeeded' AND NEW.pipeline_step + 1 < total THEN
    next_step := p.steps -> (NEW.pipeline_step + 1);
    next_job := gen_random_uuid();
    -- published_at stays NULL: the worker that finished this step adds the entry after commit, the sweeper if it died.
    INSERT INTO jobs (id, project_id, kind, state, asset_id, params, max_attempts, pipeline_id, pipeline_step)
    VALUES (next_job, p.project_id, next_step ->> 'kind', 'queued', p.asset_id, next_step -> 'params',
            (next_step ->> 'maxAttempts')::integer, p.id, NEW.pipeline_step + 1);
    INSERT INTO job_events (project_id, job_id, type, state, attempt)
    VALUES (p.project_id, next_job, 'state', 'queued', 0);
    UPDATE pipelines SET current_step = NEW.pipeline_step + 1, state = 'running', error = NULL, updated_at = now()
    WHERE id = p.id;
    INSERT INTO job_events (project_id, job_id, type, state, attempt, progress, step)
    VALUES (p.project_id, next_job, 'pipeline', 'running', 0, (NEW.pipeline_step + 1)::float8 / total,
            next_step ->> 'kind');
    RETURN NULL;
  END IF;
  -- A retry's "queued" and a resumed step are still the pipeline running.
  next_state := CASE NEW.state WHEN 'succeeded' THEN 'succeeded' WHEN 'failed' THEN 'failed'
                               WHEN 'cancelled' THEN 'cancelled' ELSE 'running' END;
  IF next_state = p.state THEN
    RETURN NULL;
  END IF;
  UPDATE pipelines SET
    state = next_state,
    error = CASE WHEN next_state IN ('failed', 'cancelled')
                 THEN 'step ' || NEW.pipeline_step || ' (' || NEW.kind || '): ' || COALESCE(NEW.error, next_state) END,
    finished_at = CASE WHEN next_state IN ('succeeded', 'failed', 'cancelled') THEN now() END,
    updated_at = now()
  WHERE id = p.id;
  INSERT INTO job_events (project_id, job_id, type, state, attempt, error, progress, step)
  VALUES (p.project_id, NEW.id, 'pipeline', next_state, NEW.attempts,
          CASE WHEN next_state IN ('failed', 'cancelled') THEN NEW.error END,
          CASE WHEN next_state = 'succeeded' THEN 1 ELSE NEW.pipeline_step::float8 / total END, NEW.kind);
  RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_advance_pipeline AFTER UPDATE OF state ON jobs
  FOR EACH ROW WHEN (NEW.pipeline_id IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION advance_pipeline();

-- Webhooks: a job's own URL receives its state events; a pipeline's URL receives the pipeline's.
CREATE OR REPLACE FUNCTION enqueue_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target   text;
  pipeline uuid;
BEGIN
  IF NEW.type = 'state' THEN
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
  ELSIF NEW.type = 'pipeline' THEN
    SELECT p.webhook_url, p.id INTO target, pipeline
    FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id WHERE j.id = NEW.job_id;
    IF target IS NOT NULL THEN
      INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
      VALUES (NEW.project_id, NEW.job_id, NEW.id, 'pipeline.' || NEW.state, target,
              jsonb_build_object(
                'type', 'pipeline.' || NEW.state,
                'timestamp', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'data', jsonb_build_object('pipelineId', pipeline, 'state', NEW.state, 'step', NEW.step,
                                           'jobId', NEW.job_id, 'progress', NEW.progress, 'error', NEW.error,
                                           'eventId', NEW.id)));
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

-- Results of the enrichment and render steps, keyed by job like transcripts: a step that runs twice keeps one.
CREATE TABLE enrichments (
  job_id             uuid PRIMARY KEY,
  project_id         uuid NOT NULL,
  transcript_job_id  uuid NOT NULL,
  keywords           jsonb NOT NULL,
  summary            text NOT NULL,
  chapters           jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (project_id, job_id) REFERENCES jobs (project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (project_id, transcript_job_id) REFERENCES jobs (project_id, id) ON DELETE CASCADE
);

CREATE TABLE renders (
  job_id      uuid PRIMARY KEY,
  project_id  uuid NOT NULL,
  asset_id    uuid NOT NULL,
  -- {"waveform.png": {"key": "...", "contentType": "image/png", "sizeBytes": 1234}, ...}
  files       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (project_id, job_id) REFERENCES jobs (project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (project_id, asset_id) REFERENCES assets (project_id, id)
);
