#include "strata/tiering/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "strata/tiering/kernel_regression.h"
#include "strata/tiering/risk_matrix.h"

namespace strata::tiering {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The history the models see, and the truth they are scored against.
struct Split {
  AccessHistory past;
  std::vector<uint8_t> unused;
  std::vector<double> rate;
  std::string future;
};

Result<Split> SplitHistory(const AccessHistory& history, int horizon) {
  Split split;
  if (history.has_future()) {
    split.past = history;
    split.past.future_unused.clear();
    split.past.future_rate.clear();
    split.unused = history.future_unused;
    split.rate = history.future_rate;
    split.future = "the recorded future (Label, Target) after week " + std::to_string(history.weeks);
    return split;
  }
  if (history.weeks <= horizon) {
    return Status::FailedPrecondition("history of " + std::to_string(history.weeks) +
                                      " weeks has no recorded future and is too short to hold out " +
                                      std::to_string(horizon) + " weeks");
  }
  const int seen = history.weeks - horizon;
  split.past = FirstWeeks(history, seen);
  const std::vector<float> used = UsedWithin(history, seen, horizon);
  for (size_t d = 0; d < history.datasets(); ++d) {
    split.unused.push_back(used[d] > 0 ? 0 : 1);
    const float* row = history.Row(d).data();
    split.rate.push_back(std::accumulate(row + seen, row + history.weeks, 0.0) / horizon);
  }
  split.future = "weeks " + std::to_string(seen + 1) + ".." + std::to_string(history.weeks) + " held out";
  return split;
}

std::vector<uint8_t> Not(const std::vector<uint8_t>& flags) {
  std::vector<uint8_t> out(flags.size());
  for (size_t i = 0; i < flags.size(); ++i) out[i] = flags[i] ? 0 : 1;
  return out;
}

MethodScore ScoreRanking(std::string method, const std::vector<float>& unused_score, const std::vector<float>& tie_break,
                         const std::vector<uint8_t>& unused, size_t decided_moves, int mistakes) {
  MethodScore score;
  score.method = std::move(method);
  score.roc_auc = RocAuc(unused_score, unused);
  const std::vector<size_t> order = RankDescending(unused_score, tie_break);
  score.moved_before_mistake = MovedBeforeMistake(order, Not(unused), mistakes);
  std::vector<uint8_t> moved(unused.size(), 0);
  for (size_t i = 0; i < decided_moves && i < order.size(); ++i) moved[order[i]] = 1;
  score.at_decision = ScorePredictions(moved, unused);
  return score;
}

// The seed's measurement: one window (features up to end_week, labels from
// the following horizon), k-fold cross-validated. Returns the mean AUC of
// the model over the folds and LRU's AUC on the same rows.
Result<std::pair<double, double>> InWindowAuc(const AccessHistory& past, const EvaluationOptions& options) {
  const int horizon = options.model.horizon_weeks;
  const int end = past.weeks - horizon;
  if (end < 1) return Status::FailedPrecondition("history too short for an in-window evaluation");
  const FeatureMatrix all = BuildFeatures(past, end, options.model.features);
  const std::vector<float> used = UsedWithin(past, end, horizon);
  const std::vector<uint8_t> seen = SeenBy(past, end);
  const std::vector<float> recency = WeeksSinceLastAccess(past, end);
  std::vector<size_t> rows;
  for (size_t d = 0; d < past.datasets(); ++d) {
    if (seen[d]) rows.push_back(d);
  }
  std::mt19937 random(17);
  std::shuffle(rows.begin(), rows.end(), random);
  const int folds = options.cross_validation_folds;
  double auc_sum = 0;
  for (int fold = 0; fold < folds; ++fold) {
    FeatureMatrix train(all.columns, 0);
    FeatureMatrix test(all.columns, 0);
    std::vector<float> train_labels;
    std::vector<uint8_t> test_unused;
    for (size_t i = 0; i < rows.size(); ++i) {
      const size_t d = rows[i];
      FeatureMatrix& target = static_cast<int>(i % folds) == fold ? test : train;
      target.values.insert(target.values.end(), all.Row(d), all.Row(d) + all.columns.size());
      ++target.rows;
      if (&target == &train) {
        train_labels.push_back(used[d]);
      } else {
        test_unused.push_back(used[d] > 0 ? 0 : 1);
      }
    }
    ASSIGN_OR_RETURN(BoostedClassifier model, BoostedClassifier::Train(train, train_labels, options.model.boosting));
    ASSIGN_OR_RETURN(std::vector<float> p_used, model.Predict(test, options.model.boosting.threads));
    for (float& p : p_used) p = 1.0f - p;
    auc_sum += RocAuc(p_used, test_unused);
  }
  std::vector<float> lru_scores;
  std::vector<uint8_t> lru_unused;
  for (size_t d : rows) {
    lru_scores.push_back(recency[d]);
    lru_unused.push_back(used[d] > 0 ? 0 : 1);
  }
  return std::make_pair(auc_sum / folds, RocAuc(lru_scores, lru_unused));
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

std::vector<float> WeeksSinceLastAccess(const AccessHistory& history, int end_week) {
  std::vector<float> recency(history.datasets(), static_cast<float>(end_week + 1));
  for (size_t d = 0; d < history.datasets(); ++d) {
    const float* row = history.Row(d).data();
    for (int week = end_week - 1; week >= 0; --week) {
      if (row[week] > 0) {
        recency[d] = static_cast<float>(end_week - 1 - week);
        break;
      }
    }
  }
  return recency;
}

Result<Evaluation> Evaluate(const AccessHistory& history, const EvaluationOptions& options) {
  const int horizon = options.model.horizon_weeks;
  ASSIGN_OR_RETURN(Split split, SplitHistory(history, horizon));
  const AccessHistory& past = split.past;
  Evaluation out;
  out.datasets = past.datasets();
  out.weeks = past.weeks;
  out.horizon = horizon;
  out.future = split.future;
  out.unused = static_cast<size_t>(std::count(split.unused.begin(), split.unused.end(), 1));

  ASSIGN_OR_RETURN(PopularityModel model, PopularityModel::Train(past, options.model));
  out.training = model.summary();
  const auto predict_start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::vector<float> p_used, model.PredictUsed(past));
  out.predict_seconds = SecondsSince(predict_start);

  const RiskMatrix risk = RiskMatrix::TwoTier("fast", "slow", options.wrong_move_cost);
  for (float p : p_used) out.risk_moves += risk.Choose(p) == 1;
  const std::vector<float> recency = WeeksSinceLastAccess(past, past.weeks);
  std::vector<float> p_unused(p_used.size());
  for (size_t i = 0; i < p_used.size(); ++i) p_unused[i] = 1.0f - p_used[i];
  out.model = ScoreRanking("model", p_unused, recency, split.unused, out.risk_moves, options.mistakes);
  out.lru = ScoreRanking("lru", recency, {}, split.unused, out.risk_moves, options.mistakes);

  if (options.cross_validation_folds >= 2) {
    ASSIGN_OR_RETURN(auto in_window, InWindowAuc(past, options));
    out.in_window_auc = in_window.first;
    out.in_window_lru_auc = in_window.second;
  }

  const KernelForecaster forecaster(52);
  for (size_t d = 0; d < past.datasets(); ++d) {
    const std::span<const float> row = past.Row(d);
    const double expected = forecaster.Forecast(row).accesses_per_week;
    const int recent = std::min(horizon, past.weeks);
    const double recent_mean = std::accumulate(row.end() - recent, row.end(), 0.0) / recent;
    out.kernel_mae += std::fabs(expected - split.rate[d]);
    out.recent_mean_mae += std::fabs(recent_mean - split.rate[d]);
  }
  if (past.datasets() > 0) {
    out.kernel_mae /= static_cast<double>(past.datasets());
    out.recent_mean_mae /= static_cast<double>(past.datasets());
  }
  return out;
}

std::string FormatEvaluation(const Evaluation& e, int mistakes) {
  std::string out;
  out += "history: " + std::to_string(e.datasets) + " datasets, " + std::to_string(e.weeks) +
         " weeks seen; truth: " + e.future + "\n";
  out += "unused in the next " + std::to_string(e.horizon) + " weeks: " + std::to_string(e.unused) + " (" +
         Fixed(100.0 * static_cast<double>(e.unused) / std::max<size_t>(e.datasets, 1), 1) + "%)\n";
  std::string windows;
  for (int week : e.training.weeks) windows += (windows.empty() ? "" : ",") + std::to_string(week);
  out += "trained on " + std::to_string(e.training.rows) + " rows (window ends " + windows + ") in " +
         Fixed(e.training.seconds, 2) + " s; predicted in " + Fixed(e.predict_seconds, 2) + " s\n\n";
  const std::string moved_header = "moved before mistake " + std::to_string(mistakes);
  out += "out of time                    | ROC AUC | " + moved_header + " | precision@" + std::to_string(e.risk_moves) +
         " | recall@" + std::to_string(e.risk_moves) + "\n";
  for (const MethodScore* s : {&e.model, &e.lru}) {
    const std::string name = s == &e.model ? "gradient-boosted model" : "LRU (weeks since last access)";
    std::string line = name;
    line.resize(31, ' ');
    out += line + "| " + Fixed(s->roc_auc, 3) + "   | " + std::to_string(s->moved_before_mistake) + " (" +
           Fixed(100.0 * static_cast<double>(s->moved_before_mistake) / std::max<size_t>(e.datasets, 1), 1) +
           "%) | " + Fixed(s->at_decision.precision, 3) + " | " + Fixed(s->at_decision.recall, 3) + "\n";
  }
  if (e.lru.moved_before_mistake > 0) {
    out += "model / LRU moved before mistake " + std::to_string(mistakes) + ": " +
           Fixed(static_cast<double>(e.model.moved_before_mistake) / static_cast<double>(e.lru.moved_before_mistake),
                 2) +
           "x\n";
  }
  if (e.in_window_auc) {
    out += "in one window, 5-fold cross-validated (the seed's way): model ROC AUC " + Fixed(*e.in_window_auc, 3) +
           ", LRU " + Fixed(*e.in_window_lru_auc, 3) + "\n";
  }
  out += "expected accesses per week over the horizon, mean absolute error: kernel regression " +
         Fixed(e.kernel_mae, 2) + ", mean of the last " + std::to_string(e.horizon) + " weeks " +
         Fixed(e.recent_mean_mae, 2) + "\n";
  return out;
}

nlohmann::json EvaluationJson(const Evaluation& e) {
  auto method = [](const MethodScore& s) {
    return nlohmann::json{{"roc_auc", s.roc_auc},
                          {"moved_before_mistake", s.moved_before_mistake},
                          {"precision_at_decision", s.at_decision.precision},
                          {"recall_at_decision", s.at_decision.recall}};
  };
  nlohmann::json out = {{"datasets", e.datasets},
                        {"weeks", e.weeks},
                        {"horizon_weeks", e.horizon},
                        {"truth", e.future},
                        {"unused", e.unused},
                        {"training_rows", e.training.rows},
                        {"training_windows", e.training.weeks},
                        {"train_seconds", e.training.seconds},
                        {"predict_seconds", e.predict_seconds},
                        {"risk_moves", e.risk_moves},
                        {"model", method(e.model)},
                        {"lru", method(e.lru)},
                        {"kernel_mae", e.kernel_mae},
                        {"recent_mean_mae", e.recent_mean_mae}};
  if (e.in_window_auc) {
    out["in_window_auc"] = *e.in_window_auc;
    out["in_window_lru_auc"] = *e.in_window_lru_auc;
  }
  return out;
}

}  // namespace strata::tiering
