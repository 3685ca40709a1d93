// What the popularity engine advises for each dataset of a history: the
// probability it is read within the horizon, the tier the risk matrix picks
// for it, its expected reads per week (kernel regression) and the replicas
// those reads call for. The model trains on the history as a deployment
// would (PopularityModel) and advises from its latest week.
#pragma once

#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/tiering/access_history.h"
#include "strata/tiering/popularity_model.h"
#include "strata/tiering/risk_matrix.h"

namespace strata::tiering {

struct AdviceOptions {
  PopularityOptions model;
  double alpha = 0.5;  // replicas = round(sqrt(alpha * expected reads per week))
  int min_replicas = 1;
  int max_replicas = 3;
};

struct DatasetAdvice {
  std::string name;
  float p_used = 0;
  std::string tier;
  double expected_reads_per_week = 0;
  int replicas = 1;  // on the fast tier; 1 elsewhere
};

// One entry per dataset, in history order. The first tier of `risk` is the
// fast one, the only one that gets extra replicas.
Result<std::vector<DatasetAdvice>> AdvisePlacement(const AccessHistory& history, const RiskMatrix& risk,
                                                   const AdviceOptions& options);

}  // namespace strata::tiering
