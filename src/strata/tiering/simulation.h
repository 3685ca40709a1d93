// Replays a weekly access history against two tier policies side by side:
// the popularity engine (retrained every few weeks on the history so far,
// risk matrix deciding fast or slow) and LRU (off the fast tier after a
// number of idle weeks). Each week: the policy runs on what is known, then
// the next week's reads happen; a read of a dataset off the fast tier
// restores it. Reports fast-tier usage, moves, restores and wrong moves
// (a dataset restored within the horizon of being moved) week by week.
#pragma once

#include <string>
#include <vector>

#include "strata/tiering/access_history.h"
#include "strata/tiering/popularity_model.h"
#include "strata/tiering/svg_chart.h"

namespace strata::tiering {

struct SimulationOptions {
  PopularityOptions model;
  double wrong_move_cost = 4.0;  // the risk matrix, as in evaluation
  int retrain_every = 4;         // weeks between retrainings
  int lru_idle_weeks = 26;       // LRU moves a dataset idle this long
  int first_week = 0;            // first policy run; 0: the first week a model can train
};

struct PolicyWeek {
  size_t on_fast = 0;        // datasets on the fast tier after this week's reads
  size_t moved_off = 0;      // moved off the fast tier by the policy this week
  size_t promoted = 0;       // brought back by the policy before any read
  size_t restored = 0;       // brought back because they were read
  size_t wrong_moves = 0;    // cumulative: restored within the horizon of a move
};

struct SimulationWeek {
  int week = 0;              // the policy ran at the end of `week`; reads of week + 1 follow
  size_t datasets = 0;       // datasets that exist (seen by week + 1)
  PolicyWeek model;
  PolicyWeek lru;
};

struct Simulation {
  std::vector<SimulationWeek> weeks;
  int retrainings = 0;
  double train_seconds = 0;
};

Result<Simulation> Simulate(const AccessHistory& history, const SimulationOptions& options);

std::string FormatSimulation(const Simulation& simulation);
LineChart SimulationChart(const Simulation& simulation);

}  // namespace strata::tiering
