// Features of datasets at the end of a week, from their weekly access
// history (recency, frequency over several windows, gaps between accesses,
// trend, first seen) and from the activity of their name groups (datasets
// sharing a path prefix), which is what a storage system knows of a dataset
// besides its own reads. Every feature of week t uses weeks <= t only, and
// looks back at most `lookback_weeks`, so a feature means the same at every
// week a model is trained or applied at. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "strata/tiering/access_history.h"
#include "strata/tiering/gradient_boosting.h"

namespace strata::tiering {

struct FeatureOptions {
  int lookback_weeks = 26;
  bool name_groups = true;  // add the name-group features
};

// The features of every dataset with weeks 1..end_week known (1 <= end_week
// <= history.weeks), one row per dataset in history order.
FeatureMatrix BuildFeatures(const AccessHistory& history, int end_week, const FeatureOptions& options);

// 1 for each dataset accessed in weeks end_week+1 .. end_week+horizon, else 0
// (end_week + horizon <= history.weeks).
std::vector<float> UsedWithin(const AccessHistory& history, int end_week, int horizon);

// 1 for each dataset accessed at least once in weeks 1..end_week: the
// datasets that exist for the system at that week.
std::vector<uint8_t> SeenBy(const AccessHistory& history, int end_week);

}  // namespace strata::tiering
