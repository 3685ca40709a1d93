#include "strata/tiering/kernel_regression.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata::tiering {

KernelForecaster::KernelForecaster(int window)
    : window_(std::max(window, 1)),
      bandwidths_{4, 6, 8, 12, 16, 26} {
  const int n = window_;
  for (double h : bandwidths_) {
    auto kernel = [h](int distance) { return std::exp(-0.5 * (distance / h) * (distance / h)); };
    std::vector<double> loo(static_cast<size_t>(n) * n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) loo[static_cast<size_t>(i) * n + j] = i == j ? 0.0 : kernel(i - j);
    }
    leave_one_out_.push_back(std::move(loo));
    std::vector<double> latest(n);
    for (int j = 0; j < n; ++j) latest[j] = kernel(n - 1 - j);
    at_latest_.push_back(std::move(latest));
  }
}

KernelForecast KernelForecaster::Forecast(std::span<const float> weekly_counts) const {
  // A history shorter than the window uses the tables' last rows and columns:
  // the kernel depends on distances only.
  const int n = std::min(window_, static_cast<int>(weekly_counts.size()));
  const int skip = window_ - n;
  const float* y = weekly_counts.data() + (weekly_counts.size() - static_cast<size_t>(n));
  bool silent = true;
  for (int i = 0; i < n && silent; ++i) silent = y[i] == 0;
  if (silent) return {};

  size_t best = 0;
  double best_error = std::numeric_limits<double>::infinity();
  for (size_t b = 0; b < bandwidths_.size(); ++b) {
    double error = 0;
    for (int i = 0; i < n; ++i) {
      const double* row = leave_one_out_[b].data() + static_cast<size_t>(i + skip) * window_ + skip;
      double weighted = 0;
      double total = 0;
      for (int j = 0; j < n; ++j) {
        weighted += row[j] * y[j];
        total += row[j];
      }
      const double estimate = total > 0 ? weighted / total : 0;
      error += (y[i] - estimate) * (y[i] - estimate);
    }
    if (error < best_error) {
      best_error = error;
      best = b;
    }
  }
  const double* latest = at_latest_[best].data() + skip;
  double weighted = 0;
  double total = 0;
  for (int j = 0; j < n; ++j) {
    weighted += latest[j] * y[j];
    total += latest[j];
  }
  return {weighted / total, bandwidths_[best]};
}

int ReplicasFor(double accesses_per_week, double alpha, int min_replicas, int max_replicas) {
  const double wanted = std::round(std::sqrt(std::max(0.0, alpha * accesses_per_week)));
  return static_cast<int>(std::clamp(wanted, static_cast<double>(min_replicas), static_cast<double>(max_replicas)));
}

}  // namespace strata::tiering
