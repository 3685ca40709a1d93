// strata init, status, scrub, repair, drive add/remove/list, mb, rb, compact.
#include <iostream>
#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/base/clock.h"
#include "strata/cli/cli.h"
#include "strata/cli/progress.h"

namespace strata::cli {
namespace {

using nlohmann::json;

// "--tier hot:2+1" or "hot:2+1:4" (drives per node): a tier with the level-2
// code `code` and the level-1 code `level1`.
Status AddTierOption(const std::string& text, const CodeSpec& level1, InitOptions* init) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--tier '" + text + "' must be NAME:K+M or NAME:K+M:DRIVES, like hot:2+1");
  }
  TierConfig tier;
  tier.name = text.substr(0, colon);
  tier.media = "dir";
  tier.level1 = level1;
  std::string rest = text.substr(colon + 1);
  const size_t drives_at = rest.find(':');
  ASSIGN_OR_RETURN(tier.level2, ParseCodeSpec(rest.substr(0, drives_at)));
  if (drives_at != std::string::npos) {
    const std::string count = rest.substr(drives_at + 1);
    int drives = 0;
    for (char c : count) drives = (c >= '0' && c <= '9' && drives < 1000) ? drives * 10 + (c - '0') : -1;
    if (count.empty() || drives <= 0) {
      return Status::InvalidArgument("--tier '" + text + "': the drive count must be a whole number from 1");
    }
    init->tier_drives[tier.name] = drives;
  }
  init->config.tiers.push_back(std::move(tier));
  // The same checks strata.toml gets (names, duplicates).
  return ParseConfig(RenderConfig(init->config), "--tier").status();
}

int RunInit(const GlobalOptions& options, int drives, const std::vector<std::string>& drive_paths, int nodes,
            const std::string& code, const std::string& node_code, const std::string& unit_size,
            const std::vector<std::string>& tiers, bool single_tier) {
  InitOptions init = single_tier || !tiers.empty() ? InitOptions{} : EmbeddedDefault();
  auto level2 = ParseCodeSpec(code);
  if (!level2.ok()) return Fail(level2.status());
  auto level1 = ParseCodeSpec(node_code);
  if (!level1.ok()) return Fail(level1.status());
  auto unit = ParseByteSize(unit_size);
  if (!unit.ok()) return Fail(unit.status());
  if (*unit < 4096 || *unit > (64u << 20) || (*unit & (*unit - 1)) != 0) {
    return Fail(Status::InvalidArgument("unit size " + unit_size + " must be a power of two from 4KiB to 64MiB"));
  }
  init.config.level1 = *level1;
  init.config.level2 = *level2;
  init.config.unit_size = static_cast<uint32_t>(*unit);
  init.nodes = nodes;
  init.drive_paths = drive_paths;
  init.drives_per_node = drive_paths.empty() ? (drives > 0 ? drives : level2->width()) : 0;
  for (const std::string& tier : tiers) {
    Status added = AddTierOption(tier, *level1, &init);
    if (!added.ok()) return Fail(added);
  }
  for (TierConfig& tier : init.config.tiers) {
    if (tiers.empty()) tier.level1 = *level1;  // the embedded default, over --nodes
  }
  Status st = ObjectStore::Init(options.store, init);
  if (!st.ok()) return Fail(st);
  if (!options.quiet) {
    std::cout << "initialised store " << options.store << ": " << nodes << " node(s)";
    if (init.config.tiers.empty()) {
      std::cout << ", " << (drive_paths.empty() ? init.drives_per_node : static_cast<int>(drive_paths.size()))
                << " drive(s) each, code " << (level1->width() > 1 ? level1->ToString() + " over " : "")
                << level2->ToString();
    }
    for (const TierConfig& tier : init.config.tiers) {
      auto count = init.tier_drives.find(tier.name);
      std::cout << "; tier " << tier.name << ": "
                << (count != init.tier_drives.end() ? count->second : tier.level2.width()) << " drive(s) each, code "
                << (tier.level1.width() > 1 ? tier.level1.ToString() + " over " : "") << tier.level2.ToString();
    }
    std::cout << ", unit " << FormatByteSize(*unit) << "\n";
  }
  return kExitOk;
}

json DriveJson(const DriveRecord& d) {
  return json{{"name", d.name},          {"id", d.drive_id},
              {"node_id", d.node_id},    {"path", d.path},
              {"state", std::string(DriveStateName(d.state))}, {"error", d.last_error},
              {"capacity_bytes", d.capacity_bytes}, {"available_bytes", d.available_bytes},
              {"tier", d.tier}};
}

int RunStatus(const GlobalOptions& options) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  Catalog& catalog = (*store)->catalog();
  auto drives = catalog.ListDrives();
  auto nodes = catalog.ListNodes();
  auto stats = catalog.Stats();
  auto repairs = catalog.ListRepairs();
  if (!drives.ok()) return Fail(drives.status());
  if (!nodes.ok()) return Fail(nodes.status());
  if (!stats.ok()) return Fail(stats.status());
  if (!repairs.ok()) return Fail(repairs.status());

  int down = 0;
  for (const DriveRecord& d : *drives) down += d.state == DriveState::kDown;
  std::set<std::string> blobs_needing_repair;
  for (const RepairRecord& r : *repairs) blobs_needing_repair.insert(r.blob_id);
  const bool healthy = down == 0 && repairs->empty();
  std::string health = healthy ? "healthy" : "degraded";

  const StoreConfig& config = (*store)->config();
  if (options.json) {
    json out;
    out["store"] = (*store)->root();
    out["health"] = health;
    out["code"] = {{"level1", config.level1.ToString()}, {"level2", config.level2.ToString()}};
    out["unit_size"] = config.unit_size;
    out["tiers"] = json::array();
    for (const TierConfig& tier : EffectiveTiers(config)) {
      out["tiers"].push_back({{"name", tier.name}, {"media", tier.media}, {"level1", tier.level1.ToString()},
                              {"level2", tier.level2.ToString()}, {"writes", tier.name == (*store)->write_tier()}});
    }
    out["drives"] = json::array();
    for (const DriveRecord& d : *drives) out["drives"].push_back(DriveJson(d));
    out["drives_down"] = down;
    out["buckets"] = stats->buckets;
    out["objects"] = stats->objects;
    out["object_bytes"] = stats->object_bytes;
    out["packs"] = stats->packs;
    out["pack_bytes"] = stats->pack_bytes;
    out["pack_live_bytes"] = stats->pack_live_bytes;
    out["blocks_needing_repair"] = repairs->size();
    out["blobs_needing_repair"] = blobs_needing_repair.size();
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "store   " << (*store)->root() << "\n"
            << "health  " << health;
  if (!healthy) {
    std::cout << " (" << down << " drive(s) down, " << repairs->size() << " block(s) of "
              << blobs_needing_repair.size() << " blob(s) need repair; run 'strata repair')";
  }
  std::cout << "\ntiers   ";
  bool first = true;
  for (const TierConfig& tier : EffectiveTiers(config)) {
    std::cout << (first ? "" : ", ") << tier.name << " " << (tier.level1.width() > 1 ? tier.level1.ToString() + " over " : "")
              << tier.level2.ToString() << (tier.name == (*store)->write_tier() ? " (new objects)" : "");
    first = false;
  }
  std::cout << "; unit " << FormatByteSize(config.unit_size) << "\n"
            << "objects " << stats->objects << " in " << stats->buckets << " bucket(s), "
            << FormatByteSize(stats->object_bytes) << "; " << stats->packs << " pack(s), "
            << FormatByteSize(stats->pack_live_bytes) << " live of " << FormatByteSize(stats->pack_bytes) << "\n\n";
  std::printf("%-6s %-5s %-7s %-10s %12s %12s  %s\n", "DRIVE", "NODE", "STATE", "TIER", "CAPACITY", "AVAILABLE",
              "PATH");
  for (const DriveRecord& d : *drives) {
    std::string node_name = d.node_id.substr(0, 4);
    for (const NodeRecord& n : *nodes) {
      if (n.node_id == d.node_id) node_name = n.name;
    }
    std::printf("%-6s %-5s %-7s %-10s %12s %12s  %s%s\n", d.name.c_str(), node_name.c_str(),
                std::string(DriveStateName(d.state)).c_str(), d.tier.c_str(), FormatByteSize(d.capacity_bytes).c_str(),
                FormatByteSize(d.available_bytes).c_str(), d.path.c_str(),
                d.last_error.empty() ? "" : ("  (" + d.last_error + ")").c_str());
  }
  return kExitOk;
}

void PrintProblems(const std::vector<std::string>& problems, const GlobalOptions& options) {
  if (options.quiet) return;
  const size_t shown = std::min<size_t>(problems.size(), 20);
  for (size_t i = 0; i < shown; ++i) std::cerr << "  " << problems[i] << "\n";
  if (problems.size() > shown) std::cerr << "  ... and " << problems.size() - shown << " more\n";
}

json RepairJson(const RepairReport& r) {
  return json{{"drives_reformatted", r.drives_reformatted}, {"blobs_repaired", r.blobs_repaired},
              {"blocks_rebuilt", r.blocks_rebuilt}, {"blocks_unrepairable", r.blocks_unrepairable},
              {"problems", r.problems}};
}

void PrintRepair(const RepairReport& r) {
  std::cout << "repair: " << r.drives_reformatted << " drive(s) re-initialised, " << r.blocks_rebuilt
            << " block(s) rebuilt in " << r.blobs_repaired << " blob(s), " << r.blocks_unrepairable
            << " block(s) could not be repaired\n";
}

int RunRepair(const GlobalOptions& options) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  ProgressBar bar("repair", 0, false, options.quiet);
  auto report = (*store)->maintenance().Repair([&](uint64_t done, uint64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  if (options.json) {
    std::cout << RepairJson(*report).dump(2) << "\n";
  } else {
    PrintRepair(*report);
    PrintProblems(report->problems, options);
  }
  return report->blocks_unrepairable ? kExitDamaged : kExitOk;
}

int RunScrub(const GlobalOptions& options, bool repair) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  ProgressBar bar("scrub", 0, true, options.quiet);
  auto report = (*store)->maintenance().Scrub([&](uint64_t done, uint64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  RepairReport repaired;
  if (repair) {
    auto r = (*store)->maintenance().Repair(nullptr);
    if (!r.ok()) return Fail(r.status());
    repaired = *r;
  }
  if (options.json) {
    json out{{"blobs_checked", report->blobs_checked},
             {"blocks_damaged", report->blocks_damaged},
             {"orphans_removed", report->orphans_removed},
             {"temporaries_removed", report->temporaries_removed},
             {"problems", report->problems}};
    if (repair) out["repair"] = RepairJson(repaired);
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "scrub: " << report->blobs_checked << " blob(s) verified, " << report->blocks_damaged
              << " damaged block(s) found, " << report->orphans_removed << " orphan block(s) and "
              << report->temporaries_removed << " temporary file(s) removed\n";
    PrintProblems(report->problems, options);
    if (repair) PrintRepair(repaired);
  }
  if (repair) return repaired.blocks_unrepairable ? kExitDamaged : kExitOk;
  return report->blocks_damaged ? kExitDamaged : kExitOk;
}

int RunDriveAdd(const GlobalOptions& options, const std::string& path, const std::string& node, std::string tier) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  const std::vector<TierConfig> tiers = EffectiveTiers((*store)->config());
  if (tier.empty() && tiers.size() > 1) {
    std::string names;
    for (const TierConfig& t : tiers) names += (names.empty() ? "" : ", ") + t.name;
    return Fail(Status::InvalidArgument("the store has tiers " + names + ": name the new drive's with --tier"));
  }
  if (tier.empty()) tier = tiers.front().name;
  ProgressBar bar("rebalance", 0, false, options.quiet);
  auto report = (*store)->maintenance().AddDrive(path, node, tier, [&](uint64_t done, uint64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  if (!options.quiet) {
    std::cout << "added drive " << report->drive.name << " at " << path << "; moved " << report->blocks_moved
              << " block(s) to it\n";
    PrintProblems(report->repair.problems, options);
  }
  return report->repair.problems.empty() ? kExitOk : kExitDamaged;
}

int RunDriveRemove(const GlobalOptions& options, const std::string& name) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  ProgressBar bar("evacuate", 0, false, options.quiet);
  auto report = (*store)->maintenance().RemoveDrive(name, [&](uint64_t done, uint64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  if (!options.quiet) {
    std::cout << "removed drive " << report->drive.name << "; rebuilt " << report->repair.blocks_rebuilt
              << " block(s) on the remaining drives\n";
    PrintProblems(report->repair.problems, options);
  }
  return report->repair.blocks_unrepairable ? kExitDamaged : kExitOk;
}

int RunCompact(const GlobalOptions& options) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto report = (*store)->CompactPacks();
  if (!report.ok()) return Fail(report.status());
  if (options.json) {
    std::cout << json{{"packs_rewritten", report->packs_rewritten}, {"objects_moved", report->objects_moved},
                      {"bytes_reclaimed", report->bytes_reclaimed}}
                     .dump(2)
              << "\n";
  } else if (!options.quiet) {
    std::cout << "compact: rewrote " << report->packs_rewritten << " pack(s), moved " << report->objects_moved
              << " object(s), reclaimed " << FormatByteSize(report->bytes_reclaimed) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddStoreCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* init = app.add_subcommand("init", "Create a store: settings, catalog and formatted drives");
  auto drives = std::make_shared<int>(0);
  auto drive_paths = std::make_shared<std::vector<std::string>>();
  auto nodes = std::make_shared<int>(1);
  auto code = std::make_shared<std::string>("4+2");
  auto node_code = std::make_shared<std::string>("1+0");
  auto unit = std::make_shared<std::string>("1MiB");
  init->add_option("--drives", *drives, "Directory drives to create per node under <store>/drives (default: k+m)");
  init->add_option("--drive", *drive_paths, "Use this directory as a drive (repeat; single node)");
  init->add_option("--code", *code, "Erasure code across the drives of a node, k+m")->capture_default_str();
  init->add_option("--nodes", *nodes, "In-process storage nodes")->capture_default_str();
  init->add_option("--node-code", *node_code, "Erasure code across nodes, k+m")->capture_default_str();
  init->add_option("--unit-size", *unit, "Erasure unit, a power of two")->capture_default_str();
  auto tiers = std::make_shared<std::vector<std::string>>();
  init->add_option("--tier", *tiers,
                   "A tier NAME:K+M[:DRIVES per node] (repeat; the first takes new objects). Default without "
                   "--tier, --code, --drives or --drive: hot:2+1 and capacity:4+2");
  init->callback([&, init, drives, drive_paths, nodes, code, node_code, unit, tiers] {
    const bool single_tier = init->count("--code") + init->count("--drives") + init->count("--drive") > 0;
    if (single_tier && !tiers->empty()) {
      exit_code = Fail(Status::InvalidArgument("--tier gives each tier its code and drives; it does not mix with "
                                               "--code, --drives or --drive"));
      return;
    }
    exit_code = RunInit(options, *drives, *drive_paths, *nodes, *code, *node_code, *unit, *tiers, single_tier);
  });

  app.add_subcommand("status", "Drives, capacity, health and pending repairs")->callback([&] {
    exit_code = RunStatus(options);
  });
  auto* scrub = app.add_subcommand("scrub", "Read and verify every block; remove leftovers; repair what it finds");
  auto no_repair = std::make_shared<bool>(false);
  scrub->add_flag("--no-repair", *no_repair, "Only report damage");
  scrub->callback([&, no_repair] { exit_code = RunScrub(options, !*no_repair); });
  app.add_subcommand("repair", "Rebuild every block on lost, replaced or damaged drives")->callback([&] {
    exit_code = RunRepair(options);
  });
  app.add_subcommand("compact", "Rewrite packs of small objects that are mostly deleted")->callback([&] {
    exit_code = RunCompact(options);
  });

  auto* drive = app.add_subcommand("drive", "Add or remove drives");
  drive->require_subcommand(1);
  auto* add = drive->add_subcommand("add", "Format a directory as a new drive and move blocks onto it");
  auto add_path = std::make_shared<std::string>();
  auto add_node = std::make_shared<std::string>();
  add->add_option("path", *add_path, "Directory (missing or empty)")->required();
  add->add_option("--node", *add_node, "Node to add it to (default: the first)");
  auto add_tier = std::make_shared<std::string>();
  add->add_option("--tier", *add_tier, "Tier it joins (required when the store has several)");
  add->callback([&, add_path, add_node, add_tier] {
    exit_code = RunDriveAdd(options, *add_path, *add_node, *add_tier);
  });
  auto* remove = drive->add_subcommand("remove", "Rebuild a drive's blocks elsewhere and retire it");
  auto remove_name = std::make_shared<std::string>();
  remove->add_option("name", *remove_name, "Drive name, e.g. d3")->required();
  remove->callback([&, remove_name] { exit_code = RunDriveRemove(options, *remove_name); });

  auto* mb = app.add_subcommand("mb", "Create a bucket");
  auto mb_name = std::make_shared<std::string>();
  mb->add_option("bucket", *mb_name)->required();
  mb->callback([&, mb_name] {
    auto store = OpenStore(options);
    if (!store.ok()) {
      exit_code = Fail(store.status());
      return;
    }
    Status st = (*store)->CreateBucket(*mb_name);
    exit_code = st.ok() ? kExitOk : Fail(st);
  });
  auto* rb = app.add_subcommand("rb", "Delete an empty bucket");
  auto rb_name = std::make_shared<std::string>();
  rb->add_option("bucket", *rb_name)->required();
  rb->callback([&, rb_name] {
    auto store = OpenStore(options);
    if (!store.ok()) {
      exit_code = Fail(store.status());
      return;
    }
    Status st = (*store)->DeleteBucket(*rb_name);
    exit_code = st.ok() ? kExitOk : Fail(st);
  });
}

}  // namespace strata::cli
