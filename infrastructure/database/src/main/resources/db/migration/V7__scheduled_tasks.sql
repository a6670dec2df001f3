-- Recurring tasks: the latest tick each has run, claimed by one node at a time with a fencing token.
CREATE TABLE scheduled_tasks (
  name           text PRIMARY KEY,
  last_tick      timestamptz NOT NULL DEFAULT '-infinity',
  fencing_token  bigint NOT NULL DEFAULT 0,
  last_node      text
);

-- One row per tick run: the history, and proof that no tick ran twice.
CREATE TABLE scheduled_task_runs (
  name           text NOT NULL REFERENCES scheduled_tasks (name) ON DELETE CASCADE,
  tick           timestamptz NOT NULL,
  fencing_token  bigint NOT NULL,
  node           text NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  result         text,
  PRIMARY KEY (name, tick)
);
