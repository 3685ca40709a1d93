// Row-group pruning: from a row group's statistics (min, max, null count per
// column), decides whether any of its rows can satisfy a predicate. Sound,
// not complete: "no" is only answered when no row can match, so a pruned row
// group never hides a result.
#pragma once

#include <cstdint>
#include <vector>

#include "strata/table/expr.h"

namespace strata::table {

struct ColumnStats {
  bool has_min_max = false;
  Value min, max;            // int64 for integer columns, double for floating point, string
  int64_t null_count = -1;   // -1: unknown
};

// False only when no row of a row group with these statistics (one per scan
// column, `rows` rows) can make `predicate` true.
bool MayMatch(const Expr& predicate, const std::vector<ColumnStats>& stats, int64_t rows);

}  // namespace strata::table
