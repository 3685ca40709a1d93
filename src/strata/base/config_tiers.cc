// ConfigReader: [[tiers]], and the checks that tie tier names together.
#include <algorithm>

#include "strata/base/config_reader.h"

namespace strata {

std::vector<TierConfig> EffectiveTiers(const StoreConfig& config) {
  if (!config.tiers.empty()) return config.tiers;
  return {TierConfig{"default", "dir", config.level1, config.level2}};
}

std::string WriteTier(const StoreConfig& config) {
  if (!config.write_tier.empty()) return config.write_tier;
  return EffectiveTiers(config).front().name;
}

namespace config_internal {
namespace {

bool IsTierName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string TierNames(const StoreConfig& config) {
  std::string names;
  for (const TierConfig& tier : EffectiveTiers(config)) names += (names.empty() ? "" : ", ") + tier.name;
  return names;
}

}  // namespace

Status ConfigReader::ReadTiers(const toml::key& array_key, const toml::node& node, std::vector<TierConfig>* tiers) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Error(array_key.source(), "'tiers' must be an array of tables: [[tiers]]");
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      return Error(element.source(), "each entry of 'tiers' must be a table: [[tiers]] with name and level2");
    }
    TierConfig tier;
    std::pair<bool, bool> codes_given{false, false};
    std::optional<toml::source_region> name_at;
    for (const auto& [key, value] : *table) {
      std::string_view field = key.str();
      if (field == "name") {
        ASSIGN_OR_RETURN(tier.name, ReadString(key, value, "tiers"));
        if (!IsTierName(tier.name)) {
          return Error(key.source(), "name in [[tiers]] must be 1-32 of a-z 0-9 _ -, got '" + tier.name + "'");
        }
        name_at = key.source();
      } else if (field == "media") {
        ASSIGN_OR_RETURN(tier.media, ReadString(key, value, "tiers"));
        const bool printable = std::all_of(tier.media.begin(), tier.media.end(),
                                           [](char c) { return c > 0x20 && c < 0x7f; });
        if (tier.media.size() > 32 || !printable) {
          return Error(key.source(), "media in [[tiers]] must be up to 32 printable characters without spaces");
        }
      } else if (field == "level1" || field == "level2") {
        ASSIGN_OR_RETURN(std::string text, ReadString(key, value, "tiers"));
        Result<CodeSpec> code = ParseCodeSpec(text);
        if (!code.ok()) return Error(key.source(), std::string(field) + " in [[tiers]]: " + code.status().message());
        (field == "level1" ? tier.level1 : tier.level2) = *code;
        (field == "level1" ? codes_given.first : codes_given.second) = true;
      } else {
        return Error(key.source(), "unknown key '" + std::string(field) + "' in [[tiers]]");
      }
    }
    if (!name_at) return Error(element.source(), "tier " + std::to_string(tiers->size() + 1) + " in [[tiers]] has no name");
    for (const TierConfig& other : *tiers) {
      if (other.name == tier.name) return Error(*name_at, "tier '" + tier.name + "' is named twice in [[tiers]]");
    }
    tiers->push_back(std::move(tier));
    tier_codes_given_.push_back(codes_given);
  }
  return Status::OK();
}

Status ConfigReader::CheckTierNames(StoreConfig* config) const {
  for (size_t i = 0; i < config->tiers.size(); ++i) {
    if (!tier_codes_given_[i].first) config->tiers[i].level1 = config->level1;
    if (!tier_codes_given_[i].second) config->tiers[i].level2 = config->level2;
  }
  const std::vector<TierConfig> tiers = EffectiveTiers(*config);
  auto known = [&](const std::string& name) {
    return std::any_of(tiers.begin(), tiers.end(), [&](const TierConfig& t) { return t.name == name; });
  };
  if (!config->write_tier.empty() && !known(config->write_tier)) {
    return Error(*write_tier_at_, "write_tier in [layout] names tier '" + config->write_tier +
                                      "', which is not a tier (tiers: " + TierNames(*config) + ")");
  }
  for (size_t i = 0; i < config->policies.size(); ++i) {
    const PolicyRule& rule = config->policies[i];
    if (!known(rule.tier)) {
      return Error(policy_tier_at_[i], "policy '" + rule.name + "' names tier '" + rule.tier +
                                           "', which is not a tier (tiers: " + TierNames(*config) + ")");
    }
  }
  return Status::OK();
}

}  // namespace config_internal
}  // namespace strata
