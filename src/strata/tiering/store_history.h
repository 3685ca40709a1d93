// The store's own access history (the catalog's daily dataset counts, rolled
// up), and popularity predictions from it.
#pragma once

#include <map>
#include <string>

#include "strata/base/status.h"
#include "strata/objects/object_store.h"
#include "strata/tiering/access_history.h"
#include "strata/tiering/popularity_model.h"

namespace strata::tiering {

// The datasets' reads + queries per period of `days_per_period` days, the
// last period ending with `last_day`, from the store's catalog (after writing
// the counts still in memory).
Result<AccessHistory> StoreAccessHistory(ObjectStore& store, int64_t last_day, int periods, int days_per_period);

// P(used within the horizon) per dataset name, from a model trained on the
// last `weeks` weeks of the store's history up to `last_day`. An error (for
// example a store too young to learn from) says why there is none.
Result<std::map<std::string, double>> PredictStorePopularity(ObjectStore& store, int64_t last_day, int weeks,
                                                             const PopularityOptions& options);

}  // namespace strata::tiering
