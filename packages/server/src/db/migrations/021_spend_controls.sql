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

-- Alerts, decided in the transaction of the balance change that crosses them: an account's balance falling below
-- its threshold (`accounts.low_balance_milli`, checked by a trigger whenever a statement lowers a balance: captures,
-- never the holds of a create), and a key's spend (captures and open holds, as budgets count it) reaching 80 % and
-- 100 % of its daily or monthly budget (compared by the create function with the spend it already read). A budget
-- alert is written once per threshold and budget period (the unique index); a balance alert once per crossing from
-- at or above the threshold to below it.
ALTER TABLE accounts ADD COLUMN low_balance_milli bigint CHECK (low_balance_milli >= 0);
CREATE TABLE alerts (
  id           bigserial PRIMARY KEY,
  account_id   text NOT NULL,
  mode         text NOT NULL CHECK (mode IN ('test', 'live')),
  type         text NOT NULL CHECK (type IN ('account.balance_low', 'key.budget_threshold')),
  key_id       text,
  period       text CHECK (period IN ('day', 'month')),
  period_start timestamptz,
  percent      int,
  details      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Balance alerts have no key, period or percent, so they never collide here.
CREATE UNIQUE INDEX alerts_once_per_period ON alerts (key_id, period, period_start, percent);
CREATE INDEX alerts_owner ON alerts (account_id, mode, id);

CREATE FUNCTION reelay_budget_alert(p_account text, p_mode text, p_key text, p_period text, p_percent int,
  p_budget bigint, p_spent float8) RETURNS void LANGUAGE sql AS $$
  INSERT INTO alerts (account_id, mode, type, key_id, period, period_start, percent, details)
  VALUES (p_account, p_mode, 'key.budget_threshold', p_key, p_period,
    date_trunc(p_period, clock_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', p_percent,
    jsonb_build_object('budgetMilli', p_budget, 'spentMilli', p_spent))
  ON CONFLICT (key_id, period, period_start, percent) DO NOTHING
$$;

CREATE FUNCTION reelay_balance_low() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_threshold bigint;
BEGIN
  SELECT a.low_balance_milli INTO v_threshold FROM accounts a WHERE a.id = NEW.account_id;
  IF v_threshold IS NOT NULL AND OLD.balance_milli >= v_threshold AND NEW.balance_milli < v_threshold THEN
    INSERT INTO alerts (account_id, mode, type, details)
    VALUES (NEW.account_id, NEW.mode, 'account.balance_low',
      jsonb_build_object('thresholdMilli', v_threshold, 'balanceMilli', NEW.balance_milli));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER token_balances_low AFTER UPDATE OF balance_milli ON token_balances
  FOR EACH ROW WHEN (NEW.balance_milli < OLD.balance_milli) EXECUTE FUNCTION reelay_balance_low();

-- The create function of migration 019, storing the key's provider list on the generation and deciding budget
-- alerts.
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
    -- Budget alerts: the spend before this hold and after it, against each threshold; written only on a crossing.
    IF o_budget_day IS NOT NULL OR o_budget_month IS NOT NULL THEN
      FOREACH v_pct IN ARRAY ARRAY[80, 100] LOOP
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

-- Alerts are also webhooks: when the account has an alert URL, the transaction that writes an alert queues its
-- delivery in the same table as a generation's (any process sends it, with retries). Such a delivery has no
-- generation; its snapshot is the alert.
ALTER TABLE accounts ADD COLUMN alert_webhook_url text;
ALTER TABLE webhook_deliveries ALTER COLUMN generation_id DROP NOT NULL;

CREATE FUNCTION reelay_alert_webhook() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_url text;
  v_id text;
BEGIN
  SELECT a.alert_webhook_url INTO v_url FROM accounts a WHERE a.id = NEW.account_id;
  IF v_url IS NOT NULL THEN
    v_id := 'msg_' || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO webhook_deliveries (id, account_id, mode, generation_id, event_id, event_type, url, snapshot)
      VALUES (v_id, NEW.account_id, NEW.mode, NULL, NEW.id, NEW.type, v_url, to_jsonb(NEW));
    PERFORM pg_notify('reelay_webhooks', v_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER alerts_webhook AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION reelay_alert_webhook();
