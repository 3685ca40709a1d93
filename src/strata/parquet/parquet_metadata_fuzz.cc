// Fuzz target: the Parquet metadata parsers (footer, row group, page header,
// OffsetIndex) take any bytes and either return a value or a Corruption; they
// never crash. What they accept has only non-negative sizes, counts and
// offsets (an OffsetIndex also pages of some bytes, and first rows from 0 that
// never go down), serializes to bytes that parse back to an equal value, and
// serializes again to the same bytes. The compact reader on its own also
// skips the input as one struct.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/parquet/parquet_metadata.h"
#include "strata/parquet/thrift_compact.h"

namespace {

using namespace strata::parquet;

void Require(bool condition) {
  if (!condition) std::abort();
}

void CheckNonNegative(const Statistics& s) {
  Require(s.null_count.value_or(0) >= 0 && s.distinct_count.value_or(0) >= 0 && s.nan_count.value_or(0) >= 0);
}

void CheckNonNegative(const RowGroup& group) {
  Require(group.num_rows >= 0 && group.total_byte_size >= 0);
  Require(group.file_offset.value_or(0) >= 0 && group.total_compressed_size.value_or(0) >= 0);
  for (const ColumnChunk& chunk : group.columns) {
    Require(chunk.file_offset >= 0);
    Require(chunk.offset_index_offset.value_or(0) >= 0 && chunk.offset_index_length.value_or(0) >= 0);
    Require(chunk.column_index_offset.value_or(0) >= 0 && chunk.column_index_length.value_or(0) >= 0);
    if (!chunk.meta_data) continue;
    const ColumnMetaData& m = *chunk.meta_data;
    Require(m.num_values >= 0 && m.total_uncompressed_size >= 0 && m.total_compressed_size >= 0);
    Require(m.data_page_offset >= 0 && m.index_page_offset.value_or(0) >= 0 &&
            m.dictionary_page_offset.value_or(0) >= 0);
    if (m.statistics) CheckNonNegative(*m.statistics);
  }
}

void CheckFileMetaData(std::string_view bytes) {
  const strata::Result<FileMetaData> parsed = ParseFileMetaData(bytes);
  if (!parsed.ok()) return;
  Require(parsed->num_rows >= 0);
  for (const SchemaElement& element : parsed->schema) {
    Require(element.num_children.value_or(0) >= 0 && element.type_length.value_or(0) >= 0);
  }
  for (const RowGroup& group : parsed->row_groups) CheckNonNegative(group);
  const std::string serialized = SerializeFileMetaData(*parsed);
  const strata::Result<FileMetaData> again = ParseFileMetaData(serialized);
  Require(again.ok() && *again == *parsed);
  Require(SerializeFileMetaData(*again) == serialized);
}

void CheckRowGroup(std::string_view bytes) {
  const strata::Result<RowGroup> parsed = ParseRowGroup(bytes);
  if (!parsed.ok()) return;
  CheckNonNegative(*parsed);
  const std::string serialized = SerializeRowGroup(*parsed);
  const strata::Result<RowGroup> again = ParseRowGroup(serialized);
  Require(again.ok() && *again == *parsed);
  Require(SerializeRowGroup(*again) == serialized);
}

void CheckPageHeader(std::string_view bytes) {
  size_t header_size = 0;
  const strata::Result<PageHeader> parsed = ParsePageHeader(bytes, &header_size);
  if (!parsed.ok()) return;
  Require(header_size <= bytes.size());
  Require(parsed->uncompressed_page_size >= 0 && parsed->compressed_page_size >= 0);
  if (const auto& v1 = parsed->data_page_header) {
    Require(v1->num_values >= 0);
    if (v1->statistics) CheckNonNegative(*v1->statistics);
  }
  if (const auto& dictionary = parsed->dictionary_page_header) Require(dictionary->num_values >= 0);
  if (const auto& v2 = parsed->data_page_header_v2) {
    Require(v2->num_values >= 0 && v2->num_nulls >= 0 && v2->num_rows >= 0);
    Require(v2->definition_levels_byte_length >= 0 && v2->repetition_levels_byte_length >= 0);
    if (v2->statistics) CheckNonNegative(*v2->statistics);
  }
  const std::string serialized = SerializePageHeader(*parsed);
  size_t again_size = 0;
  const strata::Result<PageHeader> again = ParsePageHeader(serialized, &again_size);
  Require(again.ok() && *again == *parsed && again_size == serialized.size());
  Require(SerializePageHeader(*again) == serialized);
}

void CheckOffsetIndex(std::string_view bytes) {
  const strata::Result<OffsetIndex> parsed = ParseOffsetIndex(bytes);
  if (!parsed.ok()) {
    Require(parsed.status().code() == strata::StatusCode::kCorruption);
    return;
  }
  int64_t previous_row = 0;
  for (size_t i = 0; i < parsed->page_locations.size(); ++i) {
    const PageLocation& page = parsed->page_locations[i];
    Require(page.offset >= 0 && page.compressed_page_size > 0);
    Require(i == 0 ? page.first_row_index == 0 : page.first_row_index >= previous_row);
    previous_row = page.first_row_index;
  }
  const std::string serialized = SerializeOffsetIndex(*parsed);
  const strata::Result<OffsetIndex> again = ParseOffsetIndex(serialized);
  Require(again.ok() && *again == *parsed);
  Require(SerializeOffsetIndex(*again) == serialized);
}

void CheckSkip(std::string_view bytes) {
  thrift::CompactReader reader(bytes);
  reader.Skip(thrift::ThriftType::kStruct);
  Require(reader.position() <= bytes.size());
  Require(reader.ok() || reader.status().code() == strata::StatusCode::kCorruption);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckFileMetaData(bytes);
  CheckRowGroup(bytes);
  CheckPageHeader(bytes);
  CheckOffsetIndex(bytes);
  CheckSkip(bytes);
  return 0;
}
