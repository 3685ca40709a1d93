#include "strata/parquet/thrift_compact.h"

#include <cassert>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace strata::parquet::thrift {
namespace {

constexpr uint8_t kTrueCode = 1;   // boolean field header, value true
constexpr uint8_t kFalseCode = 2;  // boolean field header, value false

uint32_t ZigZag32(int32_t n) { return (static_cast<uint32_t>(n) << 1) ^ static_cast<uint32_t>(n >> 31); }
uint64_t ZigZag64(int64_t n) { return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63); }
int32_t UnZigZag32(uint32_t u) { return static_cast<int32_t>((u >> 1) ^ (0u - (u & 1))); }
int64_t UnZigZag64(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (0ull - (u & 1))); }

// Element types in list and map headers. Code 1 is taken as a boolean too:
// the specification says 2, but some writers put the field-header code there.
std::optional<ThriftType> ElementType(uint8_t code) {
  if (code == kTrueCode) return ThriftType::kBool;
  if (code >= static_cast<uint8_t>(ThriftType::kBool) && code <= static_cast<uint8_t>(ThriftType::kUuid)) {
    return static_cast<ThriftType>(code);
  }
  return std::nullopt;
}

// The fewest bytes a value of `type` takes, so a count can be checked against
// the bytes left before anything is allocated or looped over.
uint64_t MinEncodedSize(ThriftType type) {
  switch (type) {
    case ThriftType::kDouble: return 8;
    case ThriftType::kUuid: return 16;
    default: return 1;
  }
}

}  // namespace

std::string_view ThriftTypeName(ThriftType type) {
  switch (type) {
    case ThriftType::kBool: return "bool";
    case ThriftType::kI8: return "i8";
    case ThriftType::kI16: return "i16";
    case ThriftType::kI32: return "i32";
    case ThriftType::kI64: return "i64";
    case ThriftType::kDouble: return "double";
    case ThriftType::kBinary: return "binary";
    case ThriftType::kList: return "list";
    case ThriftType::kSet: return "set";
    case ThriftType::kMap: return "map";
    case ThriftType::kStruct: return "struct";
    case ThriftType::kUuid: return "uuid";
  }
  return "unknown";
}

// ---- CompactWriter ----

void CompactWriter::BeginStruct() { last_field_ids_.push_back(0); }

void CompactWriter::EndStruct() {
  assert(!last_field_ids_.empty());
  out_->push_back('\0');
  last_field_ids_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, ThriftType type) {
  assert(type != ThriftType::kBool);
  WriteFieldHeader(id, static_cast<uint8_t>(type));
}

void CompactWriter::BoolField(int16_t id, bool value) { WriteFieldHeader(id, value ? kTrueCode : kFalseCode); }

void CompactWriter::I8Field(int16_t id, int8_t value) {
  FieldHeader(id, ThriftType::kI8);
  WriteI8(value);
}

void CompactWriter::I16Field(int16_t id, int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  WriteI16(value);
}

void CompactWriter::I32Field(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  WriteI32(value);
}

void CompactWriter::I64Field(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  WriteI64(value);
}

void CompactWriter::DoubleField(int16_t id, double value) {
  FieldHeader(id, ThriftType::kDouble);
  WriteDouble(value);
}

void CompactWriter::BinaryField(int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  WriteBinary(value);
}

void CompactWriter::BeginStructField(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void CompactWriter::BeginListField(int16_t id, ThriftType element, uint32_t size) {
  FieldHeader(id, ThriftType::kList);
  ListBegin(element, size);
}

void CompactWriter::WriteBool(bool value) { out_->push_back(value ? '\1' : '\0'); }
void CompactWriter::WriteI8(int8_t value) { out_->push_back(static_cast<char>(value)); }
void CompactWriter::WriteI16(int16_t value) { WriteVarint(ZigZag32(value)); }
void CompactWriter::WriteI32(int32_t value) { WriteVarint(ZigZag32(value)); }
void CompactWriter::WriteI64(int64_t value) { WriteVarint(ZigZag64(value)); }

void CompactWriter::WriteDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  for (int i = 0; i < 8; ++i) out_->push_back(static_cast<char>(bits >> (8 * i)));
}

void CompactWriter::WriteBinary(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value);
}

void CompactWriter::ListBegin(ThriftType element, uint32_t size) {
  const uint8_t code = static_cast<uint8_t>(element);
  if (size < 15) {
    out_->push_back(static_cast<char>(size << 4 | code));
  } else {
    out_->push_back(static_cast<char>(0xF0 | code));
    WriteVarint(size);
  }
}

void CompactWriter::SetBegin(ThriftType element, uint32_t size) { ListBegin(element, size); }

void CompactWriter::MapBegin(ThriftType key, ThriftType value, uint32_t size) {
  WriteVarint(size);
  if (size == 0) return;  // an empty map is the single byte 0, without types
  out_->push_back(static_cast<char>(static_cast<uint8_t>(key) << 4 | static_cast<uint8_t>(value)));
}

void CompactWriter::WriteFieldHeader(int16_t id, uint8_t code) {
  assert(!last_field_ids_.empty());
  int16_t& last = last_field_ids_.back();
  const int delta = static_cast<int>(id) - last;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>(delta << 4 | code));
  } else {
    out_->push_back(static_cast<char>(code));
    WriteI16(id);
  }
  last = id;
}

void CompactWriter::WriteVarint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

// ---- CompactReader ----

void CompactReader::BeginStruct() {
  if (!EnterNested()) return;
  last_field_ids_.push_back(0);
}

bool CompactReader::NextField(int16_t* id, ThriftType* type) {
  bool_field_pending_ = false;
  if (!ok()) return false;
  if (last_field_ids_.empty()) {
    Fail("thrift: field header read outside a struct");
    return false;
  }
  const size_t start = pos_;
  std::string_view header;
  if (!Take(1, "struct (no stop field)", &header)) return false;
  const uint8_t byte = static_cast<uint8_t>(header[0]);
  if (byte == 0) {
    last_field_ids_.pop_back();
    --depth_;
    return false;
  }
  const uint8_t code = byte & 0x0F;
  std::optional<ThriftType> field_type =
      code == kFalseCode ? std::optional<ThriftType>(ThriftType::kBool) : ElementType(code);
  if (!field_type) {
    FailAt(start, "thrift: invalid field type " + std::to_string(code));
    return false;
  }
  int32_t field_id;
  if (const int delta = byte >> 4; delta != 0) {
    field_id = last_field_ids_.back() + delta;
    if (field_id > std::numeric_limits<int16_t>::max()) {
      FailAt(start, "thrift: field id " + std::to_string(field_id) + " out of range");
      return false;
    }
  } else {
    field_id = ReadI16();
    if (!ok()) return false;
  }
  if (*field_type == ThriftType::kBool) {
    bool_field_pending_ = true;
    bool_field_value_ = code == kTrueCode;
  }
  last_field_ids_.back() = static_cast<int16_t>(field_id);
  *id = static_cast<int16_t>(field_id);
  *type = *field_type;
  return true;
}

bool CompactReader::ReadBool() {
  if (bool_field_pending_) {
    bool_field_pending_ = false;
    return bool_field_value_;
  }
  std::string_view byte;
  if (!Take(1, "bool", &byte)) return false;
  // The specification writes false as 0; other writers use 2. Only 1 is true.
  return byte[0] == kTrueCode;
}

int8_t CompactReader::ReadI8() {
  std::string_view byte;
  if (!Take(1, "i8", &byte)) return 0;
  return static_cast<int8_t>(byte[0]);
}

int16_t CompactReader::ReadI16() {
  const size_t start = pos_;
  const int32_t value = UnZigZag32(static_cast<uint32_t>(ReadVarint(5, 4)));
  if (value < std::numeric_limits<int16_t>::min() || value > std::numeric_limits<int16_t>::max()) {
    FailAt(start, "thrift: i16 value " + std::to_string(value) + " out of range");
    return 0;
  }
  return static_cast<int16_t>(value);
}

int32_t CompactReader::ReadI32() { return UnZigZag32(static_cast<uint32_t>(ReadVarint(5, 4))); }

int64_t CompactReader::ReadI64() { return UnZigZag64(ReadVarint(10, 1)); }

double CompactReader::ReadDouble() {
  std::string_view bytes;
  if (!Take(8, "double", &bytes)) return 0;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

std::string_view CompactReader::ReadBinary() {
  const size_t start = pos_;
  const uint64_t length = ReadVarint(5, 4);
  if (!ok()) return {};
  if (length > remaining()) {
    FailAt(start, "thrift: binary length " + std::to_string(length) + " exceeds the " +
                      std::to_string(remaining()) + " bytes left");
    return {};
  }
  std::string_view value;
  (void)Take(length, "binary", &value);
  return value;
}

ListHeader CompactReader::ReadListBegin() {
  bool_field_pending_ = false;
  const size_t start = pos_;
  std::string_view header;
  if (!Take(1, "list header", &header)) return {};
  const uint8_t byte = static_cast<uint8_t>(header[0]);
  uint64_t size = byte >> 4;
  if (size == 15) {
    size = ReadVarint(5, 4);
    if (!ok()) return {};
  }
  const std::optional<ThriftType> element = ElementType(byte & 0x0F);
  if (!element) {
    FailAt(start, "thrift: invalid list element type " + std::to_string(byte & 0x0F));
    return {};
  }
  if (size * MinEncodedSize(*element) > remaining()) {
    FailAt(start, "thrift: list of " + std::to_string(size) + " elements exceeds the " +
                      std::to_string(remaining()) + " bytes left");
    return {};
  }
  return ListHeader{*element, static_cast<uint32_t>(size)};
}

MapHeader CompactReader::ReadMapBegin() {
  bool_field_pending_ = false;
  const size_t start = pos_;
  const uint64_t size = ReadVarint(5, 4);
  if (!ok() || size == 0) return {};
  std::string_view types;
  if (!Take(1, "map header", &types)) return {};
  const uint8_t byte = static_cast<uint8_t>(types[0]);
  const std::optional<ThriftType> key = ElementType(byte >> 4);
  const std::optional<ThriftType> value = ElementType(byte & 0x0F);
  if (!key || !value) {
    FailAt(start, "thrift: invalid map types " + std::to_string(byte >> 4) + "/" + std::to_string(byte & 0x0F));
    return {};
  }
  if (size * (MinEncodedSize(*key) + MinEncodedSize(*value)) > remaining()) {
    FailAt(start, "thrift: map of " + std::to_string(size) + " entries exceeds the " +
                      std::to_string(remaining()) + " bytes left");
    return {};
  }
  return MapHeader{*key, *value, static_cast<uint32_t>(size)};
}

void CompactReader::Skip(ThriftType type) {
  if (!ok()) return;
  std::string_view ignored;
  switch (type) {
    case ThriftType::kBool: (void)ReadBool(); return;
    case ThriftType::kI8: (void)ReadI8(); return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64: (void)ReadI64(); return;
    case ThriftType::kDouble: (void)Take(8, "double", &ignored); return;
    case ThriftType::kUuid: (void)Take(16, "uuid", &ignored); return;
    case ThriftType::kBinary: (void)ReadBinary(); return;
    case ThriftType::kStruct: {
      BeginStruct();
      int16_t id;
      ThriftType field_type;
      while (NextField(&id, &field_type)) Skip(field_type);
      return;
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      if (!EnterNested()) return;
      const ListHeader list = ReadListBegin();
      for (uint32_t i = 0; i < list.size && ok(); ++i) Skip(list.element);
      --depth_;
      return;
    }
    case ThriftType::kMap: {
      if (!EnterNested()) return;
      const MapHeader map = ReadMapBegin();
      for (uint32_t i = 0; i < map.size && ok(); ++i) {
        Skip(map.key);
        Skip(map.value);
      }
      --depth_;
      return;
    }
  }
  Fail("thrift: cannot skip a value of type " + std::to_string(static_cast<int>(type)));
}

void CompactReader::FailAt(size_t offset, std::string_view what) {
  if (!ok()) return;
  status_ = Status::Corruption(std::string(what) + " at byte " + std::to_string(offset));
}

bool CompactReader::Take(size_t count, std::string_view what, std::string_view* out) {
  if (!ok()) return false;
  if (count > remaining()) {
    FailAt(pos_, "thrift: truncated " + std::string(what));
    return false;
  }
  *out = bytes_.substr(pos_, count);
  pos_ += count;
  return true;
}

// Unsigned LEB128 of at most `max_bytes`, whose last byte may only use its
// low `last_byte_bits` bits, so the value fits the integer it stands for.
uint64_t CompactReader::ReadVarint(int max_bytes, int last_byte_bits) {
  if (!ok()) return 0;
  const size_t start = pos_;
  uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= bytes_.size()) {
      FailAt(start, "thrift: truncated varint");
      return 0;
    }
    const uint8_t byte = static_cast<uint8_t>(bytes_[pos_++]);
    if (i == max_bytes - 1 && byte >> last_byte_bits != 0) {
      FailAt(start, "thrift: varint longer than " + std::to_string(max_bytes) + " bytes or out of range");
      return 0;
    }
    value |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  return value;  // not reached: the last byte's high bit is refused above
}

bool CompactReader::EnterNested() {
  bool_field_pending_ = false;  // a boolean field's value was skipped; elements are bytes
  if (!ok()) return false;
  if (depth_ >= max_nesting_) {
    Fail("thrift: nesting deeper than " + std::to_string(max_nesting_) + " levels");
    return false;
  }
  ++depth_;
  return true;
}

// ---- StructReader ----

StructReader::StructReader(CompactReader& reader, const char* struct_name) : reader_(reader), name_(struct_name) {
  reader_.BeginStruct();
}

bool StructReader::Next() {
  if (!reader_.NextField(&id_, &type_)) return false;
  if (id_ >= 0 && id_ < 64) seen_ |= uint64_t{1} << id_;
  return true;
}

bool StructReader::Expect(ThriftType type) {
  if (type_ == type) return reader_.ok();
  reader_.Fail(Field() + " has type " + std::string(ThriftTypeName(type_)) + ", expected " +
               std::string(ThriftTypeName(type)));
  return false;
}

void StructReader::Read(bool* out) {
  if (Expect(ThriftType::kBool)) *out = reader_.ReadBool();
}

void StructReader::Read(int8_t* out) {
  if (Expect(ThriftType::kI8)) *out = reader_.ReadI8();
}

void StructReader::Read(int16_t* out) {
  if (Expect(ThriftType::kI16)) *out = reader_.ReadI16();
}

void StructReader::Read(int32_t* out) {
  if (Expect(ThriftType::kI32)) *out = reader_.ReadI32();
}

void StructReader::Read(int64_t* out) {
  if (Expect(ThriftType::kI64)) *out = reader_.ReadI64();
}

void StructReader::Read(std::string* out) {
  if (Expect(ThriftType::kBinary)) *out = std::string(reader_.ReadBinary());
}

void StructReader::Read(std::vector<std::string>* out) {
  out->clear();
  const ListHeader list = ReadList(ThriftType::kBinary);
  for (uint32_t i = 0; i < list.size && reader_.ok(); ++i) out->emplace_back(reader_.ReadBinary());
}

void StructReader::Finish(std::initializer_list<RequiredField> required) {
  if (!reader_.ok()) return;
  for (const RequiredField& field : required) {
    if (field.id < 0 || field.id >= 64 || (seen_ >> field.id & 1) == 0) {
      reader_.Fail(std::string(name_) + ": required field " + std::to_string(field.id) + " (" + field.name +
                   ") missing");
      return;
    }
  }
}

std::string StructReader::Field() const { return std::string(name_) + ": field " + std::to_string(id_); }

void StructReader::FailNegative(size_t offset, int64_t value) {
  reader_.FailAt(offset, Field() + " is negative (" + std::to_string(value) + ")");
}

ListHeader StructReader::ReadList(ThriftType element) {
  if (!Expect(ThriftType::kList)) return {};
  const size_t start = reader_.position();
  const ListHeader list = reader_.ReadListBegin();
  if (reader_.ok() && list.size > 0 && list.element != element) {
    reader_.FailAt(start, Field() + " is a list of " + std::string(ThriftTypeName(list.element)) + ", expected " +
                              std::string(ThriftTypeName(element)));
    return {};
  }
  return list;
}

}  // namespace strata::parquet::thrift
