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

// The PLAIN bytes of a statistic value (little-endian numbers, raw strings),
// and back; false when `bytes` has the wrong length for the type.
std::string EncodeStatValue(Type type, const ColumnVector& values, size_t row);
bool DecodeStatNumber(Type type, std::string_view bytes, double* out_double, int64_t* out_int);

}  // namespace strata::parquet
