#include "strata/base/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "strata/base/ids.h"

namespace strata {
namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::span<const std::byte> data) override {
    const std::byte* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "write " + path_);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    written_ += data.size();
    // Start writeback of what is already written, so the final fdatasync has
    // little left to do and the disk works while the writer computes.
    if (written_ - writeback_start_ >= kWritebackChunk) {
      ::sync_file_range(fd_, static_cast<off_t>(writeback_start_), static_cast<off_t>(written_ - writeback_start_),
                        SYNC_FILE_RANGE_WRITE);
      writeback_start_ = written_;
    }
    return Status::OK();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Status::FromErrno(errno, "fdatasync " + path_);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::FromErrno(errno, "close " + path_);
    return Status::OK();
  }

 private:
  static constexpr uint64_t kWritebackChunk = 4u << 20;
  int fd_;
  std::string path_;
  uint64_t written_ = 0;
  uint64_t writeback_start_ = 0;
};

class PosixRandomAccessFile : public RandomAccessFile {
 public:
  PosixRandomAccessFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Result<size_t> ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "read " + path_);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Status::FromErrno(errno, "stat " + path_);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

FileSystem* PosixFileSystem::Default() {
  static PosixFileSystem instance;
  return &instance;
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewWritableFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "create " + path);
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
}

Result<std::unique_ptr<RandomAccessFile>> PosixFileSystem::NewRandomAccessFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(fd, path));
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return Status::FromErrno(errno, "rename " + from + " to " + to);
  return Status::OK();
}

Status PosixFileSystem::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "remove " + path);
  return Status::OK();
}

Status PosixFileSystem::CreateDirs(const std::string& path) {
  if (path.empty()) return Status::OK();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::IOError("create directory " + path + ": exists and is not a directory");
  }
  std::string parent = DirName(path);
  if (parent != path && !parent.empty()) RETURN_IF_ERROR(CreateDirs(parent));
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::FromErrno(errno, "create directory " + path);
  }
  return Status::OK();
}

Status PosixFileSystem::SyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open directory " + path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync directory " + path);
  return Status::OK();
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return Status::FromErrno(errno, "list " + path);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return Status::FromErrno(err, "list " + path);
  return names;
}

Result<bool> PosixFileSystem::IsDirectory(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return Status::FromErrno(errno, "stat " + path);
  }
  return S_ISDIR(st.st_mode);
}

Result<bool> PosixFileSystem::Exists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return Status::FromErrno(errno, "stat " + path);
  }
  return true;
}

Result<SpaceInfo> PosixFileSystem::Space(const std::string& path) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return Status::FromErrno(errno, "statvfs " + path);
  SpaceInfo info;
  info.capacity_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  info.available_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  return info;
}

Result<std::string> ReadSmallFile(FileSystem& fs, const std::string& path) {
  ASSIGN_OR_RETURN(auto file, fs.NewRandomAccessFile(path));
  ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size > (64u << 20)) return Status::InvalidArgument(path + ": file is too large to read whole");
  std::string contents(size, '\0');
  ASSIGN_OR_RETURN(size_t got, file->ReadAt(0, std::as_writable_bytes(std::span(contents))));
  contents.resize(got);
  return contents;
}

Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents) {
  std::string temp = path + ".tmp-" + NewRandomId().substr(0, 8);
  {
    ASSIGN_OR_RETURN(auto file, fs.NewWritableFile(temp));
    Status st = file->Append(std::as_bytes(std::span(contents.data(), contents.size())));
    if (st.ok()) st = file->Sync();
    if (st.ok()) st = file->Close();
    if (!st.ok()) {
      (void)fs.RemoveFile(temp);
      return st;
    }
  }
  Status st = fs.Rename(temp, path);
  if (!st.ok()) {
    (void)fs.RemoveFile(temp);
    return st;
  }
  return fs.SyncDir(DirName(path));
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (!b.empty() && b.front() == '/') return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace strata
