-- Spend and access controls.

-- Per-key allowlists: the models a key may create generations of, and the providers its generations may run on
-- (NULL: any). A generation keeps the provider list of the key that made it, so the worker routes it within that
-- list whenever it starts (or fails over), whatever happens to the key afterwards.
ALTER TABLE api_keys ADD COLUMN allowed_models text[], ADD COLUMN allowed_providers text[];
ALTER TABLE generations ADD COLUMN allowed_providers text[];

-- A changed allowlist is announced like a revocation (migration 016), so every process forgets the key at once.
DROP TRIGGER api_keys_changed ON api_keys;
CREATE TRIGGER api_keys_changed
  AFTER UPDATE OF revoked_at, key_hash, account_id, mode, allowed_models, allowed_providers OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION reelay_key_changed();

-- The create function of migration 019, storing the key's provider list on the generation.
CREATE OR REPLACE FUNCTION reelay_create_generations(p_creates jsonb, p_default_max_active int)
RETURNS TABLE (o_kind text, o_refused text, o_max_active int, o_budget_day bigint, o_budget_month bigint,
  o_spent_day float8, o_spent_month float8, o_available_milli bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  c jsonb;
  v_account text;
  v_mode text;
  v_key text;
  v_amount bigint;
  v_active int;
BEGIN
  PERFORM 1 FROM accounts
    WHERE id IN (SELECT DISTINCT x ->> 'accountId' FROM jsonb_array_elements(p_creates) AS x)
    ORDER BY id FOR NO KEY UPDATE;
  FOR c IN SELECT value FROM jsonb_array_elements(p_creates) LOOP
    v_account := c ->> 'accountId';
    v_mode := c ->> 'runMode';
    v_key := c ->> 'keyId';
    v_amount := (c ->> 'quoteMilli')::bigint;
    o_kind := NULL; o_refused := NULL; o_budget_day := NULL; o_budget_month := NULL;
    o_spent_day := 0; o_spent_month := 0; o_available_milli := NULL;
    SELECT coalesce(a.max_concurrent_generations, p_default_max_active) INTO o_max_active
      FROM accounts a WHERE a.id = v_account;
    o_max_active := coalesce(o_max_active, p_default_max_active);
    IF c ->> 'idempotencyKey' IS NOT NULL AND EXISTS (
        SELECT 1 FROM generations g WHERE g.account_id = v_account AND g.run_mode = v_mode
          AND g.idempotency_key = c ->> 'idempotencyKey') THEN
      o_kind := 'duplicate_key';
      RETURN NEXT;
      CONTINUE;
    END IF;
    SELECT coalesce(sum(a.n), 0)::int INTO v_active FROM active_generations a WHERE a.account_id = v_account;
    SELECT k.budget_daily_milli, k.budget_monthly_milli INTO o_budget_day, o_budget_month
      FROM api_keys k WHERE k.id = v_key;
    IF o_budget_day IS NOT NULL THEN o_spent_day := reelay_key_spend(v_key, 'day'); END IF;
    IF o_budget_month IS NOT NULL THEN o_spent_month := reelay_key_spend(v_key, 'month'); END IF;
    o_refused := CASE
      WHEN v_active >= o_max_active THEN 'concurrency'
      WHEN o_budget_day IS NOT NULL AND o_spent_day + v_amount > o_budget_day THEN 'day'
      WHEN o_budget_month IS NOT NULL AND o_spent_month + v_amount > o_budget_month THEN 'month'
    END;
    IF o_refused IS NOT NULL THEN
      o_kind := 'refused';
      RETURN NEXT;
      CONTINUE;
    END IF;
    UPDATE token_balances SET held_milli = held_milli + v_amount
      WHERE account_id = v_account AND mode = v_mode AND balance_milli - held_milli >= v_amount;
    IF NOT FOUND THEN
      SELECT b.balance_milli - b.held_milli INTO o_available_milli
        FROM token_balances b WHERE b.account_id = v_account AND b.mode = v_mode;
      o_kind := 'insufficient';
      o_available_milli := coalesce(o_available_milli, 0);
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input,
      media_refs, quote, hold_milli, provider, idempotency_key, request_hash, webhook_url, allowed_providers)
    VALUES (c ->> 'id', v_account, v_key, v_mode, c ->> 'type', c ->> 'model', c ->> 'mode', c ->> 'variant',
      'queued', c -> 'input', c -> 'mediaRefs', c -> 'quote', v_amount, c ->> 'provider',
      c ->> 'idempotencyKey', c ->> 'requestHash', c ->> 'webhookUrl',
      CASE WHEN jsonb_typeof(c -> 'allowedProviders') = 'array'
        THEN ARRAY(SELECT jsonb_array_elements_text(c -> 'allowedProviders')) END);
    INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
    VALUES (v_account, v_mode, 'hold', v_amount, c ->> 'id', '', v_key);
    INSERT INTO jobs (generation_id) VALUES (c ->> 'id');
    o_kind := 'created';
    RETURN NEXT;
  END LOOP;
END $$;

-- The operator's record of changes to money and access: keys made, changed and revoked, tokens granted, account
-- settings changed. Each row is written in the transaction of the change it records, so one never commits
-- without the other. `actor` is `admin` (the admin key) or the id of the key that asked; `client_ip` the address
-- the request came from as the gateway saw it.
CREATE TABLE audit_events (
  id         bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor      text NOT NULL,
  client_ip  text,
  action     text NOT NULL,
  account_id text,
  target_id  text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_account ON audit_events (account_id, id);
