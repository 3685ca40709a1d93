// Thrift compact forms of values and column vectors; field ids are listed in
// docs/formats.md, "Scan requests".
#include "strata/table/column_codec.h"

#include <cstring>

namespace strata::table {

using parquet::thrift::CompactReader;
using parquet::thrift::CompactWriter;
using parquet::thrift::ThriftType;

namespace {

template <typename T>
std::string_view Bytes(const std::vector<T>& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
bool CopyBytes(std::string_view bytes, std::vector<T>* out) {
  if (bytes.size() % sizeof(T) != 0) return false;
  out->resize(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  return true;
}

bool KnownType(int32_t t) {
  return t == static_cast<int32_t>(Type::kBoolean) || t == static_cast<int32_t>(Type::kInt32) ||
         t == static_cast<int32_t>(Type::kInt64) || t == static_cast<int32_t>(Type::kFloat) ||
         t == static_cast<int32_t>(Type::kDouble) || t == static_cast<int32_t>(Type::kByteArray);
}

}  // namespace

void WriteValue(CompactWriter& w, const Value& v) {
  w.BeginStruct();
  w.I32Field(1, static_cast<int32_t>(v.type));
  w.BoolField(2, v.is_null);
  if (!v.is_null) {
    if (v.type == Type::kBoolean) w.BoolField(3, v.bool_value);
    if (IsInteger(v.type)) w.I64Field(4, v.int_value);
    if (v.type == Type::kFloat || v.type == Type::kDouble) w.DoubleField(5, v.double_value);
    if (v.type == Type::kByteArray) w.BinaryField(6, v.string_value);
  }
  w.EndStruct();
}

Type ReadType(CompactReader& r) {
  const int32_t t = r.ReadI32();
  if (!KnownType(t)) {
    r.Fail("unknown value type " + std::to_string(t));
    return Type::kInt64;
  }
  return static_cast<Type>(t);
}

Value ReadValue(CompactReader& r) {
  Value v;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kI32) {
      v.type = ReadType(r);
    } else if (id == 2 && type == ThriftType::kBool) {
      v.is_null = r.ReadBool();
    } else if (id == 3 && type == ThriftType::kBool) {
      v.bool_value = r.ReadBool();
    } else if (id == 4 && type == ThriftType::kI64) {
      v.int_value = r.ReadI64();
    } else if (id == 5 && type == ThriftType::kDouble) {
      v.double_value = r.ReadDouble();
    } else if (id == 6 && type == ThriftType::kBinary) {
      v.string_value = std::string(r.ReadBinary());
    } else {
      r.Skip(type);
    }
  }
  return v;
}

void WriteColumnVector(CompactWriter& w, const ColumnVector& c) {
  w.BeginStruct();
  w.I32Field(1, static_cast<int32_t>(c.type));
  if (!c.validity.empty()) w.BinaryField(2, Bytes(c.validity));
  switch (c.type) {
    case Type::kBoolean: w.BinaryField(3, Bytes(c.bools)); break;
    case Type::kInt32: w.BinaryField(3, Bytes(c.int32s)); break;
    case Type::kInt64: w.BinaryField(3, Bytes(c.int64s)); break;
    case Type::kFloat: w.BinaryField(3, Bytes(c.floats)); break;
    case Type::kDouble: w.BinaryField(3, Bytes(c.doubles)); break;
    case Type::kByteArray:
      w.BinaryField(4, Bytes(c.strings.offsets));
      w.BinaryField(5, c.strings.bytes);
      break;
    default: break;
  }
  w.EndStruct();
}

ColumnVector ReadColumnVector(CompactReader& r) {
  ColumnVector c;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  std::string_view values, offsets, strings;
  std::string_view validity;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kI32) {
      c.type = ReadType(r);
    } else if (id == 2 && type == ThriftType::kBinary) {
      validity = r.ReadBinary();
    } else if (id == 3 && type == ThriftType::kBinary) {
      values = r.ReadBinary();
    } else if (id == 4 && type == ThriftType::kBinary) {
      offsets = r.ReadBinary();
    } else if (id == 5 && type == ThriftType::kBinary) {
      strings = r.ReadBinary();
    } else {
      r.Skip(type);
    }
  }
  bool ok = true;
  switch (c.type) {
    case Type::kBoolean: ok = CopyBytes(values, &c.bools); break;
    case Type::kInt32: ok = CopyBytes(values, &c.int32s); break;
    case Type::kInt64: ok = CopyBytes(values, &c.int64s); break;
    case Type::kFloat: ok = CopyBytes(values, &c.floats); break;
    case Type::kDouble: ok = CopyBytes(values, &c.doubles); break;
    case Type::kByteArray: {
      ok = CopyBytes(offsets, &c.strings.offsets) && !c.strings.offsets.empty() && c.strings.offsets[0] == 0;
      for (size_t i = 1; ok && i < c.strings.offsets.size(); ++i) {
        ok = c.strings.offsets[i] >= c.strings.offsets[i - 1];
      }
      ok = ok && c.strings.offsets.back() == strings.size();
      if (ok) c.strings.bytes = std::string(strings);
      break;
    }
    default: break;
  }
  if (ok) ok = CopyBytes(validity, &c.validity);
  if (ok && !c.validity.empty()) ok = c.validity.size() == c.size();
  if (!ok) r.Fail("malformed column vector");
  return c;
}

}  // namespace strata::table
