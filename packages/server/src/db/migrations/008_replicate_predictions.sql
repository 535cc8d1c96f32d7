-- The Replicate shape (compat/replicate/): what a prediction was asked as, beyond its generation. A row is written
-- before its generation exists (with the generation's id chosen beforehand), so every webhook delivery of that
-- generation already knows it is a Replicate prediction.
CREATE TABLE replicate_predictions (
  generation_id  text PRIMARY KEY,
  account_id     text NOT NULL,
  -- The model name as asked: `reelay/<id>` or a Replicate alias such as `kwaivgi/kling-v3-omni-video`.
  model_name     text NOT NULL,
  -- The input as sent, in that name's fields.
  input          jsonb NOT NULL,
  webhook        text,
  -- Replicate's webhook_events_filter: start, output, logs, completed.
  webhook_events text[] NOT NULL DEFAULT ARRAY['output', 'completed'],
  -- Cancel-After: when a prediction still queued or running is ended (aborted if it never started).
  cancel_at      timestamptz,
  -- null: not yet handled; true: the deadline ended it; false: it had ended before.
  deadline_hit   boolean,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replicate_predictions_cancel_at ON replicate_predictions (cancel_at)
  WHERE cancel_at IS NOT NULL AND deadline_hit IS NULL;

-- Files uploaded through POST /replicate/v1/files: assets, with the name and metadata Replicate keeps.
CREATE TABLE replicate_files (
  asset_id    text PRIMARY KEY,
  account_id  text NOT NULL,
  name        text NOT NULL,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- A webhook event of a prediction that its webhook_events_filter leaves out is never queued: `start` is the
-- generation starting to run; `output` and `completed` its success; `completed` alone its failure or cancellation.
CREATE FUNCTION reelay_replicate_webhook_filter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted text[];
BEGIN
  SELECT webhook_events INTO wanted FROM replicate_predictions WHERE generation_id = NEW.generation_id;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  IF (NEW.event_type = 'generation.running' AND 'start' = ANY (wanted))
    OR (NEW.event_type = 'generation.succeeded' AND wanted && ARRAY['output', 'completed'])
    OR (NEW.event_type IN ('generation.failed', 'generation.canceled') AND 'completed' = ANY (wanted)) THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER replicate_webhook_filter BEFORE INSERT ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION reelay_replicate_webhook_filter();
