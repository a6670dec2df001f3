-- Every row belongs to a project; composite keys make a cross-project reference impossible.

CREATE TABLE projects (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          uuid PRIMARY KEY,
  project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  key_hash    bytea NOT NULL UNIQUE,
  key_prefix  text NOT NULL,
  role        text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE TABLE assets (
  id            uuid PRIMARY KEY,
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  filename      text,
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, id)
);
CREATE INDEX assets_by_project ON assets (project_id, created_at DESC);

CREATE TABLE jobs (
  id           uuid PRIMARY KEY,
  project_id   uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  kind         text NOT NULL,
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  asset_id     uuid NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempts     integer NOT NULL DEFAULT 0,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  UNIQUE (project_id, id),
  FOREIGN KEY (project_id, asset_id) REFERENCES assets (project_id, id)
);
CREATE INDEX jobs_by_project ON jobs (project_id, created_at DESC);
CREATE INDEX jobs_unfinished ON jobs (kind, state, updated_at) WHERE state IN ('queued', 'running');

-- One row per run of a job: the job's history across workers and retries.
CREATE TABLE job_attempts (
  job_id       uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  worker       text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  outcome      text CHECK (outcome IN ('succeeded', 'failed', 'abandoned')),
  error        text,
  PRIMARY KEY (job_id, attempt)
);

-- Keyed by job: a job that runs twice writes one transcript.
CREATE TABLE transcripts (
  job_id            uuid PRIMARY KEY,
  project_id        uuid NOT NULL,
  asset_id          uuid NOT NULL,
  engine            text NOT NULL,
  language          text NOT NULL,
  duration_seconds  double precision NOT NULL,
  text              text NOT NULL,
  words             jsonb NOT NULL,
  files             jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (project_id, job_id) REFERENCES jobs (project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (project_id, asset_id) REFERENCES assets (project_id, id)
);
