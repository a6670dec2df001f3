-- Collaborative documents: each one an append-only log of Yjs updates (format v1). An update is a row here before
-- any other client sees it. `head` is the position of the document's last update: writers take the next positions
-- by raising it (the row lock orders writers on every node), so positions are gap-free per document, and a collab
-- node that misses a relayed update sees the gap and reads the rows it lacks.
CREATE TABLE documents (
  id          bigserial PRIMARY KEY,
  project_id  uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  head        bigint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, name)
);

-- Compaction replaces the rows up to a position with one row at that position holding their merge, in one
-- transaction: a reader sees either the rows or their merge, and a node catching up from a position before the
-- merge gets content it partly has (applying a Yjs update twice changes nothing).
CREATE TABLE document_updates (
  document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  position    bigint NOT NULL,
  update      bytea NOT NULL,
  PRIMARY KEY (document_id, position)
);
