// Page compression codecs: UNCOMPRESSED, SNAPPY (raw, unframed), GZIP and
// ZSTD. Decompression takes untrusted bytes and the size the page header
// promises; it never writes past that size and never allocates more than the
// input could expand to. Thread-safe: each thread keeps its own zstd contexts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "strata/base/status.h"
#include "strata/parquet/format.h"

namespace strata::parquet {

// True for the codecs Compress and Decompress handle.
bool CodecSupported(Codec codec);

// Appends the compressed form of `in` to *out. level 0 is the codec's default;
// SNAPPY has no levels. GZIP writes a gzip header. InvalidArgument for a codec
// that is not supported.
Status Compress(Codec codec, std::string_view in, std::string* out, int level = 0);

// Replaces *out with the decompressed `in`, which must expand to exactly
// `uncompressed_size` bytes. GZIP accepts gzip or zlib headers and
// concatenated gzip members. Corruption naming the codec for a damaged stream
// or a size mismatch; InvalidArgument for a codec that is not supported.
Status Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out);

}  // namespace strata::parquet
