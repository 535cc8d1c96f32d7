-- Retention: when an asset's bytes go, and a record of their going. A deleted or expired asset keeps its row
-- (`deleted_at`, `deleted_reason`) so a client asking for it learns why the file is gone; only the bytes are removed.
ALTER TABLE assets ADD COLUMN expires_at timestamptz;
ALTER TABLE assets ADD COLUMN deleted_at timestamptz;
ALTER TABLE assets ADD COLUMN deleted_reason text CHECK (deleted_reason IN ('deleted', 'expired'));
CREATE INDEX assets_expiring ON assets (expires_at) WHERE deleted_at IS NULL AND expires_at IS NOT NULL;
CREATE INDEX assets_generation ON assets (generation_id) WHERE generation_id IS NOT NULL;

-- A generation's retention as chosen at create (the request's, else its key's; null: the server's setting), and
-- when its media (outputs and the inputs it alone used) was deleted or expired.
ALTER TABLE generations ADD COLUMN retention_seconds integer CHECK (retention_seconds > 0);
ALTER TABLE generations ADD COLUMN media_deleted_at timestamptz;
ALTER TABLE generations ADD COLUMN media_deleted_reason text CHECK (media_deleted_reason IN ('deleted', 'expired'));

-- A key's default retention for what its requests store (null: the server's setting).
ALTER TABLE api_keys ADD COLUMN retention_seconds integer CHECK (retention_seconds > 0);

-- A key's retention is part of what every process keeps of it in memory, so changing it is announced like a revocation.
CREATE TRIGGER api_keys_retention_changed AFTER UPDATE OF retention_seconds ON api_keys
  FOR EACH ROW EXECUTE FUNCTION reelay_key_changed();
