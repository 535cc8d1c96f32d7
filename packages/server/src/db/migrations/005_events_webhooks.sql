-- Events and webhooks: every status change and progress step of a generation becomes a row, written by a
-- trigger so that no code path (in any process) can forget it, and announced with NOTIFY.
ALTER TABLE generations ADD COLUMN webhook_url text;

CREATE TABLE generation_events (
  id             bigserial PRIMARY KEY,
  generation_id  text NOT NULL,
  account_id     text NOT NULL,
  type           text NOT NULL,
  status         text NOT NULL,
  progress       double precision,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX generation_events_generation ON generation_events (generation_id, id);

-- One signing secret per account (whsec_…); after a rotation the previous one also signs for a while.
CREATE TABLE webhook_secrets (
  account_id           text PRIMARY KEY REFERENCES accounts(id),
  secret               text NOT NULL,
  previous_secret      text,
  previous_expires_at  timestamptz,
  rotated_at           timestamptz NOT NULL DEFAULT now()
);

-- One row per message to send (its id is the webhook-id); retried from here by any process.
CREATE TABLE webhook_deliveries (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  generation_id    text NOT NULL,
  event_id         bigint NOT NULL,
  event_type       text NOT NULL,
  url              text NOT NULL,
  -- The generation as it was at the event, so retries and replays send the same data.
  snapshot         jsonb NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Retries stop this long after retrying began (created, or replayed on demand).
  retry_from       timestamptz NOT NULL DEFAULT clock_timestamp(),
  locked_by        text,
  locked_until     timestamptz,
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
  id            bigserial PRIMARY KEY,
  delivery_id   text NOT NULL REFERENCES webhook_deliveries(id),
  started_at    timestamptz NOT NULL,
  duration_ms   integer NOT NULL,
  status        integer,
  error         text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE FUNCTION reelay_generation_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text;
  event_id bigint;
  delivery_id text;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    kind := 'generation.' || NEW.status;
  ELSIF NEW.progress IS DISTINCT FROM OLD.progress THEN
    kind := 'generation.progress';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO generation_events (generation_id, account_id, type, status, progress)
    VALUES (NEW.id, NEW.account_id, kind, NEW.status, NEW.progress)
    RETURNING id INTO event_id;
  PERFORM pg_notify('reelay_generation_events', NEW.id || ' ' || event_id);
  -- Webhooks tell what the creator could not know yet: that it started, and how it ended.
  IF NEW.webhook_url IS NOT NULL AND TG_OP = 'UPDATE' AND kind <> 'generation.progress' THEN
    delivery_id := 'msg_' || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO webhook_deliveries (id, account_id, generation_id, event_id, event_type, url, snapshot)
      VALUES (delivery_id, NEW.account_id, NEW.id, event_id, kind, NEW.webhook_url, to_jsonb(NEW));
    PERFORM pg_notify('reelay_webhooks', delivery_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER generation_events AFTER INSERT OR UPDATE OF status, progress ON generations
  FOR EACH ROW EXECUTE FUNCTION reelay_generation_event();

-- Generations from before events existed start with their current state.
INSERT INTO generation_events (generation_id, account_id, type, status, progress, created_at)
  SELECT id, account_id, 'generation.' || status, status, progress, COALESCE(completed_at, created_at)
  FROM generations ORDER BY created_at;
