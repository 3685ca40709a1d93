#include "strata/tiering/simulation.h"

#include <chrono>
#include <cstdio>
#include <optional>

#include "strata/tiering/evaluation.h"
#include "strata/tiering/risk_matrix.h"

namespace strata::tiering {
namespace {

// Where each dataset is under one policy, and what that policy did so far.
struct PolicyState {
  std::vector<uint8_t> on_fast;
  std::vector<int> moved_at;  // week of the last move off the fast tier; -1: none pending
  size_t wrong_moves = 0;
};

void MoveOff(PolicyState& state, size_t d, int week, PolicyWeek& out) {
  state.on_fast[d] = 0;
  state.moved_at[d] = week;
  ++out.moved_off;
}

// The reads of week `week` + 1 (0-based column `week`): a dataset off the
// fast tier comes back, and a return within the horizon of its move was a
// wrong move. A first read creates the dataset on the fast tier.
void ApplyReads(const AccessHistory& history, int week, int horizon, const std::vector<uint8_t>& existed,
                PolicyState& state, PolicyWeek& out) {
  for (size_t d = 0; d < history.datasets(); ++d) {
    if (history.Row(d)[week] <= 0) continue;
    if (!existed[d]) {
      state.on_fast[d] = 1;
      continue;
    }
    if (state.on_fast[d]) continue;
    state.on_fast[d] = 1;
    ++out.restored;
    if (state.moved_at[d] >= 0 && week + 1 - state.moved_at[d] <= horizon) ++state.wrong_moves;
    state.moved_at[d] = -1;
  }
  out.wrong_moves = state.wrong_moves;
}

size_t CountOnFast(const PolicyState& state) {
  size_t n = 0;
  for (uint8_t f : state.on_fast) n += f;
  return n;
}

}  // namespace

Result<Simulation> Simulate(const AccessHistory& history, const SimulationOptions& options) {
  const int horizon = options.model.horizon_weeks;
  const int first = options.first_week > 0 ? options.first_week : options.model.features.lookback_weeks + horizon;
  if (first >= history.weeks) {
    return Status::FailedPrecondition("history of " + std::to_string(history.weeks) +
                                      " weeks: the simulation starts at week " + std::to_string(first) +
                                      " (lookback + horizon, the first week a model can train) and needs a week after it");
  }
  const RiskMatrix risk = RiskMatrix::TwoTier("fast", "slow", options.wrong_move_cost);
  const size_t n = history.datasets();
  Simulation out;
  std::vector<uint8_t> existed = SeenBy(history, first);
  PolicyState model_state{existed, std::vector<int>(n, -1)};
  PolicyState lru_state{existed, std::vector<int>(n, -1)};
  std::optional<PopularityModel> model;
  int trained_at = 0;
  for (int week = first; week < history.weeks; ++week) {
    SimulationWeek row;
    row.week = week;
    if (!model || week - trained_at >= options.retrain_every) {
      // Trained on what the system knew at this week, nothing later.
      const auto start = std::chrono::steady_clock::now();
      ASSIGN_OR_RETURN(PopularityModel trained, PopularityModel::Train(FirstWeeks(history, week), options.model));
      model.emplace(std::move(trained));
      trained_at = week;
      ++out.retrainings;
      out.train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    ASSIGN_OR_RETURN(std::vector<float> p_used, model->PredictUsed(history, week));
    const std::vector<float> recency = WeeksSinceLastAccess(history, week);
    for (size_t d = 0; d < n; ++d) {
      if (!existed[d]) continue;
      const bool to_fast = risk.Choose(p_used[d]) == 0;
      if (model_state.on_fast[d] && !to_fast) {
        MoveOff(model_state, d, week, row.model);
      } else if (!model_state.on_fast[d] && to_fast) {
        model_state.on_fast[d] = 1;
        model_state.moved_at[d] = -1;
        ++row.model.promoted;
      }
      if (lru_state.on_fast[d] && recency[d] >= static_cast<float>(options.lru_idle_weeks)) {
        MoveOff(lru_state, d, week, row.lru);
      }
    }
    ApplyReads(history, week, horizon, existed, model_state, row.model);
    ApplyReads(history, week, horizon, existed, lru_state, row.lru);
    for (size_t d = 0; d < n; ++d) existed[d] = existed[d] || history.Row(d)[week] > 0;
    for (uint8_t e : existed) row.datasets += e;
    row.model.on_fast = CountOnFast(model_state);
    row.lru.on_fast = CountOnFast(lru_state);
    out.weeks.push_back(row);
  }
  return out;
}

std::string FormatSimulation(const Simulation& simulation) {
  std::string out =
      "week | datasets | fast: model  LRU | moved off: model  LRU | restored: model  LRU | wrong moves: model  LRU\n";
  char line[256];
  for (const SimulationWeek& w : simulation.weeks) {
    auto share = [&](size_t on_fast) { return w.datasets ? 100.0 * static_cast<double>(on_fast) / w.datasets : 0.0; };
    std::snprintf(line, sizeof line, "%4d | %8zu | %5.1f%% %5.1f%% | %10zu %5zu | %9zu %5zu | %12zu %5zu\n", w.week + 1,
                  w.datasets, share(w.model.on_fast), share(w.lru.on_fast), w.model.moved_off, w.lru.moved_off,
                  w.model.restored, w.lru.restored, w.model.wrong_moves, w.lru.wrong_moves);
    out += line;
  }
  std::snprintf(line, sizeof line, "model retrained %d times, %.1f s in all\n", simulation.retrainings,
                simulation.train_seconds);
  out += line;
  return out;
}

LineChart SimulationChart(const Simulation& simulation) {
  LineChart chart;
  chart.title = "Popularity engine against LRU, replayed week by week";
  chart.x_label = "week";
  ChartPanel fast{"Datasets on the fast tier", "% of datasets", {{"popularity model", {}}, {"LRU", {}}}};
  ChartPanel wrong{"Wrong moves (restored within the horizon), cumulative", "datasets",
                   {{"popularity model", {}}, {"LRU", {}}}};
  ChartPanel restores{"Restores (read while off the fast tier) per week", "datasets",
                      {{"popularity model", {}}, {"LRU", {}}}};
  for (const SimulationWeek& w : simulation.weeks) {
    chart.x.push_back(w.week + 1);
    const double total = std::max<size_t>(w.datasets, 1);
    fast.series[0].y.push_back(100.0 * static_cast<double>(w.model.on_fast) / total);
    fast.series[1].y.push_back(100.0 * static_cast<double>(w.lru.on_fast) / total);
    wrong.series[0].y.push_back(static_cast<double>(w.model.wrong_moves));
    wrong.series[1].y.push_back(static_cast<double>(w.lru.wrong_moves));
    restores.series[0].y.push_back(static_cast<double>(w.model.restored));
    restores.series[1].y.push_back(static_cast<double>(w.lru.restored));
  }
  chart.panels = {std::move(fast), std::move(wrong), std::move(restores)};
  return chart;
}

}  // namespace strata::tiering
