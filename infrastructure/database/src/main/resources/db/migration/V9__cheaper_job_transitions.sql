-- Every job makes three state changes (queued, running, finished), each a row version, an attempt write and an
-- event. These keep each of them cheap.

-- No query reads jobs by project and creation time; (project_id, id) serves every scoped lookup.
DROP INDEX jobs_by_project;
-- Unfinished jobs are looked up by kind and state only; updated_at in the key changed the index on every write.
DROP INDEX jobs_unfinished;
CREATE INDEX jobs_unfinished ON jobs (kind, state) WHERE state IN ('queued', 'running');
-- A job's asset is in the job's project (the composite key says so), so one key check per new job does for both;
-- the job now goes with its asset, and so with its project.
ALTER TABLE jobs DROP CONSTRAINT jobs_project_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT jobs_project_id_asset_id_fkey;
ALTER TABLE jobs ADD CONSTRAINT jobs_project_id_asset_id_fkey
  FOREIGN KEY (project_id, asset_id) REFERENCES assets (project_id, id) ON DELETE CASCADE;
-- An event's project is its job's: the job's foreign key, with its cascade, is enough.
ALTER TABLE job_events DROP CONSTRAINT job_events_project_id_fkey;

-- Webhook deliveries from one trigger call per statement instead of one per event row. The LATERAL lookups keep
-- them index lookups whatever the planner guesses about the new events.
DROP TRIGGER job_events_webhooks ON job_events;
DROP FUNCTION enqueue_webhook_delivery();

CREATE FUNCTION enqueue_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
  SELECT e.project_id, e.job_id, e.id, 'job.' || e.state, j.webhook_url,
         jsonb_build_object(
           'type', 'job.' || e.state,
           'timestamp', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'data', jsonb_build_object('jobId', e.job_id, 'state', e.state, 'attempt', e.attempt,
                                      'error', e.error, 'eventId', e.id))
  FROM new_events e
  CROSS JOIN LATERAL (SELECT webhook_url FROM jobs WHERE jobs.id = e.job_id) j
  WHERE e.type = 'state' AND j.webhook_url IS NOT NULL
  ORDER BY e.id;

  INSERT INTO webhook_deliveries (project_id, job_id, event_id, event_type, url, payload)
  SELECT e.project_id, e.job_id, e.id, 'pipeline.' || e.state, p.webhook_url,
         jsonb_build_object(
           'type', 'pipeline.' || e.state,
           'timestamp', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'data', jsonb_build_object('pipelineId', p.id, 'state', e.state, 'step', e.step, 'jobId', e.job_id,
                                      'progress', e.progress, 'error', e.error, 'eventId', e.id))
  FROM new_events e
  CROSS JOIN LATERAL (SELECT pipelines.id, pipelines.webhook_url FROM jobs JOIN pipelines ON pipelines.id = jobs.pipeline_id
                      WHERE jobs.id = e.job_id) p
  WHERE e.type = 'pipeline' AND p.webhook_url IS NOT NULL
  ORDER BY e.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER job_events_webhooks AFTER INSERT ON job_events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION enqueue_webhook_deliveries();
