#include "strata/parquet/parquet_metadata.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "strata/parquet/thrift_compact.h"
#include "strata/testing/status_macros.h"

namespace strata::parquet {
namespace {

using thrift::CompactWriter;
using thrift::ThriftType;

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

std::string ErrorOf(const Status& status) { return status.ok() ? "" : status.message(); }

Statistics FullStatistics() {
  // max, min, null_count, distinct_count, max_value, min_value, the exact flags, nan_count
  return Statistics{std::string("\x10\0\0\0", 4), std::string("\xf0\xff\xff\xff", 4), 3, 90, "zebra", "aardvark", true,
                    false, 0};
}

SchemaElement Leaf(std::string name, Type type, Repetition repetition, LogicalType logical = {}) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = repetition;
  e.logical_type = logical;
  return e;
}

ColumnMetaData FullColumn(Type type, std::string name, int64_t offset) {
  ColumnMetaData m;
  m.type = type;
  m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  m.path_in_schema = {std::move(name)};
  m.codec = Codec::kZstd;
  m.num_values = 1000;
  m.total_uncompressed_size = 8000;
  m.total_compressed_size = 3000;
  m.key_value_metadata = {{"writer.note", "x"}, {"no value", std::nullopt}};
  m.data_page_offset = offset + 100;
  m.index_page_offset = offset + 50;
  m.dictionary_page_offset = offset;
  m.statistics = FullStatistics();
  return m;
}

// A 5-column table with every optional field set somewhere.
FileMetaData FiveColumnTable() {
  FileMetaData m;
  m.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 5;
  m.schema.push_back(root);
  m.schema.push_back(Leaf("id", Type::kInt64, Repetition::kRequired,
                          {.kind = LogicalKind::kInteger, .integer_bit_width = 64, .integer_signed = true}));
  SchemaElement name = Leaf("name", Type::kByteArray, Repetition::kOptional, {.kind = LogicalKind::kString});
  name.converted_type = kConvertedUtf8;
  name.field_id = 7;
  m.schema.push_back(name);
  m.schema.push_back(Leaf("day", Type::kInt32, Repetition::kOptional, {.kind = LogicalKind::kDate}));
  m.schema.push_back(Leaf("ts", Type::kInt64, Repetition::kOptional,
                          {.kind = LogicalKind::kTimestamp, .timestamp_utc = true, .timestamp_unit = kTimeUnitMicros}));
  SchemaElement price = Leaf("price", Type::kFixedLenByteArray, Repetition::kOptional,
                             {.kind = LogicalKind::kDecimal, .decimal_scale = 2, .decimal_precision = 30});
  price.type_length = 13;
  price.converted_type = 5;
  price.scale = 2;
  price.precision = 30;
  m.schema.push_back(price);
  m.num_rows = 2000;
  for (int g = 0; g < 2; ++g) {
    RowGroup group;
    int64_t offset = 4 + g * 20000;
    for (size_t c = 1; c < m.schema.size(); ++c) {
      ColumnChunk chunk;
      chunk.file_offset = offset;
      chunk.meta_data = FullColumn(*m.schema[c].type, m.schema[c].name, offset);
      if (c == 2) chunk.file_path = "elsewhere.parquet";
      if (c == 3) {
        chunk.offset_index_offset = 30000 + offset;
        chunk.offset_index_length = 40;
        chunk.column_index_offset = 30040 + offset;
        chunk.column_index_length = 90;
      }
      group.columns.push_back(chunk);
      offset += 3000;
    }
    group.total_byte_size = 40000;
    group.num_rows = 1000;
    group.file_offset = 4 + g * 20000;
    group.total_compressed_size = 15000;
    group.ordinal = static_cast<int16_t>(g);
    m.row_groups.push_back(group);
  }
  m.key_value_metadata = {{"ARROW:schema", std::string("\0\1\2", 3)}, {"strata.table", "t1"}};
  m.created_by = "strata version 0.1.0";
  SetTypeDefinedColumnOrders(&m);
  return m;
}

FileMetaData MinimalFile() {
  FileMetaData m;
  SchemaElement root;
  root.name = "root";
  m.schema.push_back(root);
  return m;
}

TEST(ParquetMetadataTest, FileMetaDataRoundTrips) {
  for (const FileMetaData& original : {FiveColumnTable(), MinimalFile()}) {
    const std::string bytes = SerializeFileMetaData(original);
    ASSERT_OK_AND_ASSIGN(FileMetaData parsed, ParseFileMetaData(bytes));
    EXPECT_EQ(parsed, original);
    EXPECT_EQ(SerializeFileMetaData(parsed), bytes);
  }
}

TEST(ParquetMetadataTest, RowGroupRoundTrips) {
  RowGroup minimal;
  minimal.columns.emplace_back();  // no meta_data, no file_path
  minimal.columns.emplace_back().meta_data.emplace();  // every optional member unset
  for (const RowGroup& original : {FiveColumnTable().row_groups[1], minimal, RowGroup{}}) {
    ASSERT_OK_AND_ASSIGN(RowGroup parsed, ParseRowGroup(SerializeRowGroup(original)));
    EXPECT_EQ(parsed, original);
  }
}

PageHeader Header(PageType type, int32_t uncompressed_size, int32_t compressed_size) {
  PageHeader header;
  header.type = type;
  header.uncompressed_page_size = uncompressed_size;
  header.compressed_page_size = compressed_size;
  return header;
}

DictionaryPageHeader DictionaryPage(int32_t num_values) {
  DictionaryPageHeader header;
  header.num_values = num_values;
  header.encoding = Encoding::kPlain;
  return header;
}

std::vector<PageHeader> PageHeaders() {
  std::vector<PageHeader> headers;
  PageHeader v1 = Header(PageType::kDataPage, 4000, 1200);
  v1.crc = -123456789;
  v1.data_page_header = DataPageHeader{.num_values = 500, .encoding = Encoding::kRleDictionary,
                                       .definition_level_encoding = Encoding::kRle,
                                       .repetition_level_encoding = Encoding::kBitPacked,
                                       .statistics = FullStatistics()};
  headers.push_back(v1);
  v1.crc.reset();
  v1.data_page_header->statistics = Statistics{};  // present but empty
  headers.push_back(v1);
  PageHeader dictionary = Header(PageType::kDictionaryPage, 10, 8);
  dictionary.dictionary_page_header = DictionaryPage(3);
  headers.push_back(dictionary);
  dictionary.dictionary_page_header->is_sorted = true;
  headers.push_back(dictionary);
  PageHeader v2 = Header(PageType::kDataPageV2, 900, 700);
  v2.data_page_header_v2 = DataPageHeaderV2{.num_values = 100, .num_nulls = 4, .num_rows = 60,
                                            .encoding = Encoding::kDeltaBinaryPacked,
                                            .definition_levels_byte_length = 12, .repetition_levels_byte_length = 9,
                                            .is_compressed = false, .statistics = FullStatistics()};
  headers.push_back(v2);
  v2.data_page_header_v2->is_compressed = true;
  v2.data_page_header_v2->statistics.reset();
  headers.push_back(v2);
  headers.push_back(PageHeader{});
  return headers;
}

TEST(ParquetMetadataTest, PageHeadersRoundTripAndReportTheirSize) {
  for (const PageHeader& original : PageHeaders()) {
    const std::string bytes = SerializePageHeader(original);
    size_t header_size = 0;
    ASSERT_OK_AND_ASSIGN(PageHeader parsed, ParsePageHeader(bytes + "page data follows", &header_size));
    EXPECT_EQ(parsed, original);
    EXPECT_EQ(header_size, bytes.size());
  }
}

TEST(ParquetMetadataTest, DictionaryPageHeaderBytes) {
  PageHeader header = Header(PageType::kDictionaryPage, 10, 8);
  header.dictionary_page_header = DictionaryPage(3);
  // 1: i32 2; 2: i32 10; 3: i32 8; 7 (delta 4): struct {1: i32 3; 2: i32 0}.
  EXPECT_EQ(SerializePageHeader(header),
            Bytes({0x15, 0x04, 0x15, 0x14, 0x15, 0x10, 0x4C, 0x15, 0x06, 0x15, 0x00, 0x00, 0x00}));
}

TEST(ParquetMetadataTest, EveryLogicalTypeRoundTrips) {
  FileMetaData m = MinimalFile();
  for (LogicalKind kind : {LogicalKind::kString, LogicalKind::kMap, LogicalKind::kList, LogicalKind::kEnum,
                           LogicalKind::kDate, LogicalKind::kUnknown, LogicalKind::kJson, LogicalKind::kBson,
                           LogicalKind::kUuid, LogicalKind::kFloat16, LogicalKind::kNone}) {
    m.schema.push_back(Leaf("c", Type::kInt32, Repetition::kOptional, {.kind = kind}));
  }
  for (const LogicalType& type : {
           LogicalType{.kind = LogicalKind::kDecimal, .decimal_scale = 3, .decimal_precision = 9},
           LogicalType{.kind = LogicalKind::kTime, .timestamp_utc = false, .timestamp_unit = kTimeUnitMillis},
           LogicalType{.kind = LogicalKind::kTimestamp, .timestamp_utc = true, .timestamp_unit = kTimeUnitNanos},
           LogicalType{.kind = LogicalKind::kInteger, .integer_bit_width = 8, .integer_signed = false}}) {
    m.schema.push_back(Leaf("c", Type::kInt32, Repetition::kOptional, type));
  }
  ASSERT_OK_AND_ASSIGN(FileMetaData parsed, ParseFileMetaData(SerializeFileMetaData(m)));
  EXPECT_EQ(parsed, m);
}

// The bytes of a struct whose fields `fill` writes.
template <typename Fill>
std::string Struct(Fill fill) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  fill(w);
  w.EndStruct();
  return out;
}

void EmptyStructField(CompactWriter& w, int16_t id) {
  w.BeginStructField(id);
  w.EndStruct();
}

// Fields of every type at ids first, first + 1, ..., as a later version of
// the format (or an extension) might add them.
void WriteUnknownFields(CompactWriter& w, int16_t first) {
  int16_t id = first;
  w.BoolField(id++, true);
  w.I8Field(id++, 1);
  w.I16Field(id++, -2);
  w.I32Field(id++, 3);
  w.I64Field(id++, -4);
  w.DoubleField(id++, 5.5);
  w.BinaryField(id++, "six");
  w.BeginListField(id++, ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginStruct();
    w.I32Field(1, i);
    w.BoolField(2, false);
    w.EndStruct();
  }
  w.FieldHeader(id++, ThriftType::kSet);
  w.SetBegin(ThriftType::kI32, 1);
  w.WriteI32(9);
  w.FieldHeader(id++, ThriftType::kMap);
  w.MapBegin(ThriftType::kBinary, ThriftType::kStruct, 1);
  w.WriteBinary("key");
  w.BeginStruct();
  w.BeginListField(1, ThriftType::kBool, 2);
  w.WriteBool(true);
  w.WriteBool(false);
  w.EndStruct();
  w.BeginStructField(id++);
  EmptyStructField(w, 3);
  w.EndStruct();
}

// A RowGroup written field by field with parquet.thrift's ids, with the
// fields Strata skips and unknown ones of every type around the known ones.
std::string HandWrittenRowGroup() {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.BeginListField(1, ThriftType::kStruct, 1);  // columns
  w.BeginStruct();                              // ColumnChunk
  w.BinaryField(1, "other.parquet");
  w.I64Field(2, 4);
  w.BeginStructField(3);  // ColumnMetaData
  w.I32Field(1, 2);       // INT64
  w.BeginListField(2, ThriftType::kI32, 2);
  w.WriteI32(0);
  w.WriteI32(8);
  w.BeginListField(3, ThriftType::kBinary, 2);
  w.WriteBinary("a");
  w.WriteBinary("b");
  w.I32Field(4, 6);  // ZSTD
  w.I64Field(5, 100);
  w.I64Field(6, 2000);
  w.I64Field(7, 1000);
  w.BeginListField(8, ThriftType::kStruct, 2);
  w.BeginStruct();
  w.BinaryField(1, "k");
  w.BinaryField(2, "v");
  WriteUnknownFields(w, 3);
  w.EndStruct();
  w.BeginStruct();
  w.BinaryField(1, "only key");
  w.EndStruct();
  w.I64Field(9, 4);
  w.I64Field(10, 50);
  w.I64Field(11, 60);
  w.BeginStructField(12);  // Statistics
  w.BinaryField(1, "M");
  w.BinaryField(2, "m");
  w.I64Field(3, 3);
  w.I64Field(4, 7);
  w.BinaryField(5, "MV");
  w.BinaryField(6, "mv");
  w.BoolField(7, true);
  w.BoolField(8, false);
  w.I64Field(9, 0);
  WriteUnknownFields(w, 20);
  w.EndStruct();
  w.BeginListField(13, ThriftType::kStruct, 1);  // encoding_stats
  w.BeginStruct();
  w.I32Field(1, 0);
  w.I32Field(2, 8);
  w.I32Field(3, 1);
  w.EndStruct();
  w.I64Field(14, 9000);    // bloom_filter_offset
  w.I32Field(15, 256);     // bloom_filter_length
  w.BeginStructField(16);  // size_statistics
  w.I64Field(1, 77);
  w.EndStruct();
  WriteUnknownFields(w, 30);
  w.EndStruct();  // ColumnMetaData
  w.I64Field(4, 5000);  // offset_index_offset
  w.I32Field(5, 40);
  w.I64Field(6, 5040);  // column_index_offset
  w.I32Field(7, 30);
  w.BeginStructField(8);  // crypto_metadata
  EmptyStructField(w, 1);
  w.EndStruct();
  w.BinaryField(9, "encrypted");
  WriteUnknownFields(w, 40);
  w.EndStruct();  // ColumnChunk
  w.I64Field(2, 2000);
  w.I64Field(3, 100);
  w.BeginListField(4, ThriftType::kStruct, 1);  // sorting_columns
  w.BeginStruct();
  w.I32Field(1, 0);
  w.BoolField(2, true);
  w.BoolField(3, false);
  w.EndStruct();
  w.I64Field(5, 4);
  w.I64Field(6, 1000);
  w.I16Field(7, 3);
  WriteUnknownFields(w, 50);
  w.EndStruct();
  return out;
}

TEST(ParquetMetadataTest, ReadsSpecFieldIdsAndSkipsEverythingElse) {
  ASSERT_OK_AND_ASSIGN(RowGroup group, ParseRowGroup(HandWrittenRowGroup()));
  // Positional, in field-id order, as written above.
  const ColumnMetaData column{Type::kInt64, {Encoding::kPlain, Encoding::kRleDictionary}, {"a", "b"}, Codec::kZstd,
                              100, 2000, 1000, {{"k", "v"}, {"only key", std::nullopt}}, 4, 50, 60,
                              Statistics{"M", "m", 3, 7, "MV", "mv", true, false, 0}};
  EXPECT_EQ(group, (RowGroup{{ColumnChunk{"other.parquet", 4, column, 5000, 40, 5040, 30}}, 2000, 100, 4, 1000, 3}));
}

TEST(ParquetMetadataTest, SkipsUnknownFieldsOfFileMetaDataAndPageHeaders) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.BeginStruct();
  w.I32Field(1, 1);
  w.BeginListField(2, ThriftType::kStruct, 2);
  w.BeginStruct();
  w.BinaryField(4, "root");
  w.I32Field(5, 1);
  w.EndStruct();
  w.BeginStruct();
  w.I32Field(1, 1);
  w.BinaryField(4, "v");
  w.BeginStructField(10);  // LogicalType: VARIANT, which Strata does not know
  w.BeginStructField(16);
  w.I8Field(1, 1);
  w.EndStruct();
  w.EndStruct();
  w.I32Field(11, 4);  // vector_length
  WriteUnknownFields(w, 12);
  w.EndStruct();
  w.I64Field(3, 0);
  w.BeginListField(4, ThriftType::kStruct, 0);
  w.BeginListField(7, ThriftType::kStruct, 2);  // column_orders: IEEE 754, then one from the future
  w.BeginStruct();
  EmptyStructField(w, 2);
  w.EndStruct();
  w.BeginStruct();
  EmptyStructField(w, 9);
  w.EndStruct();
  w.BeginStructField(8);  // encryption_algorithm
  w.BeginStructField(1);
  w.BinaryField(1, "aad");
  w.EndStruct();
  w.EndStruct();
  w.BinaryField(9, "key metadata");
  WriteUnknownFields(w, 100);
  w.EndStruct();

  ASSERT_OK_AND_ASSIGN(FileMetaData m, ParseFileMetaData(bytes));
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_EQ(m.schema[1].name, "v");
  EXPECT_EQ(m.schema[1].logical_type.kind, LogicalKind::kNone);
  EXPECT_EQ(m.column_orders, (std::vector<ColumnOrder>{ColumnOrder::kIeee754TotalOrder, ColumnOrder::kUnknown}));
  ASSERT_OK_AND_ASSIGN(FileMetaData again, ParseFileMetaData(SerializeFileMetaData(m)));
  EXPECT_EQ(again, m);

  const std::string page = Struct([](CompactWriter& p) {
    p.I32Field(1, 1);  // INDEX_PAGE
    p.I32Field(2, 10);
    p.I32Field(3, 10);
    p.BeginStructField(6);
    WriteUnknownFields(p, 1);
    p.EndStruct();
    WriteUnknownFields(p, 9);
  });
  size_t size = 0;
  ASSERT_OK_AND_ASSIGN(PageHeader header, ParsePageHeader(page, &size));
  EXPECT_EQ(header, Header(PageType::kIndexPage, 10, 10));
  EXPECT_EQ(size, page.size());
}

std::string RowGroupError(const std::string& bytes) { return ErrorOf(ParseRowGroup(bytes).status()); }

std::string PageError(const std::string& bytes) {
  size_t size = 0;
  return ErrorOf(ParsePageHeader(bytes, &size).status());
}

TEST(ParquetMetadataTest, MissingRequiredFieldsAreNamed) {
  const std::string error = RowGroupError(Struct([](CompactWriter& w) {
    w.BeginListField(1, ThriftType::kStruct, 1);
    w.BeginStruct();
    w.I64Field(2, 0);
    w.BeginStructField(3);  // ColumnMetaData without 9
    w.I32Field(1, 1);
    w.BeginListField(2, ThriftType::kI32, 0);
    w.BeginListField(3, ThriftType::kBinary, 0);
    w.I32Field(4, 0);
    w.I64Field(5, 0);
    w.I64Field(6, 0);
    w.I64Field(7, 0);
    w.EndStruct();
    w.EndStruct();
  }));
  EXPECT_EQ(error.rfind("ColumnMetaData: required field 9 (data_page_offset) missing at byte ", 0), 0u) << error;

  EXPECT_EQ(RowGroupError(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 0);
              w.I64Field(2, 0);
            })),
            "RowGroup: required field 3 (num_rows) missing at byte 5");
  EXPECT_EQ(ErrorOf(ParseFileMetaData(Struct([](CompactWriter& w) {
              w.I32Field(1, 1);
              w.BeginListField(2, ThriftType::kStruct, 1);
              w.BeginStruct();
              w.I32Field(1, 1);
              w.EndStruct();
            })).status()),
            "SchemaElement: required field 4 (name) missing at byte 7");
  EXPECT_EQ(PageError(Struct([](CompactWriter& w) { w.I32Field(2, 0); })),
            "PageHeader: required field 1 (type) missing at byte 3");
  EXPECT_EQ(PageError(Struct([](CompactWriter& w) {
              w.I32Field(1, 2);
              w.I32Field(2, 0);
              w.I32Field(3, 0);
              w.BeginStructField(7);
              w.I32Field(1, 0);
              w.EndStruct();
            })),
            "DictionaryPageHeader: required field 2 (encoding) missing at byte 10");
}

TEST(ParquetMetadataTest, NegativeSizesCountsAndOffsetsAreRefused) {
  EXPECT_EQ(RowGroupError(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 0);
              w.I64Field(2, 0);
              w.I64Field(3, -1);
            })),
            "RowGroup: field 3 is negative (-1) at byte 5");
  EXPECT_EQ(PageError(Struct([](CompactWriter& w) {
              w.I32Field(1, 0);
              w.I32Field(2, 10);
              w.I32Field(3, -5);
            })),
            "PageHeader: field 3 is negative (-5) at byte 5");
  FileMetaData m = FiveColumnTable();
  m.row_groups[0].columns[0].meta_data->statistics->null_count = -1;
  EXPECT_NE(ErrorOf(ParseFileMetaData(SerializeFileMetaData(m)).status()).find("Statistics: field 3 is negative"),
            std::string::npos);
  m = FiveColumnTable();
  m.row_groups[1].columns[4].meta_data->dictionary_page_offset = -8;
  EXPECT_NE(ErrorOf(ParseFileMetaData(SerializeFileMetaData(m)).status()).find("ColumnMetaData: field 11 is negative"),
            std::string::npos);
  m = FiveColumnTable();
  m.num_rows = std::numeric_limits<int64_t>::min();
  EXPECT_FALSE(ParseFileMetaData(SerializeFileMetaData(m)).ok());
}

TEST(ParquetMetadataTest, WrongWireTypesAreRefused) {
  EXPECT_EQ(RowGroupError(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kStruct, 0);
              w.I32Field(2, 0);  // total_byte_size is an i64
            })),
            "RowGroup: field 2 has type i32, expected i64 at byte 3");
  EXPECT_EQ(RowGroupError(Struct([](CompactWriter& w) {
              w.BeginListField(1, ThriftType::kI32, 1);  // columns are structs
              w.WriteI32(0);
            })),
            "RowGroup: field 1 is a list of i32, expected struct at byte 1");
  EXPECT_EQ(RowGroupError(Struct([](CompactWriter& w) { w.I32Field(1, 0); })),
            "RowGroup: field 1 has type i32, expected list at byte 1");
}

// The logical type of a file's only schema element, whose field 10 is
// `logical_type` (a LogicalType struct's bytes); decimal_scale is -999 when
// the file is refused.
LogicalType ParsedLogicalType(const std::string& logical_type) {
  std::string file;
  CompactWriter w(&file);
  w.BeginStruct();
  w.I32Field(1, 1);
  w.BeginListField(2, ThriftType::kStruct, 1);
  w.BeginStruct();
  w.BinaryField(4, "c");
  w.FieldHeader(10, ThriftType::kStruct);
  file += logical_type;
  w.EndStruct();
  w.I64Field(3, 0);
  w.BeginListField(4, ThriftType::kStruct, 0);
  w.EndStruct();
  Result<FileMetaData> parsed = ParseFileMetaData(file);
  if (!parsed.ok()) return LogicalType{.kind = LogicalKind::kNone, .decimal_scale = -999};
  return parsed->schema[0].logical_type;
}

TEST(ParquetMetadataTest, LogicalTypeUnionMembers) {
  // TIMESTAMP(isAdjustedToUTC = true, unit = MILLIS)
  EXPECT_EQ(ParsedLogicalType(Bytes({0x8C, 0x11, 0x1C, 0x1C, 0x00, 0x00, 0x00, 0x00})),
            (LogicalType{.kind = LogicalKind::kTimestamp, .timestamp_utc = true, .timestamp_unit = kTimeUnitMillis}));
  // INTEGER(bitWidth = 16, isSigned = false), member 10 in the long form
  EXPECT_EQ(ParsedLogicalType(Bytes({0x0C, 0x14, 0x13, 0x10, 0x12, 0x00, 0x00})),
            (LogicalType{.kind = LogicalKind::kInteger, .integer_bit_width = 16, .integer_signed = false}));
  // A member Strata does not know (17, GEOMETRY) reads as absent.
  EXPECT_EQ(ParsedLogicalType(Bytes({0x0C, 0x22, 0x00, 0x00})), LogicalType{});
  // So does a TimeUnit member it does not know (4), and a union with no member.
  EXPECT_EQ(ParsedLogicalType(Bytes({0x8C, 0x11, 0x1C, 0x4C, 0x00, 0x00, 0x00, 0x00})), LogicalType{});
  EXPECT_EQ(ParsedLogicalType(Bytes({0x00})), LogicalType{});
  // Two members (STRING and DATE) are refused, and so is a TIMESTAMP without unit.
  EXPECT_EQ(ParsedLogicalType(Bytes({0x1C, 0x00, 0x5C, 0x00, 0x00})).decimal_scale, -999);
  EXPECT_EQ(ParsedLogicalType(Bytes({0x8C, 0x11, 0x00, 0x00})).decimal_scale, -999);
}

TEST(ParquetMetadataTest, EveryTruncationIsRefused) {
  const std::string bytes = SerializeFileMetaData(FiveColumnTable());
  for (size_t size = 0; size < bytes.size(); ++size) {
    const Result<FileMetaData> parsed = ParseFileMetaData(std::string_view(bytes).substr(0, size));
    ASSERT_FALSE(parsed.ok()) << size;
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
  }
  for (const PageHeader& header : PageHeaders()) {
    const std::string page = SerializePageHeader(header);
    for (size_t size = 0; size < page.size(); ++size) {
      size_t header_size = 0;
      EXPECT_FALSE(ParsePageHeader(std::string_view(page).substr(0, size), &header_size).ok()) << size;
    }
  }
}

TEST(ParquetMetadataTest, TrailingBytesHugeCountsAndDeepNestingAreRefused) {
  const std::string bytes = SerializeFileMetaData(MinimalFile());
  EXPECT_EQ(ErrorOf(ParseFileMetaData(bytes + "xy").status()),
            "2 bytes after the end of FileMetaData at byte " + std::to_string(bytes.size()));
  EXPECT_FALSE(ParseRowGroup(SerializeRowGroup(RowGroup{}) + '\0').ok());

  // schema claims 2^31 - 1 elements in a few bytes.
  const std::string huge = Bytes({0x15, 0x02, 0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00});
  EXPECT_NE(ErrorOf(ParseFileMetaData(huge).status()).find("list of 2147483647 elements"), std::string::npos);

  std::string bomb = Bytes({0x15, 0x02});
  bomb += Bytes({0x0C, 0xC8, 0x01});  // unknown field 100, a struct of structs of ...
  for (int i = 0; i < 100000; ++i) bomb += '\x1C';
  EXPECT_NE(ErrorOf(ParseFileMetaData(bomb).status()).find("nesting deeper than 64"), std::string::npos);
}

TEST(ParquetMetadataTest, TypeDefinedColumnOrdersCoverEveryLeaf) {
  FileMetaData m = MinimalFile();
  m.schema[0].num_children = 2;
  SchemaElement group;
  group.name = "point";
  group.num_children = 2;
  m.schema.push_back(group);
  m.schema.push_back(Leaf("x", Type::kDouble, Repetition::kRequired));
  m.schema.push_back(Leaf("y", Type::kDouble, Repetition::kRequired));
  m.schema.push_back(Leaf("label", Type::kByteArray, Repetition::kOptional));
  SetTypeDefinedColumnOrders(&m);
  EXPECT_EQ(m.column_orders, std::vector<ColumnOrder>(3, ColumnOrder::kTypeDefined));
}

TEST(FormatNamesTest, NamesEnumerationsAndUnknownValues) {
  EXPECT_EQ(TypeName(Type::kInt32), "INT32");
  EXPECT_EQ(TypeName(Type::kFixedLenByteArray), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(TypeName(static_cast<Type>(17)), "unknown (17)");
  EXPECT_EQ(EncodingName(Encoding::kPlain), "PLAIN");
  EXPECT_EQ(EncodingName(Encoding::kRleDictionary), "RLE_DICTIONARY");
  EXPECT_EQ(EncodingName(Encoding::kByteStreamSplit), "BYTE_STREAM_SPLIT");
  EXPECT_EQ(EncodingName(static_cast<Encoding>(1)), "unknown (1)");
  EXPECT_EQ(CodecName(Codec::kSnappy), "SNAPPY");
  EXPECT_EQ(CodecName(Codec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(CodecName(static_cast<Codec>(-3)), "unknown (-3)");
}

}  // namespace
}  // namespace strata::parquet
