#include "strata/tiering/synthetic_history.h"

#include <algorithm>
#include <random>

namespace strata::tiering {

AccessHistory SyntheticHistory(size_t datasets, int weeks, uint32_t seed, int future_weeks) {
  constexpr size_t kMembers = 12;  // datasets per production
  constexpr size_t kProductionsPerCampaign = 8;
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  const int total_weeks = weeks + std::max(future_weeks, 0);
  AccessHistory history;
  history.weeks = weeks;
  history.names.reserve(datasets);
  history.counts.reserve(datasets * static_cast<size_t>(weeks));
  std::vector<float> row(total_weeks);
  int born = 0;
  int lifetime = 0;
  double intensity = 0;
  for (size_t d = 0; d < datasets; ++d) {
    const size_t production = d / kMembers;
    if (d % kMembers == 0) {
      // A production is born somewhere in the history, is read for a
      // geometric number of weeks, some heavily, most lightly.
      born = static_cast<int>(uniform(random) * (total_weeks - 4));
      lifetime = 1 + static_cast<int>(std::geometric_distribution<int>(1.0 / 20)(random));
      intensity = std::exp(uniform(random) * 4.0);
    }
    const double weekly = 0.3 + 0.6 * uniform(random);  // share of the production's live weeks this member is read
    const int first = std::min(total_weeks - 1, born + static_cast<int>(uniform(random) * 3));
    std::fill(row.begin(), row.end(), 0.0f);
    std::poisson_distribution<int> reads(intensity);
    for (int week = first; week < total_weeks; ++week) {
      const bool live = week < born + lifetime;
      if (uniform(random) < (live ? weekly : 0.004)) row[week] = static_cast<float>(1 + reads(random));
    }
    if (std::all_of(row.begin(), row.begin() + weeks, [](float c) { return c == 0; })) {
      row[std::min(first, weeks - 1)] = 1;  // every dataset of a history was read at least once
    }
    history.names.push_back("/sim/campaign" + std::to_string(production / kProductionsPerCampaign) + "/production" +
                            std::to_string(production) + "/" + std::to_string(d % kMembers) + "/data.h5");
    history.counts.insert(history.counts.end(), row.begin(), row.begin() + weeks);
    if (future_weeks > 0) {
      double future = 0;
      for (int week = weeks; week < total_weeks; ++week) future += row[week];
      history.future_unused.push_back(future == 0 ? 1 : 0);
      history.future_rate.push_back(future / future_weeks);
    }
  }
  return history;
}

}  // namespace strata::tiering
