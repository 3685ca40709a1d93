// The scan contract: what a storage node (or the gateway, for the host-side
// path) runs over the row groups of one table. A ScanSpec says which columns
// the table has, which rows to keep (a predicate), and what to return for
// them: output expressions, or partial aggregates the gateway merges. A
// RowGroupTask locates one row group's column chunks; a ChunkSource reads
// their bytes. Everything here is plain data with a serialized form
// (scan_codec.h), because remote nodes will receive it over the network.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/format.h"
#include "strata/parquet/parquet_metadata.h"
#include "strata/table/expr.h"

namespace strata::table {

// A leaf column of the table as stored.
struct ScanColumn {
  std::string name;
  Type type = Type::kInt64;
  bool optional = false;
  bool operator==(const ScanColumn&) const = default;
};

enum class AggregateKind : uint8_t { kCountStar, kCount, kMin, kMax, kSum, kAvg };

struct AggregateCall {
  AggregateKind kind = AggregateKind::kCountStar;
  Expr arg;  // unused for COUNT(*)
  bool operator==(const AggregateCall&) const = default;
};

inline constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

struct ScanSpec {
  std::vector<ScanColumn> columns;
  std::optional<Expr> filter;              // rows where it is true
  std::vector<Expr> outputs;               // row mode: one output column each
  std::vector<AggregateCall> aggregates;   // aggregate mode when not empty
  uint64_t limit = kNoLimit;               // row mode: no more rows than this
  bool use_index = true;                   // use row-group indexes where they help
  bool operator==(const ScanSpec&) const = default;

  bool aggregating() const { return !aggregates.empty(); }
  // Columns the filter reads, then columns only the outputs or aggregates read.
  std::vector<int> FilterColumns() const;
  std::vector<int> OutputColumns() const;
};

// One column chunk: where its bytes are in the table file and how to decode them.
struct ChunkLocation {
  uint64_t offset = 0;  // of its first page (dictionary page if any)
  uint64_t length = 0;  // total compressed size, page headers included
  parquet::Codec codec = parquet::Codec::kUncompressed;
  int64_t num_values = 0;
  // The chunk's OffsetIndex (where each page starts); length 0 when the file
  // has none. With it a scan can read only the pages that hold given rows.
  uint64_t page_index_offset = 0;
  uint64_t page_index_length = 0;
  // Where the chunk starts in the table file. The OffsetIndex gives file
  // offsets, while `offset` may be rebased (a node's fragment offsets).
  uint64_t file_offset = 0;
  bool operator==(const ChunkLocation&) const = default;
};

struct RowGroupTask {
  uint64_t row_group = 0;  // ordinal in the file
  int64_t num_rows = 0;
  std::vector<ChunkLocation> chunks;  // one per ScanSpec column, in order
  bool operator==(const RowGroupTask&) const = default;
};

// The task of one row group of a file of `file_size` bytes, from its footer:
// the first `columns` column chunks, each with its OffsetIndex when the file
// has one inside it. Corruption when the footer puts a chunk outside the file.
Result<RowGroupTask> RowGroupTaskOf(const parquet::FileMetaData& metadata, size_t row_group, size_t columns,
                                    uint64_t file_size);

// Reads byte ranges of the table file. A source may hand out bytes it has
// not verified against its stored checksums (a node reading one column chunk
// out of a unit); it then says so, and the scan checks the pages' own CRCs,
// asking again with `verified` when they are missing or do not match.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) = 0;
  // Bytes read from drives so far.
  virtual uint64_t bytes_read() const = 0;
};

// Partial aggregate state: merged across row groups, units and nodes.
struct AggregateState {
  uint64_t count = 0;     // rows counted (COUNT) or values seen (others)
  int64_t int_sum_high = 0;   // SUM of integers: exact 128-bit, split for serialization
  uint64_t int_sum_low = 0;
  double double_sum = 0;  // SUM/AVG of floating point
  Value min, max;         // null until a value is seen
  bool operator==(const AggregateState&) const = default;

  __int128 IntSum() const { return (static_cast<__int128>(int_sum_high) << 64) | int_sum_low; }
  void SetIntSum(__int128 v) {
    int_sum_high = static_cast<int64_t>(v >> 64);
    int_sum_low = static_cast<uint64_t>(v);
  }
};

struct ScanCounters {
  uint64_t row_groups = 0;      // row groups scanned
  uint64_t rows_scanned = 0;
  uint64_t rows_matched = 0;
  uint64_t bytes_read = 0;      // from drives
  uint64_t reread_chunks = 0;   // chunks read again verified after a CRC mismatch
  uint64_t index_row_groups = 0;  // row groups whose candidate rows came from an index
  uint64_t pages_read = 0;        // data pages read on their own (not as a whole chunk)
  bool operator==(const ScanCounters&) const = default;
  void Add(const ScanCounters& other);
};

struct ScanResult {
  std::vector<ColumnVector> columns;       // row mode: one per output
  std::vector<AggregateState> aggregates;  // aggregate mode: one per call
  ScanCounters counters;
  bool operator==(const ScanResult&) const = default;
  uint64_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
};

// Checks that every expression is well formed for `spec.columns`: operand
// counts, column indexes, types (as the binder makes them). A spec that
// passes cannot make evaluation read out of bounds.
Status ValidateSpec(const ScanSpec& spec);

// An empty result of the right shape for `spec` (no rows, zero aggregates).
ScanResult EmptyResult(const ScanSpec& spec);

class IndexSource;  // row_group_index.h

// Scans the row groups in order and appends to *result (which must start as
// EmptyResult(spec)). Stops early in row mode once the limit is reached.
// With `indexes` (and spec.use_index), a row group whose index decides the
// filter is scanned at its candidate rows only. Errors name the row group
// and column.
Status ScanRowGroups(const ScanSpec& spec, std::span<const RowGroupTask> tasks, ChunkSource& source,
                     ScanResult* result, IndexSource* indexes = nullptr);

// What ScanRowGroups does with each decoded row group, for a batch already in
// memory (columns indexed like spec.columns; those the spec does not read may
// be null): the filter, the limit against the rows *result already holds,
// then the outputs appended or the aggregates folded in. Counts rows scanned
// and matched. A failing CAST is InvalidArgument naming the value.
Status ScanBatch(const ScanSpec& spec, const BatchView& batch, ScanResult* result);

// Adds `from` into *into: rows appended up to the spec's limit, aggregates merged.
void MergeResult(const ScanSpec& spec, ScanResult&& from, ScanResult* into);

}  // namespace strata::table
