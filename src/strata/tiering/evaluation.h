// Out-of-time evaluation of the popularity engine on a history, next to the
// LRU baseline (weeks since last access): train on the past as a deployment
// would, predict from the latest week, score against the real future. The
// future is the file's recorded one (Label, Target) when it has it, else
// the last `horizon` weeks held out. Also the seed's way, cross-validation
// inside one time window, for comparison, and the error of the expected
// accesses (kernel regression) against the future rate.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "strata/tiering/access_history.h"
#include "strata/tiering/popularity_model.h"
#include "strata/tiering/ranking_metrics.h"

namespace strata::tiering {

struct EvaluationOptions {
  PopularityOptions model;
  int mistakes = 9;              // "moved before the n-th wrong move"
  double wrong_move_cost = 4.0;  // risk matrix: a wrong move costs this many idle fast datasets
  int cross_validation_folds = 5;  // the in-window comparison; 0 skips it
};

// How well one method ranks datasets for moving off the fast tier.
struct MethodScore {
  std::string method;
  double roc_auc = 0;  // for "unused within the horizon"
  size_t moved_before_mistake = 0;
  // Precision and recall of moving as many datasets as the risk matrix
  // moves, taken from the top of this method's ranking.
  PrecisionRecall at_decision;
};

struct Evaluation {
  size_t datasets = 0;
  int weeks = 0;  // history weeks the model saw
  int horizon = 0;
  std::string future;  // where the truth came from
  size_t unused = 0;   // datasets not used in the future horizon
  TrainingSummary training;
  double predict_seconds = 0;
  size_t risk_moves = 0;  // datasets the risk matrix sends off the fast tier
  MethodScore model;
  MethodScore lru;
  std::optional<double> in_window_auc;      // the seed's way: k-fold CV inside one window
  std::optional<double> in_window_lru_auc;  // LRU scored in that same window
  // Mean absolute error of the expected accesses per week over the horizon:
  // kernel regression, and the mean of the last `horizon` weeks.
  double kernel_mae = 0;
  double recent_mean_mae = 0;
};

Result<Evaluation> Evaluate(const AccessHistory& history, const EvaluationOptions& options);

// A plain-text report with the side-by-side table.
std::string FormatEvaluation(const Evaluation& evaluation, int mistakes);
nlohmann::json EvaluationJson(const Evaluation& evaluation);

// LRU's score for "unused": weeks since the last access up to end_week
// (end_week + 1 for a dataset never read).
std::vector<float> WeeksSinceLastAccess(const AccessHistory& history, int end_week);

}  // namespace strata::tiering
