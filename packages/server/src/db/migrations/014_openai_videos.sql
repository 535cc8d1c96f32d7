-- The OpenAI shape (compat/openai/): a video created through POST /v1/videos with a webhook_url. The row is written
-- before its generation exists (with the generation's id chosen beforehand), so every webhook delivery of that
-- generation is sent as OpenAI sends its events (`video.completed`, `video.failed`).
CREATE TABLE openai_videos (
  generation_id  text PRIMARY KEY,
  account_id     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- OpenAI sends an event only when a video has ended: one that starts running is not queued for delivery.
CREATE FUNCTION reelay_openai_webhook_filter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.event_type IN ('generation.succeeded', 'generation.failed', 'generation.canceled')
    OR NOT EXISTS (SELECT 1 FROM openai_videos WHERE generation_id = NEW.generation_id) THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER openai_webhook_filter BEFORE INSERT ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION reelay_openai_webhook_filter();
