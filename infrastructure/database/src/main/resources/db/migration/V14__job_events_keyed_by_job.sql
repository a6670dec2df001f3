-- Events are only ever read by job (a stream, a pipeline's jobs, a job's attempts), so the job and the event id
-- are the key; the separate index on the id alone cost an entry for each of the three events every job writes.
-- Ids still come from the sequence, so each is unique on its own.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey;
ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
ALTER TABLE job_events ADD PRIMARY KEY (job_id, id);
DROP INDEX job_events_by_job;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_fkey
  FOREIGN KEY (job_id, event_id) REFERENCES job_events (job_id, id) ON DELETE CASCADE;
