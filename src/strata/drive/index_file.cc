#include "strata/drive/index_file.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>

#include "strata/base/crc32c.h"
#include "strata/base/ids.h"

// The byte layout is written up in FORMAT.md beside this file.

namespace strata {
namespace {

constexpr std::string_view kIndexMagic = "STRATAIX";
constexpr uint32_t kIndexFormatVersion = 1;

// Header fields, by offset.
constexpr size_t kMagicOffset = 0;
constexpr size_t kVersionOffset = 8;
constexpr size_t kCountOffset = 12;
constexpr size_t kLevel1Offset = 16;
constexpr size_t kLevel2Offset = 20;
constexpr size_t kBlobIdOffset = 24;
constexpr size_t kBlobIdSize = 32;
constexpr size_t kDirectoryCrcOffset = 56;
constexpr size_t kHeaderCrcOffset = 60;

// Directory entry fields, by offset within the entry.
constexpr size_t kEntryRowGroup = 0;
constexpr size_t kEntryUnit = 8;
constexpr size_t kEntryOffset = 16;
constexpr size_t kEntryLength = 24;
constexpr size_t kEntryCrc = 32;
constexpr size_t kEntryReserved = 36;

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Reads exactly `size` bytes at `offset`; a short read is a truncated file.
Status ReadExactly(const RandomAccessFile& file, uint64_t offset, size_t size, std::string* out,
                   const std::string& where, std::string_view what) {
  out->resize(size);
  Result<size_t> read = file.ReadAt(offset, std::as_writable_bytes(std::span(out->data(), size)));
  if (!read.ok()) return read.status().WithContext(where);
  if (*read != size) {
    return Status::Corruption(where + ": " + std::string(what) + " is truncated (read " + std::to_string(*read) +
                              " of " + std::to_string(size) + " bytes at offset " + std::to_string(offset) + ")");
  }
  return Status::OK();
}

}  // namespace

Result<std::string> EncodeIndexFile(const BlockName& block, std::vector<IndexSection> sections) {
  if (!IsValidId(block.blob_id) || block.level1_position < 0 || block.level2_position < 0) {
    return Status::InvalidArgument("index file for block " + block.FileName() + ": not a valid block name");
  }
  std::sort(sections.begin(), sections.end(),
            [](const IndexSection& a, const IndexSection& b) { return a.row_group < b.row_group; });
  for (size_t i = 1; i < sections.size(); ++i) {
    if (sections[i].row_group == sections[i - 1].row_group) {
      return Status::InvalidArgument("index file for block " + block.FileName() + ": row group " +
                                     std::to_string(sections[i].row_group) + " given twice");
    }
  }
  if (sections.size() > UINT32_MAX) {
    return Status::InvalidArgument("index file for block " + block.FileName() + ": too many sections");
  }
  const size_t directory_bytes = sections.size() * kIndexEntrySize;
  size_t total = kIndexHeaderSize + directory_bytes;
  for (const IndexSection& s : sections) total += s.bytes.size();
  std::string out(kIndexHeaderSize + directory_bytes, '\0');
  out.reserve(total);
  uint64_t offset = kIndexHeaderSize + directory_bytes;
  for (size_t i = 0; i < sections.size(); ++i) {
    char* entry = out.data() + kIndexHeaderSize + i * kIndexEntrySize;
    PutU64(entry + kEntryRowGroup, sections[i].row_group);
    PutU64(entry + kEntryUnit, sections[i].unit);
    PutU64(entry + kEntryOffset, offset);
    PutU64(entry + kEntryLength, sections[i].bytes.size());
    PutU32(entry + kEntryCrc, Crc32c(sections[i].bytes));
    PutU32(entry + kEntryReserved, 0);
    offset += sections[i].bytes.size();
  }
  char* header = out.data();
  std::memcpy(header + kMagicOffset, kIndexMagic.data(), kIndexMagic.size());
  PutU32(header + kVersionOffset, kIndexFormatVersion);
  PutU32(header + kCountOffset, static_cast<uint32_t>(sections.size()));
  PutU32(header + kLevel1Offset, static_cast<uint32_t>(block.level1_position));
  PutU32(header + kLevel2Offset, static_cast<uint32_t>(block.level2_position));
  std::memcpy(header + kBlobIdOffset, block.blob_id.data(), kBlobIdSize);
  PutU32(header + kDirectoryCrcOffset, Crc32c(std::string_view(out).substr(kIndexHeaderSize, directory_bytes)));
  PutU32(header + kHeaderCrcOffset, Crc32c(header, kHeaderCrcOffset));
  for (const IndexSection& s : sections) out += s.bytes;
  return out;
}

Result<std::unique_ptr<IndexFileReader>> IndexFileReader::Open(std::unique_ptr<RandomAccessFile> file,
                                                             const std::string& path, const BlockName& expected) {
  const std::string where = "index file " + path;
  ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::unique_ptr<IndexFileReader> reader(new IndexFileReader());
  if (size < kIndexHeaderSize) {
    return Status::Corruption(where + ": " + std::to_string(size) + " bytes, shorter than its header");
  }
  std::string header;
  RETURN_IF_ERROR(ReadExactly(*file, 0, kIndexHeaderSize, &header, where, "header"));
  reader->bytes_read_ += header.size();
  const char* h = header.data();
  if (std::string_view(h + kMagicOffset, kIndexMagic.size()) != kIndexMagic) {
    return Status::Corruption(where + ": header magic is not " + std::string(kIndexMagic));
  }
  if (Crc32c(h, kHeaderCrcOffset) != GetU32(h + kHeaderCrcOffset)) {
    return Status::Corruption(where + ": header checksum mismatch");
  }
  const uint32_t version = GetU32(h + kVersionOffset);
  if (version != kIndexFormatVersion) {
    // A newer index is unreadable here, but it is only a hint: not found.
    return Status::FailedPrecondition(where + ": format version " + std::to_string(version) + ", this build reads " +
                                      std::to_string(kIndexFormatVersion));
  }
  const uint32_t level1 = GetU32(h + kLevel1Offset);
  const uint32_t level2 = GetU32(h + kLevel2Offset);
  const std::string_view blob(h + kBlobIdOffset, kBlobIdSize);
  if (level1 > INT_MAX || level2 > INT_MAX || blob != expected.blob_id ||
      static_cast<int>(level1) != expected.level1_position || static_cast<int>(level2) != expected.level2_position) {
    return Status::Corruption(where + ": belongs to block " + std::string(blob) + "-" + std::to_string(level1) + "-" +
                              std::to_string(level2) + ", not " + expected.FileName());
  }
  const uint64_t count = GetU32(h + kCountOffset);
  const uint64_t directory_bytes = count * kIndexEntrySize;
  if (kIndexHeaderSize + directory_bytes > size) {
    return Status::Corruption(where + ": a directory of " + std::to_string(count) + " entries does not fit in " +
                              std::to_string(size) + " bytes");
  }
  std::string directory;
  RETURN_IF_ERROR(ReadExactly(*file, kIndexHeaderSize, directory_bytes, &directory, where, "directory"));
  reader->bytes_read_ += directory.size();
  if (Crc32c(directory) != GetU32(h + kDirectoryCrcOffset)) {
    return Status::Corruption(where + ": directory checksum mismatch");
  }
  // Sections lie back to back after the directory, in row-group order, and
  // the last one ends the file: anything else is damage.
  uint64_t next = kIndexHeaderSize + directory_bytes;
  for (uint64_t i = 0; i < count; ++i) {
    const char* e = directory.data() + i * kIndexEntrySize;
    IndexEntry entry{GetU64(e + kEntryRowGroup), GetU64(e + kEntryUnit), GetU64(e + kEntryOffset),
                     GetU64(e + kEntryLength), GetU32(e + kEntryCrc)};
    if (entry.offset != next || entry.length > size - next || GetU32(e + kEntryReserved) != 0 ||
        (i > 0 && entry.row_group <= reader->entries_.back().row_group)) {
      return Status::Corruption(where + ": directory entry " + std::to_string(i) + " (row group " +
                                std::to_string(entry.row_group) + ") is out of place");
    }
    next += entry.length;
    reader->entries_.push_back(entry);
  }
  if (next != size) {
    return Status::Corruption(where + ": sections end at byte " + std::to_string(next) + " of " +
                              std::to_string(size));
  }
  reader->file_ = std::move(file);
  reader->path_ = path;
  return reader;
}

const IndexEntry* IndexFileReader::Find(uint64_t row_group) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), row_group,
                             [](const IndexEntry& e, uint64_t g) { return e.row_group < g; });
  return it != entries_.end() && it->row_group == row_group ? &*it : nullptr;
}

Status IndexFileReader::ReadSection(const IndexEntry& entry, std::string* out) const {
  const std::string where = "index file " + path_ + ": row group " + std::to_string(entry.row_group);
  RETURN_IF_ERROR(ReadExactly(*file_, entry.offset, entry.length, out, where, "section"));
  bytes_read_ += entry.length;
  if (Crc32c(*out) != entry.crc) return Status::Corruption(where + ": section checksum mismatch");
  return Status::OK();
}

}  // namespace strata
