// Helpers shared by the column-chunk tests: bit-exact comparison of value
// vectors, little-endian bytes of a value, and decoding a chunk with options
// spelled out.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "strata/parquet/column_chunk.h"

namespace strata::parquet::testing_util {

template <typename T>
inline bool SameBits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <typename T>
inline std::string Le(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

inline Status Decode(std::string_view bytes, Type type, bool optional, Codec codec, int64_t rows, ColumnVector* out,
              ChunkDecodeInfo* info = nullptr) {
  ChunkDecodeOptions options;
  options.type = type;
  options.optional = optional;
  options.codec = codec;
  options.num_values = rows;
  ChunkDecodeInfo ignored;
  return DecodeColumnChunk(bytes, options, out, info ? info : &ignored);
}

}  // namespace strata::parquet::testing_util
