-- API keys a project's admins manage themselves (GET/POST/DELETE /v1/keys): a name to tell them apart, the read role
-- (read everything, change nothing), and when each key was last used (kept to the minute, so that authenticating is
-- not a write per request). Keys made before this get an empty name and no last use.
ALTER TABLE api_keys ADD COLUMN name text NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'member', 'read'));
CREATE INDEX api_keys_by_project ON api_keys (project_id, created_at DESC);
