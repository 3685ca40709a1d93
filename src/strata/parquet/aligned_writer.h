// AlignedWriter writes aligned Parquet: every row group fills exactly one
// erasure unit and lies wholly inside it, and a copy of the row group's
// metadata (chunk locations and statistics) sits at the end of that unit, so
// the drive that holds the unit can decode and filter it alone. Chunks are
// cut into small pages, and each chunk's OffsetIndex (where its pages lie and
// their first rows) sits in the unit right after the chunks, so that drive
// can also read only the pages holding the rows it wants. The footer still
// describes the whole file, which stays valid Parquet for any reader.
// Layout: docs/formats.md, "Aligned Parquet". Rows are buffered until a unit's
// worth is known to fit; memory stays around a few units. Each page is encoded
// once, however many row counts it takes to fill a unit. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/column_chunk.h"
#include "strata/parquet/column_vector.h"
#include "strata/parquet/parquet_metadata.h"

namespace strata::parquet {

// The end of every aligned unit: [RowGroup][u32 length]["SRG1"].
inline constexpr char kUnitTrailerMagic[4] = {'S', 'R', 'G', '1'};
// Key of the footer's key-value metadata that names the unit size.
inline constexpr const char* kAlignedUnitKey = "strata.aligned_unit_size";

struct ColumnSchema {
  std::string name;
  Type type = Type::kInt64;
  bool optional = false;
  bool operator==(const ColumnSchema&) const = default;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Write, for bytes the caller is done with: a sink that keeps them (a
  // queue to another thread) may take the buffer instead of copying it.
  virtual Status WriteOwned(std::string bytes) { return Write(bytes); }
};

struct AlignedWriterOptions {
  uint32_t unit_size = 1u << 20;
  Codec codec = Codec::kSnappy;
  int compression_level = 0;
  // Target uncompressed value bytes per data page (ChunkEncodeOptions); 0
  // writes each column chunk as one page.
  size_t page_size = 8192;
  std::string created_by = "strata";
};

class AlignedWriter {
 public:
  AlignedWriter(std::vector<ColumnSchema> schema, AlignedWriterOptions options, ByteSink* sink);

  // Appends rows: one vector per schema column, of its type, all the same
  // length. A null in a required column, a wrong type or a row too large for
  // a unit is InvalidArgument and writes nothing of the batch.
  Status Append(const std::vector<ColumnVector>& columns);
  // Writes the remaining rows and the footer. Nothing may be appended after.
  Status Finish();

  uint64_t rows() const { return rows_; }
  uint64_t row_groups() const { return metadata_.row_groups.size(); }
  uint64_t bytes_written() const { return offset_; }
  const FileMetaData& metadata() const { return metadata_; }

 private:
  // A row group encoded for the current unit, not yet written.
  struct UnitDraft {
    std::vector<ChunkLayout> chunks;
    std::string offset_indexes;  // column 0's, column 1's, ...; they follow the chunks
    RowGroup group;
    std::string trailer;  // the serialized group
    // Bytes of the unit it fills, trailer included ("PAR1" not).
    size_t Used() const;
  };

  Status CheckRowsFit(const std::vector<ColumnVector>& columns, size_t rows) const;
  Status EmitRowGroup();
  Status TryRowGroup(size_t rows, UnitDraft* draft);
  size_t EstimateRows() const;
  size_t Capacity() const;
  Status Write(std::string_view bytes);
  Status WriteUnit(std::string unit);
  void CompactPending();

  std::vector<ColumnSchema> schema_;
  AlignedWriterOptions options_;
  ByteSink* sink_;
  // Rows waiting for a unit are pending_[c] from row pending_first_ on; rows
  // before it are written and dropped from the front only now and then.
  std::vector<ColumnVector> pending_;
  size_t pending_first_ = 0;
  size_t pending_rows_ = 0;
  std::vector<ChunkBuilder> builders_;  // one per column, for the row group being fitted
  double bytes_per_row_ = 0;  // of the last row group, to size the next
  uint64_t offset_ = 0;
  uint64_t rows_ = 0;
  FileMetaData metadata_;
  bool finished_ = false;
};

// Parses the row-group copy at the end of an aligned unit (`unit` is the
// whole unit). Corruption when the trailer is missing or damaged. Its
// columns' offset_index_offset/length locate the OffsetIndex of each chunk
// (absolute file offsets, inside the same unit; ParseOffsetIndex reads it).
Result<RowGroup> ParseUnitTrailer(std::string_view unit);

}  // namespace strata::parquet
