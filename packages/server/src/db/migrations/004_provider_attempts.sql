-- Every call that asked an upstream to start the generation, in order: [{seq, provider, upstreamId, outcome,
-- error, at}]. An entry is appended before the call goes out, so a crash mid-call leaves it 'requested'.
ALTER TABLE generations ADD COLUMN provider_attempts jsonb NOT NULL DEFAULT '[]';
-- Upstream calls that failed in a row (rate limits, 5xx, timeouts) since the last one that went through.
ALTER TABLE generations ADD COLUMN provider_retries integer NOT NULL DEFAULT 0;
-- Callbacks find their generation by provider and upstream id.
CREATE INDEX generations_provider_attempts ON generations USING gin (provider_attempts jsonb_path_ops);

-- One row per capped provider, locked while a slot is taken so all processes decide one at a time.
CREATE TABLE provider_capacity (
  provider  text PRIMARY KEY
);

-- A generation holding a slot of a provider. Slots of generations that reached a final state no longer count.
CREATE TABLE provider_slots (
  provider       text NOT NULL,
  generation_id  text NOT NULL REFERENCES generations(id),
  acquired_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (provider, generation_id)
);
