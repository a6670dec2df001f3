-- Leases and retries live in the job row, so PostgreSQL alone decides who may run a job and when.

ALTER TABLE jobs
  ADD COLUMN max_attempts      integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  -- A queued job is not run before this time (retry backoff).
  ADD COLUMN run_at            timestamptz NOT NULL DEFAULT now(),
  -- When an entry naming the job was last added to its Redis stream; the sweeper re-publishes stale ones.
  ADD COLUMN published_at      timestamptz,
  -- The worker running the job and until when its lease holds; renewed by the worker's heartbeat.
  ADD COLUMN lease_owner       text,
  ADD COLUMN lease_expires_at  timestamptz,
  ADD COLUMN cancel_requested  boolean NOT NULL DEFAULT false;

CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
