-- The change feed: one row per create, update and delete, written in the same transaction
-- as the change itself. Sequence numbers come from a single counter row whose lock is held
-- until the writing transaction commits, so feed order is commit order: a reader that has
-- seen sequence N never later finds a change below N appearing (nothing commits "late").

CREATE TABLE change_sequence (
  id       TINYINT NOT NULL,
  last_seq BIGINT  NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO change_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE changes (
  seq         BIGINT      NOT NULL,
  entity_type VARCHAR(32) NOT NULL,
  entity_id   BIGINT      NOT NULL,
  op          VARCHAR(8)  NOT NULL,
  changed_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (seq),
  KEY changes_type_seq (entity_type, seq),
  CONSTRAINT changes_op_check CHECK (op IN ('upsert', 'delete'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
