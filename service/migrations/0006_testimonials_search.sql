-- q on /v1/testimonials: full-text search over the quote and its author (umlauts included,
-- the table's utf8mb4_unicode_ci collation folds them).
CREATE FULLTEXT INDEX testimonials_search ON testimonials (quote, author_name);
