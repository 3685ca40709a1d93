// ColumnVector holds the decoded values of one column for a run of rows: the
// values in the vector of its physical type, and which rows are null. It is
// what the column-chunk decoder produces, what the writer consumes, and the
// column of a batch in the query engine, so values are never converted
// between the format and the engine. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/parquet/encoding.h"
#include "strata/parquet/format.h"

namespace strata::parquet {

struct ColumnVector {
  Type type = Type::kInt64;
  // Empty when every row has a value; otherwise one byte per row, 1 = valid.
  // A null row still has a slot (zero, or an empty string) in the values.
  std::vector<uint8_t> validity;
  std::vector<uint8_t> bools;  // kBoolean: 0 or 1
  std::vector<int32_t> int32s;
  std::vector<int64_t> int64s;
  std::vector<float> floats;
  std::vector<double> doubles;
  ByteArrayValues strings;  // kByteArray

  ColumnVector() = default;
  explicit ColumnVector(Type t) : type(t) {}
  bool operator==(const ColumnVector&) const = default;

  size_t size() const {
    switch (type) {
      case Type::kBoolean: return bools.size();
      case Type::kInt32: return int32s.size();
      case Type::kInt64: return int64s.size();
      case Type::kFloat: return floats.size();
      case Type::kDouble: return doubles.size();
      case Type::kByteArray: return strings.size();
      default: return 0;
    }
  }
  bool IsValid(size_t row) const { return validity.empty() || validity[row] != 0; }
  bool HasNulls() const {
    for (uint8_t v : validity) {
      if (!v) return true;
    }
    return false;
  }
  void Clear() {
    validity.clear();
    bools.clear();
    int32s.clear();
    int64s.clear();
    floats.clear();
    doubles.clear();
    strings.Clear();
  }
};

// Appends every row of `in` to *out (same type), validity included.
void AppendColumn(const ColumnVector& in, ColumnVector* out);

}  // namespace strata::parquet
