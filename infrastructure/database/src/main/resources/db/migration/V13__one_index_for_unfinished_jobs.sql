-- Unfinished jobs are found through jobs_unfinished (kind, state) alone. jobs_due (run_at of queued jobs) and
-- jobs_leased (lease expiry of running jobs) served only the sweeper, whose search they did not narrow: every due
-- queued job matches it, and the running ones are few. Each cost an index entry on every submission or start.
DROP INDEX jobs_due;
DROP INDEX jobs_leased;
