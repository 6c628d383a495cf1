-- Quotes from people involved, linked to what they speak about.

CREATE TABLE testimonials (
  id                  BIGINT       NOT NULL AUTO_INCREMENT,
  quote               TEXT         NOT NULL,
  author_name         VARCHAR(200) NOT NULL,
  author_role         VARCHAR(200) NULL,
  author_organization VARCHAR(200) NULL,
  company_id          BIGINT       NULL,
  meeting_id          BIGINT       NULL,
  initiative_id       BIGINT       NULL,
  language            VARCHAR(2)   NOT NULL DEFAULT 'de',
  published           TINYINT(1)   NOT NULL DEFAULT 0,
  created_at          DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at          DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  version             INT          NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  KEY testimonials_created (created_at, id),
  KEY testimonials_updated (updated_at, id),
  KEY testimonials_author (author_name, id),
  KEY testimonials_company (company_id),
  KEY testimonials_meeting (meeting_id),
  KEY testimonials_initiative (initiative_id),
  KEY testimonials_published (published, created_at, id),
  CONSTRAINT testimonials_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE RESTRICT,
  CONSTRAINT testimonials_meeting_fk FOREIGN KEY (meeting_id) REFERENCES meetings (id) ON DELETE RESTRICT,
  CONSTRAINT testimonials_initiative_fk FOREIGN KEY (initiative_id) REFERENCES initiatives (id) ON DELETE RESTRICT,
  CONSTRAINT testimonials_language_check CHECK (language IN ('de', 'en'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
