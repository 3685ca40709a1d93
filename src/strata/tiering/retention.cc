#include "strata/tiering/retention.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "strata/base/clock.h"

namespace strata::tiering {
namespace {

struct Prefix {
  std::string bucket;
  std::string key_prefix;
};

Prefix SplitRule(const RetentionRule& rule) {
  const size_t slash = rule.prefix.find('/');
  return {rule.prefix.substr(0, slash), rule.prefix.substr(slash + 1)};
}

// The longest rule whose prefix covers bucket/key, or null.
const RetentionRule* RuleFor(const std::vector<RetentionRule>& rules, const std::string& bucket,
                             const std::string& key) {
  const RetentionRule* best = nullptr;
  for (const RetentionRule& rule : rules) {
    const Prefix p = SplitRule(rule);
    if (p.bucket != bucket || key.compare(0, p.key_prefix.size(), p.key_prefix) != 0) continue;
    if (best == nullptr || rule.prefix.size() > best->prefix.size()) best = &rule;
  }
  return best;
}

int64_t ExpiresAt(const RetentionRule& rule, int64_t modified_ms) {
  return modified_ms + static_cast<int64_t>(rule.expire_after_days) * kMillisPerDay;
}

}  // namespace

Result<RetentionReport> ReviewRetention(ObjectStore& store, const std::vector<RetentionRule>& rules, int64_t now_ms) {
  RetentionReport report;
  for (const RetentionRule& rule : rules) {
    const Prefix p = SplitRule(rule);
    ListOptions options;
    options.prefix = p.key_prefix;
    while (true) {
      auto page = store.List(p.bucket, options);
      if (!page.ok()) {
        if (page.status().IsNotFound()) break;
        return page.status().WithContext("retention rule '" + rule.prefix + "'");
      }
      for (const ObjectRecord& object : page->objects) {
        // Each object is reviewed under its own (longest) rule only.
        if (RuleFor(rules, p.bucket, object.key) != &rule) continue;
        const int64_t expires = ExpiresAt(rule, object.modified_ms);
        const int64_t warn_from = expires - static_cast<int64_t>(rule.warn_days) * kMillisPerDay;
        if (now_ms < warn_from) continue;
        RetentionEntry entry{p.bucket, object.key, object.size, object.modified_ms, expires, rule.prefix};
        (now_ms >= expires ? report.expired : report.warnings).push_back(std::move(entry));
      }
      if (!page->truncated) break;
      options.start_after = page->next_start_after;
    }
  }
  auto by_name = [](const RetentionEntry& a, const RetentionEntry& b) {
    return std::tie(a.bucket, a.key) < std::tie(b.bucket, b.key);
  };
  std::sort(report.warnings.begin(), report.warnings.end(), by_name);
  std::sort(report.expired.begin(), report.expired.end(), by_name);
  return report;
}

Result<size_t> ExpireObjects(ObjectStore& store, const std::vector<RetentionRule>& rules,
                             const std::vector<RetentionEntry>& expired, int64_t now_ms) {
  size_t deleted = 0;
  for (const RetentionEntry& entry : expired) {
    // Look again: a newer version written since the review starts afresh.
    auto current = store.Head(entry.bucket, entry.key);
    if (!current.ok()) {
      if (current.status().IsNotFound()) continue;
      return current.status();
    }
    const RetentionRule* rule = RuleFor(rules, entry.bucket, entry.key);
    if (rule == nullptr || now_ms < ExpiresAt(*rule, current->modified_ms)) continue;
    auto removed = store.Delete(entry.bucket, entry.key);
    if (!removed.ok() && !removed.status().IsNotFound()) {
      return removed.status().WithContext("expire " + entry.bucket + "/" + entry.key);
    }
    deleted += removed.ok();
  }
  return deleted;
}

nlohmann::json RetentionJson(const RetentionReport& report) {
  auto entries = [](const std::vector<RetentionEntry>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const RetentionEntry& e : list) {
      out.push_back({{"bucket", e.bucket},
                     {"key", e.key},
                     {"size", e.size},
                     {"last_modified", FormatIso8601(e.modified_ms)},
                     {"expires", FormatIso8601(e.expires_ms)},
                     {"rule", e.rule}});
    }
    return out;
  };
  return {{"warnings", entries(report.warnings)}, {"expired", entries(report.expired)}};
}

}  // namespace strata::tiering
