-- The local renderer's work, shared by every worker process like an upstream's: one row per run of a render (a
-- render is the operation stored on a generation; it runs again only when the process running it is gone).
-- owner names the process, lease_until is renewed by it while it renders and while it keeps the finished output
-- in its renders folder (folder, named after the run), so a run whose lease has lapsed belongs to a process that
-- died. A new run marks the lapsed one 'lost' in the same statement, so a render is taken over by one worker.
CREATE TABLE local_renders (
  render_id     text NOT NULL,
  run           integer NOT NULL,
  generation_id text NOT NULL,
  folder        text NOT NULL UNIQUE,
  owner         text NOT NULL,
  state         text NOT NULL DEFAULT 'rendering' CHECK (state IN ('rendering', 'done', 'failed', 'lost')),
  progress      real NOT NULL DEFAULT 0,
  error         text,
  lease_until   timestamptz NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  PRIMARY KEY (render_id, run)
);
CREATE INDEX local_renders_generation ON local_renders (generation_id);
CREATE INDEX local_renders_owner ON local_renders (owner) WHERE state IN ('rendering', 'done');
