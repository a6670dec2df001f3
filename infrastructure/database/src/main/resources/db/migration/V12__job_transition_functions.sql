-- The job engine's batch writes (submit, start, finish, renew) as functions, each with the planner settings that
-- make one plan right at any table size. The pool asks for a fresh plan per execution (plan_cache_mode
-- force_custom_plan), which is safe for ad-hoc lookups but made planning a third of the engine's PostgreSQL time,
-- the foreign-key checks' queries included. Here plans are cached (plan_cache_mode auto), and the only plan left
-- to the planner is the right one: a nested loop from the array of ids into the primary key. A cached plan made
-- while the table was small would otherwise keep scanning it whole as it grows.

-- An event bound for a webhook says so itself (job_events.webhook, set by whoever writes the event from the job's
-- or pipeline's webhook URL), so only those events run the trigger that turns them into deliveries. The
-- statement-level trigger it replaces copied every new event into a transition table and ran two queries over
-- it on every write: a quarter of the job engine's PostgreSQL time, for jobs that mostly have no webhook.
ALTER TABLE job_events ADD COLUMN webhook boolean NOT NULL DEFAULT false;

DROP TRIGGER job_events_webhooks ON job_events;
DROP FUNCTION enqueue_webhook_deliveries();

CREATE FUNCTION enqueue_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'state' THEN
    INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
    SELECT NEW.project_id, NEW.job_id, NEW.id, 'job.' || NEW.state, j.webhook_url,
           jsonb_build_object(
             'type', 'job.' || NEW.state,
             'timestamp', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             'data', jsonb_build_object('jobId', NEW.job_id, 'state', NEW.state, 'attempt', NEW.attempt,
                                        'error', NEW.error, 'eventId', NEW.id))
    FROM jobs j WHERE j.id = NEW.job_id AND j.webhook_url IS NOT NULL;
  ELSIF NEW.type = 'pipeline' THEN
    INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
    SELECT NEW.project_id, NEW.job_id, NEW.id, 'pipeline.' || NEW.state, p.webhook_url,
           jsonb_build_object(
             'type', 'pipeline.' || NEW.state,
             'timestamp', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             'data', jsonb_build_object('pipelineId', p.id, 'state', NEW.state, 'step', NEW.step,
                                        'jobId', NEW.job_id, 'progress', NEW.progress, 'error', NEW.error,
                                        'eventId', NEW.id))
    FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id
    WHERE j.id = NEW.job_id AND p.webhook_url IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER job_events_webhooks AFTER INSERT ON job_events
  FOR EACH ROW WHEN (NEW.webhook) EXECUTE FUNCTION enqueue_webhook_delivery();

-- Inserts jobs with their first events; returns the rows.
CREATE FUNCTION insert_jobs(ids uuid[], projects uuid[], kinds text[], assets uuid[], params text[],
                            max_attempts integer[], webhooks text[])
RETURNS SETOF jobs LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  -- published_at is set optimistically: the entries are added right after; if that fails the sweeper re-publishes.
  RETURN QUERY
  WITH job AS (
    INSERT INTO jobs (id, project_id, kind, state, asset_id, params, max_attempts, webhook_url, published_at)
    SELECT t.id, t.project_id, t.kind, 'queued', t.asset_id, t.params::jsonb, t.max_attempts, t.webhook_url, now()
    FROM unnest(ids, projects, kinds, assets, params, max_attempts, webhooks)
      AS t(id, project_id, kind, asset_id, params, max_attempts, webhook_url)
    RETURNING *),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, webhook)
    SELECT job.project_id, job.id, 'state', job.state, job.attempts, job.webhook_url IS NOT NULL FROM job)
  SELECT * FROM job;
END;
$$;

-- Starts attempts on due queued jobs, or takes over running jobs whose lease expired; returns the jobs started.
-- The state test is a CASE, which no partial index matches: those over queued or running jobs are full of dead
-- entries under load.
CREATE FUNCTION start_job_attempts(ids uuid[], worker text, lease_seconds double precision)
RETURNS SETOF jobs LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  RETURN QUERY
  WITH started AS (
    UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = worker,
                    lease_expires_at = now() + make_interval(secs => lease_seconds),
                    started_at = now(), updated_at = now()
    FROM unnest(ids) AS t(id)
    WHERE jobs.id = t.id
      AND CASE jobs.state WHEN 'queued' THEN jobs.run_at <= now() WHEN 'running' THEN jobs.lease_expires_at < now() END
    RETURNING jobs.*),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, worker, webhook)
    SELECT started.project_id, started.id, 'state', started.state, started.attempts, start_job_attempts.worker,
           started.webhook_url IS NOT NULL
    FROM started)
  SELECT * FROM started;
END;
$$;

-- Marks the attempts' jobs succeeded and logs the events; returns the ids of the jobs whose attempt was current.
CREATE FUNCTION finish_job_attempts(ids uuid[], attempt_numbers integer[])
RETURNS SETOF uuid LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  RETURN QUERY
  WITH done AS (
    UPDATE jobs j SET state = 'succeeded', error = NULL, finished_at = now(), updated_at = now(),
                      lease_owner = NULL, lease_expires_at = NULL
    FROM unnest(ids, attempt_numbers) AS t(id, attempt)
    WHERE j.id = t.id AND CASE j.state WHEN 'running' THEN j.attempts = t.attempt END
    RETURNING j.project_id, j.id, j.state, j.attempts, j.webhook_url),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, webhook)
    SELECT done.project_id, done.id, 'state', done.state, done.attempts, done.webhook_url IS NOT NULL FROM done)
  SELECT done.id FROM done;
END;
$$;

-- Extends the leases of attempts still current; returns each one's job id and whether cancellation was requested.
CREATE FUNCTION renew_job_leases(ids uuid[], attempt_numbers integer[], lease_seconds double precision)
RETURNS TABLE (job_id uuid, cancel_requested boolean) LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  RETURN QUERY
  UPDATE jobs j SET lease_expires_at = now() + make_interval(secs => lease_seconds)
  FROM unnest(ids, attempt_numbers) AS t(id, attempt)
  WHERE j.id = t.id AND CASE j.state WHEN 'running' THEN j.attempts = t.attempt END
  RETURNING j.id, j.cancel_requested;
END;
$$;

-- Pipelines, as in V8, except that their own events are flagged when the pipeline has a webhook (its steps' jobs
-- have none).
CREATE OR REPLACE FUNCTION advance_pipeline() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO job_events (project_id, job_id, type, state, attempt, progress, step, webhook)
    VALUES (p.project_id, next_job, 'pipeline', 'running', 0, (NEW.pipeline_step + 1)::float8 / total,
            next_step ->> 'kind', p.webhook_url IS NOT NULL);
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
  INSERT INTO job_events (project_id, job_id, type, state, attempt, error, progress, step, webhook)
  VALUES (p.project_id, NEW.id, 'pipeline', next_state, NEW.attempts,
          CASE WHEN next_state IN ('failed', 'cancelled') THEN NEW.error END,
          CASE WHEN next_state = 'succeeded' THEN 1 ELSE NEW.pipeline_step::float8 / total END, NEW.kind,
          p.webhook_url IS NOT NULL);
  RETURN NULL;
END;
$$;
