#include "strata/tiering/ranking_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace strata::tiering {

double RocAuc(std::span<const float> scores, std::span<const uint8_t> positive) {
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the (average, 1-based) ranks of the positives.
  double positive_rank_sum = 0;
  size_t positives = 0;
  for (size_t begin = 0; begin < n;) {
    size_t end = begin + 1;
    while (end < n && scores[order[end]] == scores[order[begin]]) ++end;
    const double average_rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2.0;
    for (size_t i = begin; i < end; ++i) {
      if (positive[order[i]] != 0) {
        positive_rank_sum += average_rank;
        ++positives;
      }
    }
    begin = end;
  }
  const size_t negatives = n - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  const double p = static_cast<double>(positives);
  return (positive_rank_sum - p * (p + 1) / 2.0) / (p * static_cast<double>(negatives));
}

std::vector<size_t> RankDescending(std::span<const float> scores, std::span<const float> tie_break) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    if (!tie_break.empty() && tie_break[a] != tie_break[b]) return tie_break[a] > tie_break[b];
    return false;
  });
  return order;
}

size_t MovedBeforeMistake(std::span<const size_t> order, std::span<const uint8_t> mistake, int mistakes) {
  int wrong = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    if (mistake[order[i]] != 0 && ++wrong == mistakes) return i;
  }
  return order.size();
}

PrecisionRecall ScorePredictions(std::span<const uint8_t> predicted, std::span<const uint8_t> actual) {
  PrecisionRecall out;
  size_t true_positive = 0;
  size_t actual_positive = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    out.predicted += predicted[i] != 0;
    actual_positive += actual[i] != 0;
    true_positive += predicted[i] != 0 && actual[i] != 0;
  }
  out.precision = out.predicted == 0 ? 0 : static_cast<double>(true_positive) / static_cast<double>(out.predicted);
  out.recall = actual_positive == 0 ? 0 : static_cast<double>(true_positive) / static_cast<double>(actual_positive);
  return out;
}

}  // namespace strata::tiering
