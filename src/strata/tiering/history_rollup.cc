#include "strata/tiering/history_rollup.h"

#include <unordered_map>

namespace strata::tiering {

AccessHistory RollUpAccess(const std::vector<DatasetRecord>& datasets, const std::vector<DatasetAccess>& daily,
                           int64_t last_day, int periods, int days_per_period) {
  AccessHistory history;
  history.weeks = periods;
  history.counts.assign(datasets.size() * static_cast<size_t>(periods), 0.0f);
  std::unordered_map<std::string, size_t> row_of;
  for (const DatasetRecord& dataset : datasets) {
    row_of.emplace(dataset.name, history.names.size());
    history.names.push_back(dataset.name);
  }
  const int64_t first_day = last_day - static_cast<int64_t>(periods) * days_per_period + 1;
  for (const DatasetAccess& access : daily) {
    auto row = row_of.find(access.dataset);
    if (row == row_of.end() || access.day < first_day || access.day > last_day) continue;
    const int64_t period = (access.day - first_day) / days_per_period;
    history.counts[row->second * periods + static_cast<size_t>(period)] +=
        static_cast<float>(access.reads + access.queries);
  }
  return history;
}

}  // namespace strata::tiering
