-- The id of the request that made a job or a pipeline (the client's X-Request-Id, or the one the edge made), so that
-- the log lines of its work, on whichever node runs it, are found by the request's id. A pipeline's later steps take
-- the pipeline's. Null for rows made before this, or outside any request. A nullable column without a default is
-- only a catalogue change: no row is rewritten.
ALTER TABLE jobs ADD COLUMN request_id text;
ALTER TABLE pipelines ADD COLUMN request_id text;

-- insert_jobs and insert_pipeline gain a parameter for it in R__job_transitions.sql, as new overloads: the old
-- signatures stay there, passing no id, for the previous release's nodes during a rolling upgrade.
