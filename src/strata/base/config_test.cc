#include "strata/base/config.h"

#include <set>
#include <string>
#include <vector>

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
            "strata.toml line 1: unknown key 'unit_size' (settings belong in [store], [layout], [server], "
            "[[users]], [[retention]], [[tiers]] or [[policies]])");
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
  EXPECT_EQ(a.server, b.server);
  EXPECT_EQ(a.users, b.users);
  EXPECT_EQ(a.retention, b.retention);
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

TEST(RenderConfigTest, ServerAndUsersRoundTrip) {
  StoreConfig config;
  config.server.listen = "[::1]:8443";
  config.server.tls_certificate = "/etc/strata/cert \"one\".pem";
  config.server.tls_key = "key.pem";
  config.server.region = "eu-central-1";
  config.server.idle_timeout_seconds = 1;
  config.server.request_timeout_seconds = 86400;
  config.server.max_connections = 1000000;
  config.server.shutdown_grace_seconds = 0;
  config.server.multipart_expiry_seconds = 100ull * 365 * 24 * 3600;
  config.server.cors_origins = {"https://app.example.com", "http://localhost:3000", "http://[::1]:8080"};
  config.users = {NewUserConfig("alice"), NewUserConfig("bob@example.com"),
                  UserConfig{"carol", "carol.key_1-x", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}};
  std::string text = RenderConfig(config);
  EXPECT_NE(text.find("[server]"), std::string::npos);
  EXPECT_NE(text.find("[[users]]"), std::string::npos);
  Result<StoreConfig> parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  ExpectSameConfig(*parsed, config);

  config.server.cors_origins.clear();  // CORS off
  config.users.clear();
  config.server.tls_certificate.clear();
  config.server.tls_key.clear();
  text = RenderConfig(config);
  EXPECT_NE(text.find("cors_origins = []"), std::string::npos) << text;
  EXPECT_NE(text.find("# [[users]]"), std::string::npos) << text;  // an example, commented out
  parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  ExpectSameConfig(*parsed, config);
}

TEST(RetentionConfigTest, RulesRoundTrip) {
  StoreConfig config;
  config.retention = {{"scope/movies/", 60, 14}, {"scope/movies/raw/", 7, 0}, {"lab/", 36500, 36499}};
  const std::string text = RenderConfig(config);
  Result<StoreConfig> parsed = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  ExpectSameConfig(*parsed, config);
  config.retention.clear();
  EXPECT_NE(RenderConfig(config).find("# [[retention]]"), std::string::npos);  // an example, commented out
}

TEST(RetentionConfigTest, BadRulesAreRefusedWithTheirLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"[[retention]]\nexpire_after_days = 3\n", "line 1: rule 1 in [[retention]] has no prefix"},
      {"[[retention]]\nprefix = \"b/\"\n", "line 1: rule 1 in [[retention]] has no expire_after_days"},
      {"[[retention]]\nprefix = \"b\"\nexpire_after_days = 3\n", "line 2: prefix in [[retention]] must be bucket/"},
      {"[[retention]]\nprefix = \"/x\"\nexpire_after_days = 3\n", "line 2: prefix in [[retention]] must be bucket/"},
      {"[[retention]]\nprefix = \"b/\"\nexpire_after_days = 0\n", "line 3: expire_after_days in [[retention]] must be from 1"},
      {"[[retention]]\nprefix = \"b/\"\nexpire_after_days = 5\nwarn_days = 5\n",
       "line 4: warn_days in [[retention]] must be less than expire_after_days (5), got 5"},
      {"[[retention]]\nprefix = \"b/\"\nexpire_after_days = 5\nkeep = true\n", "line 4: unknown key 'keep' in [[retention]]"},
      {"[[retention]]\nprefix = \"b/\"\nexpire_after_days = 5\n[[retention]]\nprefix = \"b/\"\nexpire_after_days = 6\n",
       "line 5: prefix 'b/' in [[retention]] is already on line 2"},
      {"retention = 3\n", "'retention' must be an array of tables"},
  };
  for (const Case& c : cases) {
    Result<StoreConfig> parsed = ParseConfig(c.text, "strata.toml");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << parsed.status().ToString();
  }
}

TEST(ServerConfigTest, DefaultsWithoutAServerTable) {
  Result<StoreConfig> config = ParseConfig("[store]\nlog_level = \"info\"\n", "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->server, ServerConfig());
  EXPECT_EQ(config->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(config->server.region, "us-east-1");
  EXPECT_EQ(config->server.idle_timeout_seconds, 60u);
  EXPECT_EQ(config->server.request_timeout_seconds, 300u);
  EXPECT_EQ(config->server.max_connections, 1024u);
  EXPECT_EQ(config->server.shutdown_grace_seconds, 30u);
  EXPECT_EQ(config->server.multipart_expiry_seconds, 7u * 24 * 3600);
  EXPECT_EQ(config->server.cors_origins, std::vector<std::string>{"*"});
  EXPECT_TRUE(config->server.tls_certificate.empty());
  EXPECT_TRUE(config->users.empty());
}

TEST(ServerConfigTest, ReadsEveryKeyAndUsers) {
  const std::string text = R"([server]
listen = "0.0.0.0:443"
tls_certificate = "/etc/strata/cert.pem"
tls_key = "/etc/strata/key.pem"
region = "garage_1"
idle_timeout_seconds = 5
request_timeout_seconds = 30
max_connections = 64
shutdown_grace_seconds = 0
multipart_expiry_seconds = 3600
cors_origins = ["https://a.example.com", "http://localhost:8080"]

[[users]]
name = "admin"
access_key = "SKADMIN0000000000000"
secret_key = "s3cr3t/with+base64="

[[users]]
name = "reader"
access_key = "abc"
secret_key = "12345678"
)";
  Result<StoreConfig> config = ParseConfig(text, "strata.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const ServerConfig& server = config->server;
  EXPECT_EQ(server.listen, "0.0.0.0:443");
  EXPECT_EQ(server.tls_certificate, "/etc/strata/cert.pem");
  EXPECT_EQ(server.tls_key, "/etc/strata/key.pem");
  EXPECT_EQ(server.region, "garage_1");
  EXPECT_EQ(server.idle_timeout_seconds, 5u);
  EXPECT_EQ(server.request_timeout_seconds, 30u);
  EXPECT_EQ(server.max_connections, 64u);
  EXPECT_EQ(server.shutdown_grace_seconds, 0u);
  EXPECT_EQ(server.multipart_expiry_seconds, 3600u);
  EXPECT_EQ(server.cors_origins, (std::vector<std::string>{"https://a.example.com", "http://localhost:8080"}));
  ASSERT_EQ(config->users.size(), 2u);
  EXPECT_EQ(config->users[0], (UserConfig{"admin", "SKADMIN0000000000000", "s3cr3t/with+base64="}));
  EXPECT_EQ(config->users[1], (UserConfig{"reader", "abc", "12345678"}));

  Result<StoreConfig> inline_users = ParseConfig(
      "users = [{name = \"a\", access_key = \"key\", secret_key = \"password\"}]\n[server]\ncors_origins = []\n",
      "strata.toml");
  ASSERT_TRUE(inline_users.ok()) << inline_users.status().ToString();
  EXPECT_EQ(inline_users->users.size(), 1u);
  EXPECT_TRUE(inline_users->server.cors_origins.empty());
}

TEST(ServerConfigTest, BadValuesNameTheirLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[server]\nlisten = \"9000\"\n",
       "strata.toml line 2: listen in [server]: listen address '9000' must be written host:port, like "
       "\"127.0.0.1:9000\""},
      {"[server]\nlisten = \"localhost:0\"\n",
       "strata.toml line 2: listen in [server]: listen address 'localhost:0': the port must be a number from 1 to "
       "65535"},
      {"[server]\nlisten = \"::1:9000\"\n",
       "strata.toml line 2: listen in [server]: listen address '::1:9000': an IPv6 address must be in brackets, "
       "like \"[::1]:9000\""},
      {"[server]\nlisten = 9000\n", "strata.toml line 2: listen in [server] must be a string"},
      {"[server]\n\ntls_certificate = \"cert.pem\"\n",
       "strata.toml line 3: tls_certificate in [server] is set but tls_key is not; give both or neither"},
      {"[server]\ntls_certificate = \"\"\ntls_key = \"key.pem\"\n",
       "strata.toml line 3: tls_key in [server] is set but tls_certificate is not; give both or neither"},
      {"[server]\nregion = \"\"\n",
       "strata.toml line 2: region in [server]: region '' must be 1 to 64 characters long"},
      {"[server]\nregion = \"us/east\"\n",
       "strata.toml line 2: region in [server]: region 'us/east' may only contain letters, digits, '.', '_' and "
       "'-'"},
      {"[server]\nidle_timeout_seconds = 0\n",
       "strata.toml line 2: idle_timeout_seconds in [server] must be from 1 to 86400, got 0"},
      {"[server]\nrequest_timeout_seconds = 86401\n",
       "strata.toml line 2: request_timeout_seconds in [server] must be from 1 to 86400, got 86401"},
      {"[server]\nmax_connections = -1\n",
       "strata.toml line 2: max_connections in [server] must be from 1 to 1000000, got -1"},
      {"[server]\nshutdown_grace_seconds = \"30s\"\n",
       "strata.toml line 2: shutdown_grace_seconds in [server] must be a whole number from 0 to 86400"},
      {"[server]\nmultipart_expiry_seconds = 1.5\n",
       "strata.toml line 2: multipart_expiry_seconds in [server] must be a whole number from 1 to 3153600000"},
      {"[server]\nmultipart_expiry_seconds = 9223372036854775807\n",
       "strata.toml line 2: multipart_expiry_seconds in [server] must be from 1 to 3153600000, got "
       "9223372036854775807"},
      {"[server]\ncors_origins = \"*\"\n",
       "strata.toml line 2: cors_origins in [server] must be a list of strings, like [\"*\"]"},
      {"[server]\ncors_origins = [\n  \"*\",\n  \"example.com\"\n]\n",
       "strata.toml line 4: cors_origins in [server]: 'example.com' is not \"*\" or an origin like "
       "\"https://app.example.com:8443\""},
      {"[server]\ncors_origins = [\"https://a b\"]\n",
       "strata.toml line 2: cors_origins in [server]: 'https://a b' is not \"*\" or an origin like "
       "\"https://app.example.com:8443\""},
      {"[server]\nport = 9000\n", "strata.toml line 2: unknown key 'port' in [server]"},
      {"server = \"x\"\n", "strata.toml line 1: 'server' must be a table: [server]"},
      {"[users]\nname = \"a\"\n", "strata.toml line 1: 'users' must be an array of tables: [[users]]"},
      {"users = [\"a\"]\n",
       "strata.toml line 1: each entry of 'users' must be a table: [[users]] with name, access_key and secret_key"},
      {"\n[[users]]\nname = \"a\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 2: user 1 in [[users]] has no access_key"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret_key = \"12345678\"\n\n[[users]]\n"
       "access_key = \"abd\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 6: user 2 in [[users]] has no name"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret = \"12345678\"\n",
       "strata.toml line 4: unknown key 'secret' in [[users]]"},
      {"[[users]]\nname = \"a\"\naccess_key = \"ab\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 3: access_key in [[users]]: access key 'ab' must be 3 to 128 characters long"},
      {"[[users]]\nname = \"a\"\naccess_key = \"a/b\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 3: access_key in [[users]]: access key 'a/b' may only contain letters, digits, '.', '_' "
       "and '-'"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret_key = \"1234567\"\n",
       "strata.toml line 4: secret_key in [[users]]: secret key must be 8 to 128 characters long, got 7"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret_key = \"1234 5678\"\n",
       "strata.toml line 4: secret_key in [[users]]: secret key may only contain printable ASCII characters, "
       "without spaces"},
      {"[[users]]\nname = \"two words\"\naccess_key = \"abc\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 2: name in [[users]]: user name 'two words' may only contain letters, digits, '.', '_', "
       "'@' and '-'"},
      {"[[users]]\nname = 5\n", "strata.toml line 2: name in [[users]] must be a string"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret_key = \"12345678\"\n[[users]]\nname = \"a\"\n"
       "access_key = \"abd\"\nsecret_key = \"12345678\"\n",
       "strata.toml line 6: user name 'a' in [[users]] is already used on line 2"},
      {"[[users]]\nname = \"a\"\naccess_key = \"abc\"\nsecret_key = \"12345678\"\n[[users]]\nname = \"b\"\n"
       "access_key = \"abc\"\nsecret_key = \"abcdefgh\"\n",
       "strata.toml line 7: access_key 'abc' in [[users]] is already used by user 'a' on line 3"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(ParseListenAddressTest, AcceptsHostsAndPorts) {
  using Address = std::pair<std::string, uint16_t>;
  EXPECT_EQ(*ParseListenAddress("127.0.0.1:9000"), (Address{"127.0.0.1", 9000}));
  EXPECT_EQ(*ParseListenAddress("0.0.0.0:1"), (Address{"0.0.0.0", 1}));
  EXPECT_EQ(*ParseListenAddress("localhost:65535"), (Address{"localhost", 65535}));
  EXPECT_EQ(*ParseListenAddress("s3.example-1.com:443"), (Address{"s3.example-1.com", 443}));
  EXPECT_EQ(*ParseListenAddress("[::1]:9000"), (Address{"::1", 9000}));
  EXPECT_EQ(*ParseListenAddress("[::]:80"), (Address{"::", 80}));
  EXPECT_EQ(*ParseListenAddress("[2001:db8::7]:8080"), (Address{"2001:db8::7", 8080}));
  EXPECT_EQ(*ParseListenAddress("[::ffff:10.0.0.1]:9000"), (Address{"::ffff:10.0.0.1", 9000}));
}

TEST(ParseListenAddressTest, RefusesBadAddresses) {
  for (const char* bad : {"", ":", "9000", ":9000", "localhost", "localhost:", "localhost:0", "localhost:65536",
                          "localhost:123456", "localhost:-1", "localhost:+80", "localhost:80x", "local host:80",
                          "::1:9000", "[::1]", "[::1]9000", "[::1]:", "[::1:9000", "[not-v6]:80", "[1.2.3.4]:80",
                          "[fe80::1%eth0]:80", "256.1.1.1:80", "1.2.3:80", "-bad.com:80", "bad-.com:80",
                          "a..b:80", "host_name:80", " localhost:80", "localhost:80 "}) {
    Result<std::pair<std::string, uint16_t>> address = ParseListenAddress(bad);
    EXPECT_FALSE(address.ok()) << bad;
    if (!address.ok()) {
      EXPECT_EQ(address.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(address.status().message().rfind("listen address '" + std::string(bad) + "'", 0), 0u)
          << address.status().message();
    }
  }
}

TEST(NewUserConfigTest, GeneratesValidDistinctKeys) {
  std::set<std::string> access_keys, secrets;
  for (int i = 0; i < 200; ++i) {
    UserConfig user = NewUserConfig("user" + std::to_string(i));
    EXPECT_EQ(user.name, "user" + std::to_string(i));
    ASSERT_EQ(user.access_key.size(), 20u);
    EXPECT_EQ(user.access_key.substr(0, 2), "SK");
    for (char c : user.access_key) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << user.access_key;
    ASSERT_EQ(user.secret_key.size(), 40u);
    for (char c : user.secret_key) {
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << user.secret_key;
    }
    EXPECT_TRUE(CheckUserName(user.name).ok());
    EXPECT_TRUE(CheckAccessKey(user.access_key).ok());
    EXPECT_TRUE(CheckSecretKey(user.secret_key).ok());
    access_keys.insert(user.access_key);
    secrets.insert(user.secret_key);
  }
  EXPECT_EQ(access_keys.size(), 200u);
  EXPECT_EQ(secrets.size(), 200u);
}

TEST(UserChecksTest, Limits) {
  EXPECT_TRUE(CheckUserName("a").ok());
  EXPECT_TRUE(CheckUserName(std::string(64, 'n')).ok());
  EXPECT_FALSE(CheckUserName("").ok());
  EXPECT_FALSE(CheckUserName(std::string(65, 'n')).ok());
  EXPECT_FALSE(CheckUserName("caf\xc3\xa9").ok());
  EXPECT_TRUE(CheckAccessKey(std::string(128, 'K')).ok());
  EXPECT_FALSE(CheckAccessKey(std::string(129, 'K')).ok());
  EXPECT_FALSE(CheckAccessKey("a,b").ok());
  EXPECT_FALSE(CheckAccessKey("a=b").ok());
  EXPECT_TRUE(CheckSecretKey(std::string(128, 's')).ok());
  EXPECT_FALSE(CheckSecretKey(std::string(129, 's')).ok());
  EXPECT_FALSE(CheckSecretKey("tab\tinside").ok());
  EXPECT_FALSE(CheckSecretKey("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").ok());
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
