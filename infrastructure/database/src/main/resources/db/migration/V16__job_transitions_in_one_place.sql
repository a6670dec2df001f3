-- The job transitions now live in R__job_transitions.sql, each in one function that changes in place. Two of V12's
-- change their signature there and are dropped here first: insert_jobs also takes a job's pipeline step and whether
-- its entry is published (so a pipeline's steps are inserted by it too), and finish_job_attempts is
-- succeed_job_attempts (failures finish attempts as well).
DROP FUNCTION insert_jobs(uuid[], uuid[], text[], uuid[], text[], integer[], text[]);
DROP FUNCTION finish_job_attempts(uuid[], integer[]);
