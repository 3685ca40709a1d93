// Small helpers shared by the benchmarks: a throughput sampler that runs an
// operation for a fixed time and reports the median of several samples, a
// fixed-width table printer, option values, and number formatting. Header-only; benchmarks
// are single-threaded.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace strata::bench {

using Clock = std::chrono::steady_clock;

// The value after option argv[i] (advancing i); exits with usage status 2
// when the option is last.
inline std::string NextArgument(int argc, char** argv, int& i) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s needs a value\n", argv[i]);
    std::exit(2);
  }
  return argv[++i];
}

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Keeps the compiler from dropping writes to `p` or assuming memory unchanged.
inline void ClobberMemory(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

// Runs `op` (which processes `bytes_per_op` bytes) in `samples` back-to-back
// samples of at least `sample_seconds` each and returns the median throughput
// in GB/s (1e9 bytes per second). The median keeps one sample slowed by other
// processes on a shared machine from moving the figure.
template <typename Op>
double MedianThroughput(Op&& op, uint64_t bytes_per_op, double sample_seconds, int samples) {
  op();  // warm up: page in buffers, fill caches
  std::vector<double> rates;
  for (int s = 0; s < samples; ++s) {
    uint64_t ops = 0;
    const Clock::time_point start = Clock::now();
    double elapsed = 0;
    do {
      op();
      ++ops;
      elapsed = SecondsSince(start);
    } while (elapsed < sample_seconds);
    rates.push_back(static_cast<double>(ops * bytes_per_op) / elapsed / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

inline std::string Format(const char* fmt, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), fmt, value);
  return buffer;
}

// Prints rows as a Markdown table with padded columns, so the output reads in
// a terminal and pastes into docs/benchmarks.md unchanged.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) {
    row.resize(rows_.front().size());
    rows_.push_back(std::move(row));
  }
  void Print() const {
    std::vector<size_t> width(rows_.front().size(), 3);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (size_t r = 0; r < rows_.size(); ++r) {
      PrintRow(rows_[r], width);
      if (r == 0) {
        std::vector<std::string> rule;
        for (size_t w : width) rule.push_back(std::string(w, '-'));
        PrintRow(rule, width);
      }
    }
    std::fflush(stdout);
  }

 private:
  static void PrintRow(const std::vector<std::string>& row, const std::vector<size_t>& width) {
    std::string line = "|";
    for (size_t c = 0; c < row.size(); ++c) {
      line += " " + row[c] + std::string(width[c] - row[c].size(), ' ') + " |";
    }
    std::printf("%s\n", line.c_str());
  }
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace strata::bench
