-- A list filtered by one equality on a column with few values (a category, a state, a sector, a
-- city) reads its default order from an index instead of sorting every matching row: before,
-- GET /v1/initiatives?category=return_support read the whole category through (category) and
-- sorted it by title for a page of 20. Each new key extends the single-column key it replaces,
-- which served nothing the new one does not (initiatives_category was already a prefix of
-- initiatives_category_state_title), so writes maintain no more indexes than before.
-- tests/integration/query_plans_test.cc EXPLAINs every list shape on 100 000 rows.

ALTER TABLE initiatives
  DROP KEY initiatives_category,
  DROP KEY initiatives_state,
  ADD KEY initiatives_category_title (category, title, id),
  ADD KEY initiatives_state_title (state, title, id);

ALTER TABLE companies
  DROP KEY companies_state,
  DROP KEY companies_sector,
  ADD KEY companies_state_name (state, name, id),
  ADD KEY companies_sector_name (sector, name, id);

ALTER TABLE meetings
  DROP KEY meetings_city,
  ADD KEY meetings_city_starts (venue_city, starts_at, id);
