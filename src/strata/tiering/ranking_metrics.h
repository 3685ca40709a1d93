// How well a score ranks datasets for moving off the fast tier: ROC AUC
// (ties count half, as the Mann-Whitney statistic does), and the number of
// datasets a mover walking the ranking can move before its n-th mistake.
// Pure functions over equal-length spans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace strata::tiering {

// Area under the ROC curve of `scores` for the class `positive[i] != 0`;
// NaN when either class is empty.
double RocAuc(std::span<const float> scores, std::span<const uint8_t> positive);

// Order of the datasets by descending score; ties by descending `tie_break`
// (when given), then by index, so every run ranks alike.
std::vector<size_t> RankDescending(std::span<const float> scores, std::span<const float> tie_break = {});

// Walking `order`, each dataset is moved; moving one whose mistake[i] is set
// (it is wanted again in the horizon) is a wrong move. Returns the datasets
// moved before the `mistakes`-th wrong move (that move not counted), or all
// of them when there are fewer wrong moves.
size_t MovedBeforeMistake(std::span<const size_t> order, std::span<const uint8_t> mistake, int mistakes);

// Precision and recall of predicting "unused" for the datasets flagged in
// `predicted`, against `actual`.
struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
  size_t predicted = 0;
};
PrecisionRecall ScorePredictions(std::span<const uint8_t> predicted, std::span<const uint8_t> actual);

}  // namespace strata::tiering
