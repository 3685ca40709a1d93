// TempDir is a fresh directory under $TMPDIR for one test, removed with
// everything in it when the TempDir goes out of scope; with it, small helpers
// for test data and files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace strata::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Deterministic pseudo-random bytes for test data.
std::string RandomBytes(size_t size, uint64_t seed);

inline std::span<const std::byte> AsBytes(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}
// Whole-file helpers for tests that inspect or damage files on disk.
std::string ReadWholeFile(const std::string& path);
void WriteWholeFile(const std::string& path, const std::string& contents);
// Entry names of a directory, sorted.
std::vector<std::string> ListNames(const std::string& dir);

}  // namespace strata::testing
