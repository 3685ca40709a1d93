#include "strata/tiering/kernel_regression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace strata::tiering {
namespace {

TEST(KernelRegressionTest, SilentHistoryForecastsNothing) {
  KernelForecaster forecaster(52);
  const std::vector<float> silent(78, 0.0f);
  KernelForecast forecast = forecaster.Forecast(silent);
  EXPECT_EQ(forecast.accesses_per_week, 0);
  EXPECT_EQ(forecast.bandwidth_weeks, 0);
}

TEST(KernelRegressionTest, ConstantRateIsForecastExactly) {
  KernelForecaster forecaster(52);
  const std::vector<float> steady(78, 6.0f);
  EXPECT_NEAR(forecaster.Forecast(steady).accesses_per_week, 6.0, 1e-9);
  // Shorter histories than the window work too.
  const std::vector<float> young(10, 2.0f);
  EXPECT_NEAR(forecaster.Forecast(young).accesses_per_week, 2.0, 1e-9);
}

// Noise around a slow level shift: leave-one-out picks a wide kernel, and the
// forecast follows the recent level rather than the long mean.
TEST(KernelRegressionTest, FollowsTheRecentLevelThroughNoise) {
  std::mt19937 random(3);
  std::normal_distribution<float> noise(0, 1);
  std::vector<float> history;
  for (int week = 0; week < 78; ++week) history.push_back(std::max(0.0f, (week < 52 ? 5.0f : 20.0f) + noise(random)));
  KernelForecaster forecaster(52);
  KernelForecast forecast = forecaster.Forecast(history);
  EXPECT_GT(forecast.bandwidth_weeks, 1.0);
  EXPECT_NEAR(forecast.accesses_per_week, 20.0, 1.5);
}

// A single burst long ago fades: the rate at the latest week is well below
// the window's mean, which a plain average would forecast.
TEST(KernelRegressionTest, OldBurstFades) {
  std::vector<float> history(78, 0.0f);
  history[30] = 520;
  KernelForecaster forecaster(52);
  KernelForecast forecast = forecaster.Forecast(history);
  EXPECT_GT(forecast.accesses_per_week, 0.0);
  EXPECT_LT(forecast.accesses_per_week, 0.5 * 520.0 / 52.0);
}

TEST(KernelRegressionTest, ReplicasFollowSqrtOfAlphaTimesAccesses) {
  EXPECT_EQ(ReplicasFor(10, 0.5, 1, 5), 2);  // sqrt(5) = 2.24, the seed's example
  EXPECT_EQ(ReplicasFor(0, 0.5, 1, 5), 1);
  EXPECT_EQ(ReplicasFor(1000, 0.5, 1, 5), 5);
  EXPECT_EQ(ReplicasFor(18, 0.5, 1, 5), 3);
}

}  // namespace
}  // namespace strata::tiering
