#include "service/repositories/change_repository.h"

#include <algorithm>

#include "service/repositories/sql.h"

namespace zusammen::service::change_repository {

namespace {

constexpr const char* kAllocate =
    "INSERT INTO change_sequence (id, last_seq) VALUES (1, :n) ON DUPLICATE KEY UPDATE last_seq = last_seq + :n2";
constexpr const char* kLastSeq = "SELECT last_seq FROM change_sequence WHERE id = 1";
constexpr const char* kInsert = "INSERT INTO changes (seq, entity_type, entity_id, op) VALUES (:seq, :type, :id, :op)";
const std::string kSelect = "SELECT seq, entity_type, entity_id, op, " + sql::rfc3339("changed_at") + " FROM changes";

const char* op_name(ChangeOp op) { return op == ChangeOp::upsert ? "upsert" : "delete"; }

}  // namespace

long long allocate(soci::session& session, long long n) {
  session << kAllocate, soci::use(n), soci::use(n);
  return last_seq(session);
}

void insert(soci::session& session, long long first_seq, const std::vector<ChangeRef>& changes) {
  if (changes.size() == 1) {
    std::string op = op_name(changes.front().op);
    session << kInsert, soci::use(first_seq), soci::use(changes.front().type), soci::use(changes.front().id),
        soci::use(op);
    return;
  }
  // Many at once (bulk writes): multi-row INSERTs of up to kRowsPerInsert rows, not a round trip per
  // change. Numbers are written into the text; the type is bound.
  constexpr std::size_t kRowsPerInsert = 500;
  long long seq = first_seq;
  for (std::size_t start = 0; start < changes.size(); start += kRowsPerInsert) {
    std::size_t end = std::min(changes.size(), start + kRowsPerInsert);
    std::string text = "INSERT INTO changes (seq, entity_type, entity_id, op) VALUES ";
    std::vector<std::string> types;
    for (std::size_t i = start; i < end; ++i, ++seq) {
      text += (i == start ? "(" : ", (") + std::to_string(seq) + ", ?, " + std::to_string(changes[i].id) + ", '" +
              op_name(changes[i].op) + "')";
      types.push_back(changes[i].type);
    }
    sql::execute(session, text, types);
  }
}

std::vector<Change> after(soci::session& session, long long seq, const std::set<std::string>& types, int limit) {
  sql::Query query(kSelect);
  query.where("seq > ?", {std::to_string(seq)});
  if (!types.empty()) {
    query.where("entity_type IN (" + sql::placeholders(types.size()) + ")", {types.begin(), types.end()});
  }
  query.append(" ORDER BY seq LIMIT " + std::to_string(limit));
  std::vector<Change> out;
  query.for_each(session, [&](const soci::row& r) {
    out.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<long long>(2), r.get<std::string>(3),
                   r.get<std::string>(4)});
  });
  return out;
}

long long last_seq(soci::session& session) {
  long long last = 0;
  soci::indicator indicator = soci::i_ok;
  session << kLastSeq, soci::into(last, indicator);
  return session.got_data() && indicator == soci::i_ok ? last : 0;
}

}  // namespace zusammen::service::change_repository
