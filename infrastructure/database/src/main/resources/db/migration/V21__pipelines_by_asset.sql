-- A recording's pipelines, newest first: its timeline, and the latest one beside it in the list of recordings.
CREATE INDEX pipelines_by_asset ON pipelines (project_id, asset_id, created_at DESC, id DESC);
