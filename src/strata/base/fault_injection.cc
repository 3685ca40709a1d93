#include "strata/base/fault_injection.h"

#include <cerrno>
#include <utility>

namespace strata {
namespace {

// When Check fails an append, how many bytes of that append a kAppend rule with
// after_bytes still lets through, so the wrapped file can write that prefix
// before failing (a short write). Check and the append that asked run on the
// same thread, one right after the other, so a thread-local hand-off is exact.
thread_local uint64_t t_short_write_bytes = 0;

// A well-mixed 64-bit value from a read's offset and length, used to pick
// which bit to flip so that the choice is repeatable run to run.
uint64_t MixBits(uint64_t offset, uint64_t length) {
  uint64_t z = offset * 0x9E3779B97F4A7C15ull + length + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Status InjectedError(int err, const std::string& what) {
  return Status::FromErrno(err, what + " (injected fault)");
}

class FaultInjectingWritableFile : public WritableFile {
 public:
  FaultInjectingWritableFile(FaultInjectingFileSystem* fs, std::unique_ptr<WritableFile> base,
                             std::string path)
      : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}

  Status Append(std::span<const std::byte> data) override {
    int err = fs_->Check(FaultOp::kAppend, path_, data.size());
    if (err == 0) return base_->Append(data);
    uint64_t prefix = t_short_write_bytes;
    if (prefix > 0 && prefix < data.size()) {
      // The torn part reaches the disk; the append still reports failure.
      (void)base_->Append(data.first(prefix));
    }
    return InjectedError(err, "write " + path_);
  }

  Status Sync() override {
    if (int err = fs_->Check(FaultOp::kSync, path_); err != 0) return InjectedError(err, "fdatasync " + path_);
    return base_->Sync();
  }

  Status Close() override { return base_->Close(); }

 private:
  FaultInjectingFileSystem* fs_;
  std::unique_ptr<WritableFile> base_;
  std::string path_;
};

class FaultInjectingRandomAccessFile : public RandomAccessFile {
 public:
  FaultInjectingRandomAccessFile(FaultInjectingFileSystem* fs, std::unique_ptr<RandomAccessFile> base,
                                 std::string path)
      : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}

  Result<size_t> ReadAt(uint64_t offset, std::span<std::byte> out) const override {
    bool flip = false;
    int err = fs_->Check(FaultOp::kRead, path_, out.size(), &flip);
    if (err != 0) return InjectedError(err, "read " + path_);
    Result<size_t> got = base_->ReadAt(offset, out);
    if (!got.ok() || !flip || *got == 0) return got;
    uint64_t bit = MixBits(offset, *got) % (*got * 8);
    out[bit / 8] ^= std::byte{static_cast<unsigned char>(1u << (bit % 8))};
    return got;
  }

  Result<uint64_t> Size() const override { return base_->Size(); }

 private:
  FaultInjectingFileSystem* fs_;
  std::unique_ptr<RandomAccessFile> base_;
  std::string path_;
};

}  // namespace

void FaultInjectingFileSystem::AddRule(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
  bytes_seen_.push_back(0);
}

void FaultInjectingFileSystem::ClearRules() {
  std::lock_guard lock(mu_);
  rules_.clear();
  bytes_seen_.clear();
}

int FaultInjectingFileSystem::fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

// Rules are tried in the order they were added; the first that fires decides.
// A kAppend rule with after_bytes passes appends (and counts their bytes) until
// the next one would cross the limit; that append fails after writing the part
// that still fits. A kRead rule with flip_bits fires only for callers that can
// flip (flip != nullptr) and then reports success.
int FaultInjectingFileSystem::Check(FaultOp op, const std::string& path, uint64_t bytes, bool* flip) {
  t_short_write_bytes = 0;
  if (flip != nullptr) *flip = false;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < rules_.size(); ++i) {
    FaultRule& rule = rules_[i];
    if (rule.op != op || rule.remaining == 0) continue;
    if (!rule.path_contains.empty() && path.find(rule.path_contains) == std::string::npos) continue;
    if (op == FaultOp::kRead && rule.flip_bits && flip == nullptr) continue;
    if (op == FaultOp::kAppend) {
      uint64_t& seen = bytes_seen_[i];
      if (bytes <= rule.after_bytes - seen) {
        seen += bytes;
        continue;
      }
      t_short_write_bytes = rule.after_bytes - seen;
      seen = rule.after_bytes;
    }
    if (rule.remaining > 0) --rule.remaining;
    ++fired_;
    if (op == FaultOp::kRead && rule.flip_bits) {
      *flip = true;
      return 0;
    }
    return rule.error != 0 ? rule.error : EIO;
  }
  return 0;
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewWritableFile(const std::string& path) {
  if (int err = Check(FaultOp::kOpenWrite, path); err != 0) return InjectedError(err, "create " + path);
  ASSIGN_OR_RETURN(auto file, base_->NewWritableFile(path));
  return std::unique_ptr<WritableFile>(new FaultInjectingWritableFile(this, std::move(file), path));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectingFileSystem::NewRandomAccessFile(const std::string& path) {
  if (int err = Check(FaultOp::kOpenRead, path); err != 0) return InjectedError(err, "open " + path);
  ASSIGN_OR_RETURN(auto file, base_->NewRandomAccessFile(path));
  return std::unique_ptr<RandomAccessFile>(new FaultInjectingRandomAccessFile(this, std::move(file), path));
}

// A rename fails when a rule matches either name; nothing is renamed then.
Status FaultInjectingFileSystem::Rename(const std::string& from, const std::string& to) {
  int err = Check(FaultOp::kRename, from);
  if (err == 0) err = Check(FaultOp::kRename, to);
  if (err != 0) return InjectedError(err, "rename " + from + " to " + to);
  return base_->Rename(from, to);
}

Status FaultInjectingFileSystem::RemoveFile(const std::string& path) {
  if (int err = Check(FaultOp::kRemove, path); err != 0) return InjectedError(err, "remove " + path);
  return base_->RemoveFile(path);
}

Status FaultInjectingFileSystem::CreateDirs(const std::string& path) {
  if (int err = Check(FaultOp::kCreateDirs, path); err != 0) return InjectedError(err, "create directory " + path);
  return base_->CreateDirs(path);
}

// Directory fsyncs are governed by kSync rules, like file fsyncs.
Status FaultInjectingFileSystem::SyncDir(const std::string& path) {
  if (int err = Check(FaultOp::kSync, path); err != 0) return InjectedError(err, "fsync directory " + path);
  return base_->SyncDir(path);
}

Result<std::vector<std::string>> FaultInjectingFileSystem::ListDir(const std::string& path) {
  if (int err = Check(FaultOp::kListDir, path); err != 0) return InjectedError(err, "list " + path);
  return base_->ListDir(path);
}

}  // namespace strata
