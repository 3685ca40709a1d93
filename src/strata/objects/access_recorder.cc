#include "strata/objects/access_recorder.h"

#include <algorithm>

#include "strata/base/clock.h"

namespace strata {

AccessRecorder::AccessRecorder(Catalog* catalog, std::chrono::seconds flush_interval,
                               std::function<int64_t()> now_ms)
    : catalog_(catalog),
      flush_interval_(flush_interval),
      now_ms_(now_ms ? std::move(now_ms) : std::function<int64_t()>(NowMillis)),
      last_flush_(std::chrono::steady_clock::now()) {}

Status AccessRecorder::Reload() {
  ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, catalog_->ListDatasets());
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> prefixes;
  for (DatasetRecord& dataset : datasets) {
    prefixes[dataset.bucket].emplace_back(std::move(dataset.prefix), std::move(dataset.name));
  }
  for (auto& [bucket, list] : prefixes) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  std::lock_guard lock(mu_);
  prefixes_ = std::move(prefixes);
  return Status::OK();
}

std::string AccessRecorder::DatasetOfLocked(const std::string& bucket, const std::string& key) const {
  auto it = prefixes_.find(bucket);
  if (it == prefixes_.end()) return {};
  for (const auto& [prefix, dataset] : it->second) {
    if (key.compare(0, prefix.size(), prefix) == 0) return dataset;
  }
  return {};
}

std::string AccessRecorder::DatasetOf(const std::string& bucket, const std::string& key) const {
  std::lock_guard lock(mu_);
  return DatasetOfLocked(bucket, key);
}

void AccessRecorder::Record(const std::string& bucket, const std::string& key, AccessKind kind) {
  if (kind == AccessKind::kInternal) return;
  bool flush_due = false;
  {
    std::lock_guard lock(mu_);
    const std::string dataset = DatasetOfLocked(bucket, key);
    if (dataset.empty()) return;
    const int64_t day = now_ms_() / kMillisPerDay;
    DatasetAccess& count = pending_[{dataset, day}];
    count.dataset = dataset;
    count.day = day;
    (kind == AccessKind::kRead ? count.reads : count.queries) += 1;
    flush_due = std::chrono::steady_clock::now() - last_flush_ >= flush_interval_;
  }
  // A failed periodic flush keeps its counts for the next one.
  if (flush_due) (void)Flush();
}

Status AccessRecorder::Flush() {
  std::vector<DatasetAccess> counts;
  {
    std::lock_guard lock(mu_);
    last_flush_ = std::chrono::steady_clock::now();
    for (auto& [key, count] : pending_) counts.push_back(count);
    pending_.clear();
  }
  Status added = catalog_->AddDatasetAccess(counts);
  if (!added.ok()) {
    // Put them back, adding to what arrived meanwhile.
    std::lock_guard lock(mu_);
    for (const DatasetAccess& count : counts) {
      DatasetAccess& pending = pending_[{count.dataset, count.day}];
      pending.dataset = count.dataset;
      pending.day = count.day;
      pending.reads += count.reads;
      pending.queries += count.queries;
    }
  }
  return added;
}

}  // namespace strata
