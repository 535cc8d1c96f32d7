-- Accounts, keys and the token ledger. Amounts are thousandths of a token (6.4 tokens = 6400).
CREATE TABLE accounts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One balance per account and mode: test keys spend test tokens, live keys live tokens.
CREATE TABLE token_balances (
  account_id    text NOT NULL REFERENCES accounts(id),
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  balance_milli bigint NOT NULL DEFAULT 0 CHECK (balance_milli >= 0),
  held_milli    bigint NOT NULL DEFAULT 0 CHECK (held_milli >= 0),
  PRIMARY KEY (account_id, mode),
  CHECK (held_milli <= balance_milli)
);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts(id),
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  key_hash      text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  name          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

-- Append-only: every change of a balance is one row, written in the transaction that changes it.
CREATE TABLE ledger_entries (
  id            bigserial PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts(id),
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  kind          text NOT NULL CHECK (kind IN ('grant', 'hold', 'capture', 'release', 'refund')),
  amount_milli  bigint NOT NULL CHECK (amount_milli >= 0),
  generation_id text,
  note          text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, mode, created_at);
-- A generation is held, captured and released at most once.
CREATE UNIQUE INDEX ledger_entries_once ON ledger_entries (generation_id, kind)
  WHERE generation_id IS NOT NULL AND kind IN ('hold', 'capture', 'release');

CREATE TABLE assets (
  id                text PRIMARY KEY,
  account_id        text NOT NULL REFERENCES accounts(id),
  kind              text NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
  media_type        text NOT NULL,
  bytes             bigint NOT NULL,
  sha256            text NOT NULL,
  width             integer,
  height            integer,
  duration_seconds  double precision,
  has_audio         boolean,
  storage_key       text NOT NULL,
  source            text NOT NULL CHECK (source IN ('upload', 'data', 'output')),
  generation_id     text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_account ON assets (account_id, created_at DESC);

CREATE TABLE generations (
  id               text PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts(id),
  key_id           text NOT NULL REFERENCES api_keys(id),
  run_mode         text NOT NULL CHECK (run_mode IN ('test', 'live')),
  type             text NOT NULL,
  model            text NOT NULL,
  mode             text NOT NULL,
  variant          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  input            jsonb NOT NULL,
  quote            jsonb NOT NULL,
  hold_milli       bigint NOT NULL,
  charged_milli    bigint,
  provider         text,
  operation        jsonb,
  start_requested_at timestamptz,
  progress         double precision,
  outputs          jsonb NOT NULL DEFAULT '[]',
  error            jsonb,
  warnings         jsonb NOT NULL DEFAULT '[]',
  attempts         integer NOT NULL DEFAULT 0,
  idempotency_key  text,
  request_hash     text,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at       timestamptz,
  completed_at     timestamptz
);
CREATE INDEX generations_account_list ON generations (account_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX generations_idempotency ON generations (account_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- The work queue: one row per generation still to be driven. Claimed with FOR UPDATE SKIP LOCKED under a lease.
CREATE TABLE jobs (
  generation_id  text PRIMARY KEY REFERENCES generations(id),
  run_at         timestamptz NOT NULL DEFAULT now(),
  locked_by      text,
  locked_until   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at);
