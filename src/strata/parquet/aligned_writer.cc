#include "strata/parquet/aligned_writer.h"

#include <algorithm>
#include <cstring>

namespace strata::parquet {

namespace {

constexpr size_t kTrailerFixed = 8;  // u32 length + magic
// What each data page costs beyond its values, for the first estimate of a
// unit's rows: its header (about 25 bytes) and its OffsetIndex entry (about
// 15).
constexpr double kPageOverhead = 48;

// PLAIN bytes a row of rows [first, first + rows) of `c` takes on average.
size_t PlainWidth(const ColumnVector& c, size_t first, size_t rows) {
  switch (c.type) {
    case Type::kBoolean: return 1;
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    default: return rows == 0 ? 16 : 4 + (c.strings.bytes.size() - c.strings.offsets[first]) / rows + 1;
  }
}

template <typename T>
void EraseFront(std::vector<T>* v, size_t n) {
  v->erase(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(std::min(n, v->size())));
}

void DropFront(ColumnVector* c, size_t n) {
  if (!c->validity.empty()) EraseFront(&c->validity, n);
  switch (c->type) {
    case Type::kBoolean: EraseFront(&c->bools, n); break;
    case Type::kInt32: EraseFront(&c->int32s, n); break;
    case Type::kInt64: EraseFront(&c->int64s, n); break;
    case Type::kFloat: EraseFront(&c->floats, n); break;
    case Type::kDouble: EraseFront(&c->doubles, n); break;
    case Type::kByteArray: {
      ByteArrayValues rest;
      const size_t total = c->strings.size();
      rest.Reserve(total - n, c->strings.bytes.size());
      for (size_t i = n; i < total; ++i) rest.Append(c->strings[i]);
      c->strings = std::move(rest);
      break;
    }
    default: break;
  }
}


}  // namespace

AlignedWriter::AlignedWriter(std::vector<ColumnSchema> schema, AlignedWriterOptions options, ByteSink* sink)
    : schema_(std::move(schema)), options_(std::move(options)), sink_(sink) {
  for (const ColumnSchema& c : schema_) {
    pending_.emplace_back(c.type);
    ChunkEncodeOptions chunk;
    chunk.codec = options_.codec;
    chunk.compression_level = options_.compression_level;
    chunk.optional = c.optional;
    chunk.page_size = options_.page_size;
    builders_.emplace_back(chunk);
  }
  metadata_.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema_.size());
  metadata_.schema.push_back(root);
  for (const ColumnSchema& c : schema_) {
    SchemaElement leaf;
    leaf.name = c.name;
    leaf.type = c.type;
    leaf.repetition_type = c.optional ? Repetition::kOptional : Repetition::kRequired;
    if (c.type == Type::kByteArray) {
      leaf.converted_type = kConvertedUtf8;
      leaf.logical_type.kind = LogicalKind::kString;
    }
    metadata_.schema.push_back(leaf);
  }
  metadata_.created_by = options_.created_by;
  metadata_.key_value_metadata.push_back({kAlignedUnitKey, std::to_string(options_.unit_size)});
  SetTypeDefinedColumnOrders(&metadata_);
}

Status AlignedWriter::Append(const std::vector<ColumnVector>& columns) {
  if (finished_) return Status::FailedPrecondition("parquet writer: append after finish");
  if (columns.size() != schema_.size()) {
    return Status::InvalidArgument("parquet writer: " + std::to_string(columns.size()) + " columns for a schema of " +
                                   std::to_string(schema_.size()));
  }
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnSchema& column = schema_[c];
    if (columns[c].type != column.type) {
      return Status::InvalidArgument("column '" + column.name + "': values of type " + TypeName(columns[c].type) +
                                     " for a " + TypeName(column.type) + " column");
    }
    if (columns[c].size() != rows) {
      return Status::InvalidArgument("column '" + column.name + "': " + std::to_string(columns[c].size()) +
                                     " values where the first column has " + std::to_string(rows));
    }
    if (!column.optional && columns[c].HasNulls()) {
      return Status::InvalidArgument("column '" + column.name + "' is required but has a null");
    }
  }
  RETURN_IF_ERROR(CheckRowsFit(columns, rows));
  CompactPending();
  for (size_t c = 0; c < columns.size(); ++c) AppendColumn(columns[c], &pending_[c]);
  pending_rows_ += rows;
  // Keep half a unit of rows beyond the estimate, so a row group can grow
  // when its pages compress better than the estimate assumed.
  while (pending_rows_ > 0 && pending_rows_ >= EstimateRows() * 3 / 2 + 1) RETURN_IF_ERROR(EmitRowGroup());
  return Status::OK();
}

Status AlignedWriter::Finish() {
  if (finished_) return Status::OK();
  while (pending_rows_ > 0) RETURN_IF_ERROR(EmitRowGroup());
  if (offset_ == 0) RETURN_IF_ERROR(Write(std::string_view(kMagic, 4)));
  metadata_.num_rows = static_cast<int64_t>(rows_);
  const std::string footer = SerializeFileMetaData(metadata_);
  const uint32_t length = static_cast<uint32_t>(footer.size());
  RETURN_IF_ERROR(Write(footer));
  RETURN_IF_ERROR(Write(std::string_view(reinterpret_cast<const char*>(&length), 4)));
  RETURN_IF_ERROR(Write(std::string_view(kMagic, 4)));
  finished_ = true;
  return Status::OK();
}

// Refuses, before anything of the batch is kept, a row that cannot fit in a
// unit even alone: its values, page headers, offset indexes and the
// trailer's statistics (at most two 256-byte strings a string column) must
// leave room.
Status AlignedWriter::CheckRowsFit(const std::vector<ColumnVector>& columns, size_t rows) const {
  size_t fixed = 0;
  std::vector<const ColumnVector*> strings;
  for (const ColumnVector& c : columns) {
    if (c.type == Type::kByteArray) {
      strings.push_back(&c);
    } else {
      fixed += PlainWidth(c, 0, rows);
    }
  }
  // Per column a page header and chunk metadata (under 96 bytes), and a
  // one-page OffsetIndex with its location in the trailer (under 64); per
  // string column its min and max (at most 256 bytes each) in the trailer.
  const size_t overhead = 256 + schema_.size() * 160 + strings.size() * 2 * 256;
  const size_t room = options_.unit_size - 4 > overhead ? options_.unit_size - 4 - overhead : 0;
  // Without strings every row is the same size: the first says for all.
  const size_t check = strings.empty() ? std::min<size_t>(rows, 1) : rows;
  for (size_t r = 0; r < check; ++r) {
    size_t bytes = fixed;
    for (const ColumnVector* c : strings) bytes += 4 + c->strings[r].size();
    if (bytes > room) {
      return Status::InvalidArgument("row " + std::to_string(rows_ + pending_rows_ + r) + " holds " +
                                     std::to_string(bytes) + " bytes and cannot fit in a unit of " +
                                     std::to_string(options_.unit_size) + " bytes");
    }
  }
  return Status::OK();
}

// Bytes a row group may use in the current unit, trailer included.
size_t AlignedWriter::Capacity() const { return options_.unit_size - (offset_ == 0 ? 4 : 0); }

size_t AlignedWriter::EstimateRows() const {
  double per_row = bytes_per_row_;
  if (per_row <= 0) {
    per_row = 0;
    for (const ColumnVector& c : pending_) per_row += static_cast<double>(PlainWidth(c, pending_first_, pending_rows_));
    if (options_.page_size > 0) per_row *= 1.0 + kPageOverhead / static_cast<double>(options_.page_size);
  }
  // Page headers and the trailer take a little; stay a few percent under.
  const double usable = static_cast<double>(Capacity()) * 0.97 - 64.0 * static_cast<double>(schema_.size() + 4);
  return std::max<size_t>(1, static_cast<size_t>(usable / std::max(per_row, 0.125)));
}

size_t AlignedWriter::UnitDraft::Used() const {
  return static_cast<size_t>(group.total_compressed_size.value_or(0)) + offset_indexes.size() + trailer.size() +
         kTrailerFixed;
}

Status AlignedWriter::TryRowGroup(size_t rows, UnitDraft* draft) {
  *draft = UnitDraft();
  draft->chunks.resize(schema_.size());
  RowGroup* group = &draft->group;
  const uint64_t start = offset_ == 0 ? 4 : offset_;
  uint64_t position = start;
  for (size_t c = 0; c < schema_.size(); ++c) {
    ChunkLayout& chunk = draft->chunks[c];
    RETURN_IF_ERROR(builders_[c].Lay(rows, &chunk).WithContext("column '" + schema_[c].name + "'"));
    ColumnMetaData meta;
    meta.type = schema_[c].type;
    meta.encodings = {Encoding::kPlain, Encoding::kRle};
    meta.path_in_schema = {schema_[c].name};
    meta.codec = options_.codec;
    meta.num_values = chunk.num_values;
    meta.total_uncompressed_size = chunk.total_uncompressed_size;
    meta.total_compressed_size = static_cast<int64_t>(chunk.size);
    meta.data_page_offset = static_cast<int64_t>(position);
    meta.statistics = chunk.statistics;
    ColumnChunk column;
    column.file_offset = static_cast<int64_t>(position);
    column.meta_data = std::move(meta);
    group->columns.push_back(std::move(column));
    group->total_byte_size += chunk.total_uncompressed_size;
    position += chunk.size;
  }
  // The offset indexes follow the chunks, in column order, with the pages'
  // absolute file offsets: the node that holds the unit finds them through
  // the trailer and reads only the pages it needs.
  for (size_t c = 0; c < schema_.size(); ++c) {
    ColumnChunk& column = group->columns[c];
    const int64_t chunk_start = column.meta_data->data_page_offset;
    OffsetIndex index;
    for (const PageLocation& page : draft->chunks[c].pages) {
      index.page_locations.push_back({chunk_start + page.offset, page.compressed_page_size, page.first_row_index});
    }
    const std::string bytes = SerializeOffsetIndex(index);
    column.offset_index_offset = static_cast<int64_t>(position + draft->offset_indexes.size());
    column.offset_index_length = static_cast<int32_t>(bytes.size());
    draft->offset_indexes += bytes;
  }
  group->num_rows = static_cast<int64_t>(rows);
  group->file_offset = static_cast<int64_t>(start);
  group->total_compressed_size = static_cast<int64_t>(position - start);  // the chunks, as the spec counts
  // The ordinal is an i16 in the format; later row groups go without one.
  if (metadata_.row_groups.size() <= INT16_MAX) group->ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  draft->trailer = SerializeRowGroup(*group);
  return Status::OK();
}

Status AlignedWriter::EmitRowGroup() {
  const size_t capacity = Capacity();
  size_t rows = std::min(pending_rows_, EstimateRows());
  // The tries below share their pages through the builders.
  for (size_t c = 0; c < schema_.size(); ++c) builders_[c].Begin(&pending_[c], pending_first_);
  UnitDraft draft, best;
  size_t best_rows = 0;
  // Search for the most rows that fit: shrink on overflow, grow while there
  // is room and rows to add. A handful of tries settles it.
  for (int attempt = 0; attempt < 8 && rows > 0; ++attempt) {
    RETURN_IF_ERROR(TryRowGroup(rows, &draft));
    const size_t used = draft.Used();
    if (used <= capacity) {
      if (rows > best_rows) {
        best_rows = rows;
        best = std::move(draft);
      }
      if (rows == pending_rows_ || used >= capacity - capacity / 50) break;
      const double grow = static_cast<double>(capacity) * 0.99 / static_cast<double>(used);
      const size_t next = std::min(pending_rows_, static_cast<size_t>(static_cast<double>(rows) * grow));
      if (next <= rows) break;
      rows = next;
    } else {
      const double shrink = static_cast<double>(capacity) * 0.98 / static_cast<double>(used);
      size_t next = static_cast<size_t>(static_cast<double>(rows) * shrink);
      if (next >= rows) next = rows - 1;
      if (next <= best_rows) break;
      rows = next;
    }
  }
  if (best_rows == 0) {
    return Status::InvalidArgument("a row does not fit in a unit of " + std::to_string(options_.unit_size) +
                                   " bytes (its values, page headers and statistics are too large)");
  }
  // The unit: [PAR1 if first] chunks, offset indexes, zero padding, trailer
  // copy of the row group.
  std::string unit;
  unit.reserve(options_.unit_size);
  if (offset_ == 0) unit.append(kMagic, 4);
  for (size_t c = 0; c < schema_.size(); ++c) builders_[c].AppendBytes(best.chunks[c], &unit);
  unit += best.offset_indexes;
  const uint32_t length = static_cast<uint32_t>(best.trailer.size());
  unit.resize(options_.unit_size - best.trailer.size() - kTrailerFixed, '\0');
  unit += best.trailer;
  unit.append(reinterpret_cast<const char*>(&length), 4);
  unit.append(kUnitTrailerMagic, 4);
  RETURN_IF_ERROR(WriteUnit(std::move(unit)));
  const size_t stored = static_cast<size_t>(*best.group.total_compressed_size) + best.offset_indexes.size();
  bytes_per_row_ = static_cast<double>(stored) / static_cast<double>(best_rows);
  metadata_.row_groups.push_back(std::move(best.group));
  pending_first_ += best_rows;
  pending_rows_ -= best_rows;
  rows_ += best_rows;
  return Status::OK();
}

Status AlignedWriter::Write(std::string_view bytes) {
  RETURN_IF_ERROR(sink_->Write(bytes));
  offset_ += bytes.size();
  return Status::OK();
}

Status AlignedWriter::WriteUnit(std::string unit) {
  const size_t size = unit.size();
  RETURN_IF_ERROR(sink_->WriteOwned(std::move(unit)));
  offset_ += size;
  return Status::OK();
}

// Drops the written rows from the front of the pending columns once they
// outnumber the waiting ones four to one, so moving the waiting rows down
// costs a quarter of a copy per row at most; string columns, whose bytes
// vary, go every time, to keep their buffers as small as before.
void AlignedWriter::CompactPending() {
  if (pending_first_ == 0) return;
  bool strings = false;
  for (const ColumnSchema& c : schema_) strings = strings || c.type == Type::kByteArray;
  if (!strings && pending_first_ < 4 * pending_rows_) return;
  for (ColumnVector& c : pending_) DropFront(&c, pending_first_);
  pending_first_ = 0;
}

Result<RowGroup> ParseUnitTrailer(std::string_view unit) {
  if (unit.size() < kTrailerFixed || std::memcmp(unit.data() + unit.size() - 4, kUnitTrailerMagic, 4) != 0) {
    return Status::Corruption("unit has no row-group trailer");
  }
  uint32_t length = 0;
  std::memcpy(&length, unit.data() + unit.size() - 8, 4);
  if (length > unit.size() - kTrailerFixed) return Status::Corruption("unit trailer length out of range");
  return ParseRowGroup(unit.substr(unit.size() - kTrailerFixed - length, length));
}

}  // namespace strata::parquet
