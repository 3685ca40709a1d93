// A block file holds one blob's units for one drive: a 4 KiB header, the units
// back to back (each unit_size bytes except possibly the last), and a trailer
// with a CRC32C of every unit. Format: docs/formats.md. BlockWriter writes it
// under a temporary name, fsyncs it, renames it into place and fsyncs the
// directory, so readers never see a partial block. BlockReader verifies the
// header and trailer on open and each unit's checksum on read.
// Neither is thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strata/base/file_io.h"
#include "strata/base/status.h"

namespace strata {

inline constexpr uint32_t kBlockHeaderSize = 4096;

// Which block: a blob, its level-1 position (which node's fragment) and its
// level-2 position (which drive of that node's stripes).
struct BlockName {
  std::string blob_id;
  int level1_position = 0;
  int level2_position = 0;

  std::string FileName() const;  // "<blob>-<p1>-<p2>.blk"
  static std::optional<BlockName> FromFileName(std::string_view file_name);
  bool operator==(const BlockName&) const = default;
};

struct BlockHeader {
  BlockName name;
  uint32_t unit_size = 0;
};

class BlockWriter {
 public:
  BlockWriter(FileSystem* fs, std::unique_ptr<WritableFile> file, std::string temp_path,
              std::string final_path, BlockHeader header);
  ~BlockWriter();  // abandons (removes the temporary) unless published

  // Appends the next unit. Every unit but the last must be unit_size bytes;
  // a unit is 1..unit_size bytes. After a failed write the writer is unusable:
  // later calls fail and the destructor removes the temporary.
  Status AppendUnit(std::span<const std::byte> unit);
  // Writes the trailer, fsyncs, renames into place and fsyncs the directory.
  // On an error before the rename the temporary is removed and nothing is
  // published. An error from the final directory fsync leaves the block in
  // place but perhaps not durable; callers treat the write as failed.
  Status Publish();
  // Removes the temporary file.
  void Abandon();
  uint64_t units_written() const { return checksums_.size(); }

 private:
  FileSystem* fs_;
  std::unique_ptr<WritableFile> file_;
  std::string temp_path_;
  std::string final_path_;
  BlockHeader header_;
  std::vector<uint32_t> checksums_;
  uint64_t data_bytes_ = 0;
  bool last_unit_short_ = false;
  bool header_written_ = false;  // the header goes out with the first unit or at Publish
  bool broken_ = false;          // a write failed; only Abandon is left
  bool done_ = false;            // published or abandoned

  Status WriteHeader();
  Status PublishWritten();
};

class BlockReader {
 public:
  // Reads and verifies header and trailer. Corruption names the path. The
  // header must name the block that the file name names (BlockName::FromFileName
  // of the last path component), so a block renamed onto another blob or
  // position is refused; InvalidArgument when the file name is not a block name.
  static Result<std::unique_ptr<BlockReader>> Open(FileSystem* fs, const std::string& path);
  // As above, but the header must name `expected`, whatever the file is called.
  static Result<std::unique_ptr<BlockReader>> Open(FileSystem* fs, const std::string& path,
                                                   const BlockName& expected);

  const BlockHeader& header() const { return header_; }
  uint64_t unit_count() const { return checksums_.size(); }
  uint64_t data_bytes() const { return data_bytes_; }
  uint32_t UnitLength(uint64_t index) const;
  // Reads unit `index` into `out` (UnitLength(index) bytes) and verifies its
  // CRC32C; Corruption on mismatch, IOError when the read fails.
  Status ReadUnit(uint64_t index, std::span<std::byte> out) const;
  // Reads out.size() bytes at `offset` within unit `index` WITHOUT checking
  // the unit's checksum: for callers whose data carries its own (a Parquet
  // column chunk read out of a unit, with page CRCs). InvalidArgument when
  // the range leaves the unit.
  Status ReadUnitRange(uint64_t index, uint64_t offset, std::span<std::byte> out) const;

 private:
  BlockReader() = default;
  std::string path_;
  std::unique_ptr<RandomAccessFile> file_;
  BlockHeader header_;
  std::vector<uint32_t> checksums_;
  uint64_t data_bytes_ = 0;
};

}  // namespace strata
