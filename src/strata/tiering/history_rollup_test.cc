#include "strata/tiering/history_rollup.h"

#include <gtest/gtest.h>

namespace strata::tiering {
namespace {

TEST(HistoryRollupTest, DaysRollUpIntoWeeksEndingOnTheLastDay) {
  const std::vector<DatasetRecord> datasets = {{"a", "b", "a/", 0, "", 0}, {"quiet", "b", "q/", 0, "", 0}, {"z", "b", "z/", 0, "", 0}};
  const std::vector<DatasetAccess> daily = {
      {"a", 100, 2, 1},   // the last day: week 3
      {"a", 94, 1, 0},    // week 3's first day
      {"a", 93, 5, 0},    // week 2's last day
      {"a", 80, 7, 0},    // week 1 (days 80..86)
      {"a", 79, 9, 9},    // before week 1: left out
      {"a", 101, 9, 9},   // after the last day: left out
      {"z", 90, 0, 4},
      {"unknown", 100, 1, 1},
  };
  AccessHistory history = RollUpAccess(datasets, daily, 100, 3, 7);
  EXPECT_EQ(history.names, (std::vector<std::string>{"a", "quiet", "z"}));
  EXPECT_EQ(history.weeks, 3);
  EXPECT_EQ(history.counts, (std::vector<float>{7, 5, 4, /**/ 0, 0, 0, /**/ 0, 4, 0}));
  EXPECT_FALSE(history.has_future());

  // Per day: the last 3 days.
  history = RollUpAccess(datasets, daily, 100, 3, 1);
  EXPECT_EQ(std::vector<float>(history.counts.begin(), history.counts.begin() + 3), (std::vector<float>{0, 0, 3}));
}

TEST(HistoryRollupTest, ExportParsesBackAsAHistoryFile) {
  const std::vector<DatasetRecord> datasets = {{"run,1", "b", "r/", 0, "", 0}};
  AccessHistory history = RollUpAccess(datasets, {{"run,1", 10, 3, 0}}, 10, 2, 7);
  auto parsed = ParseHistoryCsv(FormatHistoryCsv(history));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->names, history.names);
  EXPECT_EQ(parsed->counts, (std::vector<float>{0, 3}));
}

}  // namespace
}  // namespace strata::tiering
