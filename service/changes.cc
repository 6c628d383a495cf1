#include "service/changes.h"

#include <soci/soci.h>

#include <algorithm>
#include <charconv>

#include "service/encoding.h"
#include "service/repositories/sql.h"
#include "service/unit_hooks.h"

namespace zusammen::service {

const std::vector<std::string_view> kChangeTypes = {"company",     "initiative",   "meeting",
                                                    "agenda_item", "registration", "testimonial"};

namespace {

// An upsert rather than an UPDATE: the counter row is (re)created if someone emptied the table.
constexpr const char* kAllocate =
    "INSERT INTO change_sequence (id, last_seq) VALUES (1, :n) ON DUPLICATE KEY UPDATE last_seq = last_seq + :n2";
constexpr const char* kLastSeq = "SELECT last_seq FROM change_sequence WHERE id = 1";
constexpr const char* kInsert = "INSERT INTO changes (seq, entity_type, entity_id, op) VALUES (:seq, :type, :id, :op)";
const std::string kSelect = "SELECT seq, entity_type, entity_id, op, " + sql::rfc3339("changed_at") + " FROM changes";

const char* op_name(ChangeOp op) { return op == ChangeOp::upsert ? "upsert" : "delete"; }

}  // namespace

void record_changes(soci::session& session, const std::vector<ChangeRef>& changes) {
  if (changes.empty()) return;
  detail::note_write();  // the request's Idempotency-Key, if any, commits with this write
  // The counter row stays locked until this transaction ends: writers take their sequence
  // numbers in commit order.
  long long n = static_cast<long long>(changes.size());
  session << kAllocate, soci::use(n), soci::use(n);
  long long last = 0;
  session << kLastSeq, soci::into(last);
  long long seq = last - n;
  if (changes.size() == 1) {
    ++seq;
    std::string op = op_name(changes.front().op);
    session << kInsert, soci::use(seq), soci::use(changes.front().type), soci::use(changes.front().id), soci::use(op);
    return;
  }
  // Many at once (bulk writes): multi-row INSERTs of up to kRowsPerInsert rows, not a round trip per
  // change. Numbers are written into the text; the type is bound.
  constexpr std::size_t kRowsPerInsert = 500;
  for (std::size_t start = 0; start < changes.size(); start += kRowsPerInsert) {
    std::size_t end = std::min(changes.size(), start + kRowsPerInsert);
    std::string text = "INSERT INTO changes (seq, entity_type, entity_id, op) VALUES ";
    for (std::size_t i = start; i < end; ++i) {
      ++seq;
      text += (i == start ? "(" : ", (") + std::to_string(seq) + ", :t" + std::to_string(i - start) + ", " +
              std::to_string(changes[i].id) + ", '" + op_name(changes[i].op) + "')";
    }
    soci::details::prepare_temp_type prepared = (session.prepare << text);
    for (std::size_t i = start; i < end; ++i) prepared, soci::use(changes[i].type);
    soci::statement statement(prepared);
    statement.execute(true);
  }
}

void record_change(soci::session& session, std::string_view type, long long id, ChangeOp op) {
  record_changes(session, {{std::string(type), id, op}});
}

std::string encode_change_cursor(long long seq) { return base64url_encode("c1:" + std::to_string(seq)); }

std::optional<long long> decode_change_cursor(const std::string& cursor) {
  auto raw = base64url_decode(cursor);
  if (!raw || raw->rfind("c1:", 0) != 0) return std::nullopt;
  long long seq = 0;
  const char* begin = raw->data() + 3;
  const char* end = raw->data() + raw->size();
  auto [ptr, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc{} || ptr != end || begin == end || seq < 0) return std::nullopt;
  return seq;
}

Result<ChangePage> ChangeService::list(const std::string& since, const std::set<std::string>& types, int limit) {
  long long after = 0;
  if (!since.empty()) {
    auto decoded = decode_change_cursor(since);
    if (!decoded) return Error::invalid("The cursor is not valid.", {{"since", "is not a cursor of the change feed"}});
    after = *decoded;
  }
  return with_session<ChangePage>(pool_, [&](soci::session& session) -> Result<ChangePage> {
    sql::Query query(kSelect);
    query.where("seq > ?", {std::to_string(after)});
    if (!types.empty()) {
      std::string placeholders;
      std::vector<std::string> values;
      for (const auto& type : types) {
        placeholders += placeholders.empty() ? "?" : ", ?";
        values.push_back(type);
      }
      query.where("entity_type IN (" + placeholders + ")", values);
    }
    query.append(" ORDER BY seq LIMIT " + std::to_string(limit));
    ChangePage page;
    query.for_each(session, [&](const soci::row& r) {
      page.items.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<long long>(2), r.get<std::string>(3),
                            r.get<std::string>(4)});
    });
    page.next_cursor = encode_change_cursor(page.items.empty() ? after : page.items.back().seq);
    return page;
  });
}

Result<long long> ChangeService::last_sequence() {
  return with_session<long long>(pool_, [&](soci::session& session) -> Result<long long> {
    long long last = 0;
    soci::indicator indicator = soci::i_ok;
    session << kLastSeq, soci::into(last, indicator);
    return session.got_data() && indicator == soci::i_ok ? last : 0;
  });
}

}  // namespace zusammen::service
