// `strata dataset add|rm|ls` and `strata history export`: datasets are named
// prefixes whose reads and queries the store counts per day; the export
// rolls those counts up into weeks (or days) as a CSV in the shape of the
// LHCb popularity data, which `strata popularity evaluate` reads.
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "strata/base/clock.h"
#include "strata/base/file_io.h"
#include "strata/cli/cli.h"
#include "strata/tiering/history_rollup.h"
#include "strata/tiering/store_history.h"

namespace strata::cli {
namespace {

int RunDatasetAdd(const GlobalOptions& options, const std::string& name, const std::string& target) {
  auto path = ParseObjectPath(target);
  if (!path.ok()) return Fail(path.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  Status added = (*store)->AddDataset(name, path->bucket, path->key);
  if (!added.ok()) return Fail(added);
  if (!options.quiet) std::cout << "dataset " << name << ": " << path->bucket << "/" << path->key << "\n";
  return kExitOk;
}

int RunDatasetRemove(const GlobalOptions& options, const std::string& name) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  Status removed = (*store)->RemoveDataset(name);
  return removed.ok() ? kExitOk : Fail(removed);
}

int RunDatasetList(const GlobalOptions& options) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto datasets = (*store)->catalog().ListDatasets();
  if (!datasets.ok()) return Fail(datasets.status());
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const DatasetRecord& d : *datasets) {
      nlohmann::json entry{{"name", d.name}, {"bucket", d.bucket}, {"prefix", d.prefix},
                           {"created", FormatIso8601(d.created_ms)}, {"staged_tier", d.staged_tier}};
      entry["staged_until"] = d.staged_until_ms ? nlohmann::json(FormatIso8601(d.staged_until_ms)) : nullptr;
      out.push_back(std::move(entry));
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const DatasetRecord& d : *datasets) {
    std::cout << d.name << "\t" << d.bucket << "/" << d.prefix;
    if (!d.staged_tier.empty()) {
      std::cout << "\tstaged on " << d.staged_tier
                << (d.staged_until_ms ? " until " + FormatIso8601(d.staged_until_ms) : std::string(" until unstaged"));
    }
    std::cout << "\n";
  }
  return kExitOk;
}

struct ExportFlags {
  int weeks = 78;
  int days = 0;  // > 0: that many daily columns instead of weeks
  std::string end;
  std::string output;
};

int RunHistoryExport(const GlobalOptions& options, const ExportFlags& flags) {
  int64_t last_day = NowMillis() / kMillisPerDay;  // UTC
  if (!flags.end.empty()) {
    auto parsed = ParseDay(flags.end);
    if (!parsed.ok()) return Fail(parsed.status());
    last_day = *parsed;
  }
  const bool daily = flags.days > 0;
  const int periods = daily ? flags.days : flags.weeks;
  const int days_per_period = daily ? 1 : 7;
  const int64_t first_day = last_day - static_cast<int64_t>(periods) * days_per_period + 1;
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto history = tiering::StoreAccessHistory(**store, last_day, periods, days_per_period);
  if (!history.ok()) return Fail(history.status());
  const std::string csv = tiering::FormatHistoryCsv(*history);
  if (flags.output.empty()) {
    std::cout << csv;
  } else {
    Status written = WriteFileAtomically(*PosixFileSystem::Default(), flags.output, csv);
    if (!written.ok()) return Fail(written);
  }
  if (!options.quiet) {
    std::cerr << "history: " << history->datasets() << " datasets, " << periods << (daily ? " days" : " weeks")
              << " from " << FormatDay(first_day) << " to " << FormatDay(last_day) << "\n";
  }
  return kExitOk;
}

}  // namespace

Result<int64_t> ParseDay(const std::string& text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char rest = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &rest) != 3) {
    return Status::InvalidArgument("date '" + text + "' is not YYYY-MM-DD");
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!date.ok()) return Status::InvalidArgument("date '" + text + "' does not exist");
  return static_cast<int64_t>(std::chrono::sys_days(date).time_since_epoch().count());
}

std::string FormatDay(int64_t day) {
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return text;
}

void AddDatasetCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* dataset = app.add_subcommand("dataset", "Datasets: named prefixes whose reads and queries are counted per day");
  dataset->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  auto* add = dataset->add_subcommand("add", "Name a prefix as a dataset (BUCKET/PREFIX, or BUCKET for all of it)");
  add->add_option("name", *name, "Dataset name")->required();
  add->add_option("prefix", *target, "BUCKET/PREFIX")->required();
  add->callback([&, name, target] { exit_code = RunDatasetAdd(options, *name, *target); });
  auto* rm = dataset->add_subcommand("rm", "Forget a dataset and its access history (the objects stay)");
  rm->add_option("name", *name, "Dataset name")->required();
  rm->callback([&, name] { exit_code = RunDatasetRemove(options, *name); });
  dataset->add_subcommand("ls", "List datasets")->callback([&] { exit_code = RunDatasetList(options); });

  auto flags = std::make_shared<ExportFlags>();
  auto* history = app.add_subcommand("history", "Access history of the datasets");
  history->require_subcommand(1);
  auto* export_command = history->add_subcommand(
      "export", "Weekly (or daily) reads + queries per dataset as CSV: ,Name,1..N (the LHCb popularity shape)");
  auto* weeks = export_command->add_option("--weeks", flags->weeks, "Weeks to export, the last ending on --end")
                    ->capture_default_str()
                    ->check(CLI::Range(1, 5200));
  export_command->add_option("--days", flags->days, "Export this many days, one column each, instead of weeks")
      ->check(CLI::Range(1, 36500))
      ->excludes(weeks);
  export_command->add_option("--end", flags->end, "Last day of the last period (YYYY-MM-DD, UTC; default today)");
  export_command->add_option("-o,--output", flags->output, "Write here instead of stdout");
  export_command->callback([&, flags] { exit_code = RunHistoryExport(options, *flags); });
}

}  // namespace strata::cli
