// An index file holds the row-group indexes of one block: for each row group
// stored in one of the block's units, an opaque section (the table module's
// serialized RowGroupIndex). It sits beside its block on the same drive, is
// written whole under a temporary name and published by rename, and is only a
// hint: readers treat any damage as "no index". Byte layout: FORMAT.md.
// IndexFileReader checks the header and the directory on open and each
// section's CRC32C on read. Not thread-safe; use one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/file_io.h"
#include "strata/base/status.h"
#include "strata/drive/block_file.h"

namespace strata {

inline constexpr char kIndexFileSuffix[] = ".sidx";  // appended to the block's file name
inline constexpr uint32_t kIndexHeaderSize = 64;
inline constexpr uint32_t kIndexEntrySize = 40;

// One section to store: which row group, which unit of the fragment holds it.
struct IndexSection {
  uint64_t row_group = 0;
  uint64_t unit = 0;
  std::string bytes;
};

// A directory entry as read back.
struct IndexEntry {
  uint64_t row_group = 0;
  uint64_t unit = 0;
  uint64_t offset = 0;  // of the section, from the start of the file
  uint64_t length = 0;
  uint32_t crc = 0;     // CRC32C of the section's bytes
};

// The whole file for `block`. InvalidArgument when two sections name the
// same row group; sections are stored in row-group order.
Result<std::string> EncodeIndexFile(const BlockName& block, std::vector<IndexSection> sections);

class IndexFileReader {
 public:
  // Reads and checks the header (magic, version, CRC, that it names
  // `expected`) and the directory (CRC, sections in order, back to back, up
  // to the end of the file). Corruption names `path`.
  static Result<std::unique_ptr<IndexFileReader>> Open(std::unique_ptr<RandomAccessFile> file,
                                                      const std::string& path, const BlockName& expected);

  const std::vector<IndexEntry>& entries() const { return entries_; }
  // The entry of `row_group`, or null.
  const IndexEntry* Find(uint64_t row_group) const;
  // Reads one section and checks its CRC32C (Corruption on mismatch).
  Status ReadSection(const IndexEntry& entry, std::string* out) const;
  // Bytes read from the file so far (header and directory included).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  IndexFileReader() = default;
  std::unique_ptr<RandomAccessFile> file_;
  std::string path_;
  std::vector<IndexEntry> entries_;  // by row group, ascending
  mutable uint64_t bytes_read_ = 0;
};

}  // namespace strata
