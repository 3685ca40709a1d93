// `strata index BUCKET/KEY|BUCKET/PREFIX/`: (re)builds the row-group indexes
// of tables in the store, on the nodes that hold them; and the same build
// run by `strata ingest table` and `strata gen particles` once a table has
// landed. Indexes are hints for selective queries: a table without them
// answers the same, only slower.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/cli/cli.h"
#include "strata/query/table_index.h"

namespace strata::cli {

namespace {

std::string Summary(const query::IndexReport& report) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", report.seconds);
  std::string line = "indexed " + std::to_string(report.row_groups_indexed) + " row groups of " +
                     std::to_string(report.files_indexed) + " table(s), " + FormatByteSize(report.bytes_written) +
                     " written, in " + seconds + " s";
  if (report.row_groups_skipped > 0) line += "; " + std::to_string(report.row_groups_skipped) + " row groups skipped";
  if (!report.skipped_files.empty()) {
    line += "; " + std::to_string(report.skipped_files.size()) + " file(s) not aligned";
  }
  return line;
}

int RunIndex(const GlobalOptions& options, const std::string& target) {
  auto path = ParseObjectPath(target);
  if (!path.ok()) return Fail(path.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto report = query::IndexTables(**store, path->bucket + "/" + path->key);
  if (!report.ok()) return Fail(report.status());
  if (options.json) {
    std::cout << nlohmann::json{{"files_indexed", report->files_indexed},
                                {"row_groups_indexed", report->row_groups_indexed},
                                {"row_groups_skipped", report->row_groups_skipped},
                                {"bytes_written", report->bytes_written},
                                {"seconds", report->seconds},
                                {"skipped_files", report->skipped_files},
                                {"problems", report->problems}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << Summary(*report) << "\n";
    for (const std::string& file : report->skipped_files) std::cout << "  skipped " << file << "\n";
    for (const std::string& problem : report->problems) std::cout << "  problem: " << problem << "\n";
  }
  // Row groups left without an index still answer queries; the exit status
  // says that a rerun (after a repair) has work left.
  return report->row_groups_skipped > 0 ? kExitDamaged : kExitOk;
}

}  // namespace

void IndexNewTable(ObjectStore& store, const std::string& target, const GlobalOptions& options) {
  auto report = query::IndexTables(store, target);
  if (!report.ok()) {
    std::cerr << "strata: warning: " << target << " landed, but its index was not built: "
              << report.status().message() << " (run `strata index " << target << "`)\n";
    return;
  }
  for (const std::string& problem : report->problems) std::cerr << "strata: warning: index: " << problem << "\n";
  if (!options.quiet) std::cerr << Summary(*report) << "\n";
}

void AddIndexCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto target = std::make_shared<std::string>();
  auto* index = app.add_subcommand("index", "Build the row-group indexes of tables (BUCKET/KEY or BUCKET/PREFIX/) "
                                            "on the nodes that hold them, replacing older ones");
  index->add_option("target", *target, "BUCKET/KEY or BUCKET/PREFIX/")->required();
  index->callback([&, target] { exit_code = RunIndex(options, *target); });
}

}  // namespace strata::cli
