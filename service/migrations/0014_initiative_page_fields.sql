-- What a partner website needs to build a page for an initiative (issue 11): a slug for its URL, an
-- image, a public contact (separate from the company's internal one), the place (street and
-- postcode beside the existing city and state, and coordinates), the languages it is offered in,
-- the target groups from a controlled vocabulary, and where to sign up. Every column is optional:
-- existing rows keep their data and read as having none of these.
--
-- languages_offered and target_groups are comma lists (BCP 47 tags and codes hold no commas) read
-- with the row. Lists filtered by them read initiative_tags, one row per (tag, initiative)
-- carrying the initiative's sort columns, so that such a list reads a key in its order and stops
-- after a page, as every other list does: "group:<code>" and "language:<tag>". The service
-- rewrites an initiative's tags in the transaction that writes it
-- (initiative_repository::write_tags), and a row deleted takes its tags with it.

ALTER TABLE initiatives
  ADD COLUMN slug              VARCHAR(120) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER title,
  ADD COLUMN image_url         VARCHAR(500) NULL,
  ADD COLUMN image_alt         VARCHAR(300) NULL,
  ADD COLUMN contact_name      VARCHAR(200) NULL,
  ADD COLUMN contact_email     VARCHAR(254) NULL,
  ADD COLUMN contact_phone     VARCHAR(40)  NULL,
  ADD COLUMN street            VARCHAR(200) NULL,
  ADD COLUMN postcode          VARCHAR(5)   NULL,
  ADD COLUMN lat               DOUBLE       NULL,
  ADD COLUMN lon               DOUBLE       NULL,
  ADD COLUMN languages_offered VARCHAR(400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  ADD COLUMN target_groups     VARCHAR(400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  ADD COLUMN signup_url        VARCHAR(500) NULL,
  ADD UNIQUE KEY initiatives_slug (slug),
  -- city lists, in each order (as 0011 and 0013 for category and state).
  ADD KEY initiatives_city_title (city, title, id, updated_at),
  ADD KEY initiatives_city_created (city, created_at, id, updated_at),
  ADD KEY initiatives_city_updated (city, updated_at, id),
  ADD KEY initiatives_city_participants (city, participants, id, updated_at),
  ADD CONSTRAINT initiatives_coordinates_check CHECK ((lat IS NULL) = (lon IS NULL)
    AND (lat IS NULL OR lat BETWEEN -90 AND 90) AND (lon IS NULL OR lon BETWEEN -180 AND 180));

CREATE TABLE initiative_tags (
  tag          VARCHAR(40)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id           BIGINT       NOT NULL,  -- the initiative's
  title        VARCHAR(200) NOT NULL,
  created_at   DATETIME(6)  NOT NULL,
  updated_at   DATETIME(6)  NOT NULL,
  participants INT          NOT NULL,
  PRIMARY KEY (tag, id),
  KEY initiative_tags_initiative (id),
  KEY initiative_tags_title (tag, title, id, updated_at),
  KEY initiative_tags_created (tag, created_at, id, updated_at),
  KEY initiative_tags_updated (tag, updated_at, id),
  KEY initiative_tags_participants (tag, participants, id, updated_at),
  CONSTRAINT initiative_tags_initiative_fk FOREIGN KEY (id) REFERENCES initiatives (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
