-- Idempotency-Key on POST: one row per (caller, key). The row is inserted in the same
-- transaction as the request's write (just before its commit), so a key exists exactly when
-- its write committed; the answer is filled in right after. A concurrent duplicate blocks on
-- the primary key until the first commits, then fails with a duplicate key and rolls back.
-- Rows older than ZUSAMMEN_IDEMPOTENCY_HOURS are ignored and purged. scope is "key" plus the
-- API key id, or "anonymous"; status is NULL until the answer is stored; response_headers is
-- a JSON object (Content-Type, Location, ETag).

CREATE TABLE idempotency_keys (
  scope            VARCHAR(64)  NOT NULL,
  idem_key         VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method           VARCHAR(8)   NOT NULL,
  path             VARCHAR(1024) NOT NULL,
  request_hash     CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status           INT          NULL,
  response_headers TEXT         NULL,
  response_body    MEDIUMTEXT   NULL,
  created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (scope, idem_key),
  KEY idempotency_keys_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
