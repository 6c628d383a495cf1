-- Every list filtered by equalities (a category, a state, both; a company's sector, state or status;
-- a meeting's city) reads each of its orders from an index, not only its default one (0010).
-- Before, a category sorted by created_at, updated_at or participants sorted the whole category
-- for a page of 20: 2 % of the rows at 20 000 initiatives, but 111 000 rows and 0.2 to 1 s a page
-- at 1 000 000 (bench/README.md). Each key is the list's equalities, then its sort column, then id,
-- so that a cursor page starts at its cursor (service/repositories/initiative_repository.cc names
-- the key it reads). Writes maintain more keys: they are rare next to the reads, and the table's
-- size, not its write rate, is what grew.
-- tests/integration/query_plans_test.cc EXPLAINs every list shape on 100 000 rows.

ALTER TABLE initiatives
  ADD KEY initiatives_category_created (category, created_at, id),
  ADD KEY initiatives_category_updated (category, updated_at, id),
  ADD KEY initiatives_category_participants (category, participants, id),
  ADD KEY initiatives_state_created (state, created_at, id),
  ADD KEY initiatives_state_updated (state, updated_at, id),
  ADD KEY initiatives_state_participants (state, participants, id),
  ADD KEY initiatives_category_state_created (category, state, created_at, id),
  ADD KEY initiatives_category_state_updated (category, state, updated_at, id),
  ADD KEY initiatives_category_state_participants (category, state, participants, id);

ALTER TABLE companies
  ADD KEY companies_state_created (state, created_at, id),
  ADD KEY companies_state_updated (state, updated_at, id),
  ADD KEY companies_sector_created (sector, created_at, id),
  ADD KEY companies_sector_updated (sector, updated_at, id),
  ADD KEY companies_status_created (status, created_at, id),
  ADD KEY companies_status_updated (status, updated_at, id);

ALTER TABLE meetings
  ADD KEY meetings_city_title (venue_city, title, id),
  ADD KEY meetings_city_created (venue_city, created_at, id),
  ADD KEY meetings_city_updated (venue_city, updated_at, id);
