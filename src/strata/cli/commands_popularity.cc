// `strata popularity evaluate|simulate|predict`: the popularity engine on a
// weekly access history (a CSV in the LHCb shape, one exported by `strata
// history export`, or with --from-store the store's own datasets). evaluate
// measures it out of time next to LRU; simulate replays the history week by
// week against a tier policy and plots it; predict advises a tier and
// replicas for every dataset.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "strata/base/clock.h"
#include "strata/base/file_io.h"
#include "strata/cli/cli.h"
#include "strata/table/csv_table.h"
#include "strata/tiering/store_history.h"
#include "strata/tiering/evaluation.h"
#include "strata/tiering/placement_advice.h"
#include "strata/tiering/simulation.h"
#include "strata/tiering/svg_chart.h"

namespace strata::cli {
namespace {

// Defaults are the engine's own (tiering::PopularityOptions).
struct PopularityFlags {
  std::string history;
  bool from_store = false;  // the store's own datasets instead of a file
  int store_weeks = 78;
  int horizon = tiering::PopularityOptions{}.horizon_weeks;
  int lookback = tiering::PopularityOptions{}.features.lookback_weeks;
  int windows = tiering::PopularityOptions{}.training_windows;
  int stride = tiering::PopularityOptions{}.window_stride;
  int trees = tiering::PopularityOptions{}.boosting.trees;
  int threads = 0;
  bool no_groups = false;
  double wrong_move_cost = tiering::EvaluationOptions{}.wrong_move_cost;
};

tiering::PopularityOptions ModelOptions(const PopularityFlags& flags) {
  tiering::PopularityOptions options;
  options.horizon_weeks = flags.horizon;
  options.features.lookback_weeks = flags.lookback;
  options.features.name_groups = !flags.no_groups;
  options.training_windows = flags.windows;
  options.window_stride = flags.stride;
  options.boosting.trees = flags.trees;
  options.boosting.threads = flags.threads;
  return options;
}

void AddModelFlags(CLI::App* command, PopularityFlags& flags) {
  auto* file = command->add_option("--history", flags.history,
                                   "Weekly access history CSV (Name, 1..N[, Label, Target])");
  auto* store = command->add_flag("--from-store", flags.from_store,
                                  "Use the store's own datasets and their recorded weekly history")
                    ->excludes(file);
  command->add_option("--store-weeks", flags.store_weeks, "With --from-store: weeks of history, the last ending today")
      ->capture_default_str()
      ->check(CLI::Range(2, 5200))
      ->needs(store);
  command->add_option("--horizon", flags.horizon, "Weeks ahead a dataset counts as used")
      ->capture_default_str()
      ->check(CLI::Range(1, 520));
  command->add_option("--lookback", flags.lookback, "Weeks of history each feature looks back at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 520));
  command->add_option("--windows", flags.windows, "Training windows (past weeks whose horizon has passed)")
      ->capture_default_str()
      ->check(CLI::Range(1, 520));
  command->add_option("--stride", flags.stride, "Weeks between training windows")
      ->capture_default_str()
      ->check(CLI::Range(1, 52));
  command->add_option("--trees", flags.trees, "Boosting rounds")->capture_default_str()->check(CLI::Range(1, 5000));
  command->add_option("--threads", flags.threads, "Training threads (0: every core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  command->add_flag("--no-groups", flags.no_groups, "Leave out the name-group features");
  command->add_option("--wrong-move-cost", flags.wrong_move_cost,
                      "Risk matrix: a dataset wrongly moved off the fast tier costs this many idle fast ones")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

// The history a command works on: the file given, or the store's own.
Result<tiering::AccessHistory> LoadHistory(const GlobalOptions& global, const PopularityFlags& flags) {
  if (!flags.from_store) {
    if (flags.history.empty()) return Status::InvalidArgument("give --history FILE or --from-store");
    return tiering::ReadHistoryCsv(flags.history);
  }
  ASSIGN_OR_RETURN(auto store, OpenStore(global));
  return tiering::StoreAccessHistory(*store, NowMillis() / kMillisPerDay, flags.store_weeks, 7);
}

int RunEvaluate(const GlobalOptions& global, const PopularityFlags& flags, int mistakes, int folds) {
  auto history = LoadHistory(global, flags);
  if (!history.ok()) return Fail(history.status());
  tiering::EvaluationOptions options;
  options.model = ModelOptions(flags);
  options.mistakes = mistakes;
  options.wrong_move_cost = flags.wrong_move_cost;
  options.cross_validation_folds = folds;
  auto evaluation = tiering::Evaluate(*history, options);
  if (!evaluation.ok()) return Fail(evaluation.status());
  if (global.json) {
    std::cout << tiering::EvaluationJson(*evaluation).dump(2) << "\n";
  } else {
    std::cout << tiering::FormatEvaluation(*evaluation, mistakes);
  }
  return kExitOk;
}

struct SimulateFlags {
  int retrain_every = 4;
  int lru_idle_weeks = 26;
  int first_week = 0;
  std::string plot;
};

nlohmann::json SimulationJson(const tiering::Simulation& simulation) {
  auto policy = [](const tiering::PolicyWeek& p) {
    return nlohmann::json{{"on_fast", p.on_fast},
                          {"moved_off", p.moved_off},
                          {"promoted", p.promoted},
                          {"restored", p.restored},
                          {"wrong_moves", p.wrong_moves}};
  };
  nlohmann::json weeks = nlohmann::json::array();
  for (const tiering::SimulationWeek& w : simulation.weeks) {
    weeks.push_back({{"week", w.week + 1}, {"datasets", w.datasets}, {"model", policy(w.model)}, {"lru", policy(w.lru)}});
  }
  return {{"weeks", weeks}, {"retrainings", simulation.retrainings}, {"train_seconds", simulation.train_seconds}};
}

int RunSimulate(const GlobalOptions& global, const PopularityFlags& flags, const SimulateFlags& simulate) {
  auto history = LoadHistory(global, flags);
  if (!history.ok()) return Fail(history.status());
  tiering::SimulationOptions options;
  options.model = ModelOptions(flags);
  options.wrong_move_cost = flags.wrong_move_cost;
  options.retrain_every = simulate.retrain_every;
  options.lru_idle_weeks = simulate.lru_idle_weeks;
  options.first_week = simulate.first_week;
  auto simulation = tiering::Simulate(*history, options);
  if (!simulation.ok()) return Fail(simulation.status());
  if (!simulate.plot.empty()) {
    Status written = WriteFileAtomically(*PosixFileSystem::Default(), simulate.plot,
                                         tiering::RenderSvg(tiering::SimulationChart(*simulation)));
    if (!written.ok()) return Fail(written.WithContext("plot"));
  }
  if (global.json) {
    std::cout << SimulationJson(*simulation).dump(2) << "\n";
  } else {
    std::cout << tiering::FormatSimulation(*simulation);
    if (!simulate.plot.empty()) std::cout << "plot: " << simulate.plot << "\n";
  }
  return kExitOk;
}

struct AdviceFlags {
  double alpha = tiering::AdviceOptions{}.alpha;
  int min_replicas = tiering::AdviceOptions{}.min_replicas;
  int max_replicas = tiering::AdviceOptions{}.max_replicas;
  std::string fast = "hot";
  std::string slow = "capacity";
};

int RunPredict(const GlobalOptions& global, const PopularityFlags& flags, const AdviceFlags& advice_flags) {
  auto history = LoadHistory(global, flags);
  if (!history.ok()) return Fail(history.status());
  tiering::AdviceOptions options;
  options.model = ModelOptions(flags);
  options.alpha = advice_flags.alpha;
  options.min_replicas = advice_flags.min_replicas;
  options.max_replicas = advice_flags.max_replicas;
  const tiering::RiskMatrix risk =
      tiering::RiskMatrix::TwoTier(advice_flags.fast, advice_flags.slow, flags.wrong_move_cost);
  auto advice = tiering::AdvisePlacement(*history, risk, options);
  if (!advice.ok()) return Fail(advice.status());
  if (global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const tiering::DatasetAdvice& a : *advice) {
      out.push_back({{"name", a.name},
                     {"p_used", a.p_used},
                     {"tier", a.tier},
                     {"expected_reads_per_week", a.expected_reads_per_week},
                     {"replicas", a.replicas}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::string csv = "name,p_used,tier,expected_reads_per_week,replicas\n";
  char numbers[96];
  for (const tiering::DatasetAdvice& a : *advice) {
    table::AppendCsvField(a.name, &csv);
    std::snprintf(numbers, sizeof numbers, ",%.4f,", a.p_used);
    csv += numbers;
    table::AppendCsvField(a.tier, &csv);
    std::snprintf(numbers, sizeof numbers, ",%.3f,%d\n", a.expected_reads_per_week, a.replicas);
    csv += numbers;
  }
  std::cout << csv;
  return kExitOk;
}

}  // namespace

void AddPopularityCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* popularity = app.add_subcommand("popularity", "Measure and replay the popularity engine on an access history");
  popularity->require_subcommand(1);

  auto flags = std::make_shared<PopularityFlags>();
  auto mistakes = std::make_shared<int>(9);
  auto folds = std::make_shared<int>(5);
  auto* evaluate = popularity->add_subcommand(
      "evaluate", "Out-of-time evaluation: train on the past, score the real future, next to LRU");
  AddModelFlags(evaluate, *flags);
  evaluate->add_option("--mistakes", *mistakes, "Count datasets moved before this wrong move")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  evaluate->add_option("--folds", *folds, "Folds of the in-window comparison (0: skip it)")
      ->capture_default_str()
      ->check(CLI::Range(0, 20));
  auto advice_flags = std::make_shared<AdviceFlags>();
  auto predict_flags = std::make_shared<PopularityFlags>();
  auto* predict = popularity->add_subcommand(
      "predict", "For each dataset: P(read within the horizon), tier, expected reads per week, replicas (CSV)");
  AddModelFlags(predict, *predict_flags);
  predict->add_option("--alpha", advice_flags->alpha, "Replicas = round(sqrt(alpha * expected reads per week))")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  predict->add_option("--min-replicas", advice_flags->min_replicas, "Fewest copies of a dataset on the fast tier")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  predict->add_option("--max-replicas", advice_flags->max_replicas, "Most copies of a dataset on the fast tier")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  predict->add_option("--fast", advice_flags->fast, "Name of the fast tier")->capture_default_str();
  predict->add_option("--slow", advice_flags->slow, "Name of the slow tier")->capture_default_str();
  predict->callback([&, predict_flags, advice_flags] {
    exit_code = RunPredict(options, *predict_flags, *advice_flags);
  });

  auto simulate_flags = std::make_shared<SimulateFlags>();
  auto sim_model_flags = std::make_shared<PopularityFlags>();
  auto* simulate = popularity->add_subcommand(
      "simulate", "Replay a history week by week: the popularity engine against LRU, with an SVG plot");
  AddModelFlags(simulate, *sim_model_flags);
  simulate->add_option("--retrain-every", simulate_flags->retrain_every, "Weeks between retrainings")
      ->capture_default_str()
      ->check(CLI::Range(1, 520));
  simulate->add_option("--lru-idle", simulate_flags->lru_idle_weeks, "LRU moves datasets idle this many weeks")
      ->capture_default_str()
      ->check(CLI::Range(1, 520));
  simulate->add_option("--start", simulate_flags->first_week,
                       "First week the policies run (default: lookback + horizon, the first a model can train)")
      ->check(CLI::Range(1, 100000));
  simulate->add_option("--plot", simulate_flags->plot, "Write the plot here (SVG)");
  simulate->callback([&, sim_model_flags, simulate_flags] {
    exit_code = RunSimulate(options, *sim_model_flags, *simulate_flags);
  });

  evaluate->callback([&, flags, mistakes, folds] {
    if (*folds == 1) {
      exit_code = Fail(Status::InvalidArgument("--folds must be 0 or at least 2"));
      return;
    }
    exit_code = RunEvaluate(options, *flags, *mistakes, *folds);
  });
}

}  // namespace strata::cli
