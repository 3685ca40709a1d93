// Popularity engine at scale: trains the model on a synthetic history of
// 100,000 datasets (78 weeks, as the LHCb file has) the way a deployment
// would and predicts every dataset, on the machine's cores. The goal is
// training and prediction in under a minute on 2 cores; the baseline of the
// same run is LRU, which ranks the same datasets by weeks since last access.
//
//   strata_popularity_bench [--datasets N] [--weeks W] [--threads T] [--seed S]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "bench_util.h"
#include "strata/tiering/evaluation.h"
#include "strata/tiering/popularity_model.h"
#include "strata/tiering/ranking_metrics.h"
#include "strata/tiering/synthetic_history.h"

using namespace strata;
using namespace strata::bench;

int main(int argc, char** argv) {
  size_t datasets = 100000;
  int weeks = 78;
  int threads = 0;
  uint32_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--datasets") {
      datasets = std::stoull(NextArgument(argc, argv, i));
    } else if (arg == "--weeks") {
      weeks = std::stoi(NextArgument(argc, argv, i));
    } else if (arg == "--threads") {
      threads = std::stoi(NextArgument(argc, argv, i));
    } else if (arg == "--seed") {
      seed = static_cast<uint32_t>(std::stoul(NextArgument(argc, argv, i)));
    } else {
      std::fprintf(stderr, "usage: strata_popularity_bench [--datasets N] [--weeks W] [--threads T] [--seed S]\n");
      return 2;
    }
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("popularity engine: %zu synthetic datasets x %d weeks, %d thread(s) (%u cores)\n\n", datasets, weeks,
              threads == 0 ? static_cast<int>(cores) : threads, cores);
  // Generated with a future, so the ranking can be scored too.
  const tiering::AccessHistory history = tiering::SyntheticHistory(datasets, weeks, seed, /*future_weeks=*/26);

  tiering::PopularityOptions options;
  options.boosting.threads = threads;
  Clock::time_point start = Clock::now();
  auto model = tiering::PopularityModel::Train(history, options);
  if (!model.ok()) {
    std::fprintf(stderr, "training failed: %s\n", model.status().ToString().c_str());
    return 1;
  }
  const double train_seconds = SecondsSince(start);
  start = Clock::now();
  auto p_used = model->PredictUsed(history);
  if (!p_used.ok()) {
    std::fprintf(stderr, "prediction failed: %s\n", p_used.status().ToString().c_str());
    return 1;
  }
  const double predict_seconds = SecondsSince(start);

  start = Clock::now();
  const std::vector<float> recency = tiering::WeeksSinceLastAccess(history, history.weeks);
  const std::vector<size_t> lru_order = tiering::RankDescending(recency);
  const double lru_seconds = SecondsSince(start);

  std::vector<float> p_unused;
  for (float p : *p_used) p_unused.push_back(1.0f - p);
  const double total = train_seconds + predict_seconds;
  Table table({"step", "seconds", "rows", "ROC AUC (unused in 26 weeks)"});
  table.Add({"train (features of " + std::to_string(model->summary().weeks.size()) + " windows + boosting)",
             Format("%.2f", train_seconds), std::to_string(model->summary().rows), ""});
  table.Add({"predict (features + trees)", Format("%.2f", predict_seconds), std::to_string(datasets),
             Format("%.3f", tiering::RocAuc(p_unused, history.future_unused))});
  table.Add({"baseline: LRU ranking", Format("%.3f", lru_seconds), std::to_string(lru_order.size()),
             Format("%.3f", tiering::RocAuc(recency, history.future_unused))});
  table.Print();
  std::printf("\ntrain + predict: %.2f s = %.2fx the LRU baseline; goal under 60 s: %s (%.1fx headroom)\n", total,
              total / std::max(lru_seconds, 1e-9), total < 60 ? "met" : "missed", 60.0 / total);
  return 0;
}
