-- Every process keeps the keys it has seen in memory (billing/authenticator.ts) and forgets them when told here:
-- a key revoked, changed or deleted announces its hash, an account whose per-key rate changed announces '*'.
-- The NOTIFY is sent when the change commits, whatever made it (the API, the admin API, SQL by hand).
CREATE FUNCTION reelay_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('reelay_key_changes', OLD.key_hash);
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OF revoked_at, key_hash, account_id, mode OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION reelay_key_changed();

CREATE FUNCTION reelay_account_limits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.key_rate_per_minute IS DISTINCT FROM NEW.key_rate_per_minute THEN
    PERFORM pg_notify('reelay_key_changes', '*');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER accounts_limits_changed AFTER UPDATE OF key_rate_per_minute ON accounts
  FOR EACH ROW EXECUTE FUNCTION reelay_account_limits_changed();

-- Old windows are removed in batches by the process that writes counts (store/limits.ts).
CREATE INDEX rate_windows_start ON rate_windows (window_start);
