// TempDir is a fresh directory under $TMPDIR for one test, removed with
// everything in it when the TempDir goes out of scope.
#pragma once

#include <string>

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

}  // namespace strata::testing
