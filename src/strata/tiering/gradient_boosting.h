// BoostedClassifier is a binary classifier of gradient-boosted trees, trained
// and applied through XGBoost's C API (logistic loss, histogram trees). It
// answers a probability per row of a FeatureMatrix. Models serialize to
// XGBoost's JSON so a trained model can be kept and reloaded. XGBoost's
// failures come back as Status; nothing throws. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::tiering {

// Dense rows x columns of float, row-major; NaN marks a missing value.
struct FeatureMatrix {
  std::vector<std::string> columns;
  size_t rows = 0;
  std::vector<float> values;

  FeatureMatrix() = default;
  FeatureMatrix(std::vector<std::string> column_names, size_t row_count)
      : columns(std::move(column_names)), rows(row_count), values(rows * columns.size(), 0.0f) {}
  float* Row(size_t row) { return values.data() + row * columns.size(); }
  const float* Row(size_t row) const { return values.data() + row * columns.size(); }
  // Appends the rows of `other`, which has the same columns.
  void Append(const FeatureMatrix& other);
};

struct BoostingParams {
  int trees = 200;
  int max_depth = 4;
  double learning_rate = 0.05;
  double subsample = 0.8;         // rows sampled per tree
  double column_sample = 0.8;     // columns sampled per tree
  double min_child_weight = 1.0;
  int max_bins = 64;              // histogram bins per feature
  int threads = 0;                // 0: every core
  uint64_t seed = 1;
};

class BoostedClassifier {
 public:
  BoostedClassifier(BoostedClassifier&&) noexcept;
  BoostedClassifier& operator=(BoostedClassifier&&) noexcept;
  ~BoostedClassifier();

  // labels[i] is 1 or 0 for row i of `x`. InvalidArgument for a size
  // mismatch, no rows, or a single class (nothing to learn).
  static Result<BoostedClassifier> Train(const FeatureMatrix& x, std::span<const float> labels,
                                         const BoostingParams& params);
  static Result<BoostedClassifier> Deserialize(std::string_view json, size_t columns);

  // P(label = 1) for every row; `x` must have the training columns.
  Result<std::vector<float>> Predict(const FeatureMatrix& x, int threads = 0) const;
  Result<std::string> Serialize() const;

 private:
  BoostedClassifier(void* booster, size_t columns) : booster_(booster), columns_(columns) {}
  void* booster_ = nullptr;  // BoosterHandle
  size_t columns_ = 0;
};

}  // namespace strata::tiering
