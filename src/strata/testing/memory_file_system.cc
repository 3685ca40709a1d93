#include "strata/testing/memory_file_system.h"

#include <algorithm>
#include <cstring>

namespace strata::testing {
namespace {

class MemoryWritableFile : public WritableFile {
 public:
  MemoryWritableFile(MemoryFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  Status Append(std::span<const std::byte> data) override {
    contents_.append(reinterpret_cast<const char*>(data.data()), data.size());
    fs_->SetFile(path_, contents_);
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }

 private:
  MemoryFileSystem* fs_;
  std::string path_;
  std::string contents_;
};

class MemoryRandomAccessFile : public RandomAccessFile {
 public:
  explicit MemoryRandomAccessFile(std::string contents) : contents_(std::move(contents)) {}
  Result<size_t> ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    if (offset >= contents_.size()) return size_t{0};
    const size_t n = std::min<uint64_t>(out.size(), contents_.size() - offset);
    std::memcpy(out.data(), contents_.data() + offset, n);
    return n;
  }
  Result<uint64_t> Size() const override { return static_cast<uint64_t>(contents_.size()); }

 private:
  std::string contents_;
};

}  // namespace

void MemoryFileSystem::SetFile(const std::string& path, std::string contents) {
  std::lock_guard lock(mu_);
  files_[path] = std::move(contents);
  for (std::string dir = DirName(path); dir != "." && dir != "/" && !dir.empty(); dir = DirName(dir)) dirs_[dir] = true;
}

Result<std::string> MemoryFileSystem::GetFile(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("open " + path + ": No such file or directory");
  return it->second;
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::NewWritableFile(const std::string& path) {
  SetFile(path, "");
  return std::unique_ptr<WritableFile>(new MemoryWritableFile(this, path));
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::NewRandomAccessFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string contents, GetFile(path));
  return std::unique_ptr<RandomAccessFile>(new MemoryRandomAccessFile(std::move(contents)));
}

Status MemoryFileSystem::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(std::string contents, GetFile(from));
  std::lock_guard lock(mu_);
  files_.erase(from);
  files_[to] = std::move(contents);
  return Status::OK();
}

Status MemoryFileSystem::RemoveFile(const std::string& path) {
  std::lock_guard lock(mu_);
  if (files_.erase(path) == 0) return Status::NotFound("remove " + path + ": No such file or directory");
  return Status::OK();
}

Status MemoryFileSystem::CreateDirs(const std::string& path) {
  std::lock_guard lock(mu_);
  for (std::string dir = path; dir != "." && dir != "/" && !dir.empty(); dir = DirName(dir)) dirs_[dir] = true;
  return Status::OK();
}

Result<std::vector<std::string>> MemoryFileSystem::ListDir(const std::string& path) {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  const std::string prefix = path + "/";
  auto add = [&](const std::string& full) {
    if (full.rfind(prefix, 0) != 0) return;
    std::string rest = full.substr(prefix.size());
    rest = rest.substr(0, rest.find('/'));
    if (!rest.empty() && (names.empty() || names.back() != rest)) names.push_back(rest);
  };
  for (const auto& [name, contents] : files_) add(name);
  for (const auto& [name, is_dir] : dirs_) add(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<bool> MemoryFileSystem::IsDirectory(const std::string& path) {
  std::lock_guard lock(mu_);
  return dirs_.count(path) > 0;
}

Result<bool> MemoryFileSystem::Exists(const std::string& path) {
  std::lock_guard lock(mu_);
  return dirs_.count(path) > 0 || files_.count(path) > 0;
}

}  // namespace strata::testing
