#include "strata/tiering/retention.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "strata/base/clock.h"
#include "strata/objects/object_store_test_util.h"

namespace strata::tiering {
namespace {

constexpr int64_t kDay = 86'400'000;

class RetentionTest : public testing::ObjectStoreTest {
 protected:
  void PutText(const std::string& key) { ASSERT_OK(Put(key, "frame " + key).status()); }
  std::vector<std::string> Keys(const std::vector<RetentionEntry>& entries) {
    std::vector<std::string> keys;
    for (const RetentionEntry& e : entries) keys.push_back(e.bucket + "/" + e.key);
    return keys;
  }
  // Movie frames: 60 days, warned 14 days before; their raw/ subfolder is
  // kept 7 days, no warning.
  std::vector<RetentionRule> rules_ = {{"data/movies/", 60, 14}, {"data/movies/raw/", 7, 0}};
};

TEST_F(RetentionTest, WarnsThenExpiresUnderTheLongestRule) {
  PutText("movies/a.tif");
  PutText("movies/raw/b.tif");
  PutText("papers/c.pdf");
  const int64_t now = NowMillis();
  ASSERT_OK_AND_ASSIGN(RetentionReport report, ReviewRetention(*store_, rules_, now));
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_TRUE(report.expired.empty());

  ASSERT_OK_AND_ASSIGN(report, ReviewRetention(*store_, rules_, now + 8 * kDay));  // raw/ is past 7 days
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_EQ(Keys(report.expired), (std::vector<std::string>{"data/movies/raw/b.tif"}));

  ASSERT_OK_AND_ASSIGN(report, ReviewRetention(*store_, rules_, now + 47 * kDay));  // within 14 days of 60
  EXPECT_EQ(Keys(report.warnings), (std::vector<std::string>{"data/movies/a.tif"}));
  EXPECT_EQ(report.warnings[0].rule, "data/movies/");
  EXPECT_GE(report.warnings[0].expires_ms, now + 60 * kDay - 60'000);

  ASSERT_OK_AND_ASSIGN(report, ReviewRetention(*store_, rules_, now + 61 * kDay));
  EXPECT_EQ(Keys(report.expired), (std::vector<std::string>{"data/movies/a.tif", "data/movies/raw/b.tif"}));
  const nlohmann::json json = RetentionJson(report);
  EXPECT_EQ(json["expired"].size(), 2u);
  EXPECT_EQ(json["expired"][0]["rule"], "data/movies/");

  ASSERT_OK_AND_ASSIGN(size_t deleted, ExpireObjects(*store_, rules_, report.expired, now + 61 * kDay));
  EXPECT_EQ(deleted, 2u);
  EXPECT_TRUE(store_->Head("data", "movies/a.tif").status().IsNotFound());
  ASSERT_OK(store_->Head("data", "papers/c.pdf").status());  // no rule covers it
}

// An object rewritten after the review starts its retention afresh.
TEST_F(RetentionTest, RewrittenObjectsAreNotExpired) {
  PutText("movies/raw/b.tif");
  ASSERT_OK_AND_ASSIGN(RetentionReport report, ReviewRetention(*store_, rules_, NowMillis() + 8 * kDay));
  ASSERT_EQ(report.expired.size(), 1u);
  std::vector<RetentionEntry> stale = report.expired;
  stale[0].modified_ms -= 30 * kDay;
  PutText("movies/raw/b.tif");
  // As of the day after the review, the new version is one day old.
  ASSERT_OK_AND_ASSIGN(size_t deleted, ExpireObjects(*store_, rules_, stale, NowMillis() + 1 * kDay));
  EXPECT_EQ(deleted, 0u);
  ASSERT_OK(store_->Head("data", "movies/raw/b.tif").status());
}

TEST_F(RetentionTest, ARuleForAMissingBucketCoversNothing) {
  ASSERT_OK_AND_ASSIGN(RetentionReport report,
                       ReviewRetention(*store_, {{"gone/x/", 1, 0}}, NowMillis() + 100 * kDay));
  EXPECT_TRUE(report.expired.empty());
}

}  // namespace
}  // namespace strata::tiering
