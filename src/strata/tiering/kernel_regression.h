// Expected accesses of a dataset from its own weekly history, as seed 004
// does it: Nadaraya-Watson smoothing of the weekly counts over time with a
// Gaussian kernel, the bandwidth chosen per dataset by leave-one-out
// cross-validation, read at the latest week. Stateless and thread-safe; a
// KernelForecaster shares its kernel tables between datasets.
#pragma once

#include <span>
#include <vector>

namespace strata::tiering {

struct KernelForecast {
  double accesses_per_week = 0;  // the smoothed rate at the latest week
  double bandwidth_weeks = 0;    // the bandwidth leave-one-out chose; 0 for a silent history
};

class KernelForecaster {
 public:
  // The last `window` weeks of a history are smoothed (all of a shorter
  // one). Bandwidths tried, in weeks: 4, 6, 8, 12, 16, 26. Narrower ones
  // chase single weeks: on the LHCb file, forecasting weeks 53..78 from
  // 1..52, starting the grid at 1 week raised the error by 5%
  // (docs/popularity.md).
  explicit KernelForecaster(int window = 52);

  KernelForecast Forecast(std::span<const float> weekly_counts) const;

 private:
  int window_;
  std::vector<double> bandwidths_;
  // For each bandwidth, window_ x window_ kernel weights (diagonal zero: leave one out).
  std::vector<std::vector<double>> leave_one_out_;
  // For each bandwidth, the weights of each week as seen from the latest week.
  std::vector<std::vector<double>> at_latest_;
};

// Replicas for an expected access rate: round(sqrt(alpha * I)), within
// [min_replicas, max_replicas] (seed 004's rule).
int ReplicasFor(double accesses_per_week, double alpha, int min_replicas, int max_replicas);

}  // namespace strata::tiering
