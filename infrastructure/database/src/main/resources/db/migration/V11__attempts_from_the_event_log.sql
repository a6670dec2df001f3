-- A job's attempts are read from its event log instead of being written twice. Every attempt starts with a
-- 'running' state event (which now names the worker) and ends with the job's next state event: 'succeeded',
-- 'failed' or 'queued' (a failure with a retry to come), 'cancelled', or the next attempt's 'running' when another
-- worker took the job over after the lease expired. That was an insert and an update per job less.
ALTER TABLE job_events ADD COLUMN worker text;

UPDATE job_events e SET worker = a.worker
FROM job_attempts a
WHERE e.job_id = a.job_id AND e.attempt = a.attempt AND e.type = 'state' AND e.state = 'running';

DROP TABLE job_attempts;

CREATE VIEW job_attempts AS
SELECT s.job_id, s.attempt, s.worker, s.created_at AS started_at, e.created_at AS finished_at,
       CASE e.state WHEN 'succeeded' THEN 'succeeded' WHEN 'failed' THEN 'failed' WHEN 'queued' THEN 'failed'
                    WHEN 'cancelled' THEN 'cancelled' WHEN 'running' THEN 'abandoned' END AS outcome,
       CASE e.state WHEN 'running' THEN 'lease expired' WHEN 'cancelled' THEN 'cancelled while running'
                    ELSE e.error END AS error
FROM job_events s
LEFT JOIN LATERAL (
  SELECT n.state, n.error, n.created_at FROM job_events n
  WHERE n.job_id = s.job_id AND n.id > s.id AND n.type = 'state'
  ORDER BY n.id
  LIMIT 1) e ON true
WHERE s.type = 'state' AND s.state = 'running';

CREATE OR REPLACE FUNCTION delete_job_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM job_events e USING deleted_jobs d WHERE e.job_id = d.id;
  RETURN NULL;
END;
$$;
