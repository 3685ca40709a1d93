#include "strata/tiering/risk_matrix.h"

#include <cmath>
#include <set>

namespace strata::tiering {

Result<RiskMatrix> RiskMatrix::Make(std::vector<TierCost> tiers) {
  if (tiers.empty()) return Status::InvalidArgument("risk matrix: no tiers");
  std::set<std::string> seen;
  for (const TierCost& tier : tiers) {
    if (tier.tier.empty()) return Status::InvalidArgument("risk matrix: a tier without a name");
    if (!seen.insert(tier.tier).second) return Status::InvalidArgument("risk matrix: tier '" + tier.tier + "' twice");
    if (!std::isfinite(tier.if_used) || !std::isfinite(tier.if_unused)) {
      return Status::InvalidArgument("risk matrix: tier '" + tier.tier + "': costs must be finite numbers");
    }
  }
  return RiskMatrix(std::move(tiers));
}

RiskMatrix RiskMatrix::TwoTier(const std::string& fast, const std::string& slow, double wrong_move_cost) {
  return RiskMatrix({{fast, 0.0, 1.0}, {slow, wrong_move_cost, 0.0}});
}

std::vector<double> RiskMatrix::Risks(double p_used) const {
  std::vector<double> risks;
  risks.reserve(tiers_.size());
  for (const TierCost& tier : tiers_) risks.push_back(p_used * tier.if_used + (1.0 - p_used) * tier.if_unused);
  return risks;
}

size_t RiskMatrix::Choose(double p_used) const {
  const std::vector<double> risks = Risks(p_used);
  size_t best = 0;
  for (size_t i = 1; i < risks.size(); ++i) {
    if (risks[i] < risks[best]) best = i;
  }
  return best;
}

}  // namespace strata::tiering
