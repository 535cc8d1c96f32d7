-- A first request holds its Idempotency-Key by a lease it renews while it runs. A key whose lease has lapsed
-- without an answer belongs to a request whose process is gone, and a retry may take it over at once.
-- Rows kept before this column existed count as held for 120 s from their creation, as before.
ALTER TABLE idempotency_keys ADD COLUMN lease_until timestamptz;
