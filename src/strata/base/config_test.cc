#include "strata/base/config.h"

#include <string>

#include <gtest/gtest.h>

#include "strata/base/file_io.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

// Parses `text` as strata.toml and returns the error message ("" when it parsed).
std::string ErrorOf(const std::string& text) {
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  return config.status().message();
}

TEST(CodeSpecTest, ParsesAndPrints) {
  Result<CodeSpec> code = ParseCodeSpec("4+2");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->k, 4);
  EXPECT_EQ(code->m, 2);
  EXPECT_EQ(code->width(), 6);
  EXPECT_EQ(code->ToString(), "4+2");
  EXPECT_EQ(*ParseCodeSpec("1+0"), (CodeSpec{1, 0}));
  EXPECT_EQ(*ParseCodeSpec("31+1"), (CodeSpec{31, 1}));
  EXPECT_EQ(*ParseCodeSpec("1+31"), (CodeSpec{1, 31}));
  EXPECT_EQ(*ParseCodeSpec("32+0"), (CodeSpec{32, 0}));
  EXPECT_EQ(*ParseCodeSpec("10+4"), (CodeSpec{10, 4}));
  EXPECT_EQ((CodeSpec{10, 4}).ToString(), "10+4");
  EXPECT_EQ(CodeSpec().ToString(), "1+0");
}

TEST(CodeSpecTest, RefusesBadCodes) {
  for (const char* text : {"", "4", "4+", "+2", "4-2", "4+2+1", "a+b", "4 +2", "-1+2", "4+-2", "0+1", "0+0",
                           "33+0", "30+3", "20+13", "1000+1", "99999999999+1"}) {
    Result<CodeSpec> code = ParseCodeSpec(text);
    EXPECT_FALSE(code.ok()) << text;
    if (!code.ok()) {
      EXPECT_EQ(code.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(code.status().message().find("'" + std::string(text) + "'"), std::string::npos)
          << code.status().message();
    }
  }
  EXPECT_EQ(ParseCodeSpec("0+1").status().message(), "code '0+1': k must be at least 1");
  EXPECT_EQ(ParseCodeSpec("30+3").status().message(), "code '30+3': k+m must be at most 32");
  EXPECT_EQ(ParseCodeSpec("99999999999+1").status().message(), "code '99999999999+1': k+m must be at most 32");
  EXPECT_EQ(ParseCodeSpec("4-2").status().message(), "code '4-2' must be written k+m, like \"4+2\"");
}

TEST(ParseConfigTest, EmptyFileGivesDefaults) {
  Result<StoreConfig> config = ParseConfig("", "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  StoreConfig defaults;
  EXPECT_EQ(config->unit_size, 1u << 20);
  EXPECT_EQ(config->level1, defaults.level1);
  EXPECT_EQ(config->level2, (CodeSpec{4, 2}));
  EXPECT_EQ(config->small_object_threshold, 64u << 10);
  EXPECT_EQ(config->pack_target_size, 8u << 20);
  EXPECT_EQ(config->compact_below_live_ratio, 0.5);
  EXPECT_EQ(config->catalog, "catalog.db");
  EXPECT_EQ(config->log_level, "warn");
}

TEST(ParseConfigTest, ReadsEveryKey) {
  const std::string text = R"(# a store
[store]
unit_size = "256KiB"            # string
small_object_threshold = 32768  # integer bytes
pack_target_size = "16MiB"
compact_below_live_ratio = 0.25
catalog = "meta/catalog.db"
log_level = "debug"

[layout]
level1 = "2+1"
level2 = "8+3"
)";
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->unit_size, 256u << 10);
  EXPECT_EQ(config->small_object_threshold, 32768u);
  EXPECT_EQ(config->pack_target_size, 16u << 20);
  EXPECT_EQ(config->compact_below_live_ratio, 0.25);
  EXPECT_EQ(config->catalog, "meta/catalog.db");
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->level1, (CodeSpec{2, 1}));
  EXPECT_EQ(config->level2, (CodeSpec{8, 3}));
}

TEST(ParseConfigTest, MissingKeysKeepDefaults) {
  Result<StoreConfig> config = ParseConfig("[layout]\nlevel2 = \"10+4\"\n", "strata.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->level2, (CodeSpec{10, 4}));
  EXPECT_EQ(config->level1, (CodeSpec{1, 0}));
  EXPECT_EQ(config->unit_size, 1u << 20);
}

TEST(ParseConfigTest, AcceptsEdgeValues) {
  ASSERT_TRUE(ParseConfig("[store]\nunit_size = \"4KiB\"\n", "strata.toml").ok());
  ASSERT_TRUE(ParseConfig("[store]\nunit_size = \"64MiB\"\n", "strata.toml").ok());
  ASSERT_TRUE(ParseConfig("[store]\nunit_size = 65536\n", "strata.toml").ok());
  ASSERT_TRUE(ParseConfig("[store]\ncompact_below_live_ratio = 0\n", "strata.toml").ok());
  ASSERT_TRUE(ParseConfig("[store]\ncompact_below_live_ratio = 1.0\n", "strata.toml").ok());
  for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
    Result<StoreConfig> config =
        ParseConfig(std::string("[store]\nlog_level = \"") + level + "\"\n", "strata.toml");
    ASSERT_TRUE(config.ok()) << level;
    EXPECT_EQ(config->log_level, level);
  }
  Result<StoreConfig> dotted = ParseConfig("store.unit_size = \"8KiB\"\nlayout.level1 = \"3+1\"\n", "strata.toml");
  ASSERT_TRUE(dotted.ok()) << dotted.status().ToString();
  EXPECT_EQ(dotted->unit_size, 8u << 10);
  EXPECT_EQ(dotted->level1, (CodeSpec{3, 1}));
}

TEST(ParseConfigTest, UnknownKeyNamesItsLine) {
  EXPECT_EQ(ErrorOf("# settings\n[store]\nunit_size = \"1MiB\"\nunit_sise = \"1MiB\"\n"),
            "strata.toml line 4: unknown key 'unit_sise' in [store]");
  EXPECT_EQ(ErrorOf("[layout]\nlevel1 = \"1+0\"\n\nlevel3 = \"4+2\"\n"),
            "strata.toml line 4: unknown key 'level3' in [layout]");
  EXPECT_EQ(ErrorOf("\n\n[stor]\nunit_size = \"1MiB\"\n"), "strata.toml line 3: unknown table [stor]");
  EXPECT_EQ(ErrorOf("unit_size = \"1MiB\"\n"),
            "strata.toml line 1: unknown key 'unit_size' (settings belong in [store] or [layout])");
  EXPECT_EQ(ErrorOf("[store]\n\n[store.extra]\nx = 1\n"), "strata.toml line 3: unknown key 'extra' in [store]");
}

TEST(ParseConfigTest, BadValuesNameTheirLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[store]\nunit_size = \"3000KiB\"\n",
       "strata.toml line 2: unit_size in [store] must be a power of two from 4KiB to 64MiB, got 3072000"},
      {"[store]\n\nunit_size = 1000\n",
       "strata.toml line 3: unit_size in [store] must be a power of two from 4KiB to 64MiB, got 1000"},
      {"[store]\nunit_size = \"2KiB\"\n",
       "strata.toml line 2: unit_size in [store] must be a power of two from 4KiB to 64MiB, got 2048"},
      {"[store]\nunit_size = \"128MiB\"\n",
       "strata.toml line 2: unit_size in [store] must be a power of two from 4KiB to 64MiB, got 134217728"},
      {"[store]\nunit_size = 0\n",
       "strata.toml line 2: unit_size in [store] must be a power of two from 4KiB to 64MiB, got 0"},
      {"[store]\nunit_size = -4096\n", "strata.toml line 2: unit_size in [store] must not be negative"},
      {"[store]\nunit_size = \"1 furlong\"\n",
       "strata.toml line 2: unit_size in [store]: size '1 furlong' has unknown unit 'furlong' "
       "(use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)"},
      {"[store]\nunit_size = 1.5\n",
       "strata.toml line 2: unit_size in [store] must be a size such as \"1MiB\" or a number of bytes"},
      {"[store]\nsmall_object_threshold = true\n",
       "strata.toml line 2: small_object_threshold in [store] must be a size such as \"1MiB\" or a number of bytes"},
      {"[store]\npack_target_size = 0\n", "strata.toml line 2: pack_target_size in [store] must be greater than zero"},
      {"[store]\ncompact_below_live_ratio = 1.5\n",
       "strata.toml line 2: compact_below_live_ratio in [store] must be from 0 to 1, got 1.5"},
      {"[store]\ncompact_below_live_ratio = -0.1\n",
       "strata.toml line 2: compact_below_live_ratio in [store] must be from 0 to 1, got -0.1"},
      {"[store]\ncompact_below_live_ratio = nan\n",
       "strata.toml line 2: compact_below_live_ratio in [store] must be from 0 to 1, got nan"},
      {"[store]\ncompact_below_live_ratio = \"half\"\n",
       "strata.toml line 2: compact_below_live_ratio in [store] must be a number from 0 to 1"},
      {"[store]\ncatalog = 3\n", "strata.toml line 2: catalog in [store] must be a string"},
      {"[store]\ncatalog = \"\"\n", "strata.toml line 2: catalog in [store] must not be empty"},
      {"[store]\nlog_level = \"verbose\"\n",
       "strata.toml line 2: log_level in [store] is 'verbose'; use trace, debug, info, warn, error or off"},
      {"[layout]\nlevel1 = \"1+0\"\nlevel2 = \"0+2\"\n",
       "strata.toml line 3: level2 in [layout]: code '0+2': k must be at least 1"},
      {"[layout]\nlevel2 = \"30+3\"\n", "strata.toml line 2: level2 in [layout]: code '30+3': k+m must be at most 32"},
      {"[layout]\nlevel1 = \"four+two\"\n",
       "strata.toml line 2: level1 in [layout]: code 'four+two' must be written k+m with whole numbers, like \"4+2\""},
      {"[layout]\nlevel1 = 4\n", "strata.toml line 2: level1 in [layout] must be a string"},
      {"store = 5\n", "strata.toml line 1: 'store' must be a table: [store]"},
      {"\n[[layout]]\n", "strata.toml line 2: 'layout' must be a table: [layout]"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(ParseConfigTest, SyntaxErrorsNameTheirLine) {
  std::string message = ErrorOf("[store]\nunit_size = \"1MiB\"\nlog_level = \n");
  EXPECT_EQ(message.rfind("strata.toml line 3: ", 0), 0u) << message;
  message = ErrorOf("[store]\nunit_size = \"1MiB\"\nunit_size = \"2MiB\"\n");
  EXPECT_EQ(message.rfind("strata.toml line 3: ", 0), 0u) << message;
  message = ErrorOf("[store\n");
  EXPECT_EQ(message.rfind("strata.toml line 1: ", 0), 0u) << message;
  message = ErrorOf("[store]\n\n\n\ncatalog = \"unterminated\n");
  EXPECT_EQ(message.rfind("strata.toml line 5: ", 0), 0u) << message;
}

TEST(ParseConfigTest, MessagesUseTheGivenFileName) {
  Result<StoreConfig> config = ParseConfig("[store]\nbogus = 1\n", "site.toml");
  EXPECT_EQ(config.status().message(), "site.toml line 2: unknown key 'bogus' in [store]");
}

void ExpectSameConfig(const StoreConfig& a, const StoreConfig& b) {
  EXPECT_EQ(a.unit_size, b.unit_size);
  EXPECT_EQ(a.level1, b.level1);
  EXPECT_EQ(a.level2, b.level2);
  EXPECT_EQ(a.small_object_threshold, b.small_object_threshold);
  EXPECT_EQ(a.pack_target_size, b.pack_target_size);
  EXPECT_EQ(a.compact_below_live_ratio, b.compact_below_live_ratio);
  EXPECT_EQ(a.catalog, b.catalog);
  EXPECT_EQ(a.log_level, b.log_level);
}

TEST(RenderConfigTest, DefaultsRoundTrip) {
  StoreConfig defaults;
  std::string text = RenderConfig(defaults);
  EXPECT_NE(text.find("# "), std::string::npos);  // commented
  EXPECT_NE(text.find("[store]"), std::string::npos);
  EXPECT_NE(text.find("[layout]"), std::string::npos);
  EXPECT_NE(text.find("unit_size = \"1MiB\""), std::string::npos) << text;
  EXPECT_NE(text.find("level2 = \"4+2\""), std::string::npos) << text;
  Result<StoreConfig> parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  ExpectSameConfig(*parsed, defaults);
}

TEST(RenderConfigTest, UnusualValuesRoundTrip) {
  StoreConfig config;
  config.unit_size = 4096;
  config.level1 = {3, 1};
  config.level2 = {20, 12};
  config.small_object_threshold = 12345;           // not a whole KiB
  config.pack_target_size = (3ull << 40) + 1;      // large and odd
  config.compact_below_live_ratio = 0.1 + 0.2;     // needs all 17 digits
  config.catalog = "dir with \"quotes\"\\and\tcontrol\x01 chars/catalog.db";
  config.log_level = "off";
  std::string text = RenderConfig(config);
  Result<StoreConfig> parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  ExpectSameConfig(*parsed, config);

  for (double ratio : {0.0, 1.0, 1e-7, 0.5, 0.999999999}) {
    config.compact_below_live_ratio = ratio;
    parsed = ParseConfig(RenderConfig(config), "strata.toml");
    ASSERT_TRUE(parsed.ok()) << ratio << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->compact_below_live_ratio, ratio);
  }
  for (uint32_t unit = 4096; unit <= (64u << 20); unit *= 2) {
    config.unit_size = unit;
    parsed = ParseConfig(RenderConfig(config), "strata.toml");
    ASSERT_TRUE(parsed.ok()) << unit;
    EXPECT_EQ(parsed->unit_size, unit);
  }
}

TEST(LoadConfigTest, ReadsAFileAndNamesItInMessages) {
  testing::TempDir dir;
  FileSystem& fs = *PosixFileSystem::Default();
  StoreConfig config;
  config.level2 = {6, 3};
  ASSERT_TRUE(WriteFileAtomically(fs, dir.Sub("strata.toml"), RenderConfig(config)).ok());
  Result<StoreConfig> loaded = LoadConfig(dir.Sub("strata.toml"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->level2, (CodeSpec{6, 3}));

  ASSERT_TRUE(WriteFileAtomically(fs, dir.Sub("strata.toml"), "[store]\nlog_level = \"info\"\nunit_sise = 1\n").ok());
  loaded = LoadConfig(dir.Sub("strata.toml"));
  EXPECT_EQ(loaded.status().message(), "strata.toml line 3: unknown key 'unit_sise' in [store]");

  loaded = LoadConfig(dir.Sub("absent.toml"));
  EXPECT_TRUE(loaded.status().IsNotFound());
  EXPECT_NE(loaded.status().message().find("absent.toml"), std::string::npos);
}

}  // namespace
}  // namespace strata
