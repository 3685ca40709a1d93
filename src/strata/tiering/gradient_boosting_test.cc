#include "strata/tiering/gradient_boosting.h"

#include <gtest/gtest.h>

#include <random>

#include "strata/tiering/ranking_metrics.h"

namespace strata::tiering {
namespace {

// Label = x0 > 0 XOR x1 > 0, with a noise column: no linear model can learn
// it, two levels of trees can.
void MakeXor(size_t rows, uint32_t seed, FeatureMatrix* x, std::vector<float>* labels) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-1, 1);
  *x = FeatureMatrix({"a", "b", "noise"}, rows);
  labels->clear();
  for (size_t r = 0; r < rows; ++r) {
    float* row = x->Row(r);
    for (int c = 0; c < 3; ++c) row[c] = uniform(random);
    labels->push_back((row[0] > 0) != (row[1] > 0) ? 1.0f : 0.0f);
  }
}

TEST(GradientBoostingTest, LearnsAnInteractionAndScoresHeldOutRows) {
  FeatureMatrix train;
  FeatureMatrix test;
  std::vector<float> train_labels;
  std::vector<float> test_labels;
  MakeXor(4000, 1, &train, &train_labels);
  MakeXor(1000, 2, &test, &test_labels);
  BoostingParams params;
  params.trees = 60;
  params.threads = 2;
  auto model = BoostedClassifier::Train(train, train_labels, params);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto predicted = model->Predict(test);
  ASSERT_TRUE(predicted.ok()) << predicted.status().ToString();
  ASSERT_EQ(predicted->size(), 1000u);
  std::vector<uint8_t> positive(test_labels.begin(), test_labels.end());
  EXPECT_GT(RocAuc(*predicted, positive), 0.97);
  for (float p : *predicted) {
    EXPECT_GE(p, 0.0f);
    EXPECT_LE(p, 1.0f);
  }
}

TEST(GradientBoostingTest, SerializedModelPredictsTheSame) {
  FeatureMatrix x;
  std::vector<float> labels;
  MakeXor(1000, 3, &x, &labels);
  BoostingParams params;
  params.trees = 20;
  auto model = BoostedClassifier::Train(x, labels, params);
  ASSERT_TRUE(model.ok());
  auto json = model->Serialize();
  ASSERT_TRUE(json.ok());
  auto loaded = BoostedClassifier::Deserialize(*json, 3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded->Predict(x), *model->Predict(x));
  EXPECT_FALSE(BoostedClassifier::Deserialize("{not a model", 3).ok());
}

TEST(GradientBoostingTest, MissingValuesAreAllowed) {
  FeatureMatrix x;
  std::vector<float> labels;
  MakeXor(500, 4, &x, &labels);
  for (size_t r = 0; r < x.rows; r += 5) x.Row(r)[2] = std::nanf("");
  auto model = BoostedClassifier::Train(x, labels, BoostingParams{.trees = 5});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_TRUE(model->Predict(x).ok());
}

TEST(GradientBoostingTest, RefusesWhatCannotBeLearned) {
  FeatureMatrix x({"a"}, 3);
  EXPECT_FALSE(BoostedClassifier::Train(x, std::vector<float>{1, 1, 1}, {}).ok());
  EXPECT_FALSE(BoostedClassifier::Train(x, std::vector<float>{1, 0}, {}).ok());
  EXPECT_FALSE(BoostedClassifier::Train(FeatureMatrix({"a"}, 0), {}, {}).ok());
  x.Row(0)[0] = 1;
  auto model = BoostedClassifier::Train(x, std::vector<float>{1, 0, 0}, BoostingParams{.trees = 2});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto wrong = model->Predict(FeatureMatrix({"a", "b"}, 2));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("takes 1 features, got 2"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
