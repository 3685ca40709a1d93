#include "strata/parquet/parquet_metadata.h"

#include <string>
#include <type_traits>

#include "strata/parquet/thrift_compact.h"

namespace strata::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::StructReader;
using thrift::ThriftType;

void ParseInto(CompactReader& r, Statistics* out) {
  StructReader f(r, "Statistics");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->max); break;
      case 2: f.Read(&out->min); break;
      case 3: f.ReadNonNegative(&out->null_count); break;
      case 4: f.ReadNonNegative(&out->distinct_count); break;
      case 5: f.Read(&out->max_value); break;
      case 6: f.Read(&out->min_value); break;
      case 7: f.Read(&out->is_max_value_exact); break;
      case 8: f.Read(&out->is_min_value_exact); break;
      case 9: f.ReadNonNegative(&out->nan_count); break;
      default: f.Skip();
    }
  }
}

// The LogicalType members Strata reads and writes; the others read as kNone.
bool IsKnownMember(LogicalKind kind) {
  switch (kind) {
    case LogicalKind::kDecimal:
    case LogicalKind::kTime:
    case LogicalKind::kTimestamp:
    case LogicalKind::kInteger:
    case LogicalKind::kString:
    case LogicalKind::kMap:
    case LogicalKind::kList:
    case LogicalKind::kEnum:
    case LogicalKind::kDate:
    case LogicalKind::kUnknown:
    case LogicalKind::kJson:
    case LogicalKind::kBson:
    case LogicalKind::kUuid:
    case LogicalKind::kFloat16: return true;
    default: return false;
  }
}

// Counts the members of a union so that more than one is refused.
void CheckOneMember(CompactReader& r, const char* union_name, int members) {
  if (members > 1) r.Fail(std::string(union_name) + ": " + std::to_string(members) + " members set in a union");
}

// The TimeUnit union: kTimeUnitMillis..kTimeUnitNanos, or 0 for a member
// Strata does not know.
int ParseTimeUnit(CompactReader& r) {
  StructReader f(r, "TimeUnit");
  int unit = 0;
  int members = 0;
  while (f.Next()) {
    ++members;
    const bool known = f.id() >= kTimeUnitMillis && f.id() <= kTimeUnitNanos;
    if (known && !f.Expect(ThriftType::kStruct)) break;
    unit = known ? f.id() : 0;
    f.Skip();  // the members are empty structs
  }
  CheckOneMember(r, "TimeUnit", members);
  return unit;
}

// TimeType and TimestampType have the same fields.
void ParseTimeType(CompactReader& r, const char* name, LogicalType* out) {
  StructReader f(r, name);
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->timestamp_utc); break;
      case 2:
        if (f.Expect(ThriftType::kStruct)) out->timestamp_unit = ParseTimeUnit(r);
        break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "isAdjustedToUTC"}, {2, "unit"}});
  if (out->timestamp_unit == 0) *out = LogicalType{};
}

void ParseDecimalType(CompactReader& r, LogicalType* out) {
  StructReader f(r, "DecimalType");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->decimal_scale); break;
      case 2: f.Read(&out->decimal_precision); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "scale"}, {2, "precision"}});
}

void ParseIntType(CompactReader& r, LogicalType* out) {
  StructReader f(r, "IntType");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->integer_bit_width); break;
      case 2: f.Read(&out->integer_signed); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "bitWidth"}, {2, "isSigned"}});
}

void ParseInto(CompactReader& r, LogicalType* out) {
  StructReader f(r, "LogicalType");
  int members = 0;
  while (f.Next()) {
    ++members;
    *out = LogicalType{};
    const auto kind = static_cast<LogicalKind>(f.id());
    if (!IsKnownMember(kind)) {
      f.Skip();
      continue;
    }
    if (!f.Expect(ThriftType::kStruct)) break;
    out->kind = kind;
    if (kind == LogicalKind::kDecimal) {
      ParseDecimalType(r, out);
    } else if (kind == LogicalKind::kTime || kind == LogicalKind::kTimestamp) {
      const char* name = kind == LogicalKind::kTime ? "TimeType" : "TimestampType";
      ParseTimeType(r, name, out);
    } else if (kind == LogicalKind::kInteger) {
      ParseIntType(r, out);
    } else {
      f.Skip();  // the others are empty structs; fields a later version adds are ignored
    }
  }
  CheckOneMember(r, "LogicalType", members);
}

void ParseInto(CompactReader& r, SchemaElement* out) {
  StructReader f(r, "SchemaElement");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->type); break;
      case 2: f.ReadNonNegative(&out->type_length); break;
      case 3: f.Read(&out->repetition_type); break;
      case 4: f.Read(&out->name); break;
      case 5: f.ReadNonNegative(&out->num_children); break;
      case 6: f.Read(&out->converted_type); break;
      case 7: f.Read(&out->scale); break;
      case 8: f.Read(&out->precision); break;
      case 9: f.Read(&out->field_id); break;
      case 10: f.ReadStruct(&out->logical_type, ParseInto); break;
      default: f.Skip();
    }
  }
  f.Finish({{4, "name"}});
}

void ParseInto(CompactReader& r, KeyValue* out) {
  StructReader f(r, "KeyValue");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->key); break;
      case 2: f.Read(&out->value); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "key"}});
}

void ParseInto(CompactReader& r, ColumnMetaData* out) {
  StructReader f(r, "ColumnMetaData");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->type); break;
      case 2: f.Read(&out->encodings); break;
      case 3: f.Read(&out->path_in_schema); break;
      case 4: f.Read(&out->codec); break;
      case 5: f.ReadNonNegative(&out->num_values); break;
      case 6: f.ReadNonNegative(&out->total_uncompressed_size); break;
      case 7: f.ReadNonNegative(&out->total_compressed_size); break;
      case 8: f.ReadStructList(&out->key_value_metadata, ParseInto); break;
      case 9: f.ReadNonNegative(&out->data_page_offset); break;
      case 10: f.ReadNonNegative(&out->index_page_offset); break;
      case 11: f.ReadNonNegative(&out->dictionary_page_offset); break;
      case 12: f.ReadStruct(&out->statistics, ParseInto); break;
      default: f.Skip();  // encoding_stats, bloom filter, size and geospatial statistics
    }
  }
  f.Finish({{1, "type"},
            {2, "encodings"},
            {3, "path_in_schema"},
            {4, "codec"},
            {5, "num_values"},
            {6, "total_uncompressed_size"},
            {7, "total_compressed_size"},
            {9, "data_page_offset"}});
}

void ParseInto(CompactReader& r, ColumnChunk* out) {
  StructReader f(r, "ColumnChunk");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->file_path); break;
      case 2: f.ReadNonNegative(&out->file_offset); break;
      case 3: f.ReadStruct(&out->meta_data, ParseInto); break;
      case 4: f.ReadNonNegative(&out->offset_index_offset); break;
      case 5: f.ReadNonNegative(&out->offset_index_length); break;
      case 6: f.ReadNonNegative(&out->column_index_offset); break;
      case 7: f.ReadNonNegative(&out->column_index_length); break;
      default: f.Skip();  // encryption
    }
  }
  f.Finish({{2, "file_offset"}});
}

void ParseInto(CompactReader& r, RowGroup* out) {
  StructReader f(r, "RowGroup");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadStructList(&out->columns, ParseInto); break;
      case 2: f.ReadNonNegative(&out->total_byte_size); break;
      case 3: f.ReadNonNegative(&out->num_rows); break;
      case 5: f.ReadNonNegative(&out->file_offset); break;
      case 6: f.ReadNonNegative(&out->total_compressed_size); break;
      case 7: f.Read(&out->ordinal); break;
      default: f.Skip();  // 4: sorting_columns
    }
  }
  f.Finish({{1, "columns"}, {2, "total_byte_size"}, {3, "num_rows"}});
}

void ParseInto(CompactReader& r, ColumnOrder* out) {
  StructReader f(r, "ColumnOrder");
  int members = 0;
  while (f.Next()) {
    ++members;
    const bool known = f.id() >= 1 && f.id() <= 3;
    if (known && !f.Expect(ThriftType::kStruct)) break;
    *out = known ? static_cast<ColumnOrder>(f.id()) : ColumnOrder::kUnknown;
    f.Skip();  // the members are empty structs
  }
  CheckOneMember(r, "ColumnOrder", members);
}

void ParseInto(CompactReader& r, FileMetaData* out) {
  StructReader f(r, "FileMetaData");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->version); break;
      case 2: f.ReadStructList(&out->schema, ParseInto); break;
      case 3: f.ReadNonNegative(&out->num_rows); break;
      case 4: f.ReadStructList(&out->row_groups, ParseInto); break;
      case 5: f.ReadStructList(&out->key_value_metadata, ParseInto); break;
      case 6: f.Read(&out->created_by); break;
      case 7: f.ReadStructList(&out->column_orders, ParseInto); break;
      default: f.Skip();  // encryption
    }
  }
  f.Finish({{1, "version"}, {2, "schema"}, {3, "num_rows"}, {4, "row_groups"}});
}

void ParseInto(CompactReader& r, DataPageHeader* out) {
  StructReader f(r, "DataPageHeader");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadNonNegative(&out->num_values); break;
      case 2: f.Read(&out->encoding); break;
      case 3: f.Read(&out->definition_level_encoding); break;
      case 4: f.Read(&out->repetition_level_encoding); break;
      case 5: f.ReadStruct(&out->statistics, ParseInto); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "num_values"}, {2, "encoding"}, {3, "definition_level_encoding"}, {4, "repetition_level_encoding"}});
}

void ParseInto(CompactReader& r, DictionaryPageHeader* out) {
  StructReader f(r, "DictionaryPageHeader");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadNonNegative(&out->num_values); break;
      case 2: f.Read(&out->encoding); break;
      case 3: f.Read(&out->is_sorted); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "num_values"}, {2, "encoding"}});
}

void ParseInto(CompactReader& r, DataPageHeaderV2* out) {
  StructReader f(r, "DataPageHeaderV2");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadNonNegative(&out->num_values); break;
      case 2: f.ReadNonNegative(&out->num_nulls); break;
      case 3: f.ReadNonNegative(&out->num_rows); break;
      case 4: f.Read(&out->encoding); break;
      case 5: f.ReadNonNegative(&out->definition_levels_byte_length); break;
      case 6: f.ReadNonNegative(&out->repetition_levels_byte_length); break;
      case 7: f.Read(&out->is_compressed); break;
      case 8: f.ReadStruct(&out->statistics, ParseInto); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "num_values"},
            {2, "num_nulls"},
            {3, "num_rows"},
            {4, "encoding"},
            {5, "definition_levels_byte_length"},
            {6, "repetition_levels_byte_length"}});
}

void ParseInto(CompactReader& r, PageHeader* out) {
  StructReader f(r, "PageHeader");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.Read(&out->type); break;
      case 2: f.ReadNonNegative(&out->uncompressed_page_size); break;
      case 3: f.ReadNonNegative(&out->compressed_page_size); break;
      case 4: f.Read(&out->crc); break;
      case 5: f.ReadStruct(&out->data_page_header, ParseInto); break;
      case 7: f.ReadStruct(&out->dictionary_page_header, ParseInto); break;
      case 8: f.ReadStruct(&out->data_page_header_v2, ParseInto); break;
      default: f.Skip();  // 6: index_page_header
    }
  }
  f.Finish({{1, "type"}, {2, "uncompressed_page_size"}, {3, "compressed_page_size"}});
}

// A whole buffer holding one struct; trailing bytes mean a wrong length.
template <typename T>
Result<T> ParseWhole(std::string_view bytes, const char* name) {
  CompactReader reader(bytes);
  T value;
  ParseInto(reader, &value);
  if (reader.ok() && reader.remaining() != 0) {
    reader.Fail(std::to_string(reader.remaining()) + " bytes after the end of " + name);
  }
  if (!reader.ok()) return reader.status();
  return value;
}

// ---- Writing: fields in id order, optional ones only when set ----

void Put(CompactWriter& w, int16_t id, bool value) { w.BoolField(id, value); }
void Put(CompactWriter& w, int16_t id, int16_t value) { w.I16Field(id, value); }
void Put(CompactWriter& w, int16_t id, int32_t value) { w.I32Field(id, value); }
void Put(CompactWriter& w, int16_t id, int64_t value) { w.I64Field(id, value); }
void Put(CompactWriter& w, int16_t id, const std::string& value) { w.BinaryField(id, value); }
template <typename E>
  requires std::is_enum_v<E>
void Put(CompactWriter& w, int16_t id, E value) {
  w.I32Field(id, static_cast<int32_t>(value));
}
template <typename T>
void Put(CompactWriter& w, int16_t id, const std::optional<T>& value) {
  if (value) Put(w, id, *value);
}

template <typename E>
  requires std::is_enum_v<E>
void Put(CompactWriter& w, int16_t id, const std::vector<E>& values) {
  w.BeginListField(id, ThriftType::kI32, static_cast<uint32_t>(values.size()));
  for (E value : values) w.WriteI32(static_cast<int32_t>(value));
}
void Put(CompactWriter& w, int16_t id, const std::vector<std::string>& values) {
  w.BeginListField(id, ThriftType::kBinary, static_cast<uint32_t>(values.size()));
  for (const std::string& value : values) w.WriteBinary(value);
}

// A struct-valued field, written by `write`.
template <typename T>
using Writer = void (*)(CompactWriter&, const std::type_identity_t<T>&);

template <typename T>
void PutStruct(CompactWriter& w, int16_t id, const T& value, Writer<T> write) {
  w.FieldHeader(id, ThriftType::kStruct);
  write(w, value);
}
template <typename T>
void PutStruct(CompactWriter& w, int16_t id, const std::optional<T>& value, Writer<T> write) {
  if (value) PutStruct(w, id, *value, write);
}
template <typename T>
void PutStructList(CompactWriter& w, int16_t id, const std::vector<T>& values, Writer<T> write) {
  w.BeginListField(id, ThriftType::kStruct, static_cast<uint32_t>(values.size()));
  for (const T& value : values) write(w, value);
}
// Optional lists: an empty one is not written, and reads back empty.
template <typename T>
void PutNonEmptyStructList(CompactWriter& w, int16_t id, const std::vector<T>& values, Writer<T> write) {
  if (!values.empty()) PutStructList(w, id, values, write);
}

void Write(CompactWriter& w, const Statistics& s) {
  w.BeginStruct();
  Put(w, 1, s.max);
  Put(w, 2, s.min);
  Put(w, 3, s.null_count);
  Put(w, 4, s.distinct_count);
  Put(w, 5, s.max_value);
  Put(w, 6, s.min_value);
  Put(w, 7, s.is_max_value_exact);
  Put(w, 8, s.is_min_value_exact);
  Put(w, 9, s.nan_count);
  w.EndStruct();
}

// Whether Write can represent `t`; what it cannot is left out, as if absent.
bool Writable(const LogicalType& t) {
  if (t.kind == LogicalKind::kTime || t.kind == LogicalKind::kTimestamp) {
    return t.timestamp_unit >= kTimeUnitMillis && t.timestamp_unit <= kTimeUnitNanos;
  }
  return IsKnownMember(t.kind);
}

void Write(CompactWriter& w, const LogicalType& t) {
  w.BeginStruct();
  w.BeginStructField(static_cast<int16_t>(t.kind));  // the member; most are empty
  if (t.kind == LogicalKind::kDecimal) {
    w.I32Field(1, t.decimal_scale);
    w.I32Field(2, t.decimal_precision);
  } else if (t.kind == LogicalKind::kTime || t.kind == LogicalKind::kTimestamp) {
    w.BoolField(1, t.timestamp_utc);
    w.BeginStructField(2);  // the TimeUnit union
    w.BeginStructField(static_cast<int16_t>(t.timestamp_unit));
    w.EndStruct();
    w.EndStruct();
  } else if (t.kind == LogicalKind::kInteger) {
    w.I8Field(1, t.integer_bit_width);
    w.BoolField(2, t.integer_signed);
  }
  w.EndStruct();
  w.EndStruct();
}

void Write(CompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  Put(w, 1, e.type);
  Put(w, 2, e.type_length);
  Put(w, 3, e.repetition_type);
  Put(w, 4, e.name);
  Put(w, 5, e.num_children);
  Put(w, 6, e.converted_type);
  Put(w, 7, e.scale);
  Put(w, 8, e.precision);
  Put(w, 9, e.field_id);
  if (Writable(e.logical_type)) PutStruct(w, 10, e.logical_type, Write);
  w.EndStruct();
}

void Write(CompactWriter& w, const KeyValue& kv) {
  w.BeginStruct();
  Put(w, 1, kv.key);
  Put(w, 2, kv.value);
  w.EndStruct();
}

void Write(CompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  Put(w, 1, m.type);
  Put(w, 2, m.encodings);
  Put(w, 3, m.path_in_schema);
  Put(w, 4, m.codec);
  Put(w, 5, m.num_values);
  Put(w, 6, m.total_uncompressed_size);
  Put(w, 7, m.total_compressed_size);
  PutNonEmptyStructList(w, 8, m.key_value_metadata, Write);
  Put(w, 9, m.data_page_offset);
  Put(w, 10, m.index_page_offset);
  Put(w, 11, m.dictionary_page_offset);
  PutStruct(w, 12, m.statistics, Write);
  w.EndStruct();
}

void Write(CompactWriter& w, const ColumnChunk& c) {
  w.BeginStruct();
  Put(w, 1, c.file_path);
  Put(w, 2, c.file_offset);
  PutStruct(w, 3, c.meta_data, Write);
  Put(w, 4, c.offset_index_offset);
  Put(w, 5, c.offset_index_length);
  Put(w, 6, c.column_index_offset);
  Put(w, 7, c.column_index_length);
  w.EndStruct();
}

void Write(CompactWriter& w, const RowGroup& g) {
  w.BeginStruct();
  PutStructList(w, 1, g.columns, Write);
  Put(w, 2, g.total_byte_size);
  Put(w, 3, g.num_rows);
  Put(w, 5, g.file_offset);
  Put(w, 6, g.total_compressed_size);
  Put(w, 7, g.ordinal);
  w.EndStruct();
}

void Write(CompactWriter& w, const ColumnOrder& order) {
  w.BeginStruct();
  const auto member = static_cast<int16_t>(order);
  if (member >= 1 && member <= 3) {
    w.BeginStructField(member);
    w.EndStruct();
  }
  w.EndStruct();
}

void Write(CompactWriter& w, const FileMetaData& m) {
  w.BeginStruct();
  Put(w, 1, m.version);
  PutStructList(w, 2, m.schema, Write);
  Put(w, 3, m.num_rows);
  PutStructList(w, 4, m.row_groups, Write);
  PutNonEmptyStructList(w, 5, m.key_value_metadata, Write);
  Put(w, 6, m.created_by);
  PutNonEmptyStructList(w, 7, m.column_orders, Write);
  w.EndStruct();
}

void Write(CompactWriter& w, const DataPageHeader& h) {
  w.BeginStruct();
  Put(w, 1, h.num_values);
  Put(w, 2, h.encoding);
  Put(w, 3, h.definition_level_encoding);
  Put(w, 4, h.repetition_level_encoding);
  PutStruct(w, 5, h.statistics, Write);
  w.EndStruct();
}

void Write(CompactWriter& w, const DictionaryPageHeader& h) {
  w.BeginStruct();
  Put(w, 1, h.num_values);
  Put(w, 2, h.encoding);
  Put(w, 3, h.is_sorted);
  w.EndStruct();
}

void Write(CompactWriter& w, const DataPageHeaderV2& h) {
  w.BeginStruct();
  Put(w, 1, h.num_values);
  Put(w, 2, h.num_nulls);
  Put(w, 3, h.num_rows);
  Put(w, 4, h.encoding);
  Put(w, 5, h.definition_levels_byte_length);
  Put(w, 6, h.repetition_levels_byte_length);
  Put(w, 7, h.is_compressed);
  PutStruct(w, 8, h.statistics, Write);
  w.EndStruct();
}

void Write(CompactWriter& w, const PageHeader& h) {
  w.BeginStruct();
  Put(w, 1, h.type);
  Put(w, 2, h.uncompressed_page_size);
  Put(w, 3, h.compressed_page_size);
  Put(w, 4, h.crc);
  PutStruct(w, 5, h.data_page_header, Write);
  PutStruct(w, 7, h.dictionary_page_header, Write);
  PutStruct(w, 8, h.data_page_header_v2, Write);
  w.EndStruct();
}

template <typename T>
std::string Serialize(const T& value) {
  std::string out;
  CompactWriter writer(&out);
  Write(writer, value);
  return out;
}

}  // namespace

void SetTypeDefinedColumnOrders(FileMetaData* metadata) {
  metadata->column_orders.clear();
  for (size_t i = 1; i < metadata->schema.size(); ++i) {
    if (!metadata->schema[i].num_children) metadata->column_orders.push_back(ColumnOrder::kTypeDefined);
  }
}

std::string SerializeFileMetaData(const FileMetaData& metadata) { return Serialize(metadata); }

Result<FileMetaData> ParseFileMetaData(std::string_view bytes) {
  return ParseWhole<FileMetaData>(bytes, "FileMetaData");
}

std::string SerializeRowGroup(const RowGroup& row_group) { return Serialize(row_group); }

Result<RowGroup> ParseRowGroup(std::string_view bytes) { return ParseWhole<RowGroup>(bytes, "RowGroup"); }

std::string SerializePageHeader(const PageHeader& header) { return Serialize(header); }

Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t* header_size) {
  CompactReader reader(bytes);
  PageHeader header;
  ParseInto(reader, &header);
  if (!reader.ok()) return reader.status();
  *header_size = reader.position();
  return header;
}

}  // namespace strata::parquet
