// Tiers and placement: `strata move`, `strata plan`, `strata apply`,
// `strata stage` and `strata unstage`.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/base/clock.h"
#include "strata/cli/cli.h"
#include "strata/cli/progress.h"
#include "strata/tiering/placement_plan.h"

namespace strata::cli {
namespace {

using nlohmann::json;

struct MoveFlags {
  std::string rate;       // "50MiB" per second; "" = no limit
  std::string max_bytes;  // apply: stop starting moves after this much
};

Result<uint64_t> ParseRate(const std::string& text) {
  if (text.empty()) return uint64_t{0};
  ASSIGN_OR_RETURN(uint64_t rate, ParseByteSize(text));
  if (rate == 0) return Status::InvalidArgument("--rate must be above zero (leave it out for no limit)");
  return rate;
}

// "90s", "30m", "36h", "7d" -> milliseconds.
Result<int64_t> ParseDuration(const std::string& text) {
  const std::string bad = "duration '" + text + "' must be a whole number with s, m, h or d, like 7d";
  if (text.size() < 2) return Status::InvalidArgument(bad);
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = kMillisPerDay; break;
    default: return Status::InvalidArgument(bad);
  }
  int64_t count = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9' || count > 1000000) return Status::InvalidArgument(bad);
    count = count * 10 + (c - '0');
  }
  if (count == 0 || count * unit > 100LL * 365 * kMillisPerDay) {
    return Status::InvalidArgument("duration '" + text + "' must be above zero and at most 100 years");
  }
  return count * unit;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "+") + p;
  return out.empty() ? "-" : out;
}

void PrintMoveSummary(const GlobalOptions& options, const MoveReport& r, const std::string& what) {
  if (options.json) {
    std::cout << json{{"objects_moved", r.objects_moved},
                      {"bytes_moved", r.bytes_moved},
                      {"objects_already", r.objects_already},
                      {"objects_changed", r.objects_changed}}
                     .dump(2)
              << "\n";
  } else if (!options.quiet) {
    std::cout << what << ": " << r.objects_moved << " object(s), " << FormatByteSize(r.bytes_moved) << " moved; "
              << r.objects_already << " already there";
    if (r.objects_changed) std::cout << "; " << r.objects_changed << " rewritten meanwhile, left as they are";
    std::cout << "\n";
  }
}

// What `move` and `replicate` start from: BUCKET/PREFIX, --rate, the open store.
struct PrefixJob {
  ObjectPath path;
  uint64_t rate = 0;
  std::unique_ptr<ObjectStore> store;
};

Result<PrefixJob> StartPrefixJob(const GlobalOptions& options, const std::string& target, const MoveFlags& flags) {
  PrefixJob job;
  ASSIGN_OR_RETURN(job.path, ParseObjectPath(target));
  ASSIGN_OR_RETURN(job.rate, ParseRate(flags.rate));
  ASSIGN_OR_RETURN(job.store, OpenStore(options));
  return job;
}

int RunMove(const GlobalOptions& options, const std::string& target, const std::string& tier,
            const MoveFlags& flags) {
  auto job = StartPrefixJob(options, target, flags);
  if (!job.ok()) return Fail(job.status());
  auto& [path, rate, store] = *job;
  ProgressBar bar("move", 0, true, options.quiet || options.json);
  MoveOptions move;
  move.tier = tier;
  move.bytes_per_second = rate;
  auto report = store->MoveObjects(path.bucket, path.key, move, [&](const MoveReport& r) {
    bar.Update(r.bytes_moved);
  });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  PrintMoveSummary(options, *report, "moved to " + tier);
  // Row-group indexes live beside a blob's blocks: moved tables get new ones.
  for (const std::string& key : report->moved_tables) IndexNewTable(*store, path.bucket + "/" + key, options);
  return kExitOk;
}

void PrintPlan(const tiering::Plan& plan) {
  if (!plan.popularity_note.empty()) std::cout << "note: " << plan.popularity_note << "\n";
  if (plan.moves.empty()) {
    std::cout << "nothing to move: every dataset is where the policies want it (" << plan.datasets.size()
              << " dataset(s))\n";
    return;
  }
  std::printf("%-24s %-16s %-12s %9s %12s %-7s  %s\n", "DATASET", "FROM", "TO", "OBJECTS", "BYTES", "COPIES",
              "WHY");
  uint64_t bytes = 0;
  for (const tiering::PlannedMove& m : plan.moves) {
    // Copies now -> wanted; "-" when the policy leaves them as they are.
    std::string now = std::to_string(m.min_copies);
    if (m.max_copies != m.min_copies) now += ".." + std::to_string(m.max_copies);
    const std::string copies = m.copies > 0 && m.max_copies > 0 ? now + "->" + std::to_string(m.copies) : "-";
    std::printf("%-24s %-16s %-12s %9llu %12s %-7s  %s\n", m.dataset.c_str(), Join(m.from).c_str(), m.to.c_str(),
                static_cast<unsigned long long>(m.objects), FormatByteSize(m.bytes).c_str(), copies.c_str(),
                m.why.c_str());
    bytes += m.bytes;
  }
  std::cout << plan.moves.size() << " dataset(s), " << FormatByteSize(bytes) << " to move; run 'strata apply'\n";
}

int RunPlan(const GlobalOptions& options, const std::string& at) {
  int64_t now_ms = NowMillis();
  if (!at.empty()) {
    auto day = ParseDay(at);
    if (!day.ok()) return Fail(day.status());
    now_ms = *day * kMillisPerDay;
  }
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto plan = tiering::MakePlan(**store, now_ms);
  if (!plan.ok()) return Fail(plan.status());
  if (options.json) {
    std::cout << tiering::PlanJson(*plan).dump(2) << "\n";
  } else {
    PrintPlan(*plan);
  }
  return kExitOk;
}

// Applies the plan's moves, all of them or those of `only` (a dataset).
int ApplyMoves(const GlobalOptions& options, ObjectStore& store, tiering::Plan plan, const std::string& only,
               const MoveFlags& flags) {
  auto rate = ParseRate(flags.rate);
  if (!rate.ok()) return Fail(rate.status());
  tiering::ApplyOptions apply;
  apply.bytes_per_second = *rate;
  if (!flags.max_bytes.empty()) {
    auto max_bytes = ParseByteSize(flags.max_bytes);
    if (!max_bytes.ok()) return Fail(max_bytes.status());
    apply.max_bytes = *max_bytes;
  }
  if (!only.empty()) {
    std::erase_if(plan.moves, [&](const tiering::PlannedMove& m) { return m.dataset != only; });
  }
  uint64_t total = 0;
  for (const tiering::PlannedMove& m : plan.moves) total += m.bytes;
  ProgressBar bar("apply", total, true, options.quiet || options.json);
  auto report = tiering::ApplyPlan(store, plan, apply, [&](const MoveReport& r) { bar.Update(r.bytes_moved); });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  for (const std::string& problem : report->problems) std::cerr << "strata: " << problem << "\n";
  PrintMoveSummary(options, report->moved, std::to_string(report->datasets_moved) + " dataset(s)");
  for (const std::string& table : report->moved_tables) IndexNewTable(store, table, options);
  if (report->stopped_at_budget && !options.quiet && !options.json) {
    std::cout << "stopped at --max-bytes; run 'strata apply' again to go on\n";
  }
  if (!options.quiet && !options.json && report->replicas_added + report->replicas_dropped > 0) {
    std::cout << "replicas: " << report->replicas_added << " added, " << report->replicas_dropped << " dropped\n";
  }
  return report->problems.empty() ? kExitOk : kExitFailure;
}

int RunApply(const GlobalOptions& options, const MoveFlags& flags) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto plan = tiering::MakePlan(**store, NowMillis());
  if (!plan.ok()) return Fail(plan.status());
  return ApplyMoves(options, **store, std::move(*plan), "", flags);
}

Status RequireDataset(ObjectStore& store, const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, store.catalog().ListDatasets());
  for (const DatasetRecord& d : datasets) {
    if (d.name == name) return Status::OK();
  }
  return Status::NotFound("dataset '" + name + "' does not exist (strata dataset ls lists them)");
}

int RunStage(const GlobalOptions& options, const std::string& dataset, const std::string& tier,
             const std::string& duration, const MoveFlags& flags) {
  int64_t until_ms = 0;
  if (!duration.empty()) {
    auto ms = ParseDuration(duration);
    if (!ms.ok()) return Fail(ms.status());
    until_ms = NowMillis() + *ms;
  }
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  Status st = (*store)->TierLayout(tier).status();
  if (st.ok()) st = RequireDataset(**store, dataset);
  if (st.ok()) st = (*store)->catalog().SetDatasetStaging(dataset, tier, until_ms);
  if (!st.ok()) return Fail(st);
  if (!options.quiet && !options.json) {
    std::cout << "staged " << dataset << " on " << tier
              << (until_ms ? " until " + FormatIso8601(until_ms) : std::string(" until unstaged")) << "\n";
  }
  auto plan = tiering::MakePlan(**store, NowMillis());
  if (!plan.ok()) return Fail(plan.status());
  return ApplyMoves(options, **store, std::move(*plan), dataset, flags);
}

int RunUnstage(const GlobalOptions& options, const std::string& dataset, const MoveFlags& flags) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto datasets = (*store)->catalog().ListDatasets();
  if (!datasets.ok()) return Fail(datasets.status());
  const DatasetRecord* record = nullptr;
  for (const DatasetRecord& d : *datasets) {
    if (d.name == dataset) record = &d;
  }
  if (record == nullptr) return Fail(RequireDataset(**store, dataset));
  if (record->staged_tier.empty()) {
    return Fail(Status::FailedPrecondition("dataset '" + dataset + "' is not staged"));
  }
  // Ending the staging now lets the plan send the dataset back and clear it.
  Status st = (*store)->catalog().SetDatasetStaging(dataset, record->staged_tier, NowMillis());
  if (!st.ok()) return Fail(st);
  auto plan = tiering::MakePlan(**store, NowMillis() + 1);
  if (!plan.ok()) return Fail(plan.status());
  return ApplyMoves(options, **store, std::move(*plan), dataset, flags);
}

int RunReplicate(const GlobalOptions& options, const std::string& target, int copies, const MoveFlags& flags) {
  auto job = StartPrefixJob(options, target, flags);
  if (!job.ok()) return Fail(job.status());
  ReplicaOptions replica_options;
  replica_options.bytes_per_second = job->rate;
  auto report = job->store->SetReplicas(job->path.bucket, job->path.key, copies, replica_options);
  if (!report.ok()) return Fail(report.status());
  if (options.json) {
    std::cout << json{{"blobs", report->blobs},
                      {"replicas_added", report->replicas_added},
                      {"replicas_dropped", report->replicas_dropped},
                      {"bytes_copied", report->bytes_copied}}
                     .dump(2)
              << "\n";
  } else if (!options.quiet) {
    std::cout << report->blobs << " blob(s) at " << copies << " cop" << (copies == 1 ? "y" : "ies") << ": "
              << report->replicas_added << " replica(s) added (" << FormatByteSize(report->bytes_copied) << "), "
              << report->replicas_dropped << " dropped\n";
  }
  return kExitOk;
}

void AddRateFlag(CLI::App* command, MoveFlags& flags) {
  command->add_option("--rate", flags.rate, "Copy at most this much per second, like 100MiB (default: no limit)");
}

}  // namespace

void AddTierCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto flags = std::make_shared<MoveFlags>();

  auto* move = app.add_subcommand("move", "Move every object under BUCKET/PREFIX to a tier (copy, verify, switch)");
  auto target = std::make_shared<std::string>();
  auto tier = std::make_shared<std::string>();
  move->add_option("target", *target, "BUCKET/PREFIX (every key that starts with PREFIX)")->required();
  move->add_option("--tier", *tier, "Tier to move to")->required();
  AddRateFlag(move, *flags);
  move->callback([&, target, tier, flags] { exit_code = RunMove(options, *target, *tier, *flags); });

  auto* replicate =
      app.add_subcommand("replicate", "Keep N copies of every object under BUCKET/PREFIX on distinct nodes");
  auto copies = std::make_shared<int>(2);
  replicate->add_option("target", *target, "BUCKET/PREFIX (every key that starts with PREFIX)")->required();
  replicate->add_option("--copies", *copies, "Copies in all, 1..8 (1 drops the replicas)")->capture_default_str();
  AddRateFlag(replicate, *flags);
  replicate->callback([&, target, copies, flags] { exit_code = RunReplicate(options, *target, *copies, *flags); });

  auto* plan = app.add_subcommand("plan", "What the placement policies and stagings would move, and why");
  auto at = std::make_shared<std::string>();
  plan->add_option("--at", *at, "Plan as of this day (YYYY-MM-DD, UTC) instead of now");
  plan->callback([&, at] { exit_code = RunPlan(options, *at); });

  auto* apply = app.add_subcommand("apply", "Carry out the plan: move datasets to their tiers");
  AddRateFlag(apply, *flags);
  apply->add_option("--max-bytes", flags->max_bytes,
                    "Stop (between batches) after this much has been copied; apply again to go on");
  apply->callback([&, flags] { exit_code = RunApply(options, *flags); });

  auto* stage = app.add_subcommand("stage", "Keep a dataset on a tier for a while (an analysis campaign)");
  auto dataset = std::make_shared<std::string>();
  auto duration = std::make_shared<std::string>();
  stage->add_option("dataset", *dataset, "Dataset name")->required();
  stage->add_option("--tier", *tier, "Tier to keep it on")->required();
  stage->add_option("--for", *duration, "How long: 90s, 30m, 36h, 7d (default: until unstaged)");
  AddRateFlag(stage, *flags);
  stage->callback([&, dataset, tier, duration, flags] {
    exit_code = RunStage(options, *dataset, *tier, *duration, *flags);
  });

  auto* unstage = app.add_subcommand("unstage", "End a staging now: the dataset goes back to its policy tier");
  unstage->add_option("dataset", *dataset, "Dataset name")->required();
  AddRateFlag(unstage, *flags);
  unstage->callback([&, dataset, flags] { exit_code = RunUnstage(options, *dataset, *flags); });
}

}  // namespace strata::cli
