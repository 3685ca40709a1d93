#include "strata/tiering/evaluation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "strata/tiering/synthetic_history.h"

namespace strata::tiering {
namespace {

EvaluationOptions SmallOptions() {
  EvaluationOptions options;
  options.model.horizon_weeks = 8;
  options.model.features.lookback_weeks = 12;
  options.model.training_windows = 6;
  options.model.boosting.trees = 40;
  options.model.boosting.threads = 1;
  options.cross_validation_folds = 3;
  return options;
}

TEST(EvaluationTest, RecencyIsWeeksSinceTheLastRead) {
  AccessHistory history;
  history.names = {"a", "b", "c"};
  history.weeks = 4;
  history.counts = {1, 0, 0, 0, /**/ 0, 0, 0, 5, /**/ 0, 0, 0, 0};
  EXPECT_EQ(WeeksSinceLastAccess(history, 4), (std::vector<float>{3, 0, 5}));
  EXPECT_EQ(WeeksSinceLastAccess(history, 2), (std::vector<float>{1, 3, 3}));
}

// Without a recorded future the last horizon is held out: the model sees
// weeks 1..52 of 60 and is scored on 53..60.
TEST(EvaluationTest, HoldsOutTheLastHorizonWhenThereIsNoRecordedFuture) {
  const AccessHistory history = SyntheticHistory(2000, 60, 11);
  auto evaluation = Evaluate(history, SmallOptions());
  ASSERT_TRUE(evaluation.ok()) << evaluation.status().ToString();
  EXPECT_EQ(evaluation->weeks, 52);
  EXPECT_EQ(evaluation->future, "weeks 53..60 held out");
  // The same truth computed directly: not read in weeks 53..60.
  size_t unused = 0;
  for (size_t d = 0; d < history.datasets(); ++d) {
    bool read = false;
    for (int week = 52; week < 60; ++week) read = read || history.Row(d)[week] > 0;
    unused += !read;
  }
  EXPECT_EQ(evaluation->unused, unused);
  EXPECT_GT(evaluation->model.roc_auc, evaluation->lru.roc_auc);
  ASSERT_TRUE(evaluation->in_window_auc.has_value());
  EXPECT_GT(*evaluation->in_window_auc, 0.5);
  EXPECT_LE(evaluation->model.at_decision.precision, 1.0);
  const std::string text = FormatEvaluation(*evaluation, 9);
  EXPECT_NE(text.find("LRU (weeks since last access)  | "), std::string::npos) << text;
  EXPECT_EQ(EvaluationJson(*evaluation)["unused"].get<size_t>(), unused);
}

TEST(EvaluationTest, ScoresAgainstTheRecordedFuture) {
  const AccessHistory history = SyntheticHistory(2000, 52, 12, /*future_weeks=*/8);
  auto evaluation = Evaluate(history, SmallOptions());
  ASSERT_TRUE(evaluation.ok()) << evaluation.status().ToString();
  EXPECT_EQ(evaluation->weeks, 52);
  EXPECT_NE(evaluation->future.find("recorded future"), std::string::npos);
  size_t unused = 0;
  for (uint8_t u : history.future_unused) unused += u;
  EXPECT_EQ(evaluation->unused, unused);
}

TEST(EvaluationTest, RefusesAHistoryTooShortToHoldOut) {
  auto evaluation = Evaluate(SyntheticHistory(50, 8, 1), SmallOptions());
  ASSERT_FALSE(evaluation.ok());
  EXPECT_NE(evaluation.status().message().find("too short"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
