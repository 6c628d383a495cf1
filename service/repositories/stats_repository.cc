#include "service/repositories/stats_repository.h"

#include <string>

#include "service/repositories/sql.h"

namespace zusammen::service::stats_repository {
namespace {

// The single-valued totals and the current UTC year, in one round trip.
constexpr const char* kTotals =
    "SELECT "
    "(SELECT CAST(COUNT(*) AS SIGNED) FROM companies WHERE status = 'active'), "
    "(SELECT CAST(COALESCE(SUM(i.participants), 0) AS SIGNED) FROM initiatives i "
    "JOIN companies c ON c.id = i.company_id WHERE i.published = 1 AND c.status = 'active'), "
    "(SELECT CAST(COUNT(*) AS SIGNED) FROM meetings WHERE status = 'held'), "
    "CAST(YEAR(UTC_TIMESTAMP()) AS SIGNED)";

// Published initiatives of active companies, by category.
constexpr const char* kInitiativesByCategory =
    "SELECT i.category, CAST(COUNT(*) AS SIGNED) FROM initiatives i "
    "JOIN companies c ON c.id = i.company_id WHERE i.published = 1 AND c.status = 'active' "
    "GROUP BY i.category";

// Registrations of meetings starting in the current UTC calendar year (starts_at is stored in UTC).
constexpr const char* kRegistrationsByStatus =
    "SELECT r.status, CAST(COUNT(*) AS SIGNED) FROM registrations r "
    "JOIN meetings m ON m.id = r.meeting_id "
    "WHERE m.starts_at >= MAKEDATE(YEAR(UTC_TIMESTAMP()), 1) "
    "AND m.starts_at < MAKEDATE(YEAR(UTC_TIMESTAMP()) + 1, 1) "
    "GROUP BY r.status";

// An integer column whatever type MariaDB reports for the aggregate (scalar subqueries and
// COUNT/SUM come back as integers of several widths, or DECIMAL as text/double).
long long integer(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(i));
    default:
      return std::stoll(r.get<std::string>(i));
  }
}

}  // namespace

void read_network(soci::session& session, NetworkStats& stats) {
  sql::Query(kTotals).for_each(session, [&stats](const soci::row& r) {
    stats.active_companies = integer(r, 0);
    stats.people_reached = integer(r, 1);
    stats.meetings_held = integer(r, 2);
    stats.year = static_cast<int>(integer(r, 3));
  });
  sql::Query(kInitiativesByCategory).for_each(session, [&stats](const soci::row& r) {
    stats.initiatives_by_category[r.get<std::string>(0)] = integer(r, 1);
  });
  sql::Query(kRegistrationsByStatus).for_each(session, [&stats](const soci::row& r) {
    stats.registrations_by_status[r.get<std::string>(0)] = integer(r, 1);
  });
}

}  // namespace zusammen::service::stats_repository
