// Internal to objects: what tier moves (tier_mover.cc) and replicas
// (replicas.cc) share to copy blobs: the rate limit, and the new blob being
// filled with the CRC32C of what went in.
#pragma once

#include <chrono>
#include <memory>
#include <thread>

#include "strata/objects/object_store.h"

namespace strata {

// Sleeps as needed to keep the bytes copied under `bytes_per_second`.
class MoveThrottle {
 public:
  explicit MoveThrottle(uint64_t bytes_per_second)
      : rate_(bytes_per_second), start_(std::chrono::steady_clock::now()) {}
  void Account(uint64_t bytes) {
    if (rate_ == 0) return;
    total_ += bytes;
    const auto due = start_ + std::chrono::duration<double>(static_cast<double>(total_) / static_cast<double>(rate_));
    std::this_thread::sleep_until(due);
  }

 private:
  uint64_t rate_;
  uint64_t total_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// One new blob being filled: its writer and the CRC32C of what went in.
struct ObjectStore::MoveTarget {
  BlobRecord blob;
  std::unique_ptr<BlobWriter> writer;
  uint64_t bytes = 0;
  uint32_t crc = 0;
};

}  // namespace strata
