// MemoryFileSystem keeps files in memory, for fuzz targets and tests that
// need a FileSystem without touching disk. Directories are implied by file
// paths. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "strata/base/file_io.h"

namespace strata::testing {

class MemoryFileSystem : public FileSystem {
 public:
  void SetFile(const std::string& path, std::string contents);
  Result<std::string> GetFile(const std::string& path) const;

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDirs(const std::string& path) override;
  Status SyncDir(const std::string& path) override { return Status::OK(); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<SpaceInfo> Space(const std::string& path) override { return SpaceInfo{1ull << 40, 1ull << 40}; }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::map<std::string, bool> dirs_;
};

}  // namespace strata::testing
