-- Member companies and their integration initiatives, and the API keys that guard writes.
-- Times are stored in UTC (every session sets time_zone = '+00:00'), with microseconds so
-- that keyset pagination and updated_since order changes made within one second.

CREATE TABLE companies (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  slug          VARCHAR(100) NOT NULL,
  name          VARCHAR(200) NOT NULL,
  sector        VARCHAR(100) NULL,
  website       VARCHAR(500) NULL,
  logo_url      VARCHAR(500) NULL,
  city          VARCHAR(100) NULL,
  state         VARCHAR(5)   NULL,
  description   TEXT         NULL,
  member_since  DATE         NULL,
  status        VARCHAR(16)  NOT NULL DEFAULT 'active',
  contact_email VARCHAR(254) NULL,
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version       INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  UNIQUE KEY companies_slug (slug),
  KEY companies_name (name, id),
  KEY companies_created (created_at, id),
  KEY companies_updated (updated_at, id),
  KEY companies_status_name (status, name, id),
  KEY companies_state (state),
  KEY companies_sector (sector),
  FULLTEXT KEY companies_search (name, description),
  CONSTRAINT companies_status_check CHECK (status IN ('active', 'former'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE initiatives (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  company_id   BIGINT       NOT NULL,
  title        VARCHAR(200) NOT NULL,
  summary      VARCHAR(500) NULL,
  description  TEXT         NULL,
  category     VARCHAR(32)  NOT NULL,
  target_group VARCHAR(200) NULL,
  city         VARCHAR(100) NULL,
  state        VARCHAR(5)   NULL,
  start_date   DATE         NULL,
  end_date     DATE         NULL,
  participants INT          NOT NULL DEFAULT 0,
  url          VARCHAR(500) NULL,
  published    TINYINT(1)   NOT NULL DEFAULT 0,
  created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version      INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  KEY initiatives_company (company_id, id),
  KEY initiatives_title (title, id),
  KEY initiatives_created (created_at, id),
  KEY initiatives_updated (updated_at, id),
  KEY initiatives_participants (participants, id),
  KEY initiatives_category (category),
  KEY initiatives_state (state),
  KEY initiatives_published_title (published, title, id),
  FULLTEXT KEY initiatives_search (title, summary, description),
  CONSTRAINT initiatives_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE RESTRICT,
  CONSTRAINT initiatives_dates_check CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  CONSTRAINT initiatives_participants_check CHECK (participants >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_keys (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  name         VARCHAR(100) NOT NULL,
  prefix       VARCHAR(16)  NOT NULL,
  key_hash     CHAR(64)     NOT NULL,
  scopes       VARCHAR(255) NOT NULL,
  created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  revoked_at   DATETIME(6)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY api_keys_hash (key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
