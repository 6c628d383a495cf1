// Personal-data rights and retention: what the service holds about a person (found by email across
// every meeting), its erasure, and the anonymisation of registrations whose retention has passed.
// The change feed stores only type, id and op, never personal fields, so it needs no scrubbing;
// stored Idempotency-Key answers (a created registration's JSON) do, and are deleted with the person.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/changes.h"
#include "service/database.h"
#include "service/model/person.h"
#include "service/registrations.h"
#include "service/status.h"

namespace zusammen::service {

class PeopleService {
 public:
  explicit PeopleService(Pool& pool) : pool_(pool) {}

  // Compared case-insensitively, as registrations compare emails.
  Result<PersonData> export_data(const std::string& email);
  // One transaction: every registration deleted as DELETE /v1/registrations/{id} would (tombstone,
  // waiting-list promotion), the stored Idempotency-Key answers about them deleted. Nothing held:
  // nothing changes (Erasure of zeros).
  Result<Erasure> erase(const std::string& email);
  // Anonymises every registration whose retention has passed, in batches (a transaction each):
  // names, email, organization, job title, notes and the sync key are replaced by placeholders or
  // NULL; meeting, company, status and workshops stay for statistics. Each one is an upsert in the
  // change feed. Returns how many were anonymised.
  Result<long long> purge_expired(const RetentionPolicy& policy);

 private:
  Pool& pool_;
};

// Runs purge_expired every interval (the first one interval after start) on its own thread, until
// destroyed (which wakes and joins it).
class PeriodicPurge {
 public:
  PeriodicPurge(Pool& pool, RetentionPolicy policy, std::chrono::seconds interval);
  ~PeriodicPurge();
  PeriodicPurge(const PeriodicPurge&) = delete;
  PeriodicPurge& operator=(const PeriodicPurge&) = delete;

 private:
  void run();

  PeopleService service_;
  RetentionPolicy policy_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace zusammen::service
