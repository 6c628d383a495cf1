-- What a request under an Idempotency-Key wrote first (the change feed's type and id: the
-- created resource of a POST), committed with the key in the same transaction. When the answer
-- is lost after COMMIT (the database's reply, the process, the network), a retry with the same
-- key and request rebuilds it from the current row: the same status, Location and id
-- (api/idempotency.h). Null for keys stored before this migration and for answers stored whole.

ALTER TABLE idempotency_keys
  ADD COLUMN resource_type VARCHAR(32) NULL AFTER request_hash,
  ADD COLUMN resource_id BIGINT NULL AFTER resource_type;
