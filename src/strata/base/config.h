// StoreConfig is the settings file of a store (strata.toml at the store root):
// storage settings, the S3 server's settings and its users with their keys.
// Topology (nodes, drives) is not here: it lives in the catalog, which is
// transactional. LoadConfig refuses unknown keys and bad values with the file
// name and line: "strata.toml line 4: unknown key 'unit_sise'".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/base/status.h"

namespace strata {

// An erasure code "k+m": k data units and m parity units per stripe.
struct CodeSpec {
  int k = 1;
  int m = 0;
  int width() const { return k + m; }
  std::string ToString() const;
  bool operator==(const CodeSpec&) const = default;
};
// Parses "4+2"; k >= 1, m >= 0, k+m <= 32.
Result<CodeSpec> ParseCodeSpec(std::string_view text);

// An S3 user ([[users]] in strata.toml): requests name the access key and are
// signed with the secret key. The file holds secrets, so it must be readable
// by the server's user only.
struct UserConfig {
  std::string name;        // 1-64 of A-Z a-z 0-9 . _ @ -; unique
  std::string access_key;  // 3-128 of A-Z a-z 0-9 . _ -; unique
  std::string secret_key;  // 8-128 printable ASCII characters, no spaces
  bool operator==(const UserConfig&) const = default;
};

// The S3 server's settings ([server] in strata.toml).
struct ServerConfig {
  std::string listen = "127.0.0.1:9000";  // host:port; [v6]:port allowed (see ParseListenAddress)
  std::string tls_certificate;            // PEM paths; both or neither ("" = plain HTTP)
  std::string tls_key;
  std::string region = "us-east-1";        // 1-64 of A-Z a-z 0-9 . _ -
  uint32_t idle_timeout_seconds = 60;      // keep-alive connection with no request; 1..86400
  uint32_t request_timeout_seconds = 300;  // no progress on a request (slow client) for this long; 1..86400
  uint32_t max_connections = 1024;         // 1..1000000
  uint32_t shutdown_grace_seconds = 30;    // SIGTERM: in-flight requests get this long; 0..86400
  uint64_t multipart_expiry_seconds = 7 * 24 * 3600;  // abandoned multipart uploads go after this; 1 s..100 years
  // Origins allowed by CORS: "*", or "scheme://host[:port]" (http or https,
  // no path); empty means no CORS headers at all.
  std::vector<std::string> cors_origins = {"*"};
  // The placement scheduler: every this often the server makes the plan of
  // [[policies]] and stagings and carries it out (0 = never; 60..86400)...
  uint32_t placement_interval_seconds = 900;
  // ...copying at most this many bytes per second (0 = no limit).
  uint64_t move_rate = 64u << 20;
  bool operator==(const ServerConfig&) const = default;
};

// A retention rule ([[retention]] in strata.toml): objects under `prefix`
// ("bucket/" or "bucket/key/prefix", unique among the rules; the longest
// matching one applies) expire `expire_after_days` after they were last
// written, and are listed with a warning from `warn_days` before that.
struct RetentionRule {
  std::string prefix;
  uint32_t expire_after_days = 0;  // 1..36500
  uint32_t warn_days = 0;          // 0..expire_after_days - 1
  bool operator==(const RetentionRule&) const = default;
};

// A tier ([[tiers]] in strata.toml): a named pool of drives of one media
// class with its own erasure codes. Drives join a tier when they are made
// (strata init, strata drive add --tier); the catalog keeps which is which.
struct TierConfig {
  std::string name;   // 1-32 of a-z 0-9 _ -; unique
  std::string media;  // what the drives are, for people: "nvme", "hdd", "dir" (0-32 printable)
  CodeSpec level1{1, 0};  // default: [layout] level1
  CodeSpec level2{4, 2};  // default: [layout] level2
  bool operator==(const TierConfig&) const = default;
};

// A placement policy ([[policies]] in strata.toml): datasets that meet every
// condition given belong on `tier`. The first matching rule, in file order,
// applies; a dataset no rule matches stays where it is.
struct PolicyRule {
  std::string name;    // shown as the reason in plans; unique
  std::string prefix;  // the dataset's "bucket/prefix" starts with this ("" = any)
  uint32_t min_age_days = 0;                // last write at least this long ago
  uint32_t min_idle_days = 0;               // no read or query for at least this long
  uint32_t max_idle_days = 0;               // read or queried within this long (0 = no limit)
  uint64_t min_size = 0;                    // the dataset's bytes
  uint64_t max_size = 0;                    // 0 = no limit
  double popularity_below = -1;             // predicted P(used) below this (< 0: not a condition)
  double popularity_at_least = -1;          // predicted P(used) at least this (< 0: not a condition)
  std::string tier;                         // must name a tier
  uint32_t replicas = 0;                    // copies to keep, 1..8, on distinct nodes (0 = leave as they are)
  bool operator==(const PolicyRule&) const = default;
};

struct StoreConfig {
  uint32_t unit_size = 1u << 20;               // erasure unit, a power of two
  CodeSpec level1{1, 0};                       // across nodes
  CodeSpec level2{4, 2};                       // across the drives of a node
  uint64_t small_object_threshold = 64u << 10; // below this, objects go into packs
  uint64_t pack_target_size = 8u << 20;        // a pack is sealed at this size
  double compact_below_live_ratio = 0.5;       // packs emptier than this are rewritten
  std::string catalog = "catalog.db";          // relative to the store root
  std::string log_level = "warn";
  ServerConfig server;
  std::vector<UserConfig> users;
  std::vector<RetentionRule> retention;
  // Empty: one tier, "default", with level1 and level2 above.
  std::vector<TierConfig> tiers;
  std::string write_tier;  // where new objects go ([layout] write_tier; "" = the first tier)
  std::vector<PolicyRule> policies;
};

// The tiers a store has: config.tiers, or the one implicit "default" tier.
std::vector<TierConfig> EffectiveTiers(const StoreConfig& config);
// The tier new objects are written to.
std::string WriteTier(const StoreConfig& config);

Result<StoreConfig> ParseConfig(std::string_view text, std::string_view file_name);
Result<StoreConfig> LoadConfig(const std::string& path);
std::string RenderConfig(const StoreConfig& config);

// "host:port" or "[ipv6]:port" -> (host without brackets, port). The host is a
// DNS name or an IPv4 address, or an IPv6 address in brackets (no zone); it
// must be given ("0.0.0.0:9000" or "[::]:9000" for every address). Port 1-65535.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text);

// The rules of UserConfig's fields, for tools that add users; the messages
// name the value but no file.
Status CheckUserName(std::string_view name);
Status CheckAccessKey(std::string_view access_key);
Status CheckSecretKey(std::string_view secret_key);

// A user with fresh keys from the OS random source: an access key of 20
// upper-case letters and digits starting with "SK" (AWS style), and a secret
// of 40 letters and digits (about 238 bits). Throws if the OS has no entropy.
UserConfig NewUserConfig(std::string name);

}  // namespace strata
