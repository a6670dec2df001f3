-- Every change of a job's state, each in one function, and what follows from it (the pipeline moving on, webhook
-- deliveries). The Java side only calls these; JobState declares the same moves and JobTransitionsTest walks every
-- pair of states to check that the two agree.
--
-- A repeatable migration: Flyway runs it again whenever this file changes, after every versioned migration, so a
-- function's body lives here alone and changes in place. No versioned migration may call what is defined here.
-- CREATE OR REPLACE cannot change a function's parameters or result: to change them, drop the old signature in a
-- versioned migration first (V16 did so for the functions of V12).
--
-- The batch functions cache their plans (plan_cache_mode auto, while the pool asks for custom plans everywhere else)
-- and leave the planner one plan, a nested loop from the array of ids into the primary key, which stays right at
-- any table size. Each writes its jobs' events itself: an event per state change, flagged for the webhook trigger
-- when the job has a webhook.

-- queued: new jobs with their first events. A pipeline's next step is inserted unpublished (its entry is added
-- after commit by the worker that finished the step before, or by the sweeper); everything else is added right
-- after commit by its submitter, and should that fail the sweeper re-publishes it.
CREATE OR REPLACE FUNCTION insert_jobs(ids uuid[], projects uuid[], kinds text[], assets uuid[], params text[],
                                       max_attempts integer[], webhooks text[], pipelines uuid[],
                                       pipeline_steps integer[], request_ids text[], published boolean)
RETURNS SETOF jobs LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  RETURN QUERY
  WITH job AS (
    INSERT INTO jobs (id, project_id, kind, state, asset_id, params, max_attempts, webhook_url, pipeline_id,
                      pipeline_step, request_id, published_at)
    SELECT t.id, t.project_id, t.kind, 'queued', t.asset_id, t.params::jsonb, t.max_attempts, t.webhook_url,
           t.pipeline_id, t.pipeline_step, t.request_id, CASE WHEN published THEN now() END
    FROM unnest(ids, projects, kinds, assets, params, max_attempts, webhooks, pipelines, pipeline_steps, request_ids)
      AS t(id, project_id, kind, asset_id, params, max_attempts, webhook_url, pipeline_id, pipeline_step, request_id)
    RETURNING *),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, webhook)
    SELECT job.project_id, job.id, 'state', job.state, job.attempts, job.webhook_url IS NOT NULL FROM job)
  SELECT * FROM job;
END;
$$;

-- The signature before request ids (V19), for the previous release's nodes during a rolling upgrade: their jobs
-- have none (a NULL array pads unnest with NULLs). Drop it in a versioned migration once no such node is left.
CREATE OR REPLACE FUNCTION insert_jobs(ids uuid[], projects uuid[], kinds text[], assets uuid[], params text[],
                                       max_attempts integer[], webhooks text[], pipelines uuid[],
                                       pipeline_steps integer[], published boolean)
RETURNS SETOF jobs LANGUAGE sql AS $$
  SELECT * FROM insert_jobs(ids, projects, kinds, assets, params, max_attempts, webhooks, pipelines, pipeline_steps,
                            NULL::text[], published);
$$;

-- queued -> running (a due job), running -> running (a job whose lease expired: its worker is gone). The state
-- test is a CASE, which no partial index matches: those over queued or running jobs are full of dead entries under
-- load.
CREATE OR REPLACE FUNCTION start_job_attempts(ids uuid[], worker text, lease_seconds double precision)
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

-- Not a state change: extends the leases of attempts still current; returns each one's job id and whether its
-- cancellation was requested.
CREATE OR REPLACE FUNCTION renew_job_leases(ids uuid[], attempt_numbers integer[], lease_seconds double precision)
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

-- running -> succeeded, for attempts still their job's current one; returns the ids of those.
CREATE OR REPLACE FUNCTION succeed_job_attempts(ids uuid[], attempt_numbers integer[])
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

-- running -> queued (a retry at retry_at, while attempts are left) or running -> failed (for good). Returns the
-- new state, or NULL when the attempt was no longer its job's current one.
CREATE OR REPLACE FUNCTION fail_job_attempt(job uuid, attempt integer, failure text, retry_at timestamptz)
RETURNS text LANGUAGE sql AS $$
  WITH failed AS (
    UPDATE jobs SET
      state = CASE WHEN retry_at IS NOT NULL AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
      run_at = COALESCE(retry_at, run_at),
      finished_at = CASE WHEN retry_at IS NOT NULL AND attempts < max_attempts THEN NULL ELSE now() END,
      -- Not published: the sweeper adds the entry once the retry is due.
      published_at = NULL, error = failure, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = job AND state = 'running' AND attempts = attempt
    RETURNING project_id, id, state, attempts, error, webhook_url),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, error, webhook)
    SELECT project_id, id, 'state', state, attempts, error, webhook_url IS NOT NULL FROM failed)
  SELECT state FROM failed;
$$;

-- running -> cancelled: the attempt of a job whose cancellation was requested while it ran has stopped.
CREATE OR REPLACE FUNCTION cancel_job_attempt(job uuid, attempt integer)
RETURNS boolean LANGUAGE sql AS $$
  WITH cancelled AS (
    UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),
                    lease_owner = NULL, lease_expires_at = NULL
    WHERE id = job AND state = 'running' AND attempts = attempt
    RETURNING project_id, id, state, attempts, error, webhook_url),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, error, webhook)
    SELECT project_id, id, 'state', state, attempts, error, webhook_url IS NOT NULL FROM cancelled)
  SELECT count(*) = 1 FROM cancelled;
$$;

-- running -> queued, lease released at once: a stopping worker gives back the attempts it could not finish in its
-- grace period, so another worker starts them now instead of after the lease. The attempt is given back too (one
-- more allowed), since it was ended by the worker, not by the job's input; its event says 'handed back'. The
-- worker adds the entries again itself, right after commit.
CREATE OR REPLACE FUNCTION hand_back_job_attempts(ids uuid[], attempt_numbers integer[])
RETURNS SETOF jobs LANGUAGE plpgsql
SET plan_cache_mode = auto SET enable_seqscan = off SET enable_bitmapscan = off
SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  RETURN QUERY
  WITH handed AS (
    UPDATE jobs j SET state = 'queued', run_at = now(), published_at = now(), lease_owner = NULL,
                      lease_expires_at = NULL, max_attempts = LEAST(100, j.max_attempts + 1), updated_at = now()
    FROM unnest(ids, attempt_numbers) AS t(id, attempt)
    WHERE j.id = t.id AND CASE j.state WHEN 'running' THEN j.attempts = t.attempt END
    RETURNING j.*),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, step, webhook)
    SELECT handed.project_id, handed.id, 'state', handed.state, handed.attempts, 'handed back',
           handed.webhook_url IS NOT NULL
    FROM handed)
  SELECT * FROM handed;
END;
$$;

-- queued -> cancelled at once; a running job is only flagged (its worker is told, and stops it). Returns the job
-- as it now is, or nothing when it is not in the project or has already finished.
CREATE OR REPLACE FUNCTION request_job_cancel(project uuid, job uuid)
RETURNS SETOF jobs LANGUAGE sql AS $$
  WITH requested AS (
    UPDATE jobs SET
      cancel_requested = (state = 'running'),
      finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
      state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
      updated_at = now()
    WHERE project_id = project AND id = job AND state IN ('queued', 'running')
    RETURNING *),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, error, webhook)
    SELECT project_id, id, 'state', state, attempts, error, webhook_url IS NOT NULL FROM requested
    WHERE state = 'cancelled')
  SELECT * FROM requested;
$$;

-- failed or cancelled -> queued, with extra_attempts more attempts (a retry on request, a pipeline resumed).
-- Returns the job, or nothing when it is not in the project or not failed or cancelled.
CREATE OR REPLACE FUNCTION requeue_job(project uuid, job uuid, extra_attempts integer)
RETURNS SETOF jobs LANGUAGE sql AS $$
  WITH requeued AS (
    UPDATE jobs SET state = 'queued', run_at = now(), published_at = now(), cancel_requested = false,
                    error = NULL, finished_at = NULL, updated_at = now(),
                    max_attempts = LEAST(100, attempts + extra_attempts)
    WHERE project_id = project AND id = job AND state IN ('failed', 'cancelled')
    RETURNING *),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt, error, webhook)
    SELECT project_id, id, 'state', state, attempts, error, webhook_url IS NOT NULL FROM requeued)
  SELECT * FROM requeued;
$$;

-- A pipeline and its first step's job, with their first events; both remember the request that made them.
CREATE OR REPLACE FUNCTION insert_pipeline(pipeline uuid, project uuid, asset uuid, steps jsonb, webhook text,
                                           first_job uuid, request text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first_step jsonb := steps -> 0;
BEGIN
  INSERT INTO pipelines (id, project_id, asset_id, steps, state, webhook_url, request_id)
  VALUES (pipeline, project, asset, steps, 'queued', webhook, request);
  PERFORM insert_jobs(ARRAY[first_job], ARRAY[project], ARRAY[first_step ->> 'kind'], ARRAY[asset],
                      ARRAY[(first_step -> 'params')::text], ARRAY[(first_step ->> 'maxAttempts')::integer],
                      ARRAY[NULL::text], ARRAY[pipeline], ARRAY[0], ARRAY[request], true);
  INSERT INTO job_events (project_id, job_id, type, state, attempt, progress, step, webhook)
  VALUES (project, first_job, 'pipeline', 'queued', 0, 0, first_step ->> 'kind', webhook IS NOT NULL);
END;
$$;

-- The signature before request ids, for the previous release's nodes during a rolling upgrade (see insert_jobs).
CREATE OR REPLACE FUNCTION insert_pipeline(pipeline uuid, project uuid, asset uuid, steps jsonb, webhook text,
                                           first_job uuid)
RETURNS void LANGUAGE sql AS $$
  SELECT insert_pipeline(pipeline, project, asset, steps, webhook, first_job, NULL::text);
$$;

-- Moves a pipeline on inside the transaction of its current step's state change (the trigger below): a success
-- inserts the next step's job (with the pipeline's request id), a final failure or a cancellation stops the
-- pipeline at that step; a retry's 'queued' and a resumed step are still the pipeline running. Pipeline events are
-- logged under the job that caused them.
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
    PERFORM insert_jobs(ARRAY[next_job], ARRAY[p.project_id], ARRAY[next_step ->> 'kind'], ARRAY[p.asset_id],
                        ARRAY[(next_step -> 'params')::text], ARRAY[(next_step ->> 'maxAttempts')::integer],
                        ARRAY[NULL::text], ARRAY[p.id], ARRAY[NEW.pipeline_step + 1], ARRAY[p.request_id], false);
    UPDATE pipelines SET current_step = NEW.pipeline_step + 1, state = 'running', error = NULL, updated_at = now()
    WHERE id = p.id;
    INSERT INTO job_events (project_id, job_id, type, state, attempt, progress, step, webhook)
    VALUES (p.project_id, next_job, 'pipeline', 'running', 0, (NEW.pipeline_step + 1)::float8 / total,
            next_step ->> 'kind', p.webhook_url IS NOT NULL);
    RETURN NULL;
  END IF;
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

-- A webhook delivery's payload: the event as the receiver reads it. A job's own URL hears its state events
-- ('job.<state>'), a pipeline's URL the pipeline's ('pipeline.<state>').
CREATE OR REPLACE FUNCTION webhook_payload(e job_events, pipeline uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'type', CASE WHEN e.type = 'pipeline' THEN 'pipeline.' ELSE 'job.' END || e.state,
    'timestamp', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'data', CASE WHEN e.type = 'pipeline'
      THEN jsonb_build_object('pipelineId', pipeline, 'state', e.state, 'step', e.step, 'jobId', e.job_id,
                              'progress', e.progress, 'error', e.error, 'eventId', e.id)
      ELSE jsonb_build_object('jobId', e.job_id, 'state', e.state, 'attempt', e.attempt, 'error', e.error,
                              'eventId', e.id) END);
$$;

-- Runs only for events flagged for a webhook (job_events.webhook), set by whoever writes the event.
CREATE OR REPLACE FUNCTION enqueue_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'state' THEN
    INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
    SELECT NEW.project_id, NEW.job_id, NEW.id, 'job.' || NEW.state, j.webhook_url, webhook_payload(NEW, NULL)
    FROM jobs j WHERE j.id = NEW.job_id AND j.webhook_url IS NOT NULL;
  ELSIF NEW.type = 'pipeline' THEN
    INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
    SELECT NEW.project_id, NEW.job_id, NEW.id, 'pipeline.' || NEW.state, p.webhook_url, webhook_payload(NEW, p.id)
    FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id
    WHERE j.id = NEW.job_id AND p.webhook_url IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$;

-- Each attempt of a job, read from its event log: an attempt starts with a 'running' state event (naming its
-- worker) and ends with the job's next state event: 'succeeded', 'failed' or 'queued' (a failure with a retry to
-- come, or a hand-back by a stopping worker), 'cancelled', or the next attempt's 'running' when another worker took
-- the job over after the lease expired.
CREATE OR REPLACE VIEW job_attempts AS
SELECT s.job_id, s.attempt, s.worker, s.created_at AS started_at, e.created_at AS finished_at,
       CASE e.state WHEN 'succeeded' THEN 'succeeded' WHEN 'failed' THEN 'failed'
                    WHEN 'queued' THEN CASE WHEN e.step = 'handed back' THEN 'handed back' ELSE 'failed' END
                    WHEN 'cancelled' THEN 'cancelled' WHEN 'running' THEN 'abandoned' END AS outcome,
       CASE e.state WHEN 'running' THEN 'lease expired' WHEN 'cancelled' THEN 'cancelled while running'
                    WHEN 'queued' THEN CASE WHEN e.step = 'handed back' THEN 'handed back by a stopping worker'
                                            ELSE e.error END
                    ELSE e.error END AS error
FROM job_events s
LEFT JOIN LATERAL (
  SELECT n.state, n.error, n.step, n.created_at FROM job_events n
  WHERE n.job_id = s.job_id AND n.id > s.id AND n.type = 'state'
  ORDER BY n.id
  LIMIT 1) e ON true
WHERE s.type = 'state' AND s.state = 'running';
