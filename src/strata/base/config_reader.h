// Internal to base: ConfigReader, shared by config.cc ([store], [layout]),
// config_server.cc ([server], [[users]]), config_policies.cc ([[retention]],
// [[policies]]) and config_tiers.cc ([[tiers]]). Not part of the API; use config.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "strata/base/config.h"
#include "strata/base/status.h"

namespace strata::config_internal {

// Reads the keys of one TOML document into a StoreConfig. Every message it
// produces starts with "<file> line <n>: ".
class ConfigReader {
 public:
  explicit ConfigReader(std::string_view file_name) : file_name_(file_name) {}

  Status Read(const toml::table& root, StoreConfig* config);

 private:
  // config.cc
  Status ReadStore(const toml::key& table_key, const toml::node& node, StoreConfig* config);
  Status ReadLayout(const toml::key& table_key, const toml::node& node, StoreConfig* config);
  // A size is a string such as "1MiB" or a non-negative integer of bytes.
  Result<uint64_t> ReadByteSize(const toml::key& key, const toml::node& value, std::string_view table);

  // config_server.cc
  Status ReadServer(const toml::key& table_key, const toml::node& node, ServerConfig* server);
  Status ReadUsers(const toml::key& array_key, const toml::node& node, std::vector<UserConfig>* users);
  // An integer setting in [min, max]; defined in config_server.cc (and
  // instantiated there for config_policies.cc).
  template <typename T>
  Result<T> ReadInteger(const toml::key& key, const toml::node& value, std::string_view table, uint64_t min,
                        uint64_t max);

  // config_policies.cc
  Status ReadRetention(const toml::key& array_key, const toml::node& node, std::vector<RetentionRule>* rules);
  Status ReadPolicies(const toml::key& array_key, const toml::node& node, std::vector<PolicyRule>* rules);
  Result<double> ReadProbability(const toml::key& key, const toml::node& value, std::string_view table);

  // config_tiers.cc
  Status ReadTiers(const toml::key& array_key, const toml::node& node, std::vector<TierConfig>* tiers);
  // After every table is read: fills the tiers' codes left to [layout], and
  // checks that write_tier and each policy name a tier.
  Status CheckTierNames(StoreConfig* config) const;

  // Both (config.cc)
  Result<std::string> ReadString(const toml::key& key, const toml::node& value, std::string_view table);
  static std::string Where(const toml::key& key, std::string_view table);  // "unit_size in [store]"
  Status Error(const toml::source_region& where, const std::string& message) const;

  std::string_view file_name_;
  // Where tier names were used, for CheckTierNames's messages.
  std::optional<toml::source_region> write_tier_at_;
  std::vector<toml::source_region> policy_tier_at_;  // one per policy
  std::vector<std::pair<bool, bool>> tier_codes_given_;  // (level1, level2) per tier
};

}  // namespace strata::config_internal
