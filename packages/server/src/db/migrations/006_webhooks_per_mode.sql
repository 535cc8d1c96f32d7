-- Test and live are kept apart for webhooks too: each mode of an account has its own signing secret, and a
-- delivery belongs to the mode of its generation, so a test key can neither read nor rotate the secret that signs
-- live messages, nor see, inspect or replay live deliveries.
ALTER TABLE webhook_secrets ADD COLUMN mode text NOT NULL DEFAULT 'live' CHECK (mode IN ('test', 'live'));
ALTER TABLE webhook_secrets ALTER COLUMN mode DROP DEFAULT;
ALTER TABLE webhook_secrets DROP CONSTRAINT webhook_secrets_pkey;
ALTER TABLE webhook_secrets ADD PRIMARY KEY (account_id, mode);
-- A secret from before the split keeps signing both modes (receivers keep working); rotating it with a live key
-- gives live its own.
INSERT INTO webhook_secrets (account_id, mode, secret, previous_secret, previous_expires_at, rotated_at)
  SELECT account_id, 'test', secret, previous_secret, previous_expires_at, rotated_at FROM webhook_secrets;

ALTER TABLE webhook_deliveries ADD COLUMN mode text;
UPDATE webhook_deliveries d SET mode = g.run_mode FROM generations g WHERE g.id = d.generation_id;
UPDATE webhook_deliveries SET mode = 'live' WHERE mode IS NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN mode SET NOT NULL;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_mode CHECK (mode IN ('test', 'live'));
DROP INDEX webhook_deliveries_account;
CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account_id, mode, created_at DESC, id DESC);

CREATE OR REPLACE FUNCTION reelay_generation_event() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO webhook_deliveries (id, account_id, mode, generation_id, event_id, event_type, url, snapshot)
      VALUES (delivery_id, NEW.account_id, NEW.run_mode, NEW.id, event_id, kind, NEW.webhook_url, to_jsonb(NEW));
    PERFORM pg_notify('reelay_webhooks', delivery_id);
  END IF;
  RETURN NULL;
END $$;
