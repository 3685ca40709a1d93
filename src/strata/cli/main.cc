// strata: one binary for the command line (and, later, the gateway and node).
#include <cstdlib>
#include <iostream>

#include "strata/cli/cli.h"

int main(int argc, char** argv) {
  using namespace strata::cli;
  CLI::App app{"Strata: erasure-coded storage for scientific data"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", "strata 0.1.0");
  GlobalOptions options;
  const char* env_store = std::getenv("STRATA_STORE");
  options.store = env_store && *env_store ? env_store : "var";
  app.add_option("--store", options.store, "Store directory (default: $STRATA_STORE or ./var)");
  app.add_flag("--json", options.json, "Machine-readable output (status, stat, ls, scrub, repair)");
  app.add_flag("-q,--quiet", options.quiet, "No progress bars or chatter");

  int exit_code = kExitOk;
  AddStoreCommands(app, options, exit_code);
  AddObjectCommands(app, options, exit_code);
  AddServeCommand(app, options, exit_code);
  AddTableCommands(app, options, exit_code);
  AddIndexCommand(app, options, exit_code);
  AddDatasetCommands(app, options, exit_code);
  AddRetentionCommand(app, options, exit_code);
  AddTierCommands(app, options, exit_code);
  AddPopularityCommands(app, options, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return exit_code;
}
