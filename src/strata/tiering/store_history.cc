#include "strata/tiering/store_history.h"

#include "strata/tiering/history_rollup.h"

namespace strata::tiering {

Result<AccessHistory> StoreAccessHistory(ObjectStore& store, int64_t last_day, int periods, int days_per_period) {
  // Counts still in memory belong in the history.
  RETURN_IF_ERROR(store.access().Flush());
  ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, store.catalog().ListDatasets());
  const int64_t first_day = last_day - static_cast<int64_t>(periods) * days_per_period + 1;
  ASSIGN_OR_RETURN(std::vector<DatasetAccess> counts, store.catalog().ListDatasetAccess(first_day, last_day));
  return RollUpAccess(datasets, counts, last_day, periods, days_per_period);
}

Result<std::map<std::string, double>> PredictStorePopularity(ObjectStore& store, int64_t last_day, int weeks,
                                                             const PopularityOptions& options) {
  ASSIGN_OR_RETURN(AccessHistory history, StoreAccessHistory(store, last_day, weeks, 7));
  ASSIGN_OR_RETURN(PopularityModel model, PopularityModel::Train(history, options));
  ASSIGN_OR_RETURN(std::vector<float> p_used, model.PredictUsed(history));
  std::map<std::string, double> out;
  for (size_t d = 0; d < history.datasets(); ++d) out[history.names[d]] = p_used[d];
  return out;
}

}  // namespace strata::tiering
