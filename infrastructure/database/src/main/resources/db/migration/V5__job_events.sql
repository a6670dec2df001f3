-- Every job state change and progress report, in order: what live streams replay from (Last-Event-ID).
CREATE TABLE job_events (
  id          bigserial PRIMARY KEY,
  project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  type        text NOT NULL CHECK (type IN ('state', 'progress')),
  state       text NOT NULL,
  attempt     integer NOT NULL,
  error       text,
  progress    double precision CHECK (progress BETWEEN 0 AND 1),
  step        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_events_by_job ON job_events (job_id, id);
