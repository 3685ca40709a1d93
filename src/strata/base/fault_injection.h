// FaultInjectingFileSystem wraps another FileSystem and fails chosen operations
// on chosen paths, so tests can prove that drives, nodes and the object store
// survive EIO, ENOSPC, short writes, torn renames and bit flips. Rules are
// matched by path substring; thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "strata/base/file_io.h"

namespace strata {

enum class FaultOp { kOpenWrite, kAppend, kSync, kOpenRead, kRead, kRename, kRemove, kCreateDirs, kListDir };

struct FaultRule {
  FaultOp op;
  std::string path_contains;  // empty matches every path
  int error = EIO;            // errno to report
  // For kAppend: let this many bytes through (over all matching files) before failing,
  // so a write can fail midway. For kRead with flip_bits: corrupt instead of failing.
  uint64_t after_bytes = 0;
  bool flip_bits = false;     // kRead only: return data with one bit flipped
  int remaining = -1;         // how many times the rule fires; -1 is forever
};

class FaultInjectingFileSystem : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem* base) : base_(base) {}

  void AddRule(FaultRule rule);
  void ClearRules();
  // How many times any rule fired.
  int fired() const;

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  Result<bool> Exists(const std::string& path) override { return base_->Exists(path); }
  Result<SpaceInfo> Space(const std::string& path) override { return base_->Space(path); }

  // Used by the wrapped files; returns the errno to fail with, or 0.
  int Check(FaultOp op, const std::string& path, uint64_t bytes = 0, bool* flip = nullptr);

 private:
  FileSystem* base_;
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::vector<uint64_t> bytes_seen_;
  int fired_ = 0;
};

}  // namespace strata
