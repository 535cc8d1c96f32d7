-- Per-account limits (NULL: the gateway's configured default).
ALTER TABLE accounts ADD COLUMN max_concurrent_generations integer CHECK (max_concurrent_generations > 0);
ALTER TABLE accounts ADD COLUMN key_rate_per_minute integer CHECK (key_rate_per_minute > 0);

-- Per-key budgets in thousandths of a token (NULL: no budget).
ALTER TABLE api_keys ADD COLUMN budget_daily_milli bigint CHECK (budget_daily_milli >= 0);
ALTER TABLE api_keys ADD COLUMN budget_monthly_milli bigint CHECK (budget_monthly_milli >= 0);

-- Which key spent it: budgets and usage per key are read from the ledger itself.
ALTER TABLE ledger_entries ADD COLUMN key_id text;
CREATE INDEX ledger_entries_key ON ledger_entries (key_id, created_at) WHERE key_id IS NOT NULL;

CREATE INDEX generations_active ON generations (account_id) WHERE status IN ('queued', 'running');

-- Fixed one-minute windows of requests per key, shared by every server process.
CREATE TABLE rate_windows (
  key_id        text NOT NULL,
  window_start  timestamptz NOT NULL,
  count         integer NOT NULL,
  PRIMARY KEY (key_id, window_start)
);

-- Responses remembered for 24 h per account and Idempotency-Key. status NULL: the first request is still running.
CREATE TABLE idempotency_keys (
  account_id    text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  body          jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
