-- An account's queued and running generations are counted as they start and end, so the concurrency check of a
-- create reads one or two rows instead of counting the account's open generations (with a high limit, every
-- create counted thousands). A trigger keeps the counts, whichever statement moves a generation in or out of
-- queued/running; a create reads them under its account lock, as it read the generations.
CREATE TABLE active_generations (
  account_id text NOT NULL REFERENCES accounts(id),
  mode       text NOT NULL CHECK (mode IN ('test', 'live')),
  n          int NOT NULL DEFAULT 0 CHECK (n >= 0),
  PRIMARY KEY (account_id, mode)
);

INSERT INTO active_generations (account_id, mode, n)
  SELECT account_id, run_mode, count(*)::int FROM generations WHERE status IN ('queued', 'running')
  GROUP BY account_id, run_mode;

CREATE FUNCTION reelay_count_active() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := false;
  now_active boolean := NEW.status IN ('queued', 'running');
BEGIN
  IF TG_OP = 'UPDATE' THEN
    was := OLD.status IN ('queued', 'running');
  END IF;
  IF now_active AND NOT was THEN
    INSERT INTO active_generations (account_id, mode, n) VALUES (NEW.account_id, NEW.run_mode, 1)
      ON CONFLICT (account_id, mode) DO UPDATE SET n = active_generations.n + 1;
  ELSIF was AND NOT now_active THEN
    UPDATE active_generations SET n = n - 1 WHERE account_id = NEW.account_id AND mode = NEW.run_mode;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER generations_active_count AFTER INSERT OR UPDATE OF status ON generations
  FOR EACH ROW EXECUTE FUNCTION reelay_count_active();

-- The create function of migration 017, with the concurrency check reading the counts.
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
      media_refs, quote, hold_milli, provider, idempotency_key, request_hash, webhook_url)
    VALUES (c ->> 'id', v_account, v_key, v_mode, c ->> 'type', c ->> 'model', c ->> 'mode', c ->> 'variant',
      'queued', c -> 'input', c -> 'mediaRefs', c -> 'quote', v_amount, c ->> 'provider',
      c ->> 'idempotencyKey', c ->> 'requestHash', c ->> 'webhookUrl');
    INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
    VALUES (v_account, v_mode, 'hold', v_amount, c ->> 'id', '', v_key);
    INSERT INTO jobs (generation_id) VALUES (c ->> 'id');
    o_kind := 'created';
    RETURN NEXT;
  END LOOP;
END $$;
