#include "strata/drive/drive.h"

#include <algorithm>
#include <climits>
#include <utility>

#include <nlohmann/json.hpp>

#include "strata/base/ids.h"

namespace strata {
namespace {

constexpr char kBlocksDir[] = "blocks";
constexpr char kTmpDir[] = "tmp";
constexpr std::string_view kTempSuffix = ".tmp";

Status CheckIdentity(const DriveIdentity& found, const std::string& path, const std::string& drive_id,
                     const std::string& cluster_id);
Result<DriveIdentity> ParseIdentity(const std::string& text, const std::string& where);
std::string EncodeIdentity(const DriveIdentity& identity);
Status RequireLayout(FileSystem* fs, const std::string& path);
bool IsShardDirName(std::string_view name);
Result<bool> IsInterruptedFormat(FileSystem* fs, const std::string& path, const std::vector<std::string>& entries);

}  // namespace

Drive::Drive(FileSystem* fs, std::string path, DriveIdentity identity)
    : fs_(fs), path_(std::move(path)), identity_(std::move(identity)) {}

Result<std::unique_ptr<Drive>> Drive::Open(FileSystem* fs, const std::string& path, const std::string& drive_id,
                                           const std::string& cluster_id) {
  ASSIGN_OR_RETURN(DriveIdentity identity, ReadIdentity(fs, path));
  RETURN_IF_ERROR(CheckIdentity(identity, path, drive_id, cluster_id));
  RETURN_IF_ERROR(RequireLayout(fs, path));
  return std::unique_ptr<Drive>(new Drive(fs, path, std::move(identity)));
}

// The identity file is written last: a directory holding it is a complete drive.
Result<std::unique_ptr<Drive>> Drive::Format(FileSystem* fs, const std::string& path,
                                             const DriveIdentity& identity) {
  const std::string where = "format drive at " + path;
  if (identity.drive_id.empty() || identity.cluster_id.empty()) {
    return Status::InvalidArgument(where + ": drive id and cluster id must not be empty");
  }
  if (identity.format_version != kDriveFormatVersion) {
    return Status::InvalidArgument(where + ": can only write format version " + std::to_string(kDriveFormatVersion) +
                                   ", not " + std::to_string(identity.format_version));
  }
  ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (exists) {
    ASSIGN_OR_RETURN(bool is_dir, fs->IsDirectory(path));
    if (!is_dir) return Status::AlreadyExists(where + ": the path exists and is not a directory");
    ASSIGN_OR_RETURN(std::vector<std::string> entries, fs->ListDir(path));
    if (std::find(entries.begin(), entries.end(), kDriveIdentityFile) != entries.end()) {
      return Status::AlreadyExists(where + ": it is already a drive (it has " + kDriveIdentityFile + ")");
    }
    ASSIGN_OR_RETURN(bool interrupted, IsInterruptedFormat(fs, path, entries));
    if (!entries.empty() && !interrupted) {
      std::sort(entries.begin(), entries.end());
      return Status::FailedPrecondition(where + ": the directory is not empty (" + std::to_string(entries.size()) +
                                        " entries, such as '" + entries.front() + "')");
    }
    for (const std::string& name : entries) {
      if (name.rfind(std::string(kDriveIdentityFile) + ".tmp", 0) == 0) {
        RETURN_IF_ERROR(fs->RemoveFile(JoinPath(path, name)).WithContext(where));
      }
    }
  } else {
    RETURN_IF_ERROR(fs->CreateDirs(path).WithContext(where));
    RETURN_IF_ERROR(fs->SyncDir(DirName(path)).WithContext(where));
  }
  RETURN_IF_ERROR(fs->CreateDirs(JoinPath(path, kBlocksDir)).WithContext(where));
  // All 256 shard directories up front, so publishing a block never has to
  // create (and fsync) a directory on the write path.
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shard = 0; shard < 256; ++shard) {
    const char name[3] = {kHex[shard >> 4], kHex[shard & 15], '\0'};
    RETURN_IF_ERROR(fs->CreateDirs(JoinPath(JoinPath(path, kBlocksDir), name)).WithContext(where));
  }
  RETURN_IF_ERROR(fs->SyncDir(JoinPath(path, kBlocksDir)).WithContext(where));
  RETURN_IF_ERROR(fs->CreateDirs(JoinPath(path, kTmpDir)).WithContext(where));
  RETURN_IF_ERROR(fs->SyncDir(path).WithContext(where));
  RETURN_IF_ERROR(
      WriteFileAtomically(*fs, JoinPath(path, kDriveIdentityFile), EncodeIdentity(identity)).WithContext(where));
  return std::unique_ptr<Drive>(new Drive(fs, path, identity));
}

Result<DriveIdentity> Drive::ReadIdentity(FileSystem* fs, const std::string& path) {
  ASSIGN_OR_RETURN(bool is_dir, fs->IsDirectory(path));
  if (!is_dir) return Status::NotFound("drive directory " + path + " is missing or not a directory");
  const std::string identity_path = JoinPath(path, kDriveIdentityFile);
  ASSIGN_OR_RETURN(bool has_identity, fs->Exists(identity_path));
  if (!has_identity) {
    return Status::NotFound("drive at " + path + " has no identity file " + kDriveIdentityFile);
  }
  Result<std::string> text = ReadSmallFile(*fs, identity_path);
  if (!text.ok()) return text.status().WithContext("drive at " + path);
  return ParseIdentity(*text, "drive identity " + identity_path);
}

Result<std::unique_ptr<BlockWriter>> Drive::CreateBlock(const BlockHeader& header) {
  const std::string where = "drive " + id();
  if (!IsValidId(header.name.blob_id)) {
    return Status::InvalidArgument(where + ": blob id '" + header.name.blob_id +
                                   "' is not 32 lowercase hex characters");
  }
  if (header.name.level1_position < 0 || header.name.level2_position < 0 || header.unit_size == 0) {
    return Status::InvalidArgument(where + ": block " + header.name.FileName() +
                                   " has a negative position or a zero unit size");
  }
  std::string stem = header.name.FileName();
  stem.resize(stem.size() - std::string_view(".blk").size());
  const std::string temp_path =
      JoinPath(JoinPath(path_, kTmpDir), stem + "." + NewRandomId().substr(0, 16) + std::string(kTempSuffix));
  Result<std::unique_ptr<WritableFile>> file = fs_->NewWritableFile(temp_path);
  if (!file.ok()) return file.status().WithContext(where);
  return std::make_unique<BlockWriter>(fs_, std::move(file).value(), temp_path, BlockPath(header.name), header);
}

Result<std::unique_ptr<BlockReader>> Drive::OpenBlock(const BlockName& name) {
  Result<std::unique_ptr<BlockReader>> reader = BlockReader::Open(fs_, BlockPath(name), name);
  if (!reader.ok()) return reader.status().WithContext("drive " + id());
  return reader;
}

// Not followed by a directory fsync: a removal lost in a crash leaves an
// orphan block, which the cleanup of unreferenced blocks finds again. The
// index goes after the block, and whether or not the block was there, so a
// repeated removal finishes one that stopped in between; an index written
// while the block is removed is caught by WriteIndexFile's second look. A
// crash between the two removals leaves an index file without a block: a few
// bytes that nothing reads (readers start from the block).
Status Drive::RemoveBlock(const BlockName& name) {
  Status block = fs_->RemoveFile(BlockPath(name));
  if (!block.ok() && !block.IsNotFound()) return block.WithContext("drive " + id());
  Status index = RemoveIndexFile(name);
  if (!index.ok() && !index.IsNotFound()) return index;
  return block.WithContext("drive " + id());
}

Result<uint64_t> Drive::WriteIndexFile(const BlockName& name, std::vector<IndexSection> sections) {
  const std::string where = "drive " + id() + ": index of block " + name.FileName();
  const std::string block_path = BlockPath(name);
  ASSIGN_OR_RETURN(bool has_block, fs_->Exists(block_path));
  if (!has_block) return Status::NotFound(where + ": the block is not on this drive");
  Result<std::string> bytes = EncodeIndexFile(name, std::move(sections));
  if (!bytes.ok()) return bytes.status().WithContext("drive " + id());
  const std::string temp_path = JoinPath(JoinPath(path_, kTmpDir), name.FileName() + kIndexFileSuffix + "." +
                                                                       NewRandomId().substr(0, 16) +
                                                                       std::string(kTempSuffix));
  const std::string final_path = IndexPath(name);
  Status st;
  {
    Result<std::unique_ptr<WritableFile>> file = fs_->NewWritableFile(temp_path);
    if (!file.ok()) return file.status().WithContext(where);
    st = (*file)->Append(std::as_bytes(std::span(bytes->data(), bytes->size())));
    if (st.ok()) st = (*file)->Sync();
    if (st.ok()) st = (*file)->Close();
  }
  if (st.ok()) st = fs_->Rename(temp_path, final_path);
  if (!st.ok()) {
    (void)fs_->RemoveFile(temp_path);
    return st.WithContext(where);
  }
  RETURN_IF_ERROR(fs_->SyncDir(DirName(final_path)).WithContext(where));
  // The block may have been removed while the index was written; an index
  // left without its block would never be removed.
  ASSIGN_OR_RETURN(has_block, fs_->Exists(block_path));
  if (!has_block) {
    (void)fs_->RemoveFile(final_path);
    return Status::NotFound(where + ": the block was removed while its index was written");
  }
  return static_cast<uint64_t>(bytes->size());
}

Result<std::unique_ptr<IndexFileReader>> Drive::OpenIndexFile(const BlockName& name) {
  const std::string path = IndexPath(name);
  Result<std::unique_ptr<RandomAccessFile>> file = fs_->NewRandomAccessFile(path);
  if (!file.ok()) return file.status().WithContext("drive " + id());
  Result<std::unique_ptr<IndexFileReader>> reader = IndexFileReader::Open(std::move(file).value(), path, name);
  if (!reader.ok()) return reader.status().WithContext("drive " + id());
  return reader;
}

Status Drive::RemoveIndexFile(const BlockName& name) {
  return fs_->RemoveFile(IndexPath(name)).WithContext("drive " + id());
}

// Skips anything that is not blocks/<2 hex>/<name>.blk with a parsable name
// in its own shard (index files end in .blk.sidx), and blocks removed while
// the listing runs.
Result<std::vector<BlockListing>> Drive::ListBlocks() {
  const std::string where = "drive " + id();
  const std::string blocks_dir = JoinPath(path_, kBlocksDir);
  Result<std::vector<std::string>> shards = fs_->ListDir(blocks_dir);
  if (!shards.ok()) return shards.status().WithContext(where);
  std::sort(shards->begin(), shards->end());

  std::vector<BlockListing> listings;
  for (const std::string& shard : *shards) {
    if (!IsShardDirName(shard)) continue;
    const std::string shard_dir = JoinPath(blocks_dir, shard);
    ASSIGN_OR_RETURN(bool is_dir, fs_->IsDirectory(shard_dir));
    if (!is_dir) continue;
    Result<std::vector<std::string>> files = fs_->ListDir(shard_dir);
    if (!files.ok()) return files.status().WithContext(where);
    std::sort(files->begin(), files->end());
    for (const std::string& file_name : *files) {
      std::optional<BlockName> name = BlockName::FromFileName(file_name);
      if (!name || name->blob_id.compare(0, 2, shard) != 0) continue;
      Result<std::unique_ptr<RandomAccessFile>> file = fs_->NewRandomAccessFile(JoinPath(shard_dir, file_name));
      if (!file.ok() && file.status().IsNotFound()) continue;
      if (!file.ok()) return file.status().WithContext(where);
      Result<uint64_t> size = (*file)->Size();
      if (!size.ok()) return size.status().WithContext(where);
      listings.push_back(BlockListing{std::move(*name), *size});
    }
  }
  return listings;
}

// Block and index files being written alike: both are written under tmp/.
Result<int> Drive::RemoveTemporaries() {
  const std::string where = "drive " + id();
  const std::string tmp_dir = JoinPath(path_, kTmpDir);
  Result<std::vector<std::string>> names = fs_->ListDir(tmp_dir);
  if (!names.ok()) return names.status().WithContext(where);
  int removed = 0;
  for (const std::string& name : *names) {
    // Directories moved aside from a block's place are kept for an operator.
    Result<bool> is_dir = fs_->IsDirectory(JoinPath(tmp_dir, name));
    if (is_dir.ok() && *is_dir) continue;
    Status st = fs_->RemoveFile(JoinPath(tmp_dir, name));
    if (st.IsNotFound()) continue;
    if (!st.ok()) return st.WithContext(where);
    ++removed;
  }
  return removed;
}

Status Drive::CheckHealth() {
  const std::string where = "drive " + id();
  Result<DriveIdentity> found = ReadIdentity(fs_, path_);
  if (!found.ok()) return found.status().WithContext(where);
  RETURN_IF_ERROR(CheckIdentity(*found, path_, identity_.drive_id, identity_.cluster_id));
  return RequireLayout(fs_, path_);
}

Result<SpaceInfo> Drive::Space() {
  Result<SpaceInfo> space = fs_->Space(path_);
  if (!space.ok()) return space.status().WithContext("drive " + id());
  return space;
}

std::string Drive::BlockPath(const BlockName& name) const {
  return JoinPath(JoinPath(JoinPath(path_, kBlocksDir), name.blob_id.substr(0, 2)), name.FileName());
}

std::string Drive::IndexPath(const BlockName& name) const { return BlockPath(name) + kIndexFileSuffix; }

namespace {

Status CheckIdentity(const DriveIdentity& found, const std::string& path, const std::string& drive_id,
                     const std::string& cluster_id) {
  if (found.format_version > kDriveFormatVersion) {
    return Status::FailedPrecondition("drive at " + path + " has format version " +
                                      std::to_string(found.format_version) + ", newer than this build supports (" +
                                      std::to_string(kDriveFormatVersion) + ")");
  }
  if (found.cluster_id != cluster_id) {
    return Status::FailedPrecondition("drive at " + path + " belongs to cluster " + found.cluster_id + ", not " +
                                      cluster_id);
  }
  if (found.drive_id != drive_id) {
    return Status::FailedPrecondition("drive at " + path + " is drive " + found.drive_id + ", expected " + drive_id);
  }
  return Status::OK();
}

Result<DriveIdentity> ParseIdentity(const std::string& text, const std::string& where) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Status::Corruption(where + ": not a JSON object");
  DriveIdentity identity;
  for (auto [key, field] : {std::pair{"drive_id", &identity.drive_id}, std::pair{"cluster_id", &identity.cluster_id}}) {
    auto it = json.find(key);
    if (it == json.end() || !it->is_string() || it->get<std::string>().empty()) {
      return Status::Corruption(where + ": '" + key + "' is missing or not a non-empty string");
    }
    *field = it->get<std::string>();
  }
  auto version = json.find("format_version");
  if (version == json.end() || !version->is_number_integer() || version->get<int64_t>() < 1 ||
      version->get<int64_t>() > INT_MAX) {
    return Status::Corruption(where + ": 'format_version' is missing or not a positive integer");
  }
  identity.format_version = static_cast<int>(version->get<int64_t>());
  return identity;
}

std::string EncodeIdentity(const DriveIdentity& identity) {
  nlohmann::json json = {
      {"drive_id", identity.drive_id},
      {"cluster_id", identity.cluster_id},
      {"format_version", identity.format_version},
  };
  return json.dump(2) + "\n";
}

// blocks/ and tmp/ exist on every formatted drive; their loss means the
// drive's contents are not what was written.
Status RequireLayout(FileSystem* fs, const std::string& path) {
  for (const char* dir : {kBlocksDir, kTmpDir}) {
    ASSIGN_OR_RETURN(bool is_dir, fs->IsDirectory(JoinPath(path, dir)));
    if (!is_dir) return Status::Corruption("drive at " + path + " has no " + dir + "/ directory");
  }
  return Status::OK();
}

bool IsShardDirName(std::string_view name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// What a Format that stopped before writing the identity file leaves behind:
// empty tmp/, blocks/ with empty shard directories, and perhaps the identity
// file's temporary. Formatting such a directory again loses nothing.
Result<bool> IsInterruptedFormat(FileSystem* fs, const std::string& path, const std::vector<std::string>& entries) {
  for (const std::string& name : entries) {
    if (name.rfind(std::string(kDriveIdentityFile) + ".tmp", 0) == 0) continue;
    if (name != kTmpDir && name != kBlocksDir) return false;
    ASSIGN_OR_RETURN(bool is_dir, fs->IsDirectory(JoinPath(path, name)));
    if (!is_dir) return false;
    ASSIGN_OR_RETURN(std::vector<std::string> inside, fs->ListDir(JoinPath(path, name)));
    for (const std::string& child : inside) {
      if (name == kTmpDir) return false;
      ASSIGN_OR_RETURN(bool shard_is_dir, fs->IsDirectory(JoinPath(JoinPath(path, name), child)));
      if (!shard_is_dir || !IsShardDirName(child)) return false;
      ASSIGN_OR_RETURN(std::vector<std::string> blocks, fs->ListDir(JoinPath(JoinPath(path, name), child)));
      if (!blocks.empty()) return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace strata
