-- A worker claims a due job and reads its generation in one call. The read is a statement of its own inside the
-- function, so (as in any volatile function) it sees everything committed before it ran: a generation changed
-- and then handed back by another worker is read as that worker left it, never as of the claim's start.
CREATE OR REPLACE FUNCTION reelay_claim_job(worker text, lease_seconds float8)
RETURNS SETOF generations LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  claimed text;
BEGIN
  UPDATE jobs SET locked_by = worker, locked_until = clock_timestamp() + make_interval(secs => lease_seconds)
   WHERE generation_id = (
     SELECT generation_id FROM jobs
      WHERE run_at <= clock_timestamp() AND (locked_until IS NULL OR locked_until < clock_timestamp())
      ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
   RETURNING generation_id INTO claimed;
  IF claimed IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM generations WHERE id = claimed;
END $$;
