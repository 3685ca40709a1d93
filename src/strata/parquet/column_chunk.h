// A column chunk is one column's pages within one row group. The decoder
// reads what other writers produce (dictionary pages, data pages v1 and v2,
// PLAIN, dictionary, RLE, delta and byte-stream-split encodings, the
// UNCOMPRESSED, SNAPPY, GZIP and ZSTD codecs, page CRCs) for flat REQUIRED
// and OPTIONAL columns. The encoder writes what Strata stores: PLAIN data
// pages (v1) of about ChunkEncodeOptions::page_size bytes, each with its CRC,
// where they lie (for the OffsetIndex), and the chunk's statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/column_vector.h"
#include "strata/parquet/format.h"
#include "strata/parquet/parquet_metadata.h"

namespace strata::parquet {

struct ChunkDecodeOptions {
  Type type = Type::kInt64;
  bool optional = false;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;  // rows in the chunk (values including nulls)
};

struct ChunkDecodeInfo {
  int pages = 0;
  bool every_page_has_crc = true;
};

// The most values a page may hold: the decoder refuses more (RLE can claim
// billions in a few bytes, and buffers are sized from the count), so the
// encoder never writes more.
inline constexpr size_t kMaxPageValues = size_t{1} << 26;

// Decodes every page of `bytes` (the chunk from its first page to its end,
// or any run of whole consecutive data pages of it, when the chunk has no
// dictionary page) into *out, replacing its contents. options.num_values is
// the rows those pages hold. Corruption for damaged bytes (a CRC
// mismatch, truncation, an index outside the dictionary), InvalidArgument
// for what Strata does not read (an encoding or codec it lacks, repeated
// columns); messages name the page.
Status DecodeColumnChunk(std::string_view bytes, const ChunkDecodeOptions& options, ColumnVector* out,
                         ChunkDecodeInfo* info);

struct ChunkEncodeOptions {
  Codec codec = Codec::kUncompressed;
  int compression_level = 0;  // the codec's default
  bool optional = false;
  // String statistics longer than this are left out (min and max of long
  // strings cost more than they prune).
  size_t max_string_stat = 256;
  // Target uncompressed value bytes per data page; 0 puts the whole chunk in
  // one page. Small pages let a node read and decode only the pages that
  // hold the rows a query wants. Fixed-width columns get a whole number of
  // values per page (nulls counted as if present, so every page but the last
  // has the same row count); a string page ends once its values reach the
  // target. Every page holds at most kMaxPageValues values.
  size_t page_size = 8192;
};

struct EncodedChunk {
  std::string bytes;                   // the pages, each a header and its data
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page headers included, as the spec counts it
  Statistics statistics;               // of the whole chunk: min_value/max_value as PLAIN bytes, null_count
  // One per data page, in order: offset from the chunk's first byte, size
  // with the header, first row counted from the chunk's first row.
  std::vector<PageLocation> pages;
};

// Encodes rows [first, first + count) of `values` as one column chunk: every
// row in exactly one page, no page empty (a chunk of no rows is one empty
// page, so that it still has a data page).
Status EncodeColumnChunk(const ColumnVector& values, size_t first, size_t count, const ChunkEncodeOptions& options,
                         EncodedChunk* out);

// A chunk as ChunkBuilder::Lay sized it: everything EncodedChunk holds but the
// bytes, which ChunkBuilder::AppendBytes writes where the caller wants them.
struct ChunkLayout {
  size_t size = 0;  // bytes of the chunk
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  Statistics statistics;
  std::vector<PageLocation> pages;
  // The chunk's first kept_bytes bytes are pages the builder keeps; the rest
  // of it is last_pages, encoded for this layout alone.
  size_t kept_bytes = 0;
  std::string last_pages;
};

// Encodes a column chunk whose row count is still being settled, as a writer
// that fits a chunk to a unit tries a few counts. Where pages are cut does not
// depend on where the chunk ends, except for its last page, so every page that
// ends before the chunk's last row is encoded once and kept for later tries;
// a try encodes only its last page. The bytes equal EncodeColumnChunk's for the
// same rows. Not thread-safe.
class ChunkBuilder {
 public:
  explicit ChunkBuilder(ChunkEncodeOptions options) : options_(std::move(options)) {}

  // Starts a chunk at row `first` of `values`, dropping the kept pages. The
  // values must stay alive and unchanged, from `first` on, while this chunk's
  // layouts are in use.
  void Begin(const ColumnVector* values, size_t first);
  // Sizes the chunk of rows [first, first + count) into *out, encoding the
  // pages it lacks. Errors as EncodeColumnChunk's.
  Status Lay(size_t count, ChunkLayout* out);
  // Appends the bytes of `layout`, made by Lay since the last Begin.
  void AppendBytes(const ChunkLayout& layout, std::string* out) const;

 private:
  // What a page adds to the chunk's statistics, so they need no second pass
  // over the values: its null count, and min and max over its valid values
  // (NaN skipped) before the signed-zero rule. Integers and booleans widen to
  // int64, floats to double, both exactly.
  struct PageBounds {
    size_t nulls = 0;
    bool have = false;
    int64_t int_min = 0, int_max = 0;
    double real_min = 0, real_max = 0;
    std::string_view text_min, text_max;

    void Merge(const PageBounds& page);
  };
  // A page as encoded: its rows, its bytes with the header, and its bounds.
  struct PageSummary {
    size_t rows = 0;
    size_t bytes = 0;
    int64_t uncompressed = 0;  // header included
    PageBounds bounds;
  };
  struct Scratch {
    std::string page;
    std::string compressed;
    std::string levels;
    std::vector<uint32_t> level_values;
    std::vector<uint8_t> bools;
  };

  // Appends rows [first, first + count) of the values as one data page to
  // *out and describes it in *summary.
  Status EncodePage(size_t first, size_t count, std::string* out, PageSummary* summary);
  PageBounds BoundsOf(size_t first, size_t count) const;
  Statistics ChunkStatistics(const PageBounds& bounds) const;

  ChunkEncodeOptions options_;
  const ColumnVector* values_ = nullptr;
  size_t first_ = 0;
  std::string kept_;  // the kept pages, each a header and its data
  std::vector<PageSummary> kept_pages_;  // in order, from first_
  size_t checked_rows_ = 0;  // rows from first_ checked for nulls (required columns)
  Scratch scratch_;
};

// The PLAIN bytes of a statistic value (little-endian numbers, raw strings),
// and back; false when `bytes` has the wrong length for the type.
std::string EncodeStatValue(Type type, const ColumnVector& values, size_t row);
bool DecodeStatNumber(Type type, std::string_view bytes, double* out_double, int64_t* out_int);

}  // namespace strata::parquet
