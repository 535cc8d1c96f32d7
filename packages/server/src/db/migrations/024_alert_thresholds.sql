-- Per-key budget alert thresholds.

-- The percentages of a key's daily and monthly budgets at which a `key.budget_threshold` alert is written (at most
-- 10 unique whole percentages from 1 to 100, kept in ascending order; an empty list: no budget alerts). NULL: the
-- thresholds of migration 021, 80 and 100. Each still fires once per threshold and budget period (the unique index
-- `alerts_once_per_period`). The create function reads the key's row at every create, so a change applies to the
-- next create on every process; no key cache holds it.
ALTER TABLE api_keys ADD COLUMN budget_alert_thresholds int[]
  CHECK (cardinality(budget_alert_thresholds) <= 10
    AND 1 <= ALL (budget_alert_thresholds) AND 100 >= ALL (budget_alert_thresholds));

-- The create function of migration 021, unchanged but for the thresholds it compares the spend with.
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
  v_pct int;
  v_thresholds int[];
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
    SELECT k.budget_daily_milli, k.budget_monthly_milli, k.budget_alert_thresholds
      INTO o_budget_day, o_budget_month, v_thresholds
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
    -- Budget alerts: the spend before this hold and after it, against each of the key's thresholds (80 and 100
    -- when it has none set); written only on a crossing.
    IF o_budget_day IS NOT NULL OR o_budget_month IS NOT NULL THEN
      FOREACH v_pct IN ARRAY coalesce(v_thresholds, ARRAY[80, 100]) LOOP
        IF o_budget_day IS NOT NULL AND o_spent_day * 100 < o_budget_day * v_pct
            AND (o_spent_day + v_amount) * 100 >= o_budget_day * v_pct THEN
          PERFORM reelay_budget_alert(v_account, v_mode, v_key, 'day', v_pct, o_budget_day, o_spent_day + v_amount);
        END IF;
        IF o_budget_month IS NOT NULL AND o_spent_month * 100 < o_budget_month * v_pct
            AND (o_spent_month + v_amount) * 100 >= o_budget_month * v_pct THEN
          PERFORM reelay_budget_alert(v_account, v_mode, v_key, 'month', v_pct, o_budget_month, o_spent_month + v_amount);
        END IF;
      END LOOP;
    END IF;
    o_kind := 'created';
    RETURN NEXT;
  END LOOP;
END $$;
