#!/usr/bin/env bash
# Load the benchmark data set into an already migrated database, directly
# with SQL: INSERT ... SELECT from the Sequence engine's seq_A_to_B tables, in
# batches of BENCH_LOAD_BATCH rows (one transaction each): no HTTP, no
# row-by-row round trips. 20 000 initiatives take seconds, 1 000 000 a few
# minutes. The full-text index initiatives_search is dropped for the load
# and created again, with the migration's definition, at the end (building it
# in one sort is far faster than maintaining it row by row); the change feed
# gets one `upsert` per loaded row, in id order, as the service would write it.
#
#   bench/load_data.sh            (normally called by bench/run.sh)
#
# Environment:
#   BENCH_DB             database to fill (default zusammen_bench); it must be
#                        migrated (build/zusammen migrate) and hold no
#                        companies or initiatives yet
#   BENCH_INITIATIVES    initiatives to create (default 20000)
#   BENCH_COMPANIES      companies to create (default 300, or one per 67
#                        initiatives when that is more: 14 925 for 1 000 000)
#   BENCH_LOAD_BATCH     rows per INSERT and transaction (default 50000)
#   ZUSAMMEN_DB_PORT     port of the private MariaDB (default 3307, scripts/db.sh)
#
# What it makes (deterministic: the same numbers give the same rows):
#   companies    every 20th one `former`, the others `active`; German names,
#                cities and all 16 states (ISO 3166-2:DE)
#   initiatives  spread over the companies (pseudo-randomly, ~67 each); the
#                9 categories crossed with the 16 states (every combination
#                gets ~1/144 of the rows); ~10 % unpublished; German titles,
#                summaries and descriptions with umlauts and „…“ quotes
set -euo pipefail
ZUSAMMEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ZUSAMMEN_ROOT/scripts/lib.sh"

BENCH_DB="${BENCH_DB:-zusammen_bench}"
INITIATIVES="${BENCH_INITIATIVES:-20000}"
[[ "$INITIATIVES" =~ ^[0-9]+$ && "$INITIATIVES" -ge 1 ]] || die "BENCH_INITIATIVES must be a positive integer"
COMPANIES="${BENCH_COMPANIES:-$(( INITIATIVES / 67 > 300 ? INITIATIVES / 67 : 300 ))}"
BATCH="${BENCH_LOAD_BATCH:-50000}"
[[ "$BATCH" =~ ^[0-9]+$ && "$BATCH" -ge 1 ]] || die "BENCH_LOAD_BATCH must be a positive integer"
DB_PORT="${ZUSAMMEN_DB_PORT:-3307}"

[[ "$BENCH_DB" =~ ^[A-Za-z0-9_]+$ ]] || die "BENCH_DB must be letters, digits and _"
[[ "$COMPANIES" =~ ^[0-9]+$ && "$COMPANIES" -ge 1 ]] || die "BENCH_COMPANIES must be a positive integer"

CLIENT="$(command -v mariadb || command -v mysql || true)"
[[ -n "$CLIENT" ]] || die "mariadb client not found (run scripts/deps.sh)"

db_sql() {
  "$CLIENT" --no-defaults --protocol=tcp -h127.0.0.1 -P"$DB_PORT" -uzusammen -pzusammen \
    --default-character-set=utf8mb4 --batch --skip-column-names "$BENCH_DB" "$@"
}

existing="$(db_sql -e "SELECT (SELECT COUNT(*) FROM companies) + (SELECT COUNT(*) FROM initiatives)")" \
  || die "cannot read $BENCH_DB (is it created and migrated?)"
[[ "$existing" == 0 ]] || die "$BENCH_DB already holds companies or initiatives; load into a fresh database"
[[ "$(db_sql -e "SELECT COUNT(*) FROM seq_1_to_3")" == 3 ]] 2>/dev/null \
  || die "MariaDB's Sequence engine (seq_1_to_N tables) is not available"

# seq_rows LO HI: the numbers LO..HI-1 as a derived table s(n).
seq_rows() { printf '(SELECT seq AS n FROM seq_%d_to_%d) s' "$1" "$(( $2 - 1 ))"; }

# initiative_batch LO HI: the INSERT ... SELECT of initiatives LO..HI-1.
# The typographic quotes „…“ below are data, not shell quoting.
# shellcheck disable=SC1111
initiative_batch() {
  local lo="$1" hi="$2"
  cat <<BATCH_SQL
INSERT INTO initiatives (company_id, title, summary, description, category, target_group, city, state,
                         start_date, end_date, participants, url, published, created_at, updated_at,
                         target_groups, languages_offered)
SELECT
  c.id,
  CONCAT(ELT(1 + CRC32(CONCAT('title-', s.n)) % 20, 'Gemeinsam stark', 'Anpacken', 'Brücken bauen', 'Chancen öffnen',
             'Durchstarten', 'Einstieg', 'Fit für den Beruf', 'Gute Nachbarschaft', 'Hand in Hand',
             'Integration konkret', 'Jetzt loslegen', 'Können zeigen', 'Lernen im Betrieb',
             'Mitmachen', 'Neue Wege', 'Offene Türen', 'Perspektiven', 'Qualität durch Vielfalt',
             'Zukunft gestalten', 'Übergänge schaffen'),
         ': ',
         ELT(1 + s.n % 9, 'Deutschkurs am Arbeitsplatz', 'Qualifizierung für Fachkräfte',
             'Ausbildung im Handwerk', 'Praktikum in der Verwaltung', 'Feste Stellen für Geflüchtete',
             'Umschulung zur Pflegefachkraft', 'Mentoring für Berufseinsteiger', 'Begleitung bei der Rückkehr',
             'Begegnungen und Sport'),
         ' in ', ELT(1 + (s.n DIV 9) % 16, 'Berlin', 'München', 'Köln', 'Hamburg', 'Frankfurt am Main',
                     'Stuttgart', 'Leipzig', 'Potsdam', 'Bremen', 'Hannover', 'Saarbrücken', 'Lübeck',
                     'Erfurt', 'Magdeburg', 'Rostock', 'Mainz'),
         ' (', s.n + 1, ')'),
  CONCAT(ELT(1 + (s.n * 3) % 6, 'Geflüchtete lernen Deutsch direkt im Betrieb – mit Fachvokabular aus der Praxis.',
             'Ein Jahr Begleitung, danach die Übernahme: so wird aus dem Praktikum eine Stelle.',
             'Kolleginnen und Kollegen als Patinnen und Paten für den Start im Unternehmen.',
             'Anerkennung ausländischer Abschlüsse und gezielte Nachqualifizierung.',
             'Berufsorientierung für junge Geflüchtete in Zusammenarbeit mit der Berufsschule.',
             'Gemeinsame Projekte stärken Teamgeist und gegenseitiges Verständnis.')),
  CONCAT('„Wir zusammen“ heißt für uns: Verantwortung übernehmen. ',
         ELT(1 + (s.n * 5) % 8,
             'Die Teilnehmenden erhalten täglich zwei Stunden Sprachunterricht während der Arbeitszeit; die Kosten trägt das Unternehmen. ',
             'Ausbilderinnen und Ausbilder wurden für interkulturelle Zusammenarbeit geschult, die Berufsschule ist eng eingebunden. ',
             'Nach sechs Monaten folgt eine Prüfung vor der Industrie- und Handelskammer, danach die Übernahme in ein festes Arbeitsverhältnis. ',
             'Ehrenamtliche aus der Belegschaft helfen bei Behördengängen, Wohnungssuche und Anträgen. ',
             'Die Maßnahme wird gemeinsam mit der Agentur für Arbeit und dem Jobcenter durchgeführt. ',
             'Für Mütter gibt es Teilzeitmodelle und Unterstützung bei der Kinderbetreuung. ',
             'Fachliche Anleitung, Sprachförderung und sozialpädagogische Begleitung greifen ineinander. ',
             'Erfahrene Kollegen übernehmen Patenschaften und stehen für Fragen im Alltag zur Verfügung. '),
         ELT(1 + (s.n * 11) % 5,
             'Bisher haben über hundert Menschen teilgenommen, viele davon aus Syrien, Afghanistan und Eritrea.',
             'Eine Teilnehmerin sagt: „Hier habe ich nicht nur Arbeit gefunden, sondern auch Freunde.“',
             'Die Abbruchquote liegt deutlich unter dem Durchschnitt vergleichbarer Programme.',
             'Das Konzept wurde beim Netzwerktreffen vorgestellt und von anderen Unternehmen übernommen.',
             'Der Betriebsrat unterstützt das Projekt ausdrücklich und wirbt in der Belegschaft dafür.'),
         ' Weitere Informationen gibt es bei der Personalabteilung; Ansprechpartnerin ist Frau Özdemir.'),
  ELT(1 + s.n % 9, 'language', 'qualification', 'apprenticeship', 'internship', 'employment',
      'retraining', 'mentoring', 'return_support', 'other'),
  ELT(1 + (s.n * 13) % 5, 'Geflüchtete mit Bleibeperspektive', 'Junge Geflüchtete unter 25 Jahren',
      'Geflüchtete Frauen', 'Fachkräfte mit ausländischem Abschluss', 'Alle Interessierten'),
  ELT(1 + (s.n DIV 9) % 16, 'Berlin', 'München', 'Köln', 'Hamburg', 'Frankfurt am Main', 'Stuttgart',
      'Leipzig', 'Potsdam', 'Bremen', 'Hannover', 'Saarbrücken', 'Lübeck', 'Erfurt', 'Magdeburg',
      'Rostock', 'Mainz'),
  ELT(1 + (s.n DIV 9) % 16, 'DE-BE', 'DE-BY', 'DE-NW', 'DE-HH', 'DE-HE', 'DE-BW', 'DE-SN', 'DE-BB',
      'DE-HB', 'DE-NI', 'DE-SL', 'DE-SH', 'DE-TH', 'DE-ST', 'DE-MV', 'DE-RP'),
  DATE '2015-09-01' + INTERVAL (s.n * 17) % 2500 DAY,
  IF(s.n % 3 = 0, NULL, DATE '2015-09-01' + INTERVAL (s.n * 17) % 2500 + 30 + (s.n % 700) DAY),
  (s.n * 37) % 500,
  CONCAT('https://www.unternehmen-', c.k + 1, '.example/initiativen/', s.n + 1),
  IF(CRC32(CONCAT('published-', s.n)) % 10 = 0, 0, 1),
  TIMESTAMP '2018-01-01 08:00:00' + INTERVAL (s.n * 97) % 4000000 MINUTE,
  TIMESTAMP '2018-01-01 08:00:00' + INTERVAL (s.n * 97) % 4000000 MINUTE + INTERVAL (s.n % 50) DAY,
  CONCAT_WS(',', ELT(1 + (s.n * 7) % 4, 'young_refugees', 'adults', 'families', 'academics'),
            IF(s.n % 5 = 0, 'women', NULL), IF(s.n % 50 = 0, 'unaccompanied_minors', NULL)),
  CONCAT_WS(',', 'de', ELT(1 + (s.n * 3) % 6, 'ar', 'fa', 'uk', 'en', NULL, NULL), IF(s.n % 40 = 0, 'ti', NULL))
FROM $(seq_rows "$lo" "$hi")
JOIN bench_company c ON c.k = CRC32(CONCAT('company-', s.n)) % $COMPANIES;
BATCH_SQL
}

seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
start_ns="$(date +%s%N)"
PHASES=""
phase_ns="$start_ns"
phase_done() {  # phase_done NAME: notes the seconds since the previous phase
  PHASES+="${PHASES:+, }$1 $(seconds_since "$phase_ns") s"
  phase_ns="$(date +%s%N)"
}

# ELT(1 + k % N, ...) picks one of N strings. Category and state cycle
# (every combination gets its share); the company, the title's first words
# and `published` come from CRC32 of the row number, so that they do not move
# in lock step with category and state.
# The typographic quotes „…“ below are data, not shell quoting.
# shellcheck disable=SC1111
db_sql >/dev/null <<SQL
SET SESSION time_zone = '+00:00';
ALTER TABLE initiatives DROP INDEX initiatives_search;
START TRANSACTION;

INSERT INTO companies (slug, name, sector, website, logo_url, city, state, description, member_since,
                       status, contact_email, created_at, updated_at)
SELECT
  CONCAT('unternehmen-', LPAD(n + 1, 6, '0')),
  CONCAT(ELT(1 + n % 25, 'Müller', 'Schäfer', 'Böhm', 'Krüger', 'Weiß', 'Groß', 'Köhler', 'Jäger',
             'Fuchs', 'Schröder', 'Bäumer', 'Löwe', 'Hoffmann', 'Sänger', 'Brückner', 'Wagner',
             'Günther', 'Hübner', 'Keßler', 'Zöllner', 'Becker', 'Vogt', 'Dürr', 'Schütz', 'Lehmann'),
         ' ',
         ELT(1 + (n DIV 25) % 12, 'Bäckereien', 'Logistik GmbH', 'Maschinenbau AG', 'Gebäudetechnik',
             'Verlagsgruppe', 'Pflegedienste', 'Stahlwerke', 'Energieversorgung', 'Möbelwerkstätten',
             'Elektrotechnik', 'Brauerei', 'Versicherungen')),
  ELT(1 + n % 10, 'Handwerk', 'Logistik', 'Industrie', 'Handel', 'Gesundheit', 'Energie',
      'Finanzen', 'Medien', 'Gastronomie', 'IT'),
  CONCAT('https://www.unternehmen-', n + 1, '.example'),
  CONCAT('https://www.unternehmen-', n + 1, '.example/logo.png'),
  ELT(1 + n % 16, 'Berlin', 'München', 'Köln', 'Hamburg', 'Frankfurt am Main', 'Stuttgart', 'Leipzig',
      'Potsdam', 'Bremen', 'Hannover', 'Saarbrücken', 'Lübeck', 'Erfurt', 'Magdeburg', 'Rostock',
      'Mainz'),
  ELT(1 + n % 16, 'DE-BE', 'DE-BY', 'DE-NW', 'DE-HH', 'DE-HE', 'DE-BW', 'DE-SN', 'DE-BB', 'DE-HB',
      'DE-NI', 'DE-SL', 'DE-SH', 'DE-TH', 'DE-ST', 'DE-MV', 'DE-RP'),
  CONCAT('Ein mittelständisches Unternehmen, das seit Jahren Geflüchtete ausbildet und beschäftigt. ',
         '„Integration gelingt am Arbeitsplatz“, sagt die Geschäftsführung. ',
         ELT(1 + n % 4, 'Schwerpunkte sind Sprachförderung und Ausbildung.',
             'Mentorinnen und Mentoren begleiten die neuen Kolleginnen und Kollegen.',
             'Praktika öffnen den Weg in eine Festanstellung.',
             'Die Belegschaft unterstützt mit Patenschaften und Übersetzungshilfe.')),
  DATE '2016-02-01' + INTERVAL (n * 11) % 1000 DAY,
  IF(n % 20 = 19, 'former', 'active'),
  CONCAT('kontakt@unternehmen-', n + 1, '.example'),
  TIMESTAMP '2018-01-01 08:00:00' + INTERVAL n HOUR,
  TIMESTAMP '2018-01-01 08:00:00' + INTERVAL n HOUR + INTERVAL (n % 7) DAY
FROM $(seq_rows 0 "$COMPANIES");
COMMIT;

-- The companies, numbered 0.. in id order, so that initiatives spread over
-- them whatever ids AUTO_INCREMENT gave.
DROP TABLE IF EXISTS bench_company;
CREATE TABLE bench_company (k INT NOT NULL PRIMARY KEY, id BIGINT NOT NULL);
INSERT INTO bench_company (k, id) SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM companies;
SQL
phase_done "companies"

# The initiatives, one transaction per batch. The session skips the foreign key check of
# company_id (the join with bench_company gives only existing companies); nothing else changes.
for ((lo = 0; lo < INITIATIVES; lo += BATCH)); do
  hi=$(( lo + BATCH < INITIATIVES ? lo + BATCH : INITIATIVES ))
  { echo "SET SESSION time_zone = '+00:00'; SET SESSION foreign_key_checks = 0;"; initiative_batch "$lo" "$hi"; } \
    | db_sql >/dev/null
  (( INITIATIVES <= BATCH )) || info "$hi of $INITIATIVES initiatives ($(seconds_since "$start_ns") s)"
done
phase_done "initiatives"

db_sql >/dev/null <<SQL
DROP TABLE bench_company;

-- The change feed: one upsert per row, companies first, in id order.
START TRANSACTION;
INSERT INTO changes (seq, entity_type, entity_id, op, changed_at)
  SELECT ROW_NUMBER() OVER (ORDER BY id), 'company', id, 'upsert', updated_at FROM companies;
INSERT INTO changes (seq, entity_type, entity_id, op, changed_at)
  SELECT $COMPANIES + ROW_NUMBER() OVER (ORDER BY id), 'initiative', id, 'upsert', updated_at FROM initiatives;
UPDATE change_sequence SET last_seq = (SELECT COALESCE(MAX(seq), 0) FROM changes) WHERE id = 1;
COMMIT;

SQL
phase_done "change feed"

# The target groups' and languages' rows of initiative_tags (migration 0014), from the lists just
# loaded: what the service writes with each initiative.
db_sql >/dev/null <<SQL
START TRANSACTION;
INSERT INTO initiative_tags (tag, id, title, created_at, updated_at, participants)
  SELECT CONCAT('group:', j.v), i.id, i.title, i.created_at, i.updated_at, i.participants FROM initiatives i,
  JSON_TABLE(CONCAT('["', REPLACE(i.target_groups, ',', '","'), '"]'), '\$[*]' COLUMNS (v VARCHAR(40) PATH '\$')) j
  WHERE i.target_groups <> '';
INSERT INTO initiative_tags (tag, id, title, created_at, updated_at, participants)
  SELECT CONCAT('language:', j.v), i.id, i.title, i.created_at, i.updated_at, i.participants FROM initiatives i,
  JSON_TABLE(CONCAT('["', REPLACE(i.languages_offered, ',', '","'), '"]'), '\$[*]' COLUMNS (v VARCHAR(40) PATH '\$')) j
  WHERE i.languages_offered <> '';
COMMIT;
SQL
phase_done "tags"

db_sql >/dev/null <<SQL
-- The migration's full-text index (0001_companies_initiatives.sql), built in one go.
ALTER TABLE initiatives ADD FULLTEXT KEY initiatives_search (title, summary, description);
ANALYZE TABLE companies, initiatives, initiative_tags;
SQL
phase_done "full-text index"

end_ns="$(date +%s%N)"
counts="$(db_sql -e "SELECT (SELECT COUNT(*) FROM companies), (SELECT COUNT(*) FROM initiatives),
  (SELECT COUNT(*) FROM initiatives WHERE published = 1)")"
read -r n_companies n_initiatives n_published <<<"$counts"
[[ "$n_companies" == "$COMPANIES" && "$n_initiatives" == "$INITIATIVES" ]] \
  || die "loaded $n_companies companies / $n_initiatives initiatives, expected $COMPANIES / $INITIATIVES"
LOAD_SECONDS="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
info "loaded $n_companies companies and $n_initiatives initiatives ($n_published published) into $BENCH_DB in ${LOAD_SECONDS} s ($PHASES)"
