// RiskMatrix turns a probability of use into a tier, as seed 004's risk
// analysis does, for any number of tiers: each tier has a cost when the
// dataset turns out used within the horizon (slow reads, a restore) and a
// cost when it does not (fast space spent for nothing); the tier with the
// least expected cost wins. Immutable once made; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "strata/base/status.h"

namespace strata::tiering {

struct TierCost {
  std::string tier;
  double if_used = 0;
  double if_unused = 0;
};

class RiskMatrix {
 public:
  // InvalidArgument for no tiers, a repeated or empty tier name, or a cost
  // that is not a finite number.
  static Result<RiskMatrix> Make(std::vector<TierCost> tiers);
  // Two tiers: keeping an unused dataset on `fast` costs 1, keeping a used
  // one on `slow` costs `wrong_move_cost`, the rest nothing. A dataset then
  // leaves `fast` when P(used) < 1 / (1 + wrong_move_cost).
  static RiskMatrix TwoTier(const std::string& fast, const std::string& slow, double wrong_move_cost);

  // Expected cost of each tier, in order, for a dataset used with p_used.
  std::vector<double> Risks(double p_used) const;
  // The index of the cheapest tier (the first one on a tie).
  size_t Choose(double p_used) const;
  const std::vector<TierCost>& tiers() const { return tiers_; }

 private:
  explicit RiskMatrix(std::vector<TierCost> tiers) : tiers_(std::move(tiers)) {}
  std::vector<TierCost> tiers_;
};

}  // namespace strata::tiering
