-- An attempt can end because its job was cancelled while it ran.
ALTER TABLE job_attempts DROP CONSTRAINT job_attempts_outcome_check;
ALTER TABLE job_attempts ADD CONSTRAINT job_attempts_outcome_check
  CHECK (outcome IN ('succeeded', 'failed', 'abandoned', 'cancelled'));
