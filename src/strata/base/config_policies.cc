// ConfigReader: [[retention]] rules.
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

}  // namespace config_internal
}  // namespace strata
