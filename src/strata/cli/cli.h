// Shared pieces of the `strata` command line: global options, opening the
// store, error reporting with exit codes, and bucket/key argument parsing.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "strata/base/clock.h"
#include "strata/base/status.h"
#include "strata/objects/object_store.h"
#include "strata/tiering/access_history.h"

namespace strata::cli {

// Exit codes, documented in docs/operations.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // the operation failed
inline constexpr int kExitUsage = 2;       // bad arguments
inline constexpr int kExitNotFound = 3;    // no such store, bucket or key
inline constexpr int kExitDamaged = 4;     // finished, but damage remains

struct GlobalOptions {
  std::string store;  // store root
  bool json = false;
  bool quiet = false;
};

// Prints "strata: <message>" to stderr and returns the exit code for it.
int Fail(const Status& status);
Result<std::unique_ptr<ObjectStore>> OpenStore(const GlobalOptions& options);

struct ObjectPath {
  std::string bucket;
  std::string key;  // may be empty or end with '/': a prefix
};
Result<ObjectPath> ParseObjectPath(const std::string& text);

void AddStoreCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddObjectCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddServeCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddTableCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddIndexCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddPopularityCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddDatasetCommands(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddRetentionCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddTierCommands(CLI::App& app, GlobalOptions& options, int& exit_code);

// Days since the Unix epoch (UTC) of "YYYY-MM-DD", and back.
Result<int64_t> ParseDay(const std::string& text);
std::string FormatDay(int64_t day);

// Builds the row-group indexes of a table that has just landed at `target`
// and prints one line (stderr, unless quiet). A failure is a warning: the
// table is stored and answers queries without its index.
void IndexNewTable(ObjectStore& store, const std::string& target, const GlobalOptions& options);

}  // namespace strata::cli
