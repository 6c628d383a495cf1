-- Personal data over time: how long a registration's personal fields are kept, and when they were
-- anonymised. retain_until NULL means the default (ZUSAMMEN_RETENTION_DAYS_AFTER_MEETING days after
-- the meeting ends); `zusammen purge` and the server's periodic purge blank the personal fields of
-- every registration whose date has passed and stamp anonymized_at, keeping meeting, company,
-- status and workshop choices for statistics. email_key alone serves the people endpoints
-- (GET/DELETE /v1/people?email=), which look a person up across every meeting.

ALTER TABLE registrations
  ADD COLUMN retain_until  DATE        NULL AFTER notes,
  ADD COLUMN anonymized_at DATETIME(6) NULL AFTER retain_until,
  ADD KEY registrations_email_key (email_key),
  ADD KEY registrations_retain_until (retain_until);
