-- Up Migration
-- A delivery worker leases the delivery row before it sends, in the system of record: two copies
-- of a job (an outbox re-send, a redelivery after a visibility timeout) can then never both be on
-- the wire, even when Redis, which held the lease before, restarts and forgets it.
ALTER TABLE deliveries ADD COLUMN lease_until timestamptz;
COMMENT ON COLUMN deliveries.lease_until IS
  'A worker is sending this delivery until then; another may take it only after (its worker died).';

-- Down Migration
ALTER TABLE deliveries DROP COLUMN lease_until;
