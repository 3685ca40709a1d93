// What the placement policies ([[policies]] in strata.toml) and staging
// would do with the store's datasets now: for each dataset that has bytes
// off the tier it belongs on, a move (from, to, objects, bytes, why); and
// carrying such a plan out with rate-limited, crash-safe tier moves.
//
// A dataset belongs on its staged tier while staged; otherwise on the tier
// of the first policy it meets; with none, it stays where it is, except that
// a dataset whose staging has ended goes back to the tier new objects are
// written to. Policies see the dataset's own objects: those of a longer,
// nested dataset are that dataset's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "strata/base/config.h"
#include "strata/base/status.h"
#include "strata/catalog/types.h"
#include "strata/objects/object_store.h"

namespace strata::tiering {

// What the policies look at, for one dataset.
struct DatasetFacts {
  DatasetRecord dataset;
  uint64_t objects = 0;
  uint64_t bytes = 0;
  std::map<std::string, uint64_t> bytes_by_tier;  // where its bytes are now
  std::map<std::string, uint64_t> objects_by_tier;
  // Copies of its objects' own blobs, least and most (0: all its objects are
  // packed, and packs are not replicated).
  int min_copies = 0;
  int max_copies = 0;
  int64_t last_write_ms = 0;
  std::optional<int64_t> last_access_day;  // days since the epoch; none if never read or queried
  std::optional<double> popularity;        // predicted P(used) within the horizon, when there is a model
};

struct TierDecision {
  std::string tier;  // "" = stays where it is
  int copies = 0;    // copies to keep (0 = as they are)
  std::string why;
  bool stage_ended = false;  // the staging is over: clear it once moved
};

// The decision for one dataset at `now_ms`. `write_tier` is where a dataset
// goes back to after staging when no policy claims it.
TierDecision DecideTier(const DatasetFacts& facts, const std::vector<PolicyRule>& policies,
                        const std::string& write_tier, int64_t now_ms);

struct PlannedMove {
  std::string dataset;
  std::string bucket, prefix;
  std::vector<std::string> from;  // tiers holding bytes that must move
  std::string to;
  uint64_t objects = 0;  // to move
  uint64_t bytes = 0;
  int copies = 0;              // copies to keep afterwards (0 = as they are)
  int min_copies = 0, max_copies = 0;  // now, as in DatasetFacts
  std::string why;
  bool stage_ended = false;
  std::vector<std::string> nested_prefixes;  // other datasets' objects, left to them
};

struct Plan {
  std::vector<PlannedMove> moves;
  std::vector<DatasetFacts> datasets;
  std::vector<TierDecision> decisions;  // one per dataset
  // Why popularity conditions could not be judged ("" when they could or
  // no policy has one).
  std::string popularity_note;
};

// Gathers the facts of every dataset (its objects per tier, last write, last
// access, and a popularity prediction from the store's own history when a
// policy asks for one) and decides.
Result<Plan> MakePlan(ObjectStore& store, int64_t now_ms);

// The plan as JSON (strata plan --json, GET /api/v1/plan): moves and every
// dataset's facts and decision.
nlohmann::json PlanJson(const Plan& plan);

struct ApplyOptions {
  uint64_t bytes_per_second = 0;  // 0 = no limit
  uint64_t max_bytes = 0;         // stop between batches after this many bytes (0 = no limit)
};
struct ApplyReport {
  size_t datasets_moved = 0;
  MoveReport moved;  // bytes_moved includes the bytes copied for replicas
  uint64_t replicas_added = 0;
  uint64_t replicas_dropped = 0;
  bool stopped_at_budget = false;         // max_bytes reached with work left: apply again
  std::vector<std::string> moved_tables;  // "bucket/key" of moved .parquet objects, to index again
  std::vector<std::string> problems;  // per dataset that could not move; the rest went on
};

// Carries the moves out, dataset by dataset; a dataset that fails is named in
// problems and the others go on. Stagings that ended are cleared once their
// dataset has moved back.
Result<ApplyReport> ApplyPlan(ObjectStore& store, const Plan& plan, const ApplyOptions& options,
                              const MoveProgressFn& progress = nullptr);

}  // namespace strata::tiering
