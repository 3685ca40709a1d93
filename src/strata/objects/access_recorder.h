// AccessRecorder counts, per dataset and UTC day, the object reads and the
// queries a store serves, and adds them to the catalog's access history in
// batches: a read costs a prefix match and a counter, not a catalog write.
// Counts reach the catalog on Flush, at most `flush_interval` after they were
// made (checked on each record), and when the store closes; a crash loses at
// most that interval's counts. Objects outside every dataset are not counted.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/catalog.h"

namespace strata {

// Why an object is opened: a client's read, a query over a table, or the
// system's own work (indexing, planning), which is not counted.
enum class AccessKind { kRead, kQuery, kInternal };

class AccessRecorder {
 public:
  // `now_ms` is the wall clock (tests give their own).
  AccessRecorder(Catalog* catalog, std::chrono::seconds flush_interval = std::chrono::seconds(10),
                 std::function<int64_t()> now_ms = nullptr);

  // Loads the datasets from the catalog; after a dataset is added or removed.
  Status Reload();
  // Counts one access to bucket/key for the dataset with the longest
  // matching prefix, if any.
  void Record(const std::string& bucket, const std::string& key, AccessKind kind);
  // Adds the counts so far to the catalog. On failure they are kept for the
  // next try.
  Status Flush();
  // The dataset bucket/key belongs to, or "" for none.
  std::string DatasetOf(const std::string& bucket, const std::string& key) const;

 private:
  std::string DatasetOfLocked(const std::string& bucket, const std::string& key) const;

  Catalog* catalog_;
  std::chrono::seconds flush_interval_;
  std::function<int64_t()> now_ms_;
  mutable std::mutex mu_;
  // Per bucket, (prefix, dataset) by descending prefix length: the first
  // match is the longest.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> prefixes_;
  std::map<std::pair<std::string, int64_t>, DatasetAccess> pending_;  // (dataset, day)
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace strata
