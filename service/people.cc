#include "service/people.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "service/repositories/people_repository.h"
#include "service/validation.h"

namespace zusammen::service {
namespace {

namespace repo = people_repository;

constexpr int kPurgeBatch = 200;

std::vector<long long> ids_of(const std::vector<Registration>& registrations) {
  std::vector<long long> out;
  out.reserve(registrations.size());
  for (const auto& g : registrations) out.push_back(g.id);
  return out;
}

}  // namespace

std::vector<FieldError> validate_person_email(const std::string& email) {
  Validator v;
  v.email("email", email);
  return v.take();
}

Result<PersonData> PeopleService::export_data(const std::string& email) {
  // One transaction: the registrations, the records and the feed come from the same snapshot.
  return in_transaction<PersonData>(pool_, [&](soci::session& sql) -> Result<PersonData> {
    PersonData data;
    data.email = email;
    data.registrations = repo::registrations_of(sql, email_key(email));
    std::vector<long long> ids = ids_of(data.registrations);
    std::vector<long long> meeting_ids;
    for (const auto& g : data.registrations) meeting_ids.push_back(g.meeting_id);
    std::sort(meeting_ids.begin(), meeting_ids.end());
    meeting_ids.erase(std::unique(meeting_ids.begin(), meeting_ids.end()), meeting_ids.end());
    data.meetings = repo::meetings(sql, meeting_ids);
    data.idempotency_records = repo::idempotency_records(sql, {email}, ids);
    data.changes = repo::changes_of(sql, ids);
    return data;
  });
}

Result<Erasure> PeopleService::erase(const std::string& email) {
  return in_transaction<Erasure>(pool_, [&](soci::session& sql) -> Result<Erasure> {
    Erasure erasure;
    // By meeting: each meeting is locked in id order, as bulk sync locks them.
    auto registrations = repo::registrations_of(sql, email_key(email));
    std::vector<std::string> emails = {email};
    for (const auto& g : registrations) {
      if (std::find(emails.begin(), emails.end(), g.email) == emails.end()) emails.push_back(g.email);
    }
    std::vector<ChangeRef> changes;
    for (const auto& g : registrations) {
      if (Status removed = remove_registration(sql, g.id, std::nullopt, changes); !removed.ok()) {
        return removed.error();
      }
    }
    erasure.registrations = static_cast<int>(registrations.size());
    erasure.promoted = static_cast<int>(changes.size()) - erasure.registrations;
    erasure.idempotency_records = repo::erase_idempotency_records(sql, emails, ids_of(registrations));
    record_changes(sql, changes);
    return erasure;
  });
}

Result<long long> PeopleService::purge_expired(const RetentionPolicy& policy) {
  long long total = 0;
  for (;;) {
    auto batch = in_transaction<long long>(pool_, [&](soci::session& sql) -> Result<long long> {
      auto expired = repo::expired(sql, policy, kPurgeBatch);
      if (expired.empty()) return 0LL;
      std::vector<long long> ids;
      std::vector<std::string> emails;
      std::vector<ChangeRef> changes;
      for (const auto& e : expired) {
        ids.push_back(e.id);
        emails.push_back(e.email);
        changes.push_back({"registration", e.id, ChangeOp::upsert});
      }
      repo::anonymise(sql, ids);
      repo::erase_idempotency_records(sql, emails, ids);
      record_changes(sql, changes);
      return static_cast<long long>(ids.size());
    });
    if (!batch.ok()) return batch.error();
    total += *batch;
    if (*batch < kPurgeBatch) return total;
  }
}

PeriodicPurge::PeriodicPurge(Pool& pool, RetentionPolicy policy, std::chrono::seconds interval)
    : service_(pool), policy_(policy), interval_(interval) {
  if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

PeriodicPurge::~PeriodicPurge() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicPurge::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto purged = service_.purge_expired(policy_);
    if (!purged.ok()) {
      spdlog::warn("retention purge failed: {}", purged.error().detail);
    } else if (*purged > 0) {
      spdlog::info("retention purge: {} registration(s) anonymised", *purged);
    }
    lock.lock();
  }
}

}  // namespace zusammen::service
