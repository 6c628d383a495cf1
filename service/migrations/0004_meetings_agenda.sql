-- Network meetings and their programme. Times are UTC; `timezone` is the IANA zone the
-- meeting happens in (for calendars and display).

CREATE TABLE meetings (
  id                BIGINT       NOT NULL AUTO_INCREMENT,
  title             VARCHAR(200) NOT NULL,
  kind              VARCHAR(32)  NOT NULL,
  starts_at         DATETIME     NOT NULL,
  ends_at           DATETIME     NOT NULL,
  timezone          VARCHAR(64)  NOT NULL DEFAULT 'Europe/Berlin',
  venue_name        VARCHAR(200) NULL,
  venue_street      VARCHAR(200) NULL,
  venue_postal_code VARCHAR(10)  NULL,
  venue_city        VARCHAR(100) NULL,
  host_company_id   BIGINT       NULL,
  description       TEXT         NULL,
  capacity          INT          NULL,
  registration_open TINYINT(1)   NOT NULL DEFAULT 0,
  status            VARCHAR(16)  NOT NULL DEFAULT 'planned',
  published         TINYINT(1)   NOT NULL DEFAULT 0,
  created_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version           INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  KEY meetings_starts (starts_at, id),
  KEY meetings_title (title, id),
  KEY meetings_created (created_at, id),
  KEY meetings_updated (updated_at, id),
  KEY meetings_published_starts (published, starts_at, id),
  KEY meetings_kind (kind),
  KEY meetings_status (status),
  KEY meetings_city (venue_city),
  KEY meetings_host (host_company_id),
  FULLTEXT KEY meetings_search (title, description),
  CONSTRAINT meetings_host_fk FOREIGN KEY (host_company_id) REFERENCES companies (id) ON DELETE RESTRICT,
  CONSTRAINT meetings_times_check CHECK (ends_at > starts_at),
  CONSTRAINT meetings_capacity_check CHECK (capacity IS NULL OR capacity >= 0),
  CONSTRAINT meetings_kind_check CHECK (kind IN ('network_meeting', 'workshop', 'webinar', 'other')),
  CONSTRAINT meetings_status_check CHECK (status IN ('planned', 'confirmed', 'cancelled', 'held'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE agenda_items (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  meeting_id  BIGINT       NOT NULL,
  kind        VARCHAR(32)  NOT NULL,
  title       VARCHAR(200) NOT NULL,
  description TEXT         NULL,
  starts_at   DATETIME     NOT NULL,
  ends_at     DATETIME     NOT NULL,
  room        VARCHAR(100) NULL,
  capacity    INT          NULL,
  -- [{"name", "role", "organization"}], kept as JSON text: always read and written whole.
  speakers    TEXT         NOT NULL,
  created_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version     INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  KEY agenda_items_meeting (meeting_id, starts_at, id),
  CONSTRAINT agenda_items_meeting_fk FOREIGN KEY (meeting_id) REFERENCES meetings (id) ON DELETE CASCADE,
  CONSTRAINT agenda_items_times_check CHECK (ends_at > starts_at),
  CONSTRAINT agenda_items_capacity_check CHECK (capacity IS NULL OR capacity >= 0),
  CONSTRAINT agenda_items_kind_check
    CHECK (kind IN ('keynote', 'talk', 'best_case', 'panel', 'discussion', 'workshop', 'social'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
