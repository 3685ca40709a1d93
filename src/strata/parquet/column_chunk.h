// A column chunk is one column's pages within one row group. The decoder
// reads what other writers produce (dictionary pages, data pages v1 and v2,
// PLAIN, dictionary, RLE, delta and byte-stream-split encodings, the
// UNCOMPRESSED, SNAPPY, GZIP and ZSTD codecs, page CRCs) for flat REQUIRED
// and OPTIONAL columns. The encoder writes what Strata stores: one PLAIN data
// page (v1) with its CRC, and the chunk's statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// Decodes every page of `bytes` (the chunk from its first page to its end)
// into *out, replacing its contents. Corruption for damaged bytes (a CRC
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
};

struct EncodedChunk {
  std::string bytes;                   // page header and page
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page header included, as the spec counts it
  Statistics statistics;               // min_value/max_value as PLAIN bytes, null_count
};

// Encodes rows [first, first + count) of `values` as one column chunk.
Status EncodeColumnChunk(const ColumnVector& values, size_t first, size_t count, const ChunkEncodeOptions& options,
                         EncodedChunk* out);

// The PLAIN bytes of a statistic value (little-endian numbers, raw strings),
// and back; false when `bytes` has the wrong length for the type.
std::string EncodeStatValue(Type type, const ColumnVector& values, size_t row);
bool DecodeStatNumber(Type type, std::string_view bytes, double* out_double, int64_t* out_int);

}  // namespace strata::parquet
