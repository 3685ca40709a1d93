#include "strata/drive/block_file.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <utility>

#include "strata/base/crc32c.h"
#include "strata/base/ids.h"

// The byte layout is written up in FORMAT.md beside this file.

namespace strata {
namespace {

constexpr std::string_view kHeaderMagic = "STRATABK";
constexpr std::string_view kTrailerMagic = "STRATAEN";
constexpr uint32_t kBlockFormatVersion = 1;

// Header fields, by offset. Version 1 uses bytes [0, 60); the rest up to the
// checksum is zero.
constexpr size_t kMagicOffset = 0;
constexpr size_t kVersionOffset = 8;
constexpr size_t kBytesUsedOffset = 12;
constexpr size_t kUnitSizeOffset = 16;
constexpr size_t kLevel1Offset = 20;
constexpr size_t kLevel2Offset = 24;
constexpr size_t kBlobIdOffset = 28;
constexpr size_t kBlobIdSize = 32;
constexpr uint32_t kHeaderBytesUsed = kBlobIdOffset + kBlobIdSize;  // 60
constexpr size_t kHeaderCrcOffset = kBlockHeaderSize - 4;           // 4092

// The fixed end of the trailer, after the per-unit checksums:
// u64 unit_count, u64 data_bytes, u32 CRC32C, 8-byte magic.
constexpr size_t kTrailerTailSize = 8 + 8 + 4 + 8;  // 28
constexpr size_t kTailCountOffset = 0;
constexpr size_t kTailDataBytesOffset = 8;
constexpr size_t kTailCrcOffset = 16;
constexpr size_t kTailMagicOffset = 20;

constexpr std::string_view kBlockSuffix = ".blk";

void PutU32(std::byte* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
void PutU64(std::byte* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}
uint32_t GetU32(const std::byte* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
uint64_t GetU64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
void PutText(std::byte* p, std::string_view text) { std::memcpy(p, text.data(), text.size()); }
std::string_view GetText(const std::byte* p, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(p), size);
}

// A level position in a file name: decimal, no sign, no leading zeros.
std::optional<int> ParsePosition(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > INT_MAX) return std::nullopt;
  return static_cast<int>(value);
}

Status CheckHeaderFields(const BlockHeader& header) {
  if (!IsValidId(header.name.blob_id)) {
    return Status::InvalidArgument("blob id '" + header.name.blob_id + "' is not 32 lowercase hex characters");
  }
  if (header.name.level1_position < 0 || header.name.level2_position < 0) {
    return Status::InvalidArgument("block positions must not be negative");
  }
  if (header.unit_size == 0) return Status::InvalidArgument("unit size must not be zero");
  return Status::OK();
}

std::array<std::byte, kBlockHeaderSize> EncodeHeader(const BlockHeader& header) {
  std::array<std::byte, kBlockHeaderSize> bytes{};
  PutText(&bytes[kMagicOffset], kHeaderMagic);
  PutU32(&bytes[kVersionOffset], kBlockFormatVersion);
  PutU32(&bytes[kBytesUsedOffset], kHeaderBytesUsed);
  PutU32(&bytes[kUnitSizeOffset], header.unit_size);
  PutU32(&bytes[kLevel1Offset], static_cast<uint32_t>(header.name.level1_position));
  PutU32(&bytes[kLevel2Offset], static_cast<uint32_t>(header.name.level2_position));
  PutText(&bytes[kBlobIdOffset], header.name.blob_id);
  PutU32(&bytes[kHeaderCrcOffset], Crc32c(bytes.data(), kHeaderBytesUsed));
  return bytes;
}

// Checks magic, checksum, version and fields; `where` is "block <path>".
Result<BlockHeader> DecodeHeader(std::span<const std::byte, kBlockHeaderSize> bytes, const std::string& where) {
  if (GetText(&bytes[kMagicOffset], kHeaderMagic.size()) != kHeaderMagic) {
    return Status::Corruption(where + ": header magic is not " + std::string(kHeaderMagic));
  }
  uint32_t used = GetU32(&bytes[kBytesUsedOffset]);
  if (used < kHeaderBytesUsed || used > kHeaderCrcOffset) {
    return Status::Corruption(where + ": header claims " + std::to_string(used) + " bytes used");
  }
  if (Crc32c(bytes.data(), used) != GetU32(&bytes[kHeaderCrcOffset])) {
    return Status::Corruption(where + ": header checksum mismatch");
  }
  uint32_t version = GetU32(&bytes[kVersionOffset]);
  if (version > kBlockFormatVersion) {
    return Status::FailedPrecondition(where + ": format version " + std::to_string(version) +
                                      " is newer than this build reads (" +
                                      std::to_string(kBlockFormatVersion) + ")");
  }
  if (version != kBlockFormatVersion || used != kHeaderBytesUsed) {
    return Status::Corruption(where + ": header version " + std::to_string(version) + " with " +
                              std::to_string(used) + " bytes used is not a valid header");
  }
  // The checksum covers only the used bytes; the padding must be zero.
  for (size_t i = used; i < kHeaderCrcOffset; ++i) {
    if (bytes[i] != std::byte{0}) {
      return Status::Corruption(where + ": header padding byte " + std::to_string(i) + " is not zero");
    }
  }
  BlockHeader header;
  header.unit_size = GetU32(&bytes[kUnitSizeOffset]);
  uint32_t level1 = GetU32(&bytes[kLevel1Offset]);
  uint32_t level2 = GetU32(&bytes[kLevel2Offset]);
  header.name.blob_id = std::string(GetText(&bytes[kBlobIdOffset], kBlobIdSize));
  if (header.unit_size == 0 || level1 > INT_MAX || level2 > INT_MAX || !IsValidId(header.name.blob_id)) {
    return Status::Corruption(where + ": header fields are out of range");
  }
  header.name.level1_position = static_cast<int>(level1);
  header.name.level2_position = static_cast<int>(level2);
  return header;
}

// Reads exactly out.size() bytes at `offset`; a short read means the file is
// shorter than its header and trailer claim.
Status ReadExactly(const RandomAccessFile& file, uint64_t offset, std::span<std::byte> out,
                   const std::string& where, std::string_view what) {
  Result<size_t> read = file.ReadAt(offset, out);
  if (!read.ok()) return read.status().WithContext(where);
  const size_t got = *read;
  if (got != out.size()) {
    return Status::Corruption(where + ": " + std::string(what) + " is truncated (read " + std::to_string(got) +
                              " of " + std::to_string(out.size()) + " bytes at offset " + std::to_string(offset) +
                              ")");
  }
  return Status::OK();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string BlockName::FileName() const {
  return blob_id + "-" + std::to_string(level1_position) + "-" + std::to_string(level2_position) +
         std::string(kBlockSuffix);
}

std::optional<BlockName> BlockName::FromFileName(std::string_view file_name) {
  if (!file_name.ends_with(kBlockSuffix)) return std::nullopt;
  std::string_view stem = file_name.substr(0, file_name.size() - kBlockSuffix.size());
  size_t first_dash = stem.find('-');
  if (first_dash == std::string_view::npos) return std::nullopt;
  size_t second_dash = stem.find('-', first_dash + 1);
  if (second_dash == std::string_view::npos) return std::nullopt;
  std::string_view blob = stem.substr(0, first_dash);
  if (!IsValidId(blob)) return std::nullopt;
  std::optional<int> level1 = ParsePosition(stem.substr(first_dash + 1, second_dash - first_dash - 1));
  std::optional<int> level2 = ParsePosition(stem.substr(second_dash + 1));
  if (!level1 || !level2) return std::nullopt;
  return BlockName{std::string(blob), *level1, *level2};
}

// ---- BlockWriter ----

BlockWriter::BlockWriter(FileSystem* fs, std::unique_ptr<WritableFile> file, std::string temp_path,
                         std::string final_path, BlockHeader header)
    : fs_(fs),
      file_(std::move(file)),
      temp_path_(std::move(temp_path)),
      final_path_(std::move(final_path)),
      header_(std::move(header)) {}

BlockWriter::~BlockWriter() { Abandon(); }

Status BlockWriter::AppendUnit(std::span<const std::byte> unit) {
  const std::string where = "block " + final_path_;
  if (done_) return Status::FailedPrecondition(where + ": already published or abandoned");
  if (broken_) return Status::FailedPrecondition(where + ": an earlier write failed");
  const uint64_t index = checksums_.size();
  if (unit.empty() || unit.size() > header_.unit_size) {
    return Status::InvalidArgument(where + ": unit " + std::to_string(index) + " is " +
                                   std::to_string(unit.size()) + " bytes; units are 1 to " +
                                   std::to_string(header_.unit_size) + " bytes");
  }
  if (last_unit_short_) {
    return Status::InvalidArgument(where + ": unit " + std::to_string(index) +
                                   " follows a short unit, which must be the last");
  }
  RETURN_IF_ERROR(WriteHeader());
  Status st = file_->Append(unit);
  if (!st.ok()) {
    broken_ = true;
    return st.WithContext(where + ": unit " + std::to_string(index));
  }
  checksums_.push_back(Crc32c(unit));
  data_bytes_ += unit.size();
  if (unit.size() < header_.unit_size) last_unit_short_ = true;
  return Status::OK();
}

Status BlockWriter::Publish() {
  const std::string where = "block " + final_path_;
  if (done_) return Status::FailedPrecondition(where + ": already published or abandoned");
  if (broken_) return Status::FailedPrecondition(where + ": an earlier write failed");
  Status st = PublishWritten();
  if (!st.ok()) {
    broken_ = true;
    Abandon();  // no-op once the rename has happened
  }
  return st;
}

void BlockWriter::Abandon() {
  if (done_) return;
  done_ = true;
  if (file_) {
    (void)file_->Close();
    file_.reset();
  }
  (void)fs_->RemoveFile(temp_path_);
}

Status BlockWriter::WriteHeader() {
  if (header_written_) return Status::OK();
  const std::string where = "block " + final_path_;
  Status st = CheckHeaderFields(header_);
  if (st.ok()) {
    std::array<std::byte, kBlockHeaderSize> bytes = EncodeHeader(header_);
    st = file_->Append(bytes);
  }
  if (!st.ok()) {
    broken_ = true;
    return st.WithContext(where + ": header");
  }
  header_written_ = true;
  return Status::OK();
}

// Trailer, fsync, close, then rename into blocks/<2 hex>/ and fsync the
// directories whose entries changed.
Status BlockWriter::PublishWritten() {
  const std::string where = "block " + final_path_;
  RETURN_IF_ERROR(WriteHeader());

  std::vector<std::byte> trailer(checksums_.size() * 4 + kTrailerTailSize);
  for (size_t i = 0; i < checksums_.size(); ++i) PutU32(&trailer[i * 4], checksums_[i]);
  std::byte* tail = trailer.data() + checksums_.size() * 4;
  PutU64(tail + kTailCountOffset, checksums_.size());
  PutU64(tail + kTailDataBytesOffset, data_bytes_);
  PutU32(tail + kTailCrcOffset, Crc32c(trailer.data(), checksums_.size() * 4 + kTailCrcOffset));
  PutText(tail + kTailMagicOffset, kTrailerMagic);

  RETURN_IF_ERROR(file_->Append(trailer).WithContext(where + ": trailer"));
  RETURN_IF_ERROR(file_->Sync().WithContext(where));
  RETURN_IF_ERROR(file_->Close().WithContext(where));
  file_.reset();

  const std::string dir = DirName(final_path_);
  ASSIGN_OR_RETURN(bool dir_exists, fs_->IsDirectory(dir));
  if (!dir_exists) {
    // Only the shard directory is created here. A missing blocks/ means the
    // drive itself is gone; re-creating it would leave a half drive behind that
    // a replacement (which needs a missing or empty directory) is refused on.
    ASSIGN_OR_RETURN(bool blocks_exist, fs_->IsDirectory(DirName(dir)));
    if (!blocks_exist) return Status::NotFound(where + ": directory " + DirName(dir) + " is missing");
    RETURN_IF_ERROR(fs_->CreateDirs(dir).WithContext(where));
    RETURN_IF_ERROR(fs_->SyncDir(DirName(dir)).WithContext(where));
  }
  // Something that is not a block file in the block's place (a directory left
  // by hand or by a broken file system) would make the rename fail forever:
  // move it aside into tmp/, where it stays for an operator to inspect.
  ASSIGN_OR_RETURN(bool obstructed, fs_->IsDirectory(final_path_));
  if (obstructed) {
    const std::string aside = temp_path_ + ".obstruction";
    RETURN_IF_ERROR(fs_->Rename(final_path_, aside).WithContext(where + ": moving aside a directory in the block's place"));
  }
  RETURN_IF_ERROR(fs_->Rename(temp_path_, final_path_).WithContext(where));
  done_ = true;
  return fs_->SyncDir(dir).WithContext(where);
}

// ---- BlockReader ----

Result<std::unique_ptr<BlockReader>> BlockReader::Open(FileSystem* fs, const std::string& path) {
  std::optional<BlockName> name = BlockName::FromFileName(BaseName(path));
  if (!name) {
    return Status::InvalidArgument("block " + path + ": file name is not <blob>-<p1>-<p2>.blk");
  }
  return Open(fs, path, *name);
}

Result<std::unique_ptr<BlockReader>> BlockReader::Open(FileSystem* fs, const std::string& path,
                                                       const BlockName& expected) {
  const std::string where = "block " + path;
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, fs->NewRandomAccessFile(path));
  ASSIGN_OR_RETURN(uint64_t file_bytes, file->Size());
  if (file_bytes < kBlockHeaderSize + kTrailerTailSize) {
    return Status::Corruption(where + ": file is " + std::to_string(file_bytes) +
                              " bytes, too short for a header and trailer");
  }

  std::array<std::byte, kBlockHeaderSize> header_bytes;
  RETURN_IF_ERROR(ReadExactly(*file, 0, header_bytes, where, "header"));
  ASSIGN_OR_RETURN(BlockHeader header, DecodeHeader(header_bytes, where));
  if (header.name != expected) {
    return Status::Corruption(where + ": header names block " + header.name.FileName() + ", expected " +
                              expected.FileName());
  }

  std::array<std::byte, kTrailerTailSize> tail;
  RETURN_IF_ERROR(ReadExactly(*file, file_bytes - kTrailerTailSize, tail, where, "trailer"));
  if (GetText(&tail[kTailMagicOffset], kTrailerMagic.size()) != kTrailerMagic) {
    return Status::Corruption(where + ": trailer magic is not " + std::string(kTrailerMagic) +
                              " (truncated or torn file?)");
  }
  const uint64_t unit_count = GetU64(&tail[kTailCountOffset]);
  const uint64_t data_bytes = GetU64(&tail[kTailDataBytesOffset]);
  const uint64_t room = file_bytes - kBlockHeaderSize - kTrailerTailSize;  // units + checksum table
  if (unit_count > room / 4 || room - unit_count * 4 != data_bytes) {
    return Status::Corruption(where + ": trailer says " + std::to_string(unit_count) + " units of " +
                              std::to_string(data_bytes) + " bytes, which does not match the file size " +
                              std::to_string(file_bytes));
  }
  if ((data_bytes + header.unit_size - 1) / header.unit_size != unit_count) {
    return Status::Corruption(where + ": trailer says " + std::to_string(unit_count) + " units of " +
                              std::to_string(data_bytes) + " bytes, which does not fit unit size " +
                              std::to_string(header.unit_size));
  }

  std::vector<std::byte> table(unit_count * 4);
  RETURN_IF_ERROR(ReadExactly(*file, kBlockHeaderSize + data_bytes, table, where, "checksum table"));
  uint32_t crc = Crc32c(table.data(), table.size());
  crc = Crc32cExtend(crc, tail.data(), kTailCrcOffset);
  if (crc != GetU32(&tail[kTailCrcOffset])) return Status::Corruption(where + ": trailer checksum mismatch");

  std::unique_ptr<BlockReader> reader(new BlockReader());
  reader->path_ = path;
  reader->file_ = std::move(file);
  reader->header_ = std::move(header);
  reader->data_bytes_ = data_bytes;
  reader->checksums_.resize(unit_count);
  for (uint64_t i = 0; i < unit_count; ++i) reader->checksums_[i] = GetU32(&table[i * 4]);
  return reader;
}

uint32_t BlockReader::UnitLength(uint64_t index) const {
  if (index >= checksums_.size()) return 0;
  if (index + 1 < checksums_.size()) return header_.unit_size;
  return static_cast<uint32_t>(data_bytes_ - index * header_.unit_size);
}

Status BlockReader::ReadUnit(uint64_t index, std::span<std::byte> out) const {
  const std::string where = "block " + path_ + ": unit " + std::to_string(index);
  if (index >= checksums_.size()) {
    return Status::InvalidArgument(where + " is out of range (" + std::to_string(checksums_.size()) + " units)");
  }
  const uint32_t length = UnitLength(index);
  if (out.size() < length) {
    return Status::InvalidArgument(where + " is " + std::to_string(length) + " bytes; buffer holds " +
                                   std::to_string(out.size()));
  }
  std::span<std::byte> unit = out.first(length);
  RETURN_IF_ERROR(ReadExactly(*file_, kBlockHeaderSize + index * header_.unit_size, unit, where, "data"));
  if (Crc32c(unit) != checksums_[index]) return Status::Corruption(where + " checksum mismatch");
  return Status::OK();
}

Status BlockReader::ReadUnitRange(uint64_t index, uint64_t offset, std::span<std::byte> out) const {
  const std::string where = "block " + path_ + ": unit " + std::to_string(index);
  if (index >= checksums_.size()) {
    return Status::InvalidArgument(where + " is out of range (" + std::to_string(checksums_.size()) + " units)");
  }
  const uint32_t length = UnitLength(index);
  if (offset > length || out.size() > length - offset) {
    return Status::InvalidArgument(where + ": range of " + std::to_string(out.size()) + " bytes at " +
                                   std::to_string(offset) + " leaves the unit (" + std::to_string(length) + " bytes)");
  }
  return ReadExactly(*file_, kBlockHeaderSize + index * header_.unit_size + offset, out, where, "data");
}

}  // namespace strata
