// PopularityModel estimates, for every dataset, the probability that it is
// read within the next `horizon_weeks`. It trains the way a deployment
// would, on the system's own history: for several past weeks t whose
// horizon has already passed, features from the weeks up to t and labels
// from weeks t+1..t+horizon; then it predicts from the latest week. The
// classifier is gradient-boosted trees (BoostedClassifier). Immutable after
// training; Predict is thread-compatible.
#pragma once

#include <optional>
#include <vector>

#include "strata/base/status.h"
#include "strata/tiering/access_history.h"
#include "strata/tiering/features.h"
#include "strata/tiering/gradient_boosting.h"

namespace strata::tiering {

struct PopularityOptions {
  int horizon_weeks = 26;
  FeatureOptions features;
  // Training weeks: the latest week whose horizon has passed, and up to
  // training_windows - 1 earlier ones, window_stride weeks apart, none before
  // week lookback_weeks.
  int training_windows = 14;
  int window_stride = 2;
  // Shallow trees: deeper ones fit the training weeks better and the
  // future worse (docs/popularity.md).
  BoostingParams boosting{.trees = 400, .max_depth = 2, .learning_rate = 0.05, .min_child_weight = 5};
};

struct TrainingSummary {
  std::vector<int> weeks;  // the window ends trained on
  size_t rows = 0;
  size_t used = 0;         // rows labelled "used within the horizon"
  double seconds = 0;
};

class PopularityModel {
 public:
  // Trains on weeks 1..history.weeks of `history` (never on its recorded
  // future). FailedPrecondition when the history is too short for one
  // training window (lookback + horizon weeks) or no dataset was read yet.
  // When every example had the same outcome, the model predicts it.
  static Result<PopularityModel> Train(const AccessHistory& history, const PopularityOptions& options);

  // P(used within the horizon after end_week) for every dataset, from weeks
  // up to end_week; end_week 0 means the latest week.
  Result<std::vector<float>> PredictUsed(const AccessHistory& history, int end_week = 0) const;

  const TrainingSummary& summary() const { return summary_; }
  const PopularityOptions& options() const { return options_; }

 private:
  PopularityModel(std::optional<BoostedClassifier> classifier, float base_rate, PopularityOptions options,
                  TrainingSummary summary)
      : classifier_(std::move(classifier)),
        base_rate_(base_rate),
        options_(std::move(options)),
        summary_(std::move(summary)) {}

  std::optional<BoostedClassifier> classifier_;  // none when training saw one outcome only
  float base_rate_ = 0;                          // share of training rows used within the horizon
  PopularityOptions options_;
  TrainingSummary summary_;
};

// The training windows `options` gives for a history of `weeks` weeks,
// latest first; empty when it is too short.
std::vector<int> TrainingWeeks(int weeks, const PopularityOptions& options);

}  // namespace strata::tiering
