-- Creates are decided by one function the database keeps (store/generations.ts `insertGenerations`): its
-- statements are planned once per connection and reused, where the same logic sent as SQL text with the values in
-- it was planned again for every create (the planning cost about as much as the work).

-- What a key has spent in the current UTC day or month, in milli-tokens: charges, and holds not yet settled.
-- The one definition: budgets at create time and the usage API both call it.
CREATE FUNCTION reelay_key_spend(p_key text, p_period text) RETURNS float8 LANGUAGE sql AS $$
  SELECT coalesce(sum(e.amount_milli), 0)::float8 FROM ledger_entries e
  WHERE e.key_id = p_key
    AND e.created_at >= date_trunc(p_period, clock_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    AND (e.kind = 'capture' OR (e.kind = 'hold' AND NOT EXISTS (
      SELECT 1 FROM ledger_entries c WHERE c.generation_id = e.generation_id AND c.kind IN ('capture', 'release'))))
$$;

-- Decides the creates in `p_creates` (a JSON array, in the order they came) in the calling transaction, one row
-- per create in the same order. The accounts of all of them are locked first, in id order; every later statement
-- takes a new snapshot, so it sees every create committed before the lock and every create before it here. A
-- create is, in this order: a duplicate (its Idempotency-Key is taken), refused by a limit (the account's queued
-- and running generations, the key's daily or monthly budget), short of tokens (the hold and the balance check are
-- one UPDATE), or created: the hold, the generation `queued`, its ledger entry and its job. Anything but `created`
-- writes nothing.
CREATE FUNCTION reelay_create_generations(p_creates jsonb, p_default_max_active int)
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
    -- Counted only up to the limit: whether it is reached is all that is asked.
    SELECT count(*)::int INTO v_active FROM (
      SELECT 1 FROM generations g WHERE g.account_id = v_account AND g.status IN ('queued', 'running')
      LIMIT o_max_active) AS n;
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
