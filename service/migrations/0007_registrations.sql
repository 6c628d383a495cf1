-- People attending meetings (personal data: never public), and the workshops each chose.
-- A meeting with registrations cannot be deleted (RESTRICT: 409); deleting a registration takes
-- its workshop choices with it; deleting a workshop agenda item drops it from the choices.

CREATE TABLE registrations (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  meeting_id   BIGINT       NOT NULL,
  first_name   VARCHAR(100) NOT NULL,
  last_name    VARCHAR(100) NOT NULL,
  email        VARCHAR(254) NOT NULL,
  -- LOWER(email): one registration per address and meeting, compared case-insensitively.
  email_key    VARCHAR(254) NOT NULL,
  organization VARCHAR(200) NULL,
  company_id   BIGINT       NULL,
  job_title    VARCHAR(200) NULL,
  status       VARCHAR(16)  NOT NULL DEFAULT 'registered',
  source       VARCHAR(100) NULL,
  external_ref VARCHAR(100) NULL,
  notes        TEXT         NULL,
  created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version      INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  UNIQUE KEY registrations_meeting_email (meeting_id, email_key),
  UNIQUE KEY registrations_source_ref (source, external_ref),
  KEY registrations_meeting_status (meeting_id, status, created_at, id),
  KEY registrations_created (created_at, id),
  KEY registrations_updated (updated_at, id),
  KEY registrations_last_name (last_name, id),
  KEY registrations_status (status),
  KEY registrations_company (company_id),
  CONSTRAINT registrations_meeting_fk FOREIGN KEY (meeting_id) REFERENCES meetings (id) ON DELETE RESTRICT,
  CONSTRAINT registrations_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE RESTRICT,
  CONSTRAINT registrations_status_check
    CHECK (status IN ('registered', 'waitlisted', 'cancelled', 'attended', 'no_show')),
  CONSTRAINT registrations_source_ref_check CHECK ((source IS NULL) = (external_ref IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE registration_workshops (
  registration_id BIGINT NOT NULL,
  agenda_item_id  BIGINT NOT NULL,
  PRIMARY KEY (registration_id, agenda_item_id),
  KEY registration_workshops_item (agenda_item_id, registration_id),
  CONSTRAINT registration_workshops_registration_fk
    FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE,
  CONSTRAINT registration_workshops_item_fk
    FOREIGN KEY (agenda_item_id) REFERENCES agenda_items (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
