// Fuzz target: the bytes are a whole Parquet file. Reading its footer, its
// flat schema, every column chunk's range and OffsetIndex, the aligned units'
// trailers and every row group returns values or errors; it never crashes,
// and never allocates absurdly (an allocation past kAllocationLimit aborts
// here, which for seeds of a few KiB can only come from trusting a size the
// file claims).
// What reads successfully has the shape the metadata promises. Seeds in
// tests/fuzz/parquet_file_fuzz/: an aligned file of every type with nulls
// (snappy), one of many small pages with offset indexes, and files DuckDB
// wrote with dictionaries.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"

// AddressSanitizer and libFuzzer bring their own allocator and limits
// (-malloc_limit_mb); the plain replay build checks allocation sizes here.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRATA_FUZZ_OWN_ALLOCATOR 0
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define STRATA_FUZZ_OWN_ALLOCATOR 0
#endif
#ifndef STRATA_FUZZ_OWN_ALLOCATOR
#define STRATA_FUZZ_OWN_ALLOCATOR 1
#endif

namespace {
constexpr size_t kAllocationLimit = size_t{256} << 20;
}  // namespace

#if STRATA_FUZZ_OWN_ALLOCATOR
void* operator new(size_t size) {
  if (size > kAllocationLimit) std::abort();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#endif

namespace {

using namespace strata;
using namespace strata::parquet;

void Require(bool condition) {
  if (!condition) std::abort();
}

class BytesSource : public RandomAccessSource {
 public:
  explicit BytesSource(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) return Status::Corruption("read past the end");
    out->assign(bytes_.substr(offset, length));
    return Status::OK();
  }

 private:
  std::string_view bytes_;
};

void CheckFile(std::string_view bytes) {
  BytesSource source(bytes);
  Result<FileMetaData> metadata = ReadFileMetaData(source, "fuzz.parquet");
  if (!metadata.ok()) return;
  int64_t rows = 0;
  for (const RowGroup& group : metadata->row_groups) rows += group.num_rows;
  Require(rows == metadata->num_rows);

  // Aligned units, where the footer names a unit size.
  const uint32_t unit = AlignedUnitSize(*metadata);
  if (unit > 0) {
    for (uint64_t start = 0; start + unit <= bytes.size() && start / unit < 64; start += unit) {
      (void)ParseUnitTrailer(bytes.substr(start, unit));
    }
  }

  Result<std::vector<ColumnSchema>> schema = FlatSchema(*metadata);
  // Chunk ranges are checked whatever the schema says.
  for (size_t g = 0; g < metadata->row_groups.size() && g < 256; ++g) {
    for (size_t c = 0; c < metadata->row_groups[g].columns.size() && c < 256; ++c) {
      Result<ChunkRange> range = ChunkRangeOf(*metadata, g, c, bytes.size());
      if (range.ok()) Require(range->offset <= bytes.size() && range->length <= bytes.size() - range->offset);
      const ColumnChunk& chunk = metadata->row_groups[g].columns[c];
      if (chunk.offset_index_offset && chunk.offset_index_length &&
          static_cast<uint64_t>(*chunk.offset_index_offset) <= bytes.size() &&
          static_cast<uint64_t>(*chunk.offset_index_length) <=
              bytes.size() - static_cast<uint64_t>(*chunk.offset_index_offset)) {
        (void)ParseOffsetIndex(bytes.substr(static_cast<size_t>(*chunk.offset_index_offset),
                                            static_cast<size_t>(*chunk.offset_index_length)));
      }
    }
  }
  if (!schema.ok()) return;
  for (size_t g = 0; g < metadata->row_groups.size() && g < 256; ++g) {
    std::vector<ColumnVector> columns;
    if (!ReadRowGroup(source, *metadata, *schema, g, &columns).ok()) continue;
    Require(columns.size() == schema->size());
    for (size_t c = 0; c < columns.size(); ++c) {
      const ColumnVector& column = columns[c];
      Require(column.type == (*schema)[c].type);
      Require(column.size() == static_cast<size_t>(metadata->row_groups[g].num_rows));
      Require(column.validity.empty() || column.validity.size() == column.size());
      Require(column.validity.empty() || (*schema)[c].optional);
      if (column.type == Type::kByteArray) Require(column.strings.offsets.back() == column.strings.bytes.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckFile(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
