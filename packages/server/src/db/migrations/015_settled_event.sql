-- A generation can be settled after it ended: one canceled while an upstream may be working keeps its hold until the
-- upstream answers, then is released, or charged with its outputs kept when the upstream had already finished.
-- That settlement is an event of its own, `generation.settled` (and a webhook, since the receiver was told
-- `generation.canceled` before the money moved). While a generation runs, a change of `reconciling` (the gateway
-- starts or stops waiting for an upstream's answer) is a `generation.progress` event, so a stream shows it.
CREATE OR REPLACE FUNCTION reelay_generation_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text;
  event_id bigint;
  delivery_id text;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    kind := 'generation.' || NEW.status;
  ELSIF NEW.status IN ('succeeded', 'failed', 'canceled') THEN
    IF NEW.charged_milli IS DISTINCT FROM OLD.charged_milli OR NEW.outputs IS DISTINCT FROM OLD.outputs
      OR NEW.reconciling IS DISTINCT FROM OLD.reconciling THEN
      kind := 'generation.settled';
    ELSE
      RETURN NULL;
    END IF;
  ELSIF NEW.progress IS DISTINCT FROM OLD.progress OR NEW.reconciling IS DISTINCT FROM OLD.reconciling THEN
    kind := 'generation.progress';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO generation_events (generation_id, account_id, type, status, progress)
    VALUES (NEW.id, NEW.account_id, kind, NEW.status, NEW.progress)
    RETURNING id INTO event_id;
  PERFORM pg_notify('reelay_generation_events', NEW.id || ' ' || event_id);
  -- Webhooks tell what the creator could not know yet: that it started, how it ended, and how it was settled.
  IF NEW.webhook_url IS NOT NULL AND TG_OP = 'UPDATE' AND kind <> 'generation.progress' THEN
    delivery_id := 'msg_' || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO webhook_deliveries (id, account_id, mode, generation_id, event_id, event_type, url, snapshot)
      VALUES (delivery_id, NEW.account_id, NEW.run_mode, NEW.id, event_id, kind, NEW.webhook_url, to_jsonb(NEW));
    PERFORM pg_notify('reelay_webhooks', delivery_id);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER generation_events ON generations;
CREATE TRIGGER generation_events AFTER INSERT OR UPDATE OF status, progress, charged_milli, outputs, reconciling
  ON generations FOR EACH ROW EXECUTE FUNCTION reelay_generation_event();
