-- Upstream work whose outcome is not known yet is never settled on a guess. While the gateway keeps asking the
-- upstream (an answer was lost, the upstream cannot be reached, a deadline or a cancel was sent to it), the
-- generation records why and since when (`{code, message, since}`), and how it is to be stopped upstream.
ALTER TABLE generations ADD COLUMN reconciling jsonb;
-- 'deadline' or 'cancel': the upstream is to be told to stop, and the generation settled from its answer.
ALTER TABLE generations ADD COLUMN stop_requested text CHECK (stop_requested IN ('deadline', 'cancel'));
-- When the upstream's cancel went out (it is sent once).
ALTER TABLE generations ADD COLUMN stop_sent_at timestamptz;
-- How many times an output URL that had expired was asked of the upstream again.
ALTER TABLE generations ADD COLUMN output_refreshes integer NOT NULL DEFAULT 0;
