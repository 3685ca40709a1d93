#include "strata/tiering/popularity_model.h"

#include <chrono>
#include <optional>

namespace strata::tiering {

std::vector<int> TrainingWeeks(int weeks, const PopularityOptions& options) {
  std::vector<int> ends;
  const int stride = std::max(1, options.window_stride);
  for (int end = weeks - options.horizon_weeks;
       end >= options.features.lookback_weeks && static_cast<int>(ends.size()) < options.training_windows;
       end -= stride) {
    ends.push_back(end);
  }
  return ends;
}

Result<PopularityModel> PopularityModel::Train(const AccessHistory& history, const PopularityOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TrainingSummary summary;
  summary.weeks = TrainingWeeks(history.weeks, options);
  if (summary.weeks.empty()) {
    return Status::FailedPrecondition(
        "history of " + std::to_string(history.weeks) + " weeks is too short to train on: it needs " +
        std::to_string(options.features.lookback_weeks + options.horizon_weeks) + " (lookback " +
        std::to_string(options.features.lookback_weeks) + " + horizon " + std::to_string(options.horizon_weeks) + ")");
  }
  FeatureMatrix x;
  std::vector<float> labels;
  for (int end : summary.weeks) {
    // Only datasets the system knew at week t are examples: one first read
    // later did not exist for it yet.
    const FeatureMatrix window = BuildFeatures(history, end, options.features);
    const std::vector<float> used = UsedWithin(history, end, options.horizon_weeks);
    const std::vector<uint8_t> seen = SeenBy(history, end);
    if (x.columns.empty()) x = FeatureMatrix(window.columns, 0);
    for (size_t d = 0; d < history.datasets(); ++d) {
      if (!seen[d]) continue;
      x.values.insert(x.values.end(), window.Row(d), window.Row(d) + window.columns.size());
      ++x.rows;
      labels.push_back(used[d]);
    }
  }
  summary.rows = x.rows;
  for (float label : labels) summary.used += label > 0.5f;
  if (summary.rows == 0) {
    return Status::FailedPrecondition("no dataset was read by week " + std::to_string(summary.weeks.front()) +
                                      ": nothing to train on");
  }
  // A young system may have seen only one outcome (every dataset read
  // again); then that outcome is the prediction, until history says more.
  std::optional<BoostedClassifier> classifier;
  if (summary.used != 0 && summary.used != summary.rows) {
    ASSIGN_OR_RETURN(classifier, BoostedClassifier::Train(x, labels, options.boosting));
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const float base_rate = static_cast<float>(summary.used) / static_cast<float>(summary.rows);
  return PopularityModel(std::move(classifier), base_rate, options, std::move(summary));
}

Result<std::vector<float>> PopularityModel::PredictUsed(const AccessHistory& history, int end_week) const {
  if (end_week == 0) end_week = history.weeks;
  if (end_week < 1 || end_week > history.weeks) {
    return Status::InvalidArgument("week " + std::to_string(end_week) + " is outside the history's 1.." +
                                   std::to_string(history.weeks));
  }
  if (!classifier_) return std::vector<float>(history.datasets(), base_rate_);
  return classifier_->Predict(BuildFeatures(history, end_week, options_.features), options_.boosting.threads);
}

}  // namespace strata::tiering
