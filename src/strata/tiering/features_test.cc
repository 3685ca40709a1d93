#include "strata/tiering/features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "strata/tiering/name_groups.h"

namespace strata::tiering {
namespace {

AccessHistory MakeHistory(const std::vector<std::pair<std::string, std::vector<float>>>& rows) {
  AccessHistory history;
  history.weeks = static_cast<int>(rows.front().second.size());
  for (const auto& [name, counts] : rows) {
    history.names.push_back(name);
    history.counts.insert(history.counts.end(), counts.begin(), counts.end());
  }
  return history;
}

float Feature(const FeatureMatrix& x, size_t row, const std::string& name) {
  for (size_t c = 0; c < x.columns.size(); ++c) {
    if (x.columns[c] == name) return x.Row(row)[c];
  }
  ADD_FAILURE() << "no feature " << name;
  return 0;
}

TEST(FeaturesTest, OwnHistory) {
  //                                   weeks 1..10
  AccessHistory history = MakeHistory({{"/a/x/1/f", {0, 3, 0, 0, 5, 0, 0, 0, 1, 0}},
                                       {"/a/x/2/f", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                                       {"/a/y/1/f", {0, 0, 0, 0, 0, 0, 0, 0, 0, 7}}});
  FeatureOptions options;
  options.lookback_weeks = 6;
  const FeatureMatrix x = BuildFeatures(history, 10, options);
  ASSERT_EQ(x.rows, 3u);
  EXPECT_EQ(Feature(x, 0, "weeks_since_last"), 1);  // week 9, seen from week 10
  EXPECT_EQ(Feature(x, 0, "weeks_since_second_last"), 5);
  EXPECT_EQ(Feature(x, 0, "weeks_since_first"), 8);
  EXPECT_EQ(Feature(x, 0, "active_weeks_4"), 1);
  EXPECT_EQ(Feature(x, 0, "active_weeks_13"), 3);
  EXPECT_FLOAT_EQ(Feature(x, 0, "log_accesses_lookback"), std::log1p(6.0f));  // weeks 5..10
  EXPECT_FLOAT_EQ(Feature(x, 0, "log_max_week_lookback"), std::log1p(5.0f));
  EXPECT_FLOAT_EQ(Feature(x, 0, "log_last_week"), std::log1p(1.0f));
  EXPECT_FLOAT_EQ(Feature(x, 0, "gap_mean"), 3.5f);  // weeks 2, 5, 9
  // Never read: recency, age and gaps are missing, counts are zero.
  EXPECT_TRUE(std::isnan(Feature(x, 1, "weeks_since_last")));
  EXPECT_TRUE(std::isnan(Feature(x, 1, "weeks_since_first")));
  EXPECT_TRUE(std::isnan(Feature(x, 1, "gap_mean")));
  EXPECT_EQ(Feature(x, 1, "active_weeks_26"), 0);
  // One read: no second-last access, no gap.
  EXPECT_EQ(Feature(x, 2, "weeks_since_last"), 0);
  EXPECT_TRUE(std::isnan(Feature(x, 2, "weeks_since_second_last")));
  EXPECT_TRUE(std::isnan(Feature(x, 2, "gap_mean")));
}

// What happens after the window's end never changes its features.
TEST(FeaturesTest, NothingAfterTheWindowLeaks) {
  AccessHistory history = MakeHistory({{"/p/r/1/a", {1, 0, 2, 0, 0, 0, 0, 0}},
                                       {"/p/r/2/a", {0, 4, 0, 1, 0, 0, 0, 0}},
                                       {"/p/s/1/a", {0, 0, 0, 3, 0, 0, 0, 0}}});
  const FeatureMatrix before = BuildFeatures(history, 5, {});
  for (size_t d = 0; d < history.datasets(); ++d) {
    for (int week = 5; week < history.weeks; ++week) history.counts[d * history.weeks + week] = 100;
  }
  const FeatureMatrix after = BuildFeatures(history, 5, {});
  ASSERT_EQ(before.values.size(), after.values.size());
  for (size_t i = 0; i < before.values.size(); ++i) {
    if (std::isnan(before.values[i])) {
      EXPECT_TRUE(std::isnan(after.values[i])) << before.columns[i % before.columns.size()];
    } else {
      EXPECT_EQ(before.values[i], after.values[i]) << before.columns[i % before.columns.size()];
    }
  }
}

TEST(FeaturesTest, NameGroupKeys) {
  EXPECT_EQ(NameGroupKeys("/MC/2012/Beam4000GeV/Sim08a/12345/ALL.DST"),
            (std::vector<std::string>{"/MC/2012/Beam4000GeV/Sim08a", "/MC|12345", "/MC/2012/Beam4000GeV"}));
  EXPECT_EQ(NameGroupKeys("flat"), (std::vector<std::string>{"", "flat|", "flat"}));
}

// Group features describe the other members seen so far, never the
// dataset itself nor members that do not exist yet.
TEST(FeaturesTest, NameGroupsLeaveTheDatasetOut) {
  AccessHistory history = MakeHistory({{"/c/y/prod/1/a", {0, 0, 0, 0, 0, 0, 0, 1}},    // active now
                                       {"/c/y/prod/2/a", {1, 0, 0, 0, 0, 0, 0, 0}},    // idle 7 weeks
                                       {"/c/y/prod/3/a", {0, 0, 0, 0, 0, 0, 0, 0}},    // not seen yet
                                       {"/c/z/other/9/b", {0, 0, 0, 0, 0, 1, 0, 0}}}); // alone
  FeatureOptions options;
  options.lookback_weeks = 26;
  const FeatureMatrix x = BuildFeatures(history, 8, options);
  // Dataset 0's only seen sibling was read 7 weeks ago.
  EXPECT_EQ(Feature(x, 0, "group_production_share_active_4"), 0);
  EXPECT_EQ(Feature(x, 0, "group_production_share_active_13"), 1);
  EXPECT_EQ(Feature(x, 0, "group_production_weeks_since_last"), 7);
  // Dataset 1's sibling is active this week.
  EXPECT_EQ(Feature(x, 1, "group_production_share_active_4"), 1);
  EXPECT_EQ(Feature(x, 1, "group_production_weeks_since_last"), 0);
  // The unseen dataset sees both seen members.
  EXPECT_EQ(Feature(x, 2, "group_production_share_active_4"), 0.5f);
  // Alone in its production: -1 shares and lookback + 1.
  EXPECT_EQ(Feature(x, 3, "group_production_share_active_4"), -1);
  EXPECT_EQ(Feature(x, 3, "group_production_weeks_since_last"), 27);
  // The campaign /c/y/prod holds datasets 0..2; /c/z/other only dataset 3.
  EXPECT_EQ(Feature(x, 3, "group_campaign_share_active_13"), -1);
}

TEST(FeaturesTest, LabelsAndSeen) {
  AccessHistory history = MakeHistory({{"a", {1, 0, 0, 0, 0}}, {"b", {0, 0, 0, 0, 2}}, {"c", {0, 0, 0, 0, 0}}});
  EXPECT_EQ(UsedWithin(history, 1, 3), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(UsedWithin(history, 1, 4), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(SeenBy(history, 1), (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_EQ(SeenBy(history, 5), (std::vector<uint8_t>{1, 1, 0}));
}

}  // namespace
}  // namespace strata::tiering
