-- A client's Idempotency-Key names one submission per project; a repeat returns the job it made.
CREATE TABLE idempotency_keys (
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash  bytea NOT NULL,
  -- Deferred: the key is claimed first, then its job is inserted in the same transaction.
  job_id        uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
