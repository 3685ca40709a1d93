// The Thrift compact protocol, the encoding of all Parquet metadata.
// CompactWriter appends to a caller's string. CompactReader reads untrusted
// bytes: it never reads past its input, refuses lengths and counts larger than
// the bytes left, limits nesting, and keeps the first problem as a Corruption
// status naming the byte offset; after that every read returns a zero value,
// so parsing code checks status() once at the end. StructReader, on top of
// it, reads one struct's fields into C++ members with type and required-field
// checks. None of them is thread-safe.
//
// Reading a struct with CompactReader alone:
//
//   reader.BeginStruct();
//   int16_t id;
//   ThriftType type;
//   while (reader.NextField(&id, &type)) {
//     if (id == 1 && type == ThriftType::kI32) value = reader.ReadI32();
//     else reader.Skip(type);
//   }
//   RETURN_IF_ERROR(reader.status());
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "strata/base/status.h"

namespace strata::parquet::thrift {

// The type of a value. The numbers are the compact protocol's element-type
// codes; field headers carry a boolean's value instead (1 true, 2 false).
enum class ThriftType : uint8_t {
  kBool = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  // binary and string
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,  // structs and unions
  kUuid = 13,
};

// "i32", "struct", ...
std::string_view ThriftTypeName(ThriftType type);

// Structs, lists and maps nested deeper than this are refused; Parquet's own
// structures nest about six deep.
inline constexpr int kMaxNesting = 64;

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // A struct is BeginStruct, its fields, then EndStruct, which writes the
  // stop field. Field ids are delta-encoded against the previous field of the
  // same struct, so write them in increasing order for the short form.
  void BeginStruct();
  void EndStruct();

  // The header of field `id`; its value follows with one of the Write calls,
  // ListBegin or a nested BeginStruct. Not for booleans: use BoolField.
  void FieldHeader(int16_t id, ThriftType type);
  void BoolField(int16_t id, bool value);  // the value is in the header
  void I8Field(int16_t id, int8_t value);
  void I16Field(int16_t id, int16_t value);
  void I32Field(int16_t id, int32_t value);
  void I64Field(int16_t id, int64_t value);
  void DoubleField(int16_t id, double value);
  void BinaryField(int16_t id, std::string_view value);
  // A struct-valued field: its header and BeginStruct; end it with EndStruct.
  void BeginStructField(int16_t id);
  // A list-valued field: its header and ListBegin; `size` elements follow.
  void BeginListField(int16_t id, ThriftType element, uint32_t size);

  // A value: after FieldHeader, or an element of a list, set or map.
  void WriteBool(bool value);
  void WriteI8(int8_t value);
  void WriteI16(int16_t value);
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);
  void WriteBinary(std::string_view value);

  // Headers; `size` elements (or key-value pairs) follow.
  void ListBegin(ThriftType element, uint32_t size);
  void SetBegin(ThriftType element, uint32_t size);
  void MapBegin(ThriftType key, ThriftType value, uint32_t size);

 private:
  void WriteFieldHeader(int16_t id, uint8_t code);
  void WriteVarint(uint64_t value);

  std::string* out_;
  std::vector<int16_t> last_field_ids_;  // one per open struct
};

struct ListHeader {
  ThriftType element = ThriftType::kI8;
  uint32_t size = 0;
};

struct MapHeader {
  ThriftType key = ThriftType::kI8;
  ThriftType value = ThriftType::kI8;
  uint32_t size = 0;
};

class CompactReader {
 public:
  // `bytes` must outlive the reader and every string_view it returns.
  explicit CompactReader(std::string_view bytes, int max_nesting = kMaxNesting)
      : bytes_(bytes), max_nesting_(max_nesting) {}
  // A temporary string would be gone before the first read.
  explicit CompactReader(std::string&& bytes, int max_nesting = kMaxNesting) = delete;

  // Enters a struct: the top-level one, or a field or element of type kStruct.
  void BeginStruct();
  // Reads the next field header of the innermost struct. Returns false at its
  // stop field, which leaves the struct, and once an error is recorded.
  bool NextField(int16_t* id, ThriftType* type);

  // A value: a field's after NextField, or an element of a list, set or map.
  // A boolean field's value comes from its header, an element's from a byte.
  bool ReadBool();
  int8_t ReadI8();
  int16_t ReadI16();
  int32_t ReadI32();
  int64_t ReadI64();
  double ReadDouble();
  std::string_view ReadBinary();  // a view into the input

  // Headers; read `size` elements (or pairs) after them. size is 0 on error.
  ListHeader ReadListBegin();  // lists and sets
  MapHeader ReadMapBegin();

  // Skips one value of `type`, whatever it holds.
  void Skip(ThriftType type);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  // Records Corruption("<what> at byte <offset>") unless an error is already
  // recorded; for the checks of parsers built on this reader.
  void Fail(std::string_view what) { FailAt(pos_, what); }
  void FailAt(size_t offset, std::string_view what);

 private:
  bool Take(size_t count, std::string_view what, std::string_view* out);
  uint64_t ReadVarint(int max_bytes, int last_byte_bits);
  bool EnterNested();

  std::string_view bytes_;
  size_t pos_ = 0;
  int max_nesting_;
  int depth_ = 0;
  std::vector<int16_t> last_field_ids_;  // one per open struct
  bool bool_field_pending_ = false;      // the last header was a boolean field's
  bool bool_field_value_ = false;
  Status status_;
};

struct RequiredField {
  int16_t id;
  const char* name;
};

// Reads the fields of one struct into C++ members: each Read checks the
// field's wire type against the member's, and Finish names the first required
// field that never came. Failures are recorded in the reader, naming the
// struct and field, and stop it, so a parser needs no checks of its own:
//
//   StructReader fields(reader, "KeyValue");
//   while (fields.Next()) {
//     switch (fields.id()) {
//       case 1: fields.Read(&kv->key); break;
//       case 2: fields.Read(&kv->value); break;
//       default: fields.Skip();
//     }
//   }
//   fields.Finish({{1, "key"}});
class StructReader {
 public:
  // Enters the struct; `struct_name` must outlive this object.
  StructReader(CompactReader& reader, const char* struct_name);

  bool Next();  // the next field; false at the end of the struct or on error
  int16_t id() const { return id_; }
  ThriftType type() const { return type_; }
  void Skip() { reader_.Skip(type_); }

  // True when the field has wire type `type`; records Corruption otherwise.
  bool Expect(ThriftType type);

  void Read(bool* out);
  void Read(int8_t* out);
  void Read(int16_t* out);
  void Read(int32_t* out);
  void Read(int64_t* out);
  void Read(std::string* out);
  void Read(std::vector<std::string>* out);
  // Enumerations travel as i32; any value is kept.
  template <typename E>
    requires std::is_enum_v<E>
  void Read(E* out) {
    int32_t value = 0;
    Read(&value);
    *out = static_cast<E>(value);
  }
  template <typename E>
    requires std::is_enum_v<E>
  void Read(std::vector<E>* out) {
    out->clear();
    const ListHeader list = ReadList(ThriftType::kI32);
    for (uint32_t i = 0; i < list.size && reader_.ok(); ++i) out->push_back(static_cast<E>(reader_.ReadI32()));
  }
  template <typename T>
  void Read(std::optional<T>* out) {
    T value{};
    Read(&value);
    if (reader_.ok()) *out = std::move(value);
  }

  // A size, count or offset: refused when negative, so callers may trust it.
  template <typename T>
  void ReadNonNegative(T* out) {
    const size_t start = reader_.position();
    Read(out);
    if (reader_.ok() && ValueOf(*out) < 0) FailNegative(start, ValueOf(*out));
  }

  // A struct member, parsed by `parse` (which makes its own StructReader).
  template <typename T>
  using Parser = void (*)(CompactReader&, std::type_identity_t<T>*);
  template <typename T>
  void ReadStruct(T* out, Parser<T> parse) {
    if (!Expect(ThriftType::kStruct)) return;
    *out = T{};
    parse(reader_, out);
  }
  template <typename T>
  void ReadStruct(std::optional<T>* out, Parser<T> parse) {
    if (Expect(ThriftType::kStruct)) parse(reader_, &out->emplace());
  }
  // Nothing is reserved: the count is bounded by the bytes left, but one
  // byte can stand for a struct many times its size.
  template <typename T>
  void ReadStructList(std::vector<T>* out, Parser<T> parse) {
    out->clear();
    const ListHeader list = ReadList(ThriftType::kStruct);
    for (uint32_t i = 0; i < list.size && reader_.ok(); ++i) parse(reader_, &out->emplace_back());
  }

  // Call after the loop: records the first required field that did not come.
  void Finish(std::initializer_list<RequiredField> required);

 private:
  static int64_t ValueOf(int64_t value) { return value; }
  template <typename T>
  static int64_t ValueOf(const std::optional<T>& value) {
    return *value;
  }
  std::string Field() const;
  void FailNegative(size_t offset, int64_t value);
  ListHeader ReadList(ThriftType element);

  CompactReader& reader_;
  const char* name_;
  int16_t id_ = 0;
  ThriftType type_ = ThriftType::kStruct;
  uint64_t seen_ = 0;  // bit i: field i came
};

}  // namespace strata::parquet::thrift
