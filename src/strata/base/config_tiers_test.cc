// [[tiers]], write_tier and [[policies]] in strata.toml: parsing with
// defaults from [layout], every refusal naming its line, the tiers a store
// without [[tiers]] has, and RenderConfig reading back field by field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "strata/base/config.h"

namespace strata {
namespace {

// The error message of parsing `text` ("" when it parsed).
std::string ErrorOf(const std::string& text) {
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  return config.status().message();
}

constexpr char kTwoTiers[] = "[[tiers]]\nname = \"hot\"\n\n[[tiers]]\nname = \"cold\"\n\n";  // lines 1-6

TEST(TierConfigTest, TiersTakeUnsetCodesFromLayout) {
  const std::string text =
      "[layout]\nlevel1 = \"2+1\"\nlevel2 = \"6+3\"\nwrite_tier = \"capacity\"\n\n"
      "[[tiers]]\nname = \"hot\"\nmedia = \"nvme\"\nlevel2 = \"2+1\"\n\n"
      "[[tiers]]\nname = \"capacity\"\nmedia = \"hdd\"\n\n"
      "[[tiers]]\nname = \"tape_1-x\"\nlevel1 = \"1+0\"\nlevel2 = \"10+4\"\n";
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::vector<TierConfig> expected = {TierConfig{"hot", "nvme", {2, 1}, {2, 1}},
                                            TierConfig{"capacity", "hdd", {2, 1}, {6, 3}},
                                            TierConfig{"tape_1-x", "", {1, 0}, {10, 4}}};
  EXPECT_EQ(config->tiers, expected);
  EXPECT_EQ(config->write_tier, "capacity");
  EXPECT_EQ(WriteTier(*config), "capacity");
  EXPECT_EQ(EffectiveTiers(*config), expected);
}

TEST(TierConfigTest, LayoutAfterTiersStillGivesTheDefaults) {
  const std::string text =
      "[[tiers]]\nname = \"hot\"\nlevel1 = \"3+0\"\n\n"
      "[[tiers]]\nname = \"capacity\"\n\n"
      "[layout]\nlevel1 = \"1+1\"\nlevel2 = \"8+2\"\n";
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->tiers.size(), 2u);
  EXPECT_EQ(config->tiers[0], (TierConfig{"hot", "", {3, 0}, {8, 2}}));
  EXPECT_EQ(config->tiers[1], (TierConfig{"capacity", "", {1, 1}, {8, 2}}));
  EXPECT_EQ(config->write_tier, "");
  EXPECT_EQ(WriteTier(*config), "hot") << "the first tier, when write_tier is not set";
}

TEST(TierConfigTest, WithoutTiersThereIsOneDefaultTier) {
  Result<StoreConfig> config = ParseConfig("[layout]\nlevel1 = \"2+1\"\nlevel2 = \"6+3\"\n", "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->tiers.empty());
  EXPECT_EQ(EffectiveTiers(*config), (std::vector<TierConfig>{TierConfig{"default", "dir", {2, 1}, {6, 3}}}));
  EXPECT_EQ(WriteTier(*config), "default");
  // write_tier and policies may name it.
  config = ParseConfig("[layout]\nwrite_tier = \"default\"\n[[policies]]\nname = \"p\"\ntier = \"default\"\n",
                       "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(WriteTier(*config), "default");
}

TEST(TierConfigTest, BadTiersAreRefusedWithTheirLine) {
  EXPECT_EQ(ErrorOf("[[tiers]]\nname = \"hot\"\n\n[[tiers]]\nmedia = \"ssd\"\nname = \"hot\"\n"),
            "strata.toml line 6: tier 'hot' is named twice in [[tiers]]");
  EXPECT_EQ(ErrorOf("\n[[tiers]]\nname = \"Hot\"\n"),
            "strata.toml line 3: name in [[tiers]] must be 1-32 of a-z 0-9 _ -, got 'Hot'");
  for (const std::string& name : std::vector<std::string>{"", "a b", "hot!", "h\xc3\xa9", std::string(33, 'a')}) {
    const std::string message = ErrorOf("[[tiers]]\nname = \"" + name + "\"\n");
    EXPECT_EQ(message, "strata.toml line 2: name in [[tiers]] must be 1-32 of a-z 0-9 _ -, got '" + name + "'");
  }
  EXPECT_EQ(ErrorOf("[[tiers]]\nname = \"" + std::string(32, 'a') + "\"\n"), "");
  EXPECT_EQ(ErrorOf("[[tiers]]\nname = \"hot\"\nspeed = 3\n"), "strata.toml line 3: unknown key 'speed' in [[tiers]]");
  EXPECT_EQ(ErrorOf("[[tiers]]\nname = \"hot\"\nlevel2 = \"0+2\"\n"),
            "strata.toml line 3: level2 in [[tiers]]: code '0+2': k must be at least 1");
  EXPECT_EQ(ErrorOf("[[tiers]]\nname = \"hot\"\nmedia = \"spinning rust\"\n"),
            "strata.toml line 3: media in [[tiers]] must be up to 32 printable characters without spaces");
  EXPECT_NE(ErrorOf("[[tiers]]\nmedia = \"ssd\"\n").find("tier 1 in [[tiers]] has no name"), std::string::npos);
  EXPECT_NE(ErrorOf("tiers = 3\n").find("line 1: 'tiers' must be an array of tables"), std::string::npos);
}

TEST(TierConfigTest, WriteTierMustNameATier) {
  EXPECT_EQ(ErrorOf(std::string(kTwoTiers) + "[layout]\nlevel2 = \"4+2\"\nwrite_tier = \"warm\"\n"),
            "strata.toml line 9: write_tier in [layout] names tier 'warm', which is not a tier (tiers: hot, cold)");
  EXPECT_EQ(ErrorOf("[layout]\nwrite_tier = \"hot\"\n"),
            "strata.toml line 2: write_tier in [layout] names tier 'hot', which is not a tier (tiers: default)");
  EXPECT_EQ(ErrorOf("[layout]\nwrite_tier = 1\n"), "strata.toml line 2: write_tier in [layout] must be a string");
}

TEST(PolicyConfigTest, ReadsEveryKey) {
  const std::string text = std::string(kTwoTiers) +
                           "[[policies]]\nname = \"archive-old\"\nprefix = \"sim/runs/\"\nmin_age_days = 30\n"
                           "min_idle_days = 14\nmax_idle_days = 400\nmin_size = \"1GiB\"\nmax_size = 1099511627776\n"
                           "popularity_below = 0.25\npopularity_at_least = 0\ntier = \"cold\"\nreplicas = 3\n\n"
                           "[[policies]]\nname = \"popular\"\npopularity_at_least = 1\ntier = \"hot\"\n";
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->policies.size(), 2u);
  const PolicyRule& a = config->policies[0];
  EXPECT_EQ(a.name, "archive-old");
  EXPECT_EQ(a.prefix, "sim/runs/");
  EXPECT_EQ(a.min_age_days, 30u);
  EXPECT_EQ(a.min_idle_days, 14u);
  EXPECT_EQ(a.max_idle_days, 400u);
  EXPECT_EQ(a.min_size, 1ull << 30);
  EXPECT_EQ(a.max_size, 1ull << 40);
  EXPECT_EQ(a.popularity_below, 0.25);
  EXPECT_EQ(a.popularity_at_least, 0.0);
  EXPECT_EQ(a.tier, "cold");
  EXPECT_EQ(a.replicas, 3u);
  PolicyRule b;  // unset keys keep their defaults: no condition
  b.name = "popular";
  b.popularity_at_least = 1.0;
  b.tier = "hot";
  EXPECT_EQ(config->policies[1], b);
  EXPECT_EQ(config->policies[1].popularity_below, -1.0);
}

TEST(PolicyConfigTest, APolicyMustNameATierOnTheLineOfItsTierKey) {
  const std::string text = std::string(kTwoTiers) +
                           "[[policies]]\nname = \"fine\"\ntier = \"cold\"\n\n"   // lines 7-9
                           "[[policies]]\ntier = \"y\"\nname = \"x\"\nmin_idle_days = 3\n";  // lines 11-14
  EXPECT_EQ(ErrorOf(text), "strata.toml line 12: policy 'x' names tier 'y', which is not a tier (tiers: hot, cold)");
  const std::string after =
      std::string(kTwoTiers) + "[[policies]]\nname = \"x\"\nmin_idle_days = 3\ntier = \"hot2\"\n";
  EXPECT_EQ(ErrorOf(after), "strata.toml line 10: policy 'x' names tier 'hot2', which is not a tier (tiers: hot, cold)");
}

TEST(PolicyConfigTest, BadPoliciesAreRefusedWithTheirLine) {
  struct Case {
    std::string body;  // after kTwoTiers, from line 7
    std::string message;
  };
  const std::string head = "[[policies]]\nname = \"p\"\ntier = \"cold\"\n";  // lines 7-9
  const std::string probability = " in [[policies]] must be a probability from 0 to 1";
  const Case cases[] = {
      {head + "tierr = \"hot\"\n", "line 10: unknown key 'tierr' in [[policies]]"},
      {head + "popularity_below = 1.5\n", "line 10: popularity_below" + probability},
      {head + "popularity_below = -0.1\n", "line 10: popularity_below" + probability},
      {head + "popularity_at_least = 2\n", "line 10: popularity_at_least" + probability},
      {head + "popularity_at_least = nan\n", "line 10: popularity_at_least" + probability},
      {head + "popularity_below = \"0.5\"\n", "line 10: popularity_below" + probability},
      {head + "prefix = \"nobucket\"\n", "line 10: prefix in [[policies]] must be bucket/ or bucket/prefix"},
      {head + "max_size = 0\n", "line 10: max_size in [[policies]] must be greater than zero"},
      {head + "replicas = 9\n", "line 10: replicas in [[policies]] must be from 1 to 8"},
      {head + "replicas = 0\n", "line 10: replicas in [[policies]] must be from 1 to 8"},
      {head + "max_idle_days = 0\n", "line 10: max_idle_days in [[policies]] must be from 1"},
      {head + "min_size = \"2MiB\"\nmax_size = \"1MiB\"\n", "line 8: policy 'p': max_size is below min_size"},
      {head + "min_idle_days = 5\nmax_idle_days = 5\n",
       "line 8: policy 'p': max_idle_days must be above min_idle_days"},
      {"[[policies]]\ntier = \"cold\"\n", "line 7: policy 1 in [[policies]] has no name"},
      {"[[policies]]\nname = \"p\"\n", "line 7: policy 'p' has no tier"},
      {head + "\n[[policies]]\nname = \"p\"\ntier = \"hot\"\n", "line 12: policy 'p' is named twice"},
  };
  for (const Case& c : cases) {
    const std::string message = ErrorOf(kTwoTiers + c.body);
    EXPECT_NE(message.find("strata.toml " + c.message), std::string::npos) << c.body << " -> " << message;
  }
}

TEST(PolicyConfigTest, RenderedTiersAndPoliciesReadBackEqual) {
  StoreConfig config;
  config.level1 = {1, 1};
  config.level2 = {6, 3};
  config.tiers = {TierConfig{"hot", "nvme", {1, 0}, {2, 1}}, TierConfig{"capacity", "", {1, 1}, {6, 3}},
                  TierConfig{"archive", "hdd", {2, 1}, {10, 4}}};
  config.write_tier = "capacity";
  PolicyRule full;
  full.name = "cold \"quoted\" rule";
  full.prefix = "sim/runs/";
  full.min_age_days = 30;
  full.min_idle_days = 14;
  full.max_idle_days = 400;
  full.min_size = 12345;  // not a whole KiB
  full.max_size = 3ull << 30;
  full.popularity_below = 0.1 + 0.2;  // needs all 17 digits
  full.popularity_at_least = 0;       // 0 is a condition
  full.tier = "archive";
  full.replicas = 2;
  PolicyRule bare;
  bare.name = "popular";
  bare.popularity_at_least = 1;
  bare.tier = "hot";
  config.policies = {full, bare};

  const std::string text = RenderConfig(config);
  Result<StoreConfig> parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  EXPECT_EQ(parsed->level1, config.level1);
  EXPECT_EQ(parsed->level2, config.level2);
  EXPECT_EQ(parsed->tiers, config.tiers);
  EXPECT_EQ(parsed->write_tier, config.write_tier);
  ASSERT_EQ(parsed->policies.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const PolicyRule& got = parsed->policies[i];
    const PolicyRule& want = config.policies[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.prefix, want.prefix);
    EXPECT_EQ(got.min_age_days, want.min_age_days);
    EXPECT_EQ(got.min_idle_days, want.min_idle_days);
    EXPECT_EQ(got.max_idle_days, want.max_idle_days);
    EXPECT_EQ(got.min_size, want.min_size);
    EXPECT_EQ(got.max_size, want.max_size);
    EXPECT_EQ(got.popularity_below, want.popularity_below) << want.name;
    EXPECT_EQ(got.popularity_at_least, want.popularity_at_least) << want.name;
    EXPECT_EQ(got.tier, want.tier);
    EXPECT_EQ(got.replicas, want.replicas);
    EXPECT_EQ(got, want);
  }

  // Without tiers or policies, the examples are comments and the tier is the default.
  const std::string plain = RenderConfig(StoreConfig{});
  EXPECT_NE(plain.find("# write_tier"), std::string::npos) << plain;
  EXPECT_NE(plain.find("# [[policies]]"), std::string::npos) << plain;
  parsed = ParseConfig(plain, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << plain;
  EXPECT_TRUE(parsed->tiers.empty());
  EXPECT_TRUE(parsed->policies.empty());
  EXPECT_EQ(parsed->write_tier, "");
}

}  // namespace
}  // namespace strata
