// BackgroundIndexer builds the row-group indexes of Parquet objects after
// they land through the S3 API, on one thread of its own, so a PUT never
// waits for it. Offer queues an object whose key ends in ".parquet" (any
// case); a key already waiting is not queued twice, and when the queue is
// full new keys are dropped (an index is a hint; `strata index` builds it
// later). Objects that are not aligned Parquet are skipped quietly. Outcomes
// go to the log. Thread-safe; Stop (or the destructor) finishes the table in
// progress, drops the rest and joins the thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "strata/objects/object_store.h"

namespace strata::query {

class BackgroundIndexer {
 public:
  static constexpr size_t kDefaultQueueLimit = 1024;

  explicit BackgroundIndexer(ObjectStore& store, size_t queue_limit = kDefaultQueueLimit);
  ~BackgroundIndexer();
  BackgroundIndexer(const BackgroundIndexer&) = delete;
  BackgroundIndexer& operator=(const BackgroundIndexer&) = delete;

  // Queues bucket/key for indexing when its key names a Parquet file;
  // returns at once.
  void Offer(const std::string& bucket, const std::string& key);
  // Waits until nothing is queued or being indexed (for tests and shutdown
  // reports).
  void WaitIdle();
  void Stop();

  // Tables indexed so far (files with at least one row group indexed).
  uint64_t tables_indexed() const;

 private:
  void Run();

  ObjectStore& store_;
  const size_t queue_limit_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // work queued, or stopping
  std::condition_variable idle_;  // the queue drained
  std::deque<std::string> queue_;  // "bucket/key"
  std::set<std::string> queued_;   // the same, to drop repeats
  bool busy_ = false;
  bool stopping_ = false;
  uint64_t tables_indexed_ = 0;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace strata::query
