// A Drive is a directory on any mounted file system that holds block files.
// It is identified by an identity file (drive id, cluster id, format version);
// Open refuses a directory whose identity is missing, foreign or of another
// format, and Format refuses to overwrite anything that is already there.
// Layout of a drive directory:
//   strata-drive.json          identity
//   blocks/<2 hex>/<blob>-<p1>-<p2>.blk   published block files
//   blocks/<2 hex>/<blob>-<p1>-<p2>.blk.sidx   the block's row-group indexes
//   tmp/                       block and index files being written (removed on start)
// Thread-safe: block writers and readers are independent objects.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strata/base/file_io.h"
#include "strata/base/status.h"
#include "strata/drive/block_file.h"
#include "strata/drive/index_file.h"

namespace strata {

inline constexpr int kDriveFormatVersion = 1;
inline constexpr char kDriveIdentityFile[] = "strata-drive.json";

struct DriveIdentity {
  std::string drive_id;
  std::string cluster_id;
  int format_version = kDriveFormatVersion;
};

// A published block file as listed on a drive.
struct BlockListing {
  BlockName name;
  uint64_t file_bytes = 0;
};

class Drive {
 public:
  // Opens the drive at `path`, checking that its identity names `drive_id` and
  // `cluster_id`. NotFound when the directory or identity file is missing
  // (a lost or replaced drive); FailedPrecondition for a foreign drive.
  static Result<std::unique_ptr<Drive>> Open(FileSystem* fs, const std::string& path,
                                             const std::string& drive_id,
                                             const std::string& cluster_id);
  // Creates a new drive in `path`, which must be missing or an empty directory.
  static Result<std::unique_ptr<Drive>> Format(FileSystem* fs, const std::string& path,
                                               const DriveIdentity& identity);
  // Reads the identity file of the drive at `path` without opening it.
  static Result<DriveIdentity> ReadIdentity(FileSystem* fs, const std::string& path);

  const std::string& id() const { return identity_.drive_id; }
  const std::string& path() const { return path_; }
  FileSystem* fs() const { return fs_; }

  // Starts a block file under tmp/; it becomes visible at BlockWriter::Publish.
  Result<std::unique_ptr<BlockWriter>> CreateBlock(const BlockHeader& header);
  Result<std::unique_ptr<BlockReader>> OpenBlock(const BlockName& name);
  // NotFound when there is no such block. Removes the block's index file too.
  Status RemoveBlock(const BlockName& name);
  Result<std::vector<BlockListing>> ListBlocks();
  // Removes files left in tmp/ by interrupted writes; returns how many.
  Result<int> RemoveTemporaries();
  // Checks that the drive directory and its identity are still there and readable.
  Status CheckHealth();
  Result<SpaceInfo> Space();

  std::string BlockPath(const BlockName& name) const;

  // The row-group index file of a block (index_file.h) lives beside it and
  // goes with it. WriteIndexFile replaces it whole, written like a block
  // (temporary under tmp/, fsync, rename, directory fsync); NotFound when
  // the block itself is not on the drive. Returns the bytes written.
  Result<uint64_t> WriteIndexFile(const BlockName& name, std::vector<IndexSection> sections);
  // Opens and checks the header and directory; NotFound when there is none.
  Result<std::unique_ptr<IndexFileReader>> OpenIndexFile(const BlockName& name);
  // NotFound when there is none.
  Status RemoveIndexFile(const BlockName& name);
  std::string IndexPath(const BlockName& name) const;

 private:
  Drive(FileSystem* fs, std::string path, DriveIdentity identity);
  FileSystem* fs_;
  std::string path_;
  DriveIdentity identity_;
};

}  // namespace strata
