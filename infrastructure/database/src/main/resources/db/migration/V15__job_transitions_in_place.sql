-- A job's start changes only columns no index holds, so PostgreSQL writes it in place on the row's own page (a
-- HOT update): no new entry in any of the table's indexes. The index of unfinished jobs was on (kind, state),
-- which made every start (queued to running) add an entry to all three indexes.
--
-- Unfinished now means finished_at IS NULL, and the constraint keeps that equal to the state being queued or
-- running, so whoever changes a job's state cannot let the two drift apart. Rows written before it are put right
-- first.
UPDATE jobs SET finished_at = NULL WHERE state IN ('queued', 'running') AND finished_at IS NOT NULL;
UPDATE jobs SET finished_at = updated_at WHERE state NOT IN ('queued', 'running') AND finished_at IS NULL;
ALTER TABLE jobs ADD CONSTRAINT jobs_finished_at_iff_ended
  CHECK ((finished_at IS NULL) = (state IN ('queued', 'running')));

DROP INDEX jobs_unfinished;
CREATE INDEX jobs_unfinished ON jobs (kind) WHERE finished_at IS NULL;

-- Room on each page for the new versions of its rows: a row is written three times within moments of its insert
-- (queued, running, ended), and an in-place update needs free space on the same page.
ALTER TABLE jobs SET (fillfactor = 60);
