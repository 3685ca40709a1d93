// DecideTier: the first matching policy wins; idle days count from the last
// access day or, never used, from the dataset's creation; age from the last
// write; size and popularity bounds; staging overrides the policies until it
// ends, then the policy tier or the write tier; no rule leaves a dataset be.
#include "strata/tiering/placement_plan.h"

#include <gtest/gtest.h>

#include "strata/base/clock.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/testing/temp_dir.h"

namespace strata::tiering {
namespace {

constexpr int64_t kToday = 20000;  // days since the epoch
// Noon of kToday: day arithmetic must not depend on the time of day.
constexpr int64_t kNow = kToday * kMillisPerDay + kMillisPerDay / 2;

// A dataset of `bytes` named on `created_day`, written at kNow - 1 day.
DatasetFacts Facts(std::optional<int64_t> last_access_day, int64_t created_day = kToday - 1000,
                   uint64_t bytes = 1000) {
  DatasetFacts facts;
  facts.dataset = DatasetRecord{"run1", "sim", "runs/1/", created_day * kMillisPerDay, "", 0};
  facts.objects = 3;
  facts.bytes = bytes;
  facts.bytes_by_tier = {{"hot", bytes}};
  facts.objects_by_tier = {{"hot", 3}};
  facts.last_write_ms = kNow - kMillisPerDay;
  facts.last_access_day = last_access_day;
  return facts;
}

PolicyRule Rule(const std::string& name, const std::string& tier) {
  PolicyRule rule;
  rule.name = name;
  rule.tier = tier;
  return rule;
}

PolicyRule IdleRule(uint32_t min_idle, uint32_t max_idle = 0, const std::string& tier = "cold") {
  PolicyRule rule = Rule("idle", tier);
  rule.min_idle_days = min_idle;
  rule.max_idle_days = max_idle;
  return rule;
}

// The tier `facts` is decided to belong on under one rule ("" = stays).
std::string TierUnder(const PolicyRule& rule, const DatasetFacts& facts) {
  return DecideTier(facts, {rule}, "hot", kNow).tier;
}

TEST(DecideTierTest, TheMatchingRuleGivesItsCopiesAndStagingNone) {
  PolicyRule popular = Rule("popular", "hot");
  popular.replicas = 3;
  EXPECT_EQ(DecideTier(Facts(kToday), {popular}, "hot", kNow).copies, 3);
  EXPECT_EQ(DecideTier(Facts(kToday), {Rule("plain", "hot")}, "hot", kNow).copies, 0);  // leave them
  DatasetFacts staged = Facts(kToday);
  staged.dataset.staged_tier = "cold";
  EXPECT_EQ(DecideTier(staged, {popular}, "hot", kNow).copies, 0);
}

TEST(DecideTierTest, TheFirstMatchingRuleWins) {
  PolicyRule cold = IdleRule(10, 0, "cold");
  cold.name = "r1";
  PolicyRule warm = IdleRule(5, 0, "warm");
  warm.name = "r2";
  const PolicyRule any = Rule("r3", "fast");
  const std::vector<PolicyRule> rules = {cold, warm, any};

  TierDecision d = DecideTier(Facts(kToday - 12), rules, "hot", kNow);
  EXPECT_EQ(d.tier, "cold");
  EXPECT_EQ(d.why, "policy r1: last used 12 days ago");
  EXPECT_FALSE(d.stage_ended);
  EXPECT_EQ(DecideTier(Facts(kToday - 7), rules, "hot", kNow).tier, "warm");
  d = DecideTier(Facts(kToday - 1), rules, "hot", kNow);
  EXPECT_EQ(d.tier, "fast");
  EXPECT_EQ(d.why, "policy r3");
  // A rule without conditions, first, claims everything.
  EXPECT_EQ(DecideTier(Facts(kToday - 12), {any, cold, warm}, "hot", kNow).tier, "fast");
}

TEST(DecideTierTest, IdleDaysCountFromTheLastAccessDay) {
  EXPECT_EQ(TierUnder(IdleRule(30), Facts(kToday - 30)), "cold");
  EXPECT_EQ(TierUnder(IdleRule(31), Facts(kToday - 30)), "");
  EXPECT_EQ(TierUnder(IdleRule(1), Facts(kToday)), "");
  // Used recently: the creation long ago does not count.
  EXPECT_EQ(TierUnder(IdleRule(10), Facts(kToday - 2, kToday - 100)), "");
}

TEST(DecideTierTest, NeverUsedDatasetsAreIdleSinceTheyWereNamed) {
  DatasetFacts facts = Facts(std::nullopt, kToday - 9);
  facts.dataset.created_ms += kMillisPerDay - 1;  // late on its day: still that day
  EXPECT_EQ(TierUnder(IdleRule(9), facts), "cold");
  EXPECT_EQ(TierUnder(IdleRule(10), facts), "");
  EXPECT_EQ(DecideTier(facts, {IdleRule(9)}, "hot", kNow).why, "policy idle: never used in 9 days");
  // Named today: not idle at all.
  EXPECT_EQ(TierUnder(IdleRule(1), Facts(std::nullopt, kToday)), "");
}

TEST(DecideTierTest, MaxIdleDaysIsAnUpperBound) {
  EXPECT_EQ(TierUnder(IdleRule(0, 7, "hot2"), Facts(kToday - 6)), "hot2");
  EXPECT_EQ(TierUnder(IdleRule(0, 7, "hot2"), Facts(kToday - 7)), "");
  EXPECT_EQ(TierUnder(IdleRule(0, 7, "hot2"), Facts(kToday)), "hot2");
  const PolicyRule band = IdleRule(3, 7, "warm");
  EXPECT_EQ(TierUnder(band, Facts(kToday - 2)), "");
  EXPECT_EQ(TierUnder(band, Facts(kToday - 3)), "warm");
  EXPECT_EQ(TierUnder(band, Facts(kToday - 6)), "warm");
  EXPECT_EQ(TierUnder(band, Facts(kToday - 7)), "");
  // Never used: counted from creation as for min_idle_days.
  EXPECT_EQ(TierUnder(band, Facts(std::nullopt, kToday - 5)), "warm");
  EXPECT_EQ(TierUnder(band, Facts(std::nullopt, kToday - 50)), "");
}

TEST(DecideTierTest, MinAgeCountsFromTheLastWrite) {
  PolicyRule old = Rule("old", "cold");
  old.min_age_days = 30;
  DatasetFacts facts = Facts(kToday);  // read today: age is not idleness
  facts.last_write_ms = kNow - 30 * kMillisPerDay;
  TierDecision d = DecideTier(facts, {old}, "hot", kNow);
  EXPECT_EQ(d.tier, "cold");
  EXPECT_EQ(d.why, "policy old: last written 30 days ago");
  facts.last_write_ms += 1;  // a millisecond short of 30 days
  EXPECT_EQ(TierUnder(old, facts), "");
  // Idleness does not make a recently written dataset old.
  facts = Facts(kToday - 500, kToday - 1000);
  EXPECT_EQ(TierUnder(old, facts), "");
}

TEST(DecideTierTest, SizeBoundsAreInclusive) {
  PolicyRule mid = Rule("mid", "capacity");
  mid.min_size = 100;
  mid.max_size = 200;
  EXPECT_EQ(TierUnder(mid, Facts(kToday, kToday - 5, 99)), "");
  EXPECT_EQ(TierUnder(mid, Facts(kToday, kToday - 5, 100)), "capacity");
  EXPECT_EQ(TierUnder(mid, Facts(kToday, kToday - 5, 200)), "capacity");
  EXPECT_EQ(TierUnder(mid, Facts(kToday, kToday - 5, 201)), "");
  PolicyRule big = Rule("big", "capacity");
  big.min_size = 1ull << 30;
  EXPECT_EQ(TierUnder(big, Facts(kToday, kToday - 5, (1ull << 30) - 1)), "");
  EXPECT_EQ(TierUnder(big, Facts(kToday, kToday - 5, 5ull << 40)), "capacity");
  PolicyRule small = Rule("small", "hot");
  small.max_size = 10;
  EXPECT_EQ(TierUnder(small, Facts(kToday, kToday - 5, 0)), "hot");
  EXPECT_EQ(TierUnder(small, Facts(kToday, kToday - 5, 11)), "");
}

TEST(DecideTierTest, PopularityConditionsNeedAPrediction) {
  PolicyRule unpopular = Rule("unpopular", "cold");
  unpopular.popularity_below = 0.2;
  PolicyRule popular = Rule("popular", "hot");
  popular.popularity_at_least = 0.5;
  DatasetFacts facts = Facts(kToday - 100);
  ASSERT_FALSE(facts.popularity.has_value());
  EXPECT_EQ(TierUnder(unpopular, facts), "") << "no model: the condition does not match";
  EXPECT_EQ(TierUnder(popular, facts), "");

  facts.popularity = 0.1;
  TierDecision d = DecideTier(facts, {popular, unpopular}, "hot", kNow);
  EXPECT_EQ(d.tier, "cold");
  EXPECT_EQ(d.why, "policy unpopular: P(used) 0.10");
  facts.popularity = 0.2;  // not below
  EXPECT_EQ(TierUnder(unpopular, facts), "");
  facts.popularity = 0.5;
  EXPECT_EQ(TierUnder(popular, facts), "hot");
  facts.popularity = 0.49;
  EXPECT_EQ(TierUnder(popular, facts), "");
  // Both bounds on one rule: a band.
  PolicyRule band = Rule("band", "warm");
  band.popularity_at_least = 0.3;
  band.popularity_below = 0.6;
  facts.popularity = 0.45;
  EXPECT_EQ(TierUnder(band, facts), "warm");
  facts.popularity = 0.6;
  EXPECT_EQ(TierUnder(band, facts), "");
}

TEST(DecideTierTest, AStagedDatasetStaysOnItsStagedTier) {
  const std::vector<PolicyRule> rules = {Rule("everything", "cold")};
  DatasetFacts facts = Facts(kToday - 400);
  facts.dataset.staged_tier = "fast";
  facts.dataset.staged_until_ms = kNow + 1;
  TierDecision d = DecideTier(facts, rules, "hot", kNow);
  EXPECT_EQ(d.tier, "fast");
  EXPECT_EQ(d.why, "staged until " + FormatIso8601(kNow + 1));
  EXPECT_FALSE(d.stage_ended);

  facts.dataset.staged_until_ms = 0;  // until unstaged
  d = DecideTier(facts, rules, "hot", kNow + 1000 * kMillisPerDay);
  EXPECT_EQ(d.tier, "fast");
  EXPECT_EQ(d.why, "staged until unstaged");
  EXPECT_FALSE(d.stage_ended);
}

TEST(DecideTierTest, AnEndedStagingGoesToThePolicyTierOrTheWriteTier) {
  DatasetFacts facts = Facts(kToday - 40);
  facts.dataset.staged_tier = "fast";
  for (int64_t until : {kNow, kNow - 1, int64_t{1}}) {
    facts.dataset.staged_until_ms = until;
    TierDecision d = DecideTier(facts, {IdleRule(30)}, "hot", kNow);
    EXPECT_EQ(d.tier, "cold") << until;
    EXPECT_TRUE(d.stage_ended) << until;
    EXPECT_EQ(d.why, "staging ended; policy idle: last used 40 days ago") << until;

    d = DecideTier(facts, {IdleRule(60)}, "hot", kNow);
    EXPECT_EQ(d.tier, "hot") << until;
    EXPECT_TRUE(d.stage_ended) << until;
    EXPECT_EQ(d.why, "staging ended; no policy applies: back to the write tier");
    EXPECT_EQ(DecideTier(facts, {}, "capacity", kNow).tier, "capacity");
  }
}

TEST(DecideTierTest, WithoutAMatchingRuleADatasetStays) {
  TierDecision d = DecideTier(Facts(kToday - 3), {}, "hot", kNow);
  EXPECT_EQ(d.tier, "");
  EXPECT_EQ(d.why, "");
  EXPECT_FALSE(d.stage_ended);
  d = DecideTier(Facts(kToday - 3), {IdleRule(30), IdleRule(0, 2, "hot")}, "hot", kNow);
  EXPECT_EQ(d.tier, "");
  EXPECT_FALSE(d.stage_ended);
}

TEST(DecideTierTest, PrefixConditionsMatchTheBucketAndPrefix) {
  PolicyRule runs = Rule("runs", "cold");
  runs.prefix = "sim/runs/";
  EXPECT_EQ(TierUnder(runs, Facts(kToday)), "cold");  // sim/runs/1/
  DatasetFacts other = Facts(kToday);
  other.dataset.prefix = "scratch/";
  EXPECT_EQ(TierUnder(runs, other), "");
  other.dataset.bucket = "simulations";
  other.dataset.prefix = "runs/";  // "simulations/runs/" is not under "sim/runs/"
  EXPECT_EQ(TierUnder(runs, other), "");
  EXPECT_EQ(DecideTier(Facts(kToday), {runs}, "hot", kNow).why, "policy runs: under sim/runs/");
}

// MakePlan and ApplyPlan on a store made with EmbeddedDefault() (hot, capacity).
class PlanOnStoreTest : public ::testing::Test {
 protected:
  void Open(const std::vector<PolicyRule>& policies) {
    InitOptions init = EmbeddedDefault();
    init.config.policies = policies;
    ASSERT_OK(ObjectStore::Init(root_, init));
    ASSERT_OK_AND_ASSIGN(store_, ObjectStore::Open(root_));
    ASSERT_OK(store_->CreateBucket("sim"));
  }
  // Records an object last written at `modified_ms` in the catalog only.
  void Record(const std::string& key, uint64_t size, int64_t modified_ms) {
    BlobRecord blob = testing::MakeBlob("blob-" + std::to_string(++blobs_), BlobKind::kObject, size);
    blob.tier = "hot";
    ASSERT_OK(store_->catalog().InsertPendingBlob(blob));
    ObjectRecord object = testing::MakeObject("sim", key, "v1", blob.blob_id, size);
    object.created_ms = object.modified_ms = modified_ms;
    ASSERT_OK(store_->catalog().CommitObject(object).status());
  }

  testing::TempDir dir_;
  std::string root_ = dir_.Sub("store");
  std::unique_ptr<ObjectStore> store_;
  int blobs_ = 0;
};

// A nested dataset's objects are its own: a fresh write there must not make
// the outer dataset look recently written.
TEST_F(PlanOnStoreTest, ADatasetIsJudgedByItsOwnObjectsNotItsNestedDatasets) {
  PolicyRule old = Rule("old", "capacity");
  old.min_age_days = 30;
  ASSERT_NO_FATAL_FAILURE(Open({old}));
  ASSERT_OK(store_->AddDataset("outer", "sim", "runs/"));
  ASSERT_OK(store_->AddDataset("inner", "sim", "runs/new/"));
  const int64_t now = NowMillis();
  ASSERT_NO_FATAL_FAILURE(Record("runs/old.bin", 10, now - 100 * kMillisPerDay));
  ASSERT_NO_FATAL_FAILURE(Record("runs/new/x", 20, now - kMillisPerDay));

  ASSERT_OK_AND_ASSIGN(Plan plan, MakePlan(*store_, now));
  ASSERT_EQ(plan.datasets.size(), 2u);
  const DatasetFacts& outer = plan.datasets[plan.datasets[0].dataset.name == "outer" ? 0 : 1];
  const TierDecision& decision = plan.decisions[plan.datasets[0].dataset.name == "outer" ? 0 : 1];
  EXPECT_EQ(outer.objects, 1u);
  EXPECT_EQ(outer.bytes, 10u);
  EXPECT_EQ(outer.last_write_ms, now - 100 * kMillisPerDay) << "the nested dataset's write leaked into the outer one";
  EXPECT_EQ(decision.tier, "capacity") << decision.why;
  ASSERT_EQ(plan.moves.size(), 1u);
  EXPECT_EQ(plan.moves[0].dataset, "outer");
  EXPECT_EQ(plan.moves[0].objects, 1u);
  EXPECT_EQ(plan.moves[0].nested_prefixes, (std::vector<std::string>{"runs/new/"}));
}

TEST_F(PlanOnStoreTest, ApplyMovesStagedDatasetsAndClearsEndedStagings) {
  ASSERT_NO_FATAL_FAILURE(Open({}));
  ASSERT_OK(store_->AddDataset("run1", "sim", "run1/"));
  ASSERT_OK(store_->AddDataset("run2", "sim", "run2/"));
  const std::string data(200 * 1024, 'x');
  for (const char* key : {"run1/a", "run1/b", "run2/a"}) {
    ASSERT_OK(store_->PutBytes("sim", key, testing::AsBytes(data)).status());
  }
  const int64_t now = NowMillis();
  ASSERT_OK(store_->catalog().SetDatasetStaging("run1", "capacity", now + kMillisPerDay));
  ASSERT_OK(store_->catalog().SetDatasetStaging("run2", "capacity", now - 1));  // ended, already home
  ASSERT_OK_AND_ASSIGN(Plan plan, MakePlan(*store_, now));
  ASSERT_EQ(plan.moves.size(), 2u);
  EXPECT_EQ(plan.moves[0].to, "capacity");
  EXPECT_EQ(plan.moves[0].objects, 2u);
  EXPECT_EQ(plan.moves[0].from, (std::vector<std::string>{"hot"}));
  EXPECT_EQ(plan.moves[1].to, "hot");
  EXPECT_EQ(plan.moves[1].objects, 0u);
  EXPECT_TRUE(plan.moves[1].stage_ended);

  ASSERT_OK_AND_ASSIGN(ApplyReport report, ApplyPlan(*store_, plan, ApplyOptions{}));
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(report.moved.objects_moved, 2u);
  EXPECT_EQ(report.moved.bytes_moved, 2 * data.size());
  ASSERT_OK_AND_ASSIGN(auto usage, store_->catalog().TierUsageUnder("sim", "run1/"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].tier, "capacity");
  ASSERT_OK_AND_ASSIGN(auto datasets, store_->catalog().ListDatasets());
  EXPECT_EQ(datasets[0].staged_tier, "capacity");  // run1: still staged
  EXPECT_EQ(datasets[1].staged_tier, "") << "run2's ended staging is cleared";
  ASSERT_OK_AND_ASSIGN(plan, MakePlan(*store_, now));
  EXPECT_TRUE(plan.moves.empty());
}

}  // namespace
}  // namespace strata::tiering
