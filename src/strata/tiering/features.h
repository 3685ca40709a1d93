// Features of datasets at the end of a week, from their weekly access
// history (weeks since the last, second-last and first read; active weeks
// over 4, 13 and 26 weeks; volume; the mean gap between reads) and from the
// activity of their name groups (datasets sharing parts of the path), which
// is what a storage system knows of a dataset besides its own reads. Every
// feature of week t uses weeks <= t only: recency, age and gaps the whole
// history up to t, volumes at most `lookback_weeks`; what never happened is
// missing (NaN), so a feature means the same at every week a model is
// trained or applied at. Pure functions; thread-safe.
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
