// Helpers shared by the column-chunk tests: random columns with a chosen
// null pattern, the rows a decoder should return, bit-exact comparison of
// value vectors, little-endian bytes of a value, and decoding a chunk with
// options spelled out.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

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

enum class Nulls { kNone, kAllValidVector, kSome, kAll };

inline std::string NullsName(Nulls n) {
  switch (n) {
    case Nulls::kNone: return "NoValidity";
    case Nulls::kAllValidVector: return "AllValid";
    case Nulls::kSome: return "SomeNull";
    default: return "AllNull";
  }
}

inline float RandomFloat(std::mt19937_64& rng) {
  static const float kSpecial[] = {0.0f, -0.0f, 1.0f, -1.5f, std::numeric_limits<float>::infinity(),
                                   -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min(),
                                   std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()};
  if (rng() % 4 == 0) return kSpecial[rng() % std::size(kSpecial)];
  return static_cast<float>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 64.0f;
}

inline double RandomDouble(std::mt19937_64& rng) {
  static const double kSpecial[] = {0.0, -0.0, 1.0, -2.25, std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest()};
  if (rng() % 4 == 0) return kSpecial[rng() % std::size(kSpecial)];
  uint64_t bits = rng();
  double d;
  std::memcpy(&d, &bits, 8);
  if (std::isnan(d)) d = 1e300;
  return d;
}

inline std::string RandomString(std::mt19937_64& rng) {
  const size_t length = rng() % 5 == 0 ? 0 : rng() % 41;
  std::string s(length, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// `n` random values of `type`; null rows still get a (random) slot value, as
// a ColumnVector allows, so the encoder must skip them.
inline ColumnVector RandomColumn(Type type, size_t n, Nulls nulls, std::mt19937_64& rng) {
  ColumnVector c(type);
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case Type::kBoolean: c.bools.push_back(static_cast<uint8_t>(rng() % 2)); break;
      case Type::kInt32: {
        static const int32_t kEdges[] = {INT32_MIN, INT32_MAX, 0, -1};
        c.int32s.push_back(rng() % 8 == 0 ? kEdges[rng() % 4] : static_cast<int32_t>(rng()));
        break;
      }
      case Type::kInt64: {
        static const int64_t kEdges[] = {INT64_MIN, INT64_MAX, 0, -1};
        c.int64s.push_back(rng() % 8 == 0 ? kEdges[rng() % 4] : static_cast<int64_t>(rng()));
        break;
      }
      case Type::kFloat: c.floats.push_back(RandomFloat(rng)); break;
      case Type::kDouble: c.doubles.push_back(RandomDouble(rng)); break;
      default: c.strings.Append(RandomString(rng)); break;
    }
  }
  switch (nulls) {
    case Nulls::kNone: break;
    case Nulls::kAllValidVector: c.validity.assign(n, 1); break;
    case Nulls::kSome:
      for (size_t i = 0; i < n; ++i) c.validity.push_back(rng() % 3 == 0 ? 0 : 1);
      if (n > 0) c.validity[0] = 0;  // at least one null
      break;
    case Nulls::kAll: c.validity.assign(n, 0); break;
  }
  return c;
}

// Rows [first, first + count) of `in` as the decoder returns them: null
// slots zero (or empty), validity empty when no row is null.
inline ColumnVector Expected(const ColumnVector& in, size_t first, size_t count) {
  ColumnVector out(in.type);
  bool any_null = false;
  for (size_t i = first; i < first + count; ++i) {
    const bool valid = in.IsValid(i);
    any_null |= !valid;
    out.validity.push_back(valid ? 1 : 0);
    switch (in.type) {
      case Type::kBoolean: out.bools.push_back(valid ? in.bools[i] : 0); break;
      case Type::kInt32: out.int32s.push_back(valid ? in.int32s[i] : 0); break;
      case Type::kInt64: out.int64s.push_back(valid ? in.int64s[i] : 0); break;
      case Type::kFloat: out.floats.push_back(valid ? in.floats[i] : 0.0f); break;
      case Type::kDouble: out.doubles.push_back(valid ? in.doubles[i] : 0.0); break;
      default: out.strings.Append(valid ? in.strings[i] : std::string_view()); break;
    }
  }
  if (!any_null) out.validity.clear();
  return out;
}

// Equal types, validity and values, floating point compared bit for bit.
inline ::testing::AssertionResult SameColumn(const ColumnVector& want, const ColumnVector& got) {
  if (want.type != got.type) return ::testing::AssertionFailure() << "types differ";
  if (want.validity != got.validity) return ::testing::AssertionFailure() << "validity differs";
  if (want.size() != got.size()) {
    return ::testing::AssertionFailure() << "sizes differ: " << want.size() << " vs " << got.size();
  }
  bool same = true;
  switch (want.type) {
    case Type::kBoolean: same = want.bools == got.bools; break;
    case Type::kInt32: same = want.int32s == got.int32s; break;
    case Type::kInt64: same = want.int64s == got.int64s; break;
    case Type::kFloat: same = SameBits(want.floats, got.floats); break;
    case Type::kDouble: same = SameBits(want.doubles, got.doubles); break;
    default: same = want.strings == got.strings; break;
  }
  if (!same) return ::testing::AssertionFailure() << "values differ";
  return ::testing::AssertionSuccess();
}

}  // namespace strata::parquet::testing_util
