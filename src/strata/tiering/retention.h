// Retention: objects under a rule's prefix expire `expire_after_days` after
// they were last written, and are listed with a warning `warn_days` before
// (seed 001: movie frames kept two months, with two weeks' warning). The
// longest matching rule applies. Review lists what is in its warning period
// or past expiry; Expire deletes the expired ones. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "strata/base/config.h"
#include "strata/base/status.h"
#include "strata/objects/object_store.h"

namespace strata::tiering {

struct RetentionEntry {
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  int64_t modified_ms = 0;
  int64_t expires_ms = 0;
  std::string rule;  // the rule's prefix
};

struct RetentionReport {
  std::vector<RetentionEntry> warnings;  // expiring within their rule's warn_days
  std::vector<RetentionEntry> expired;   // past expiry
};

// The objects the rules cover that are in their warning period or expired
// at `now_ms`, by bucket and key. A rule whose bucket is gone covers nothing.
Result<RetentionReport> ReviewRetention(ObjectStore& store, const std::vector<RetentionRule>& rules, int64_t now_ms);

// Deletes `expired` (an object rewritten since the review, so no longer
// expired, is kept). Returns how many were deleted.
Result<size_t> ExpireObjects(ObjectStore& store, const std::vector<RetentionRule>& rules,
                             const std::vector<RetentionEntry>& expired, int64_t now_ms);

nlohmann::json RetentionJson(const RetentionReport& report);

}  // namespace strata::tiering
