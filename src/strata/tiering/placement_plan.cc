#include "strata/tiering/placement_plan.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/base/clock.h"
#include "strata/tiering/store_history.h"

namespace strata::tiering {
namespace {

// Weeks of history the popularity model learns from.
constexpr int kPredictionWeeks = 52;

std::string Days(int64_t days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

std::string Probability(double p) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", p);
  return text;
}

// Every condition the rule sets, met by `facts`? `why` lists them.
bool Matches(const PolicyRule& rule, const DatasetFacts& facts, int64_t now_ms, std::string* why) {
  std::vector<std::string> reasons;
  const DatasetRecord& d = facts.dataset;
  if (!rule.prefix.empty()) {
    if ((d.bucket + "/" + d.prefix).rfind(rule.prefix, 0) != 0) return false;
    reasons.push_back("under " + rule.prefix);
  }
  const int64_t today = now_ms / kMillisPerDay;
  if (rule.min_age_days > 0) {
    const int64_t age = (now_ms - facts.last_write_ms) / kMillisPerDay;
    if (age < rule.min_age_days) return false;
    reasons.push_back("last written " + Days(age) + " ago");
  }
  if (rule.min_idle_days > 0 || rule.max_idle_days > 0) {
    // Never read: idle since the dataset was named.
    const int64_t idle = facts.last_access_day ? today - *facts.last_access_day : today - d.created_ms / kMillisPerDay;
    if (idle < rule.min_idle_days) return false;
    if (rule.max_idle_days > 0 && idle >= rule.max_idle_days) return false;
    reasons.push_back(facts.last_access_day ? "last used " + Days(idle) + " ago" : "never used in " + Days(idle));
  }
  if (rule.min_size > 0 || rule.max_size > 0) {
    if (facts.bytes < rule.min_size) return false;
    if (rule.max_size > 0 && facts.bytes > rule.max_size) return false;
    reasons.push_back(FormatByteSize(facts.bytes));
  }
  if (rule.popularity_below >= 0 || rule.popularity_at_least >= 0) {
    if (!facts.popularity) return false;
    const double p = *facts.popularity;
    if (rule.popularity_below >= 0 && !(p < rule.popularity_below)) return false;
    if (rule.popularity_at_least >= 0 && !(p >= rule.popularity_at_least)) return false;
    reasons.push_back("P(used) " + Probability(p));
  }
  *why = "policy " + rule.name;
  for (size_t i = 0; i < reasons.size(); ++i) *why += (i == 0 ? ": " : ", ") + reasons[i];
  return true;
}

bool UsesPopularity(const std::vector<PolicyRule>& policies) {
  return std::any_of(policies.begin(), policies.end(),
                     [](const PolicyRule& r) { return r.popularity_below >= 0 || r.popularity_at_least >= 0; });
}

// The datasets of the same bucket nested directly under `outer` (not under
// another nested one).
std::vector<const DatasetRecord*> NestedIn(const DatasetRecord& outer, const std::vector<DatasetRecord>& all) {
  std::vector<const DatasetRecord*> nested;
  for (const DatasetRecord& d : all) {
    if (d.bucket == outer.bucket && d.prefix.size() > outer.prefix.size() && d.prefix.rfind(outer.prefix, 0) == 0) {
      nested.push_back(&d);
    }
  }
  std::vector<const DatasetRecord*> maximal;
  for (const DatasetRecord* d : nested) {
    const bool inside_another = std::any_of(nested.begin(), nested.end(), [&](const DatasetRecord* other) {
      return other != d && d->prefix.size() > other->prefix.size() && d->prefix.rfind(other->prefix, 0) == 0;
    });
    if (!inside_another) maximal.push_back(d);
  }
  return maximal;
}

}  // namespace

TierDecision DecideTier(const DatasetFacts& facts, const std::vector<PolicyRule>& policies,
                        const std::string& write_tier, int64_t now_ms) {
  const DatasetRecord& d = facts.dataset;
  TierDecision decision;
  const bool staged = !d.staged_tier.empty();
  if (staged && (d.staged_until_ms == 0 || now_ms < d.staged_until_ms)) {
    decision.tier = d.staged_tier;
    decision.why = "staged" + (d.staged_until_ms == 0 ? std::string(" until unstaged")
                                                       : " until " + FormatIso8601(d.staged_until_ms));
    return decision;
  }
  decision.stage_ended = staged;
  for (const PolicyRule& rule : policies) {
    std::string why;
    if (!Matches(rule, facts, now_ms, &why)) continue;
    decision.tier = rule.tier;
    decision.copies = static_cast<int>(rule.replicas);
    decision.why = (staged ? "staging ended; " : "") + why;
    return decision;
  }
  if (staged) {
    decision.tier = write_tier;
    decision.why = "staging ended; no policy applies: back to the write tier";
  }
  return decision;
}

Result<Plan> MakePlan(ObjectStore& store, int64_t now_ms) {
  Plan plan;
  RETURN_IF_ERROR(store.access().Flush());
  ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, store.catalog().ListDatasets());
  const int64_t today = now_ms / kMillisPerDay;
  ASSIGN_OR_RETURN(std::vector<DatasetAccess> access, store.catalog().ListDatasetAccess(0, today));
  std::map<std::string, int64_t> last_access;
  for (const DatasetAccess& a : access) {
    if (a.reads + a.queries > 0) last_access[a.dataset] = std::max(last_access[a.dataset], a.day);
  }
  const std::vector<PolicyRule>& policies = store.config().policies;
  std::map<std::string, double> popularity;
  if (UsesPopularity(policies) && !datasets.empty()) {
    auto predicted = PredictStorePopularity(store, today, kPredictionWeeks, PopularityOptions{});
    if (predicted.ok()) {
      popularity = std::move(*predicted);
    } else {
      plan.popularity_note = "no popularity prediction, so popularity conditions do not match: " +
                             predicted.status().message();
    }
  }

  for (const DatasetRecord& d : datasets) {
    DatasetFacts facts;
    facts.dataset = d;
    PlannedMove move;
    for (const DatasetRecord* nested : NestedIn(d, datasets)) move.nested_prefixes.push_back(nested->prefix);
    ASSIGN_OR_RETURN(std::vector<TierUsage> usage,
                     store.catalog().TierUsageUnder(d.bucket, d.prefix, move.nested_prefixes));
    facts.min_copies = facts.max_copies = 0;
    for (const TierUsage& u : usage) {
      if (u.max_copies > 0) {  // 0: only packed objects on that tier
        facts.min_copies = facts.min_copies == 0 ? u.min_copies : std::min(facts.min_copies, u.min_copies);
        facts.max_copies = std::max(facts.max_copies, u.max_copies);
      }
      facts.bytes_by_tier[u.tier] += u.bytes;
      facts.objects_by_tier[u.tier] += u.objects;
      facts.last_write_ms = std::max(facts.last_write_ms, u.last_modified_ms);
    }
    for (const auto& [tier, bytes] : facts.bytes_by_tier) facts.bytes += bytes;
    for (const auto& [tier, objects] : facts.objects_by_tier) facts.objects += objects;
    if (auto it = last_access.find(d.name); it != last_access.end()) facts.last_access_day = it->second;
    if (auto it = popularity.find(d.name); it != popularity.end()) facts.popularity = it->second;

    TierDecision decision = DecideTier(facts, policies, store.write_tier(), now_ms);
    if (!decision.tier.empty()) {
      move.dataset = d.name;
      move.bucket = d.bucket;
      move.prefix = d.prefix;
      move.to = decision.tier;
      move.why = decision.why;
      move.stage_ended = decision.stage_ended;
      move.copies = decision.copies;
      move.min_copies = facts.min_copies;
      move.max_copies = facts.max_copies;
      for (const auto& [tier, objects] : facts.objects_by_tier) {
        if (tier == decision.tier || objects == 0) continue;
        move.from.push_back(tier);
        move.objects += objects;
        move.bytes += facts.bytes_by_tier[tier];
      }
      // Copies change with a move (a moved blob starts alone), or when their
      // count is not the rule's; an ended staging whose data is already home
      // still needs clearing.
      const bool copies_off = move.copies > 0 && facts.max_copies > 0 &&
                              (move.objects > 0 ? move.copies > 1
                                                : facts.min_copies != move.copies || facts.max_copies != move.copies);
      if (move.objects > 0 || copies_off || move.stage_ended) plan.moves.push_back(std::move(move));
    }
    plan.datasets.push_back(std::move(facts));
    plan.decisions.push_back(std::move(decision));
  }
  return plan;
}

Result<ApplyReport> ApplyPlan(ObjectStore& store, const Plan& plan, const ApplyOptions& options,
                              const MoveProgressFn& progress) {
  ApplyReport report;
  // What is left of the byte budget (0 = no limit; the budget is spent when
  // it reaches 0 with a limit set).
  auto budget_left = [&]() -> uint64_t {
    return options.max_bytes == 0 ? 0 : options.max_bytes - std::min(options.max_bytes, report.moved.bytes_moved);
  };
  auto spent = [&] { return options.max_bytes > 0 && budget_left() == 0; };
  for (const PlannedMove& move : plan.moves) {
    if (spent()) {
      report.stopped_at_budget = true;
      break;
    }
    const std::string which = "dataset " + move.dataset + ": ";
    if (move.objects > 0) {
      MoveOptions move_options;
      move_options.tier = move.to;
      move_options.bytes_per_second = options.bytes_per_second;
      move_options.exclude_prefixes = move.nested_prefixes;
      move_options.max_bytes = budget_left();
      const MoveReport before = report.moved;
      auto moved = store.MoveObjects(move.bucket, move.prefix, move_options, [&](const MoveReport& r) {
        if (!progress) return;
        MoveReport total = before;
        total.objects_moved += r.objects_moved;
        total.bytes_moved += r.bytes_moved;
        progress(total);
      });
      if (!moved.ok()) {
        report.problems.push_back(which + moved.status().ToString());
        continue;
      }
      report.moved.objects_moved += moved->objects_moved;
      report.moved.bytes_moved += moved->bytes_moved;
      report.moved.objects_already += moved->objects_already;
      report.moved.objects_changed += moved->objects_changed;
      for (const std::string& key : moved->moved_tables) report.moved_tables.push_back(move.bucket + "/" + key);
      if (moved->objects_moved > 0) ++report.datasets_moved;
      if (moved->stopped_at_budget) {
        report.stopped_at_budget = true;
        break;
      }
    }
    // The data is home: an ended staging is over, whatever the copies do.
    if (move.stage_ended) {
      Status cleared = store.catalog().SetDatasetStaging(move.dataset, "", 0);
      if (!cleared.ok()) report.problems.push_back(which + cleared.ToString());
    }
    if (move.copies > 0) {
      ReplicaOptions replica_options;
      replica_options.exclude_prefixes = move.nested_prefixes;
      replica_options.bytes_per_second = options.bytes_per_second;
      replica_options.max_bytes = budget_left();
      if (spent()) {
        report.stopped_at_budget = true;
        break;
      }
      auto copies = store.SetReplicas(move.bucket, move.prefix, move.copies, replica_options);
      if (!copies.ok()) {
        report.problems.push_back(which + copies.status().ToString());
        continue;
      }
      report.replicas_added += copies->replicas_added;
      report.replicas_dropped += copies->replicas_dropped;
      report.moved.bytes_moved += copies->bytes_copied;
      if (copies->stopped_at_budget) {
        report.stopped_at_budget = true;
        break;
      }
    }
  }
  return report;
}

nlohmann::json PlanJson(const Plan& plan) {
  using nlohmann::json;
  json out;
  out["moves"] = json::array();
  for (const PlannedMove& m : plan.moves) {
    out["moves"].push_back({{"dataset", m.dataset},
                            {"bucket", m.bucket},
                            {"prefix", m.prefix},
                            {"from", m.from},
                            {"to", m.to},
                            {"objects", m.objects},
                            {"bytes", m.bytes},
                            {"why", m.why},
                            {"copies", m.copies},
                            {"copies_now", {m.min_copies, m.max_copies}},
                            {"stage_ended", m.stage_ended}});
  }
  out["datasets"] = json::array();
  for (size_t i = 0; i < plan.datasets.size(); ++i) {
    const DatasetFacts& f = plan.datasets[i];
    json d{{"name", f.dataset.name},
           {"objects", f.objects},
           {"bytes", f.bytes},
           {"bytes_by_tier", f.bytes_by_tier},
           {"tier", plan.decisions[i].tier},
           {"copies", plan.decisions[i].copies},
           {"copies_now", {f.min_copies, f.max_copies}},
           {"why", plan.decisions[i].why},
           {"staged_tier", f.dataset.staged_tier},
           {"staged_until_ms", f.dataset.staged_until_ms}};
    d["popularity"] = f.popularity ? json(*f.popularity) : json(nullptr);
    out["datasets"].push_back(std::move(d));
  }
  out["popularity_note"] = plan.popularity_note;
  return out;
}

}  // namespace strata::tiering
