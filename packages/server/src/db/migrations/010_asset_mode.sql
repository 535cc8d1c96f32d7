-- Test and live are two worlds of an account: an asset belongs to the mode of the key that made it (an upload,
-- a fetched or decoded input) or of the generation that made it (an output), and is seen only in that mode.
ALTER TABLE assets ADD COLUMN mode text CHECK (mode IN ('test', 'live'));

-- Assets from before: an output takes its generation's mode; an input the mode of the first generation that
-- named it; one no generation named the mode of its account's first key (the key that most likely sent it).
UPDATE assets a SET mode = g.run_mode FROM generations g WHERE a.generation_id = g.id;
UPDATE assets a SET mode = (
  SELECT g.run_mode FROM generations g
  WHERE g.account_id = a.account_id AND g.media_refs @> jsonb_build_array(jsonb_build_object('assetId', a.id))
  ORDER BY g.created_at LIMIT 1)
WHERE a.mode IS NULL;
UPDATE assets a SET mode = coalesce(
  (SELECT k.mode FROM api_keys k WHERE k.account_id = a.account_id ORDER BY k.created_at LIMIT 1), 'test')
WHERE a.mode IS NULL;
ALTER TABLE assets ALTER COLUMN mode SET NOT NULL;

DROP INDEX assets_account;
CREATE INDEX assets_account ON assets (account_id, mode, created_at DESC);

-- A generation's Idempotency-Key is the caller's within its mode: a test key reusing a live request's key makes a
-- test generation of its own instead of being answered with the live one.
DROP INDEX generations_idempotency;
CREATE UNIQUE INDEX generations_idempotency ON generations (account_id, run_mode, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
