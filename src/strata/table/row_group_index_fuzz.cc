// Fuzz target: the stored row-group index, as a node reads it back from a
// drive. Any bytes parse or are refused, never crash; so do the same bytes
// with a valid CRC32C appended, which lets mutations reach the Thrift
// parser. An index that parses serializes back to the same bytes, and
// IndexCandidates over it returns sorted rows inside the row group. Seeds in
// tests/fuzz/row_group_index_fuzz/ are index bodies without their CRC.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/base/crc32c.h"
#include "strata/table/row_group_index.h"

namespace {

using namespace strata;
using namespace strata::table;

void Require(bool condition) {
  if (!condition) std::abort();
}

void Check(std::string_view bytes) {
  Result<RowGroupIndex> index = ParseRowGroupIndex(bytes);
  if (!index.ok()) return;
  Require(ParseRowGroupIndex(SerializeRowGroupIndex(*index)).ok());
  ScanSpec spec;
  RowGroupTask task;
  task.row_group = index->row_group;
  task.num_rows = index->num_rows;
  for (const ColumnTails& t : index->columns) {
    spec.columns.push_back({t.name, t.type, true});
    task.chunks.push_back({});
  }
  if (spec.columns.empty()) return;
  // The index was built for other chunk locations: make the task match.
  index->fingerprint = TaskFingerprint(task);
  const Expr column = Expr::Column(0, spec.columns[0].type);
  for (double threshold : {-1e9, 0.0, 0.5, 3.0, 1e9}) {
    spec.filter = Expr::Binary(ExprOp::kGt, column, Expr::Constant(Value::Double(threshold)));
    auto rows = IndexCandidates(spec, task, *index);
    if (!rows) continue;
    Require(std::is_sorted(rows->begin(), rows->end()));
    for (uint32_t r : *rows) Require(r < static_cast<uint64_t>(task.num_rows));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  Check(bytes);
  const uint32_t crc = Crc32c(bytes);
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  Check(bytes);
  return 0;
}
