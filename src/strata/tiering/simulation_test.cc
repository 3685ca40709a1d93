#include "strata/tiering/simulation.h"

#include <gtest/gtest.h>

#include "strata/tiering/synthetic_history.h"

namespace strata::tiering {
namespace {

SimulationOptions SmallOptions() {
  SimulationOptions options;
  options.model.horizon_weeks = 4;
  options.model.features.lookback_weeks = 4;
  options.model.training_windows = 4;
  options.model.boosting.trees = 20;
  options.model.boosting.threads = 1;
  options.retrain_every = 3;
  options.lru_idle_weeks = 3;
  return options;
}

// LRU by hand: dataset "late" idles 3 weeks, is moved, and is read again 2
// weeks later: one move, one restore, one wrong move. "gone" is moved and
// never read again. "busy" is read every week and never moves.
TEST(SimulationTest, CountsLruMovesRestoresAndWrongMoves) {
  AccessHistory history;
  history.names = {"/x/p/1/late", "/x/p/2/gone", "/x/q/3/busy", "/x/q/4/rare"};
  history.weeks = 16;
  history.counts = {
      1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0,  // late
      1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // gone
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // busy
      0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0,  // rare
  };
  auto simulation = Simulate(history, SmallOptions());
  ASSERT_TRUE(simulation.ok()) << simulation.status().ToString();
  ASSERT_EQ(simulation->weeks.size(), 8u);  // policies run at the end of weeks 8..15
  EXPECT_EQ(simulation->weeks.front().week, 8);
  size_t moved = 0;
  size_t restored = 0;
  for (const SimulationWeek& w : simulation->weeks) {
    moved += w.lru.moved_off;
    restored += w.lru.restored;
    EXPECT_EQ(w.datasets, 4u);
    EXPECT_LE(w.model.on_fast, w.datasets);
  }
  // late: moved at the end of week 11 (idle since week 8), read in week 14.
  // gone: moved at the end of week 9 (idle since week 6).
  // rare: moved at the end of week 10 (idle since week 7), read in week 13.
  EXPECT_EQ(moved, 3u);
  EXPECT_EQ(restored, 2u);
  EXPECT_EQ(simulation->weeks.back().lru.wrong_moves, 2u);
  EXPECT_EQ(simulation->weeks.back().lru.on_fast, 3u);  // all but gone
  EXPECT_GE(simulation->retrainings, 3);
}

TEST(SimulationTest, ModelKeepsLessOnTheFastTierThanKeepingEverything) {
  const AccessHistory history = SyntheticHistory(1500, 40, 5);
  SimulationOptions options = SmallOptions();
  options.model.horizon_weeks = 6;
  options.model.features.lookback_weeks = 8;
  auto simulation = Simulate(history, options);
  ASSERT_TRUE(simulation.ok()) << simulation.status().ToString();
  ASSERT_EQ(simulation->weeks.size(), 26u);
  const SimulationWeek& last = simulation->weeks.back();
  EXPECT_LT(last.model.on_fast, last.datasets);
  EXPECT_GT(last.model.on_fast, 0u);
  const std::string table = FormatSimulation(*simulation);
  EXPECT_NE(table.find("wrong moves"), std::string::npos);
  const LineChart chart = SimulationChart(*simulation);
  ASSERT_EQ(chart.panels.size(), 3u);
  EXPECT_EQ(chart.x.size(), 26u);
  EXPECT_EQ(chart.panels[0].series[0].y.size(), 26u);
}

TEST(SimulationTest, RefusesAHistoryWithNoWeekToReplay) {
  auto simulation = Simulate(SyntheticHistory(40, 8, 1), SmallOptions());
  ASSERT_FALSE(simulation.ok());
  EXPECT_NE(simulation.status().message().find("starts at week 8"), std::string::npos)
      << simulation.status().ToString();
}

}  // namespace
}  // namespace strata::tiering
