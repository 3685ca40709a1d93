#include "strata/query/background_indexer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "strata/query/table_index.h"

namespace strata::query {

namespace {

bool IsParquetKey(const std::string& key) {
  static constexpr std::string_view kSuffix = ".parquet";
  if (key.size() < kSuffix.size()) return false;
  return std::equal(kSuffix.begin(), kSuffix.end(), key.end() - kSuffix.size(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

}  // namespace

BackgroundIndexer::BackgroundIndexer(ObjectStore& store, size_t queue_limit)
    : store_(store), queue_limit_(std::max<size_t>(1, queue_limit)), thread_([this] { Run(); }) {}

BackgroundIndexer::~BackgroundIndexer() { Stop(); }

void BackgroundIndexer::Offer(const std::string& bucket, const std::string& key) {
  if (!IsParquetKey(key)) return;
  const std::string target = bucket + "/" + key;
  std::lock_guard lock(mu_);
  if (stopping_ || queued_.count(target)) return;
  if (queue_.size() >= queue_limit_) {
    spdlog::warn("index {}: not queued, {} tables already wait (run `strata index` later)", target, queue_.size());
    return;
  }
  queue_.push_back(target);
  queued_.insert(target);
  wake_.notify_one();
}

void BackgroundIndexer::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

void BackgroundIndexer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    if (!queue_.empty()) spdlog::info("index: {} queued tables dropped at shutdown", queue_.size());
    queue_.clear();
    queued_.clear();
  }
  wake_.notify_all();
  idle_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t BackgroundIndexer::tables_indexed() const {
  std::lock_guard lock(mu_);
  return tables_indexed_;
}

void BackgroundIndexer::Run() {
  for (;;) {
    std::string target;
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      if (queue_.empty()) idle_.notify_all();
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (stopping_) return;
      target = std::move(queue_.front());
      queue_.pop_front();
      // A PUT of the same key from here on queues it again: that is a new
      // version, to be indexed after this one.
      queued_.erase(target);
      busy_ = true;
    }
    Result<IndexReport> report = IndexTables(store_, target);
    if (!report.ok()) {
      // Deleted since, not Parquet after all, or a schema it cannot read:
      // nothing to index, and nothing wrong with the store.
      const StatusCode code = report.status().code();
      if (code == StatusCode::kNotFound || code == StatusCode::kInvalidArgument ||
          code == StatusCode::kCorruption) {
        spdlog::debug("index {}: skipped: {}", target, report.status().message());
      } else {
        spdlog::warn("index {}: {}", target, report.status().message());
      }
      continue;
    }
    for (const std::string& why : report->skipped_files) spdlog::debug("index: skipped {}", why);
    for (const std::string& problem : report->problems) spdlog::warn("index: {}", problem);
    if (report->files_indexed == 0) continue;
    spdlog::info("index {}: {} row groups indexed, {} skipped, {} bytes written, {:.3f} s", target,
                 report->row_groups_indexed, report->row_groups_skipped, report->bytes_written, report->seconds);
    std::lock_guard lock(mu_);
    if (report->row_groups_indexed > 0) ++tables_indexed_;
  }
}

}  // namespace strata::query
