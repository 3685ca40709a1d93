#include "strata/tiering/ranking_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace strata::tiering {
namespace {

// The AUC by its definition: the share of (positive, negative) pairs the
// score orders correctly, ties counting half.
double PairwiseAuc(const std::vector<float>& scores, const std::vector<uint8_t>& positive) {
  double good = 0;
  double pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    for (size_t j = 0; j < scores.size(); ++j) {
      if (!positive[i] || positive[j]) continue;
      pairs += 1;
      good += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return good / pairs;
}

TEST(RankingMetricsTest, AucMatchesThePairwiseDefinitionWithTies) {
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<float> scores(300);
    std::vector<uint8_t> positive(300);
    for (size_t i = 0; i < scores.size(); ++i) {
      positive[i] = random() % 3 == 0;
      // Few distinct values, so ties are common; positives score higher on average.
      scores[i] = static_cast<float>(random() % 8 + (positive[i] ? 2 : 0));
    }
    EXPECT_NEAR(RocAuc(scores, positive), PairwiseAuc(scores, positive), 1e-12);
  }
}

TEST(RankingMetricsTest, AucOfPerfectReversedAndConstantScores) {
  const std::vector<uint8_t> positive = {1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<float>{4, 3, 2, 1}, positive), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<float>{1, 2, 3, 4}, positive), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<float>{5, 5, 5, 5}, positive), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc(std::vector<float>{1, 2}, std::vector<uint8_t>{1, 1})));
}

TEST(RankingMetricsTest, RankBreaksTiesBySecondScoreThenIndex) {
  const std::vector<float> scores = {1, 3, 3, 2, 3};
  EXPECT_EQ(RankDescending(scores), (std::vector<size_t>{1, 2, 4, 3, 0}));
  const std::vector<float> second = {0, 1, 5, 0, 5};
  EXPECT_EQ(RankDescending(scores, second), (std::vector<size_t>{2, 4, 1, 3, 0}));
}

TEST(RankingMetricsTest, MovedBeforeTheNthMistake) {
  const std::vector<size_t> order = {0, 1, 2, 3, 4, 5, 6};
  const std::vector<uint8_t> mistake = {0, 1, 0, 0, 1, 0, 1};
  EXPECT_EQ(MovedBeforeMistake(order, mistake, 1), 1u);  // moved 0, then 1 is wrong
  EXPECT_EQ(MovedBeforeMistake(order, mistake, 2), 4u);
  EXPECT_EQ(MovedBeforeMistake(order, mistake, 3), 6u);
  EXPECT_EQ(MovedBeforeMistake(order, mistake, 4), 7u);  // never a 4th: everything moves
  const std::vector<size_t> reversed = {6, 5, 4, 3, 2, 1, 0};
  EXPECT_EQ(MovedBeforeMistake(reversed, mistake, 1), 0u);
}

TEST(RankingMetricsTest, PrecisionAndRecall) {
  const std::vector<uint8_t> predicted = {1, 1, 1, 0, 0};
  const std::vector<uint8_t> actual = {1, 0, 1, 1, 0};
  PrecisionRecall score = ScorePredictions(predicted, actual);
  EXPECT_EQ(score.predicted, 3u);
  EXPECT_DOUBLE_EQ(score.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(score.recall, 2.0 / 3.0);
  score = ScorePredictions(std::vector<uint8_t>{0, 0}, std::vector<uint8_t>{0, 0});
  EXPECT_EQ(score.precision, 0);
  EXPECT_EQ(score.recall, 0);
}

}  // namespace
}  // namespace strata::tiering
