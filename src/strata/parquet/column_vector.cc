#include "strata/parquet/column_vector.h"

namespace strata::parquet {

void AppendColumn(const ColumnVector& in, ColumnVector* out) {
  const size_t before = out->size();
  const size_t added = in.size();
  if (!in.validity.empty() || !out->validity.empty()) {
    if (out->validity.empty()) out->validity.assign(before, 1);
    if (in.validity.empty()) {
      out->validity.insert(out->validity.end(), added, 1);
    } else {
      out->validity.insert(out->validity.end(), in.validity.begin(), in.validity.end());
    }
  }
  switch (in.type) {
    case Type::kBoolean: out->bools.insert(out->bools.end(), in.bools.begin(), in.bools.end()); break;
    case Type::kInt32: out->int32s.insert(out->int32s.end(), in.int32s.begin(), in.int32s.end()); break;
    case Type::kInt64: out->int64s.insert(out->int64s.end(), in.int64s.begin(), in.int64s.end()); break;
    case Type::kFloat: out->floats.insert(out->floats.end(), in.floats.begin(), in.floats.end()); break;
    case Type::kDouble: out->doubles.insert(out->doubles.end(), in.doubles.begin(), in.doubles.end()); break;
    case Type::kByteArray:
      for (size_t i = 0; i < added; ++i) out->strings.Append(in.strings[i]);
      break;
    default: break;
  }
}

}  // namespace strata::parquet
