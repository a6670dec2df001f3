-- What ffprobe read of an asset (container, duration, streams); null for assets stored before it was read.
ALTER TABLE assets ADD COLUMN media jsonb;

-- Resumable uploads (tus): each one an S3 multipart upload into the object its asset will have. The bytes received
-- are the parts listed in upload_parts, then a tail shorter than a part kept as an object of its own (tail_key), so
-- upload_offset = the parts' sizes + tail_size. The hash of the bytes in parts is kept as SHA-256's running state, so
-- completing an upload of any size hashes only its last part.
--
-- One PATCH at a time holds the lease (lease_token until lease_until); every write of a PATCH is conditional on its
-- token, so a PATCH from a node that died or was cut off can never move the offset. Part numbers are taken from
-- next_part and never handed out twice: a part a lost PATCH uploaded is never listed when the upload completes.
CREATE TABLE uploads (
  id             uuid PRIMARY KEY,
  project_id     uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  state          text NOT NULL CHECK (state IN ('receiving', 'completing', 'complete', 'failed', 'terminated',
                                                'expired')),
  upload_length  bigint CHECK (upload_length >= 0),
  upload_offset  bigint NOT NULL DEFAULT 0 CHECK (upload_offset >= 0),
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
  part_size      bigint NOT NULL CHECK (part_size >= 5242880),
  storage_key    text NOT NULL,
  multipart_id   text NOT NULL,
  next_part      integer NOT NULL DEFAULT 1 CHECK (next_part BETWEEN 1 AND 10001),
  sha256_state   bytea,
  tail_key       text,
  tail_size      bigint NOT NULL DEFAULT 0 CHECK (tail_size >= 0 AND tail_size < part_size),
  lease_token    uuid,
  lease_until    timestamptz,
  asset_id       uuid,
  pipeline_id    uuid,
  error          text,
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (upload_length IS NULL OR upload_offset <= upload_length)
);
CREATE INDEX uploads_to_expire ON uploads (expires_at) WHERE state IN ('receiving', 'completing');

CREATE TABLE upload_parts (
  upload_id    uuid NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  part_number  integer NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  etag         text NOT NULL,
  size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
  PRIMARY KEY (upload_id, part_number)
);
