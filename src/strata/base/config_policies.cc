// ConfigReader: [[retention]] rules and [[policies]].
#include <optional>

#include "strata/base/config_reader.h"

namespace strata {
namespace config_internal {

Status ConfigReader::ReadRetention(const toml::key& array_key, const toml::node& node,
                                   std::vector<RetentionRule>* rules) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Error(array_key.source(), "'retention' must be an array of tables: [[retention]]");
  std::vector<uint32_t> lines;  // where each accepted rule's prefix was
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      return Error(element.source(), "each entry of 'retention' must be a table: [[retention]] with prefix and "
                                     "expire_after_days");
    }
    RetentionRule rule;
    std::optional<toml::source_region> prefix_at, expire_at, warn_at;
    for (const auto& [key, value] : *table) {
      std::string_view field = key.str();
      if (field == "prefix") {
        ASSIGN_OR_RETURN(rule.prefix, ReadString(key, value, "[retention]"));
        const size_t slash = rule.prefix.find('/');
        if (slash == 0 || slash == std::string::npos) {
          return Error(key.source(), "prefix in [[retention]] must be bucket/ or bucket/prefix, got '" +
                                         rule.prefix + "'");
        }
        prefix_at = key.source();
      } else if (field == "expire_after_days") {
        ASSIGN_OR_RETURN(rule.expire_after_days, ReadInteger<uint32_t>(key, value, "[retention]", 1, 36500));
        expire_at = key.source();
      } else if (field == "warn_days") {
        ASSIGN_OR_RETURN(rule.warn_days, ReadInteger<uint32_t>(key, value, "[retention]", 0, 36500));
        warn_at = key.source();
      } else {
        return Error(key.source(), "unknown key '" + std::string(field) + "' in [[retention]]");
      }
    }
    const std::string which = "rule " + std::to_string(rules->size() + 1) + " in [[retention]]";
    if (!prefix_at) return Error(element.source(), which + " has no prefix");
    if (!expire_at) return Error(element.source(), which + " has no expire_after_days");
    if (warn_at && rule.warn_days >= rule.expire_after_days) {
      return Error(*warn_at, "warn_days in [[retention]] must be less than expire_after_days (" +
                                 std::to_string(rule.expire_after_days) + "), got " + std::to_string(rule.warn_days));
    }
    for (size_t i = 0; i < rules->size(); ++i) {
      if ((*rules)[i].prefix == rule.prefix) {
        return Error(*prefix_at, "prefix '" + rule.prefix + "' in [[retention]] is already on line " +
                                     std::to_string(lines[i]));
      }
    }
    lines.push_back(prefix_at->begin.line);
    rules->push_back(std::move(rule));
  }
  return Status::OK();
}

Result<double> ConfigReader::ReadProbability(const toml::key& key, const toml::node& value,
                                             std::string_view table) {
  double p = -1;
  if (auto f = value.as_floating_point()) {
    p = f->get();
  } else if (auto i = value.as_integer()) {
    p = static_cast<double>(i->get());
  }
  if (!(p >= 0.0 && p <= 1.0)) return Error(key.source(), Where(key, table) + " must be a probability from 0 to 1");
  return p;
}

Status ConfigReader::ReadPolicies(const toml::key& array_key, const toml::node& node,
                                  std::vector<PolicyRule>* rules) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Error(array_key.source(), "'policies' must be an array of tables: [[policies]]");
  constexpr std::string_view kTable = "[policies]";
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      return Error(element.source(), "each entry of 'policies' must be a table: [[policies]] with name and tier");
    }
    PolicyRule rule;
    std::optional<toml::source_region> name_at, tier_at;
    for (const auto& [key, value] : *table) {
      std::string_view field = key.str();
      if (field == "name") {
        ASSIGN_OR_RETURN(rule.name, ReadString(key, value, kTable));
        if (rule.name.empty() || rule.name.size() > 64) {
          return Error(key.source(), "name in [[policies]] must be 1-64 characters");
        }
        name_at = key.source();
      } else if (field == "prefix") {
        ASSIGN_OR_RETURN(rule.prefix, ReadString(key, value, kTable));
        const size_t slash = rule.prefix.find('/');
        if (slash == 0 || slash == std::string::npos) {
          return Error(key.source(), "prefix in [[policies]] must be bucket/ or bucket/prefix, got '" +
                                         rule.prefix + "'");
        }
      } else if (field == "min_age_days") {
        ASSIGN_OR_RETURN(rule.min_age_days, ReadInteger<uint32_t>(key, value, kTable, 0, 36500));
      } else if (field == "min_idle_days") {
        ASSIGN_OR_RETURN(rule.min_idle_days, ReadInteger<uint32_t>(key, value, kTable, 0, 36500));
      } else if (field == "max_idle_days") {
        ASSIGN_OR_RETURN(rule.max_idle_days, ReadInteger<uint32_t>(key, value, kTable, 1, 36500));
      } else if (field == "min_size") {
        ASSIGN_OR_RETURN(rule.min_size, ReadByteSize(key, value, kTable));
      } else if (field == "max_size") {
        ASSIGN_OR_RETURN(rule.max_size, ReadByteSize(key, value, kTable));
        if (rule.max_size == 0) return Error(key.source(), "max_size in [[policies]] must be greater than zero");
      } else if (field == "popularity_below") {
        ASSIGN_OR_RETURN(rule.popularity_below, ReadProbability(key, value, kTable));
      } else if (field == "popularity_at_least") {
        ASSIGN_OR_RETURN(rule.popularity_at_least, ReadProbability(key, value, kTable));
      } else if (field == "tier") {
        ASSIGN_OR_RETURN(rule.tier, ReadString(key, value, kTable));
        tier_at = key.source();
      } else if (field == "replicas") {
        ASSIGN_OR_RETURN(rule.replicas, ReadInteger<uint32_t>(key, value, kTable, 1, 8));
      } else {
        return Error(key.source(), "unknown key '" + std::string(field) + "' in [[policies]]");
      }
    }
    const std::string which = "policy " + std::to_string(rules->size() + 1) + " in [[policies]]";
    if (!name_at) return Error(element.source(), which + " has no name");
    if (!tier_at) return Error(element.source(), "policy '" + rule.name + "' has no tier");
    if (rule.max_size != 0 && rule.max_size < rule.min_size) {
      return Error(*name_at, "policy '" + rule.name + "': max_size is below min_size");
    }
    if (rule.max_idle_days != 0 && rule.max_idle_days <= rule.min_idle_days) {
      return Error(*name_at, "policy '" + rule.name + "': max_idle_days must be above min_idle_days");
    }
    for (const PolicyRule& other : *rules) {
      if (other.name == rule.name) return Error(*name_at, "policy '" + rule.name + "' is named twice");
    }
    rules->push_back(std::move(rule));
    policy_tier_at_.push_back(*tier_at);
  }
  return Status::OK();
}

}  // namespace config_internal
}  // namespace strata
