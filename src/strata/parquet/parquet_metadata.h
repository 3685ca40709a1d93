// The Parquet footer (FileMetaData), page headers and the OffsetIndex as C++
// values, with their Thrift compact encoding; member comments give the
// parquet.thrift field ids. Parse takes any bytes and never reads past them;
// it refuses missing required fields, values of the wrong wire type, and
// negative sizes, counts and offsets, so every one of those it returns is
// >= 0. What Strata does not use (column indexes, bloom filters, encryption,
// size statistics, sorting columns) is skipped on read and never written.
// Plain values; no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/format.h"

namespace strata::parquet {

// Statistics of a column chunk or page. Values are PLAIN-encoded, byte
// arrays without their length prefix.
struct Statistics {
  std::optional<std::string> max;               // 1: deprecated, signed order
  std::optional<std::string> min;               // 2: deprecated, signed order
  std::optional<int64_t> null_count;            // 3: >= 0
  std::optional<int64_t> distinct_count;        // 4: >= 0
  std::optional<std::string> max_value;         // 5: in the column's order
  std::optional<std::string> min_value;         // 6
  std::optional<bool> is_max_value_exact;       // 7
  std::optional<bool> is_min_value_exact;       // 8
  std::optional<int64_t> nan_count;             // 9: >= 0
  bool operator==(const Statistics&) const = default;
};

// TimeUnit members, for LogicalType::timestamp_unit.
inline constexpr int kTimeUnitMillis = 1;
inline constexpr int kTimeUnitMicros = 2;
inline constexpr int kTimeUnitNanos = 3;

// The LogicalType union: `kind` is the member that was set (its field id),
// and only that member's values below are meaningful; the rest keep their
// defaults. kNone means the annotation is absent, and also stands for members
// Strata does not know (VARIANT, GEOMETRY, ...) and time units it does not
// know, so a reader falls back on the physical and converted types as older
// readers do. A union with more than one member set is refused.
struct LogicalType {
  LogicalKind kind = LogicalKind::kNone;
  int8_t integer_bit_width = 0;  // kInteger
  bool integer_signed = true;    // kInteger
  int32_t decimal_scale = 0;     // kDecimal
  int32_t decimal_precision = 0;
  bool timestamp_utc = false;  // kTimestamp and kTime: isAdjustedToUTC
  int timestamp_unit = 0;      // kTimestamp and kTime: kTimeUnitMillis, ...
  bool operator==(const LogicalType&) const = default;
};

// One node of the schema tree, which FileMetaData lists depth first.
struct SchemaElement {
  std::optional<Type> type;                  // 1: leaves only
  std::optional<int32_t> type_length;        // 2: >= 0; FIXED_LEN_BYTE_ARRAY width
  std::optional<Repetition> repetition_type;  // 3: absent on the root
  std::string name;                          // 4: required
  std::optional<int32_t> num_children;       // 5: >= 0; groups only
  std::optional<int32_t> converted_type;     // 6: e.g. kConvertedUtf8
  std::optional<int32_t> scale;              // 7
  std::optional<int32_t> precision;          // 8
  std::optional<int32_t> field_id;           // 9
  LogicalType logical_type;                  // 10: kind kNone when absent
  bool operator==(const SchemaElement&) const = default;
};

struct KeyValue {
  std::string key;                   // 1: required
  std::optional<std::string> value;  // 2
  bool operator==(const KeyValue&) const = default;
};

struct ColumnMetaData {
  Type type = Type::kBoolean;              // 1: required
  std::vector<Encoding> encodings;         // 2: required
  std::vector<std::string> path_in_schema;  // 3: required
  Codec codec = Codec::kUncompressed;      // 4: required
  int64_t num_values = 0;                  // 5: required, >= 0
  int64_t total_uncompressed_size = 0;     // 6: required, >= 0
  int64_t total_compressed_size = 0;       // 7: required, >= 0
  std::vector<KeyValue> key_value_metadata;  // 8: written when not empty
  int64_t data_page_offset = 0;            // 9: required, >= 0
  std::optional<int64_t> index_page_offset;       // 10: >= 0
  std::optional<int64_t> dictionary_page_offset;  // 11: >= 0
  std::optional<Statistics> statistics;           // 12
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;      // 1: data in another file
  int64_t file_offset = 0;                   // 2: required, >= 0; deprecated
  std::optional<ColumnMetaData> meta_data;   // 3: every writer sets it
  // Where the chunk's page index lies in the file, all >= 0. Strata writes
  // the OffsetIndex (4, 5) and reads the locations of both; the ColumnIndex
  // (per-page statistics) itself it neither writes nor reads.
  std::optional<int64_t> offset_index_offset;  // 4
  std::optional<int32_t> offset_index_length;  // 5
  std::optional<int64_t> column_index_offset;  // 6
  std::optional<int32_t> column_index_length;  // 7
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1: required, one per leaf
  int64_t total_byte_size = 0;                   // 2: required, >= 0
  int64_t num_rows = 0;                          // 3: required, >= 0
  std::optional<int64_t> file_offset;            // 5: >= 0
  std::optional<int64_t> total_compressed_size;  // 6: >= 0
  std::optional<int16_t> ordinal;                // 7
  bool operator==(const RowGroup&) const = default;
};

// A member of the ColumnOrder union: how min_value and max_value are ordered.
// kUnknown is a member Strata does not know (or none); such statistics are
// not to be trusted for pruning.
enum class ColumnOrder : int16_t {
  kUnknown = 0,
  kTypeDefined = 1,
  kIeee754TotalOrder = 2,
  kInt96TimestampOrder = 3,
};

struct FileMetaData {
  int32_t version = 1;                        // 1: required
  std::vector<SchemaElement> schema;          // 2: required; the root first
  int64_t num_rows = 0;                       // 3: required, >= 0
  std::vector<RowGroup> row_groups;           // 4: required
  std::vector<KeyValue> key_value_metadata;   // 5: written when not empty
  std::optional<std::string> created_by;      // 6
  std::vector<ColumnOrder> column_orders;     // 7: one per leaf; written when not empty
  bool operator==(const FileMetaData&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                               // 1: required, >= 0; nulls included
  Encoding encoding = Encoding::kPlain;                 // 2: required
  Encoding definition_level_encoding = Encoding::kRle;  // 3: required
  Encoding repetition_level_encoding = Encoding::kRle;  // 4: required
  std::optional<Statistics> statistics;                 // 5
  bool operator==(const DataPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1: required, >= 0
  Encoding encoding = Encoding::kPlain;  // 2: required
  std::optional<bool> is_sorted;         // 3
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1: required, >= 0; nulls included
  int32_t num_nulls = 0;                      // 2: required, >= 0
  int32_t num_rows = 0;                       // 3: required, >= 0
  Encoding encoding = Encoding::kPlain;       // 4: required
  int32_t definition_levels_byte_length = 0;  // 5: required, >= 0
  int32_t repetition_levels_byte_length = 0;  // 6: required, >= 0
  bool is_compressed = true;                  // 7: true when absent; always written
  std::optional<Statistics> statistics;       // 8
  bool operator==(const DataPageHeaderV2&) const = default;
};

// The header before each page; `type` says which of the three is set.
struct PageHeader {
  PageType type = PageType::kDataPage;                        // 1: required
  int32_t uncompressed_page_size = 0;                         // 2: required, >= 0
  int32_t compressed_page_size = 0;                           // 3: required, >= 0
  std::optional<int32_t> crc;                                 // 4: CRC-32 of the page data
  std::optional<DataPageHeader> data_page_header;             // 5
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;        // 8
  bool operator==(const PageHeader&) const = default;
};

// One data page of a column chunk, as the OffsetIndex lists it.
struct PageLocation {
  int64_t offset = 0;                // 1: required, of the page header in the file
  int32_t compressed_page_size = 0;  // 2: required, header included
  int64_t first_row_index = 0;       // 3: required, within the row group
  bool operator==(const PageLocation&) const = default;
};

// The data pages of one column chunk in file order, so that a reader can
// fetch only the pages holding the rows it wants. Field 2
// (unencoded_byte_array_data_bytes) is skipped on read and never written.
struct OffsetIndex {
  std::vector<PageLocation> page_locations;  // 1: required
  bool operator==(const OffsetIndex&) const = default;
};

// Sets column_orders to one TYPE_ORDER per leaf column: per schema element
// after the root that has no num_children.
void SetTypeDefinedColumnOrders(FileMetaData* metadata);

// The footer's bytes exactly: bytes after its end are refused.
std::string SerializeFileMetaData(const FileMetaData& metadata);
Result<FileMetaData> ParseFileMetaData(std::string_view bytes);

std::string SerializeRowGroup(const RowGroup& row_group);
Result<RowGroup> ParseRowGroup(std::string_view bytes);

std::string SerializePageHeader(const PageHeader& header);
// Parses the header at the start of `bytes`; *header_size receives its length
// (page data follows it).
Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t* header_size);

// The OffsetIndex's bytes exactly (offset_index_length of them). Besides the
// checks of every parser, Parse refuses (Corruption) a page of no bytes and
// first rows that do not start at 0 or that go down, so a reader may take
// page i's rows as [first_row_index[i], first_row_index[i + 1]). An empty list
// is accepted. That the pages lie inside their chunk and start below the row
// group's row count is for the caller to check: only it knows them.
// Implemented in offset_index.cc.
std::string SerializeOffsetIndex(const OffsetIndex& index);
Result<OffsetIndex> ParseOffsetIndex(std::string_view bytes);

}  // namespace strata::parquet
