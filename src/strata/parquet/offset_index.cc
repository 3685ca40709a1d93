// The OffsetIndex of parquet_metadata.h: where each data page of a column
// chunk lies and which row it starts at. It has its own file because, unlike
// the footer, it is read on its own: a storage node parses it to find the
// pages of one chunk that hold the rows a filter kept.
#include <string>

#include "strata/parquet/parquet_metadata.h"
#include "strata/parquet/thrift_compact.h"

namespace strata::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::StructReader;
using thrift::ThriftType;

void ParseInto(CompactReader& r, PageLocation* out) {
  StructReader f(r, "PageLocation");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadNonNegative(&out->offset); break;
      case 2: f.ReadNonNegative(&out->compressed_page_size); break;
      case 3: f.ReadNonNegative(&out->first_row_index); break;
      default: f.Skip();
    }
  }
  f.Finish({{1, "offset"}, {2, "compressed_page_size"}, {3, "first_row_index"}});
}

void ParseInto(CompactReader& r, OffsetIndex* out) {
  StructReader f(r, "OffsetIndex");
  while (f.Next()) {
    switch (f.id()) {
      case 1: f.ReadStructList(&out->page_locations, ParseInto); break;
      default: f.Skip();  // 2: unencoded_byte_array_data_bytes
    }
  }
  f.Finish({{1, "page_locations"}});
}

// What the wire format allows but a reader could not use: a page of no bytes
// (its header alone takes some), and first rows that do not start the row
// group or that go back, which would give a page a negative row count.
Status CheckPages(const OffsetIndex& index) {
  int64_t previous_row = 0;
  for (size_t i = 0; i < index.page_locations.size(); ++i) {
    const PageLocation& page = index.page_locations[i];
    const std::string where = "OffsetIndex: page " + std::to_string(i) + ": ";
    if (page.compressed_page_size == 0) return Status::Corruption(where + "compressed_page_size 0");
    if (i == 0 && page.first_row_index != 0) {
      return Status::Corruption(where + "first_row_index " + std::to_string(page.first_row_index) + ", not 0");
    }
    if (page.first_row_index < previous_row) {
      return Status::Corruption(where + "first_row_index " + std::to_string(page.first_row_index) + " after " +
                                std::to_string(previous_row));
    }
    previous_row = page.first_row_index;
  }
  return Status::OK();
}

}  // namespace

std::string SerializeOffsetIndex(const OffsetIndex& index) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.BeginListField(1, ThriftType::kStruct, static_cast<uint32_t>(index.page_locations.size()));
  for (const PageLocation& page : index.page_locations) {
    w.BeginStruct();
    w.I64Field(1, page.offset);
    w.I32Field(2, page.compressed_page_size);
    w.I64Field(3, page.first_row_index);
    w.EndStruct();
  }
  w.EndStruct();
  return out;
}

Result<OffsetIndex> ParseOffsetIndex(std::string_view bytes) {
  CompactReader reader(bytes);
  OffsetIndex index;
  ParseInto(reader, &index);
  if (reader.ok() && reader.remaining() != 0) {
    reader.Fail(std::to_string(reader.remaining()) + " bytes after the end of OffsetIndex");
  }
  if (!reader.ok()) return reader.status();
  RETURN_IF_ERROR(CheckPages(index));
  return index;
}

}  // namespace strata::parquet
