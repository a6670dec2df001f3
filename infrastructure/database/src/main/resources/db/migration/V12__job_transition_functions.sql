-- The job engine's batch writes (submit, start, finish, renew) as functions, each with the planner settings that
-- make one plan right at any table size. The pool asks for a fresh plan per execution (plan_cache_mode
-- force_custom_plan), which is safe for ad-hoc lookups but made planning a third of the engine's PostgreSQL time,
-- the foreign-key checks' queries included. Here plans are cached (plan_cache_mode auto), and the only plan left
-- to the planner is the right one: a nested loop from the array of ids into the primary key. A cached plan made
-- while the table was small would otherwise keep scanning it whole as it grows.

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
    INSERT INTO job_events (project_id, job_id, type, state, attempt)
    SELECT job.project_id, job.id, 'state', job.state, job.attempts FROM job)
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
    INSERT INTO job_events (project_id, job_id, type, state, attempt, worker)
    SELECT started.project_id, started.id, 'state', started.state, started.attempts, start_job_attempts.worker
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
    RETURNING j.project_id, j.id, j.state, j.attempts),
  event AS (
    INSERT INTO job_events (project_id, job_id, type, state, attempt)
    SELECT done.project_id, done.id, 'state', done.state, done.attempts FROM done)
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
