// Rolls the catalog's daily access counts of datasets up into an
// AccessHistory of periods (weeks, or days): what `strata history export`
// writes and what the popularity engine learns from on a live system. The
// last period ends with `last_day` (UTC days since the Unix epoch); every
// dataset gets a row, silent ones all zeros. Pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "strata/catalog/types.h"
#include "strata/tiering/access_history.h"

namespace strata::tiering {

// `periods` columns of `days_per_period` days each, oldest first; a
// period's count is reads + queries over its days.
AccessHistory RollUpAccess(const std::vector<DatasetRecord>& datasets, const std::vector<DatasetAccess>& daily,
                           int64_t last_day, int periods, int days_per_period);

}  // namespace strata::tiering
