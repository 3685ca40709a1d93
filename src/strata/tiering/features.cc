#include "strata/tiering/features.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "strata/tiering/name_groups.h"

namespace strata::tiering {
namespace {

constexpr int kActiveWindows[] = {4, 13, 26};
constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

std::vector<std::string> HistoryFeatureNames() {
  std::vector<std::string> names = {"weeks_since_last", "weeks_since_second_last", "weeks_since_first"};
  for (int k : kActiveWindows) names.push_back("active_weeks_" + std::to_string(k));
  names.insert(names.end(), {"log_accesses_lookback", "log_max_week_lookback", "log_last_week", "gap_mean"});
  return names;
}

// One dataset's own features at the end of `counts` (weeks 1..t, oldest
// first). Recency, age and gaps use the whole history up to t; the counts
// look back at most `lookback` weeks. What never happened is missing (NaN):
// a sentinel such as t would mean something else at every t.
void HistoryFeatures(const float* counts, int length, int lookback, float* out) {
  int last = -1;
  int second_last = -1;
  int first = -1;
  int active = 0;
  for (int i = 0; i < length; ++i) {
    if (counts[i] <= 0) continue;
    if (first < 0) first = i;
    second_last = last;
    last = i;
    ++active;
  }
  const int end = length - 1;
  *out++ = last < 0 ? kMissing : static_cast<float>(end - last);
  *out++ = second_last < 0 ? kMissing : static_cast<float>(end - second_last);
  *out++ = first < 0 ? kMissing : static_cast<float>(end - first);
  for (int k : kActiveWindows) {
    int window_active = 0;
    for (int i = std::max(0, length - k); i < length; ++i) window_active += counts[i] > 0;
    *out++ = static_cast<float>(window_active);
  }
  double total = 0;
  float max_week = 0;
  for (int i = std::max(0, length - lookback); i < length; ++i) {
    total += counts[i];
    max_week = std::max(max_week, counts[i]);
  }
  *out++ = static_cast<float>(std::log1p(total));
  *out++ = static_cast<float>(std::log1p(max_week));
  *out++ = last < 0 ? kMissing : static_cast<float>(std::log1p(counts[last]));
  *out++ = active < 2 ? kMissing : static_cast<float>(last - first) / static_cast<float>(active - 1);
}

}  // namespace

FeatureMatrix BuildFeatures(const AccessHistory& history, int end_week, const FeatureOptions& options) {
  const int lookback = std::max(1, options.lookback_weeks);
  std::vector<std::string> names = HistoryFeatureNames();
  const size_t history_columns = names.size();
  NameGroupFeatures groups;
  if (options.name_groups) {
    groups = ComputeNameGroupFeatures(history, end_week, lookback);
    names.insert(names.end(), groups.columns.begin(), groups.columns.end());
  }
  FeatureMatrix x(std::move(names), history.datasets());
  for (size_t d = 0; d < history.datasets(); ++d) {
    float* row = x.Row(d);
    HistoryFeatures(history.Row(d).data(), end_week, lookback, row);
    if (options.name_groups) {
      std::copy_n(groups.values.data() + d * groups.columns.size(), groups.columns.size(), row + history_columns);
    }
  }
  return x;
}

std::vector<float> UsedWithin(const AccessHistory& history, int end_week, int horizon) {
  std::vector<float> used(history.datasets(), 0.0f);
  for (size_t d = 0; d < history.datasets(); ++d) {
    const float* counts = history.Row(d).data();
    for (int week = end_week; week < end_week + horizon && week < history.weeks; ++week) {
      if (counts[week] > 0) {
        used[d] = 1.0f;
        break;
      }
    }
  }
  return used;
}

std::vector<uint8_t> SeenBy(const AccessHistory& history, int end_week) {
  std::vector<uint8_t> seen(history.datasets(), 0);
  for (size_t d = 0; d < history.datasets(); ++d) {
    const float* counts = history.Row(d).data();
    seen[d] = std::any_of(counts, counts + end_week, [](float c) { return c > 0; });
  }
  return seen;
}

}  // namespace strata::tiering
