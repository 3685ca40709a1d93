// The row-group index: for each numeric column of a row group, the rows that
// hold its smallest and its largest values (a small fraction of the rows at
// each end) and the rows that hold NaN, each with its value. Every other
// row is null or has a value between the two tails. So when the predicate cannot
// hold anywhere in that middle range (pruning decides it, from the range as
// statistics), the rows that can match are among the listed ones, and
// evaluating the predicate on their values finds exactly which. A selective
// query then reads the index and the few pages that hold those rows instead
// of whole column chunks.
//
// Nodes build an index after a table lands and keep it next to the unit, on
// the same drive. It is only ever a hint: a scan without it (missing, stale,
// unreadable, or a predicate it cannot decide) reads the chunks as before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/table/scan.h"

namespace strata::table {

// Rows at each end of a column that the index lists, as a fraction of the row
// group: predicates selecting fewer rows than this can be answered from it.
inline constexpr double kIndexTailFraction = 1.0 / 128;
// Rows listed at each end at the least: small row groups are listed whole.
inline constexpr size_t kIndexMinTail = 64;

struct ColumnTails {
  std::string name;  // of the table column it indexes
  Type type = Type::kInt64;
  std::vector<uint32_t> rows;  // listed rows: both tails, then NaN
  ColumnVector values;         // the value of each listed row
  // Unlisted rows, how many of them are null, and the range the others'
  // values lie in (inclusive; unused when all unlisted rows are null).
  uint64_t middle_rows = 0;
  uint64_t middle_nulls = 0;
  Value middle_min, middle_max;
  bool operator==(const ColumnTails&) const = default;
};

struct RowGroupIndex {
  uint64_t row_group = 0;
  int64_t num_rows = 0;
  // Of the chunk locations it was built from: an index whose fingerprint
  // differs from the scan's task describes other bytes and is ignored.
  uint64_t fingerprint = 0;
  std::vector<ColumnTails> columns;
  bool operator==(const RowGroupIndex&) const = default;
};

// Whether a column of this type gets an index (INT32, INT64, FLOAT, DOUBLE).
bool Indexable(Type type);

// Identifies the bytes a task describes: row group, rows and every chunk's
// offset and length.
uint64_t TaskFingerprint(const RowGroupTask& task);

// Builds the index of one row group from its decoded columns (one per entry of
// `columns`, each task.num_rows long); columns that are not Indexable are left
// out. `tail_fraction` of the rows are listed at each end (at least kIndexMinTail).
RowGroupIndex BuildRowGroupIndex(const std::vector<ScanColumn>& columns, const std::vector<ColumnVector>& decoded,
                                 const RowGroupTask& task, double tail_fraction = kIndexTailFraction);

// The stored form, with a CRC32C over it: Corruption when the bytes are
// damaged or malformed.
std::string SerializeRowGroupIndex(const RowGroupIndex& index);
Result<RowGroupIndex> ParseRowGroupIndex(std::string_view bytes);

// The rows of the task's row group that can make spec.filter true, in
// ascending order, when the index decides it; nullopt when it cannot: no
// filter, an index for other bytes (stale), or no conjunct of the filter
// that reads one indexed column and cannot match in its middle range.
std::optional<std::vector<uint32_t>> IndexCandidates(const ScanSpec& spec, const RowGroupTask& task,
                                                     const RowGroupIndex& index);

// Whether an index could ever decide spec.filter: some conjunct reads one
// Indexable column. When not, a scan need not read indexes at all.
bool IndexMayAnswer(const ScanSpec& spec);

// Where a scan finds the indexes of the row groups it reads. Implementations
// never fail a scan: a missing or unreadable index is simply not found.
class IndexSource {
 public:
  virtual ~IndexSource() = default;
  // The index of the task's row group, or nullopt.
  virtual std::optional<RowGroupIndex> Find(const RowGroupTask& task) = 0;
  // Bytes read from drives so far.
  virtual uint64_t bytes_read() const = 0;
};

}  // namespace strata::table
