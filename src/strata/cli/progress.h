// ProgressBar draws "label [=====>    ] 42% 120.0 MiB/s" on stderr when stderr
// is a terminal and prints nothing otherwise, so scripts see clean output.
// Redraws at most ten times a second. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace strata::cli {

class ProgressBar {
 public:
  // `bytes`: show done/total as byte sizes and a rate; otherwise as counts.
  ProgressBar(std::string label, uint64_t total, bool bytes, bool quiet = false);
  ~ProgressBar();
  void Update(uint64_t done);
  void SetTotal(uint64_t total) { total_ = total; }
  void Finish();

 private:
  void Draw(bool final);
  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool bytes_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace strata::cli
