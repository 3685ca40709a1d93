#include "strata/tiering/placement_advice.h"

#include "strata/tiering/kernel_regression.h"

namespace strata::tiering {

Result<std::vector<DatasetAdvice>> AdvisePlacement(const AccessHistory& history, const RiskMatrix& risk,
                                                   const AdviceOptions& options) {
  if (options.min_replicas < 1 || options.max_replicas < options.min_replicas) {
    return Status::InvalidArgument("replica bounds " + std::to_string(options.min_replicas) + ".." +
                                   std::to_string(options.max_replicas) + " are not 1 <= min <= max");
  }
  ASSIGN_OR_RETURN(PopularityModel model, PopularityModel::Train(FirstWeeks(history, history.weeks), options.model));
  ASSIGN_OR_RETURN(std::vector<float> p_used, model.PredictUsed(history));
  const KernelForecaster forecaster;
  std::vector<DatasetAdvice> advice;
  advice.reserve(history.datasets());
  for (size_t d = 0; d < history.datasets(); ++d) {
    DatasetAdvice a;
    a.name = history.names[d];
    a.p_used = p_used[d];
    const size_t tier = risk.Choose(p_used[d]);
    a.tier = risk.tiers()[tier].tier;
    a.expected_reads_per_week = forecaster.Forecast(history.Row(d)).accesses_per_week;
    a.replicas = tier == 0 ? ReplicasFor(a.expected_reads_per_week, options.alpha, options.min_replicas,
                                         options.max_replicas)
                           : 1;
    advice.push_back(std::move(a));
  }
  return advice;
}

}  // namespace strata::tiering
