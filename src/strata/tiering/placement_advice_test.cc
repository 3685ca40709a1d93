#include "strata/tiering/placement_advice.h"

#include <gtest/gtest.h>

#include "strata/tiering/synthetic_history.h"

namespace strata::tiering {
namespace {

AdviceOptions SmallOptions() {
  AdviceOptions options;
  options.model.horizon_weeks = 8;
  options.model.features.lookback_weeks = 12;
  options.model.training_windows = 6;
  options.model.boosting.trees = 40;
  options.model.boosting.threads = 1;
  options.alpha = 0.5;
  options.max_replicas = 4;
  return options;
}

TEST(PlacementAdviceTest, BusyDatasetsStayFastWithReplicasIdleOnesMove) {
  AccessHistory history = SyntheticHistory(1200, 40, 9);
  // Two datasets of our own: read 50 times every week, and read once long ago.
  history.names.push_back("/own/busy");
  history.counts.insert(history.counts.end(), 40, 50.0f);
  history.names.push_back("/own/idle");
  std::vector<float> idle(40, 0.0f);
  idle[2] = 1;
  history.counts.insert(history.counts.end(), idle.begin(), idle.end());
  auto advice = AdvisePlacement(history, RiskMatrix::TwoTier("hot", "capacity", 4.0), SmallOptions());
  ASSERT_TRUE(advice.ok()) << advice.status().ToString();
  ASSERT_EQ(advice->size(), history.datasets());
  const DatasetAdvice& busy = (*advice)[history.datasets() - 2];
  const DatasetAdvice& quiet = (*advice)[history.datasets() - 1];
  EXPECT_EQ(busy.tier, "hot");
  EXPECT_NEAR(busy.expected_reads_per_week, 50.0, 1e-6);
  EXPECT_EQ(busy.replicas, 4);  // sqrt(0.5 * 50) = 5, bounded by 4
  EXPECT_EQ(quiet.tier, "capacity");
  EXPECT_EQ(quiet.replicas, 1);
  EXPECT_LT(quiet.p_used, busy.p_used);
}

TEST(PlacementAdviceTest, RefusesBadReplicaBounds) {
  AdviceOptions options = SmallOptions();
  options.min_replicas = 3;
  options.max_replicas = 2;
  auto advice = AdvisePlacement(SyntheticHistory(50, 30, 1), RiskMatrix::TwoTier("hot", "capacity", 4.0), options);
  ASSERT_FALSE(advice.ok());
  EXPECT_NE(advice.status().message().find("replica bounds 3..2"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
