#include "strata/tiering/popularity_model.h"

#include <gtest/gtest.h>

#include "strata/tiering/evaluation.h"
#include "strata/tiering/ranking_metrics.h"
#include "strata/tiering/synthetic_history.h"

namespace strata::tiering {
namespace {

PopularityOptions SmallOptions() {
  PopularityOptions options;
  options.horizon_weeks = 8;
  options.features.lookback_weeks = 12;
  options.training_windows = 6;
  options.window_stride = 2;
  options.boosting.trees = 60;
  options.boosting.threads = 1;
  return options;
}

TEST(PopularityModelTest, TrainingWeeksLeaveTheHorizonOut) {
  PopularityOptions options = SmallOptions();
  EXPECT_EQ(TrainingWeeks(40, options), (std::vector<int>{32, 30, 28, 26, 24, 22}));
  EXPECT_EQ(TrainingWeeks(24, options), (std::vector<int>{16, 14, 12}));
  EXPECT_TRUE(TrainingWeeks(19, options).empty());
}

TEST(PopularityModelTest, RefusesAHistoryTooShort) {
  AccessHistory history = SyntheticHistory(100, 19, 1);
  auto model = PopularityModel::Train(history, SmallOptions());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(model.status().message().find("needs 20"), std::string::npos) << model.status().ToString();
}

// A young system where every dataset was read again has one outcome to
// learn from: the model predicts it instead of failing.
TEST(PopularityModelTest, OneOutcomeIsPredictedAsItIs) {
  AccessHistory history;
  history.names = {"a", "b"};
  history.weeks = 24;
  history.counts.assign(48, 1.0f);
  auto model = PopularityModel::Train(history, SmallOptions());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(*model->PredictUsed(history), (std::vector<float>{1, 1}));
}

// On histories with structure (productions that live and die), the model
// ranks the real future better than the time since last access does.
TEST(PopularityModelTest, BeatsRecencyOnStructuredHistories) {
  const AccessHistory history = SyntheticHistory(3000, 60, 7, /*future_weeks=*/8);
  AccessHistory past = FirstWeeks(history, history.weeks);
  auto model = PopularityModel::Train(past, SmallOptions());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->summary().weeks.front(), 52);
  EXPECT_GT(model->summary().rows, 3000u);
  auto p_used = model->PredictUsed(past);
  ASSERT_TRUE(p_used.ok());
  std::vector<float> p_unused;
  for (float p : *p_used) p_unused.push_back(1 - p);
  const double model_auc = RocAuc(p_unused, history.future_unused);
  const double lru_auc = RocAuc(WeeksSinceLastAccess(past, past.weeks), history.future_unused);
  EXPECT_GT(model_auc, 0.8);
  EXPECT_GT(model_auc, lru_auc);
  EXPECT_FALSE(model->PredictUsed(past, 61).ok());
}

}  // namespace
}  // namespace strata::tiering
