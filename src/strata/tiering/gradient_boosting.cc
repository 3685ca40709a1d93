#include "strata/tiering/gradient_boosting.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <mutex>
#include <utility>

namespace strata::tiering {
namespace {

Status XgbError(std::string_view what) {
  return Status::InvalidArgument("xgboost " + std::string(what) + ": " + XGBGetLastError());
}

// XGBoost logs to stderr by default; the engine reports through Status.
void QuietXgboost() {
  static std::once_flag once;
  std::call_once(once, [] { (void)XGBSetGlobalConfig(R"({"verbosity": 0})"); });
}

// Owns a DMatrixHandle.
class DMatrix {
 public:
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  static Result<std::unique_ptr<DMatrix>> FromDense(const FeatureMatrix& x, int threads) {
    auto matrix = std::make_unique<DMatrix>();
    if (XGDMatrixCreateFromMat_omp(x.values.data(), x.rows, x.columns.size(), std::nanf(""), &matrix->handle_,
                                   threads) != 0) {
      return XgbError("matrix");
    }
    return matrix;
  }
  DMatrixHandle handle() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

Status SetParam(BoosterHandle booster, const char* name, const std::string& value) {
  if (XGBoosterSetParam(booster, name, value.c_str()) != 0) return XgbError(std::string("parameter ") + name);
  return Status::OK();
}

}  // namespace

void FeatureMatrix::Append(const FeatureMatrix& other) {
  values.insert(values.end(), other.values.begin(), other.values.end());
  rows += other.rows;
}

BoostedClassifier::BoostedClassifier(BoostedClassifier&& other) noexcept
    : booster_(std::exchange(other.booster_, nullptr)), columns_(other.columns_) {}

BoostedClassifier& BoostedClassifier::operator=(BoostedClassifier&& other) noexcept {
  if (this != &other) {
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = std::exchange(other.booster_, nullptr);
    columns_ = other.columns_;
  }
  return *this;
}

BoostedClassifier::~BoostedClassifier() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

Result<BoostedClassifier> BoostedClassifier::Train(const FeatureMatrix& x, std::span<const float> labels,
                                                   const BoostingParams& params) {
  if (x.rows == 0 || x.columns.empty()) return Status::InvalidArgument("no training rows");
  if (labels.size() != x.rows) {
    return Status::InvalidArgument("training has " + std::to_string(x.rows) + " rows but " +
                                   std::to_string(labels.size()) + " labels");
  }
  size_t positives = 0;
  for (float label : labels) positives += label > 0.5f;
  if (positives == 0 || positives == labels.size()) {
    return Status::InvalidArgument("training labels are all " + std::string(positives == 0 ? "0" : "1") +
                                   ": nothing to learn from");
  }
  QuietXgboost();
  ASSIGN_OR_RETURN(auto train, DMatrix::FromDense(x, params.threads));
  if (XGDMatrixSetFloatInfo(train->handle(), "label", labels.data(), labels.size()) != 0) return XgbError("labels");
  BoosterHandle handle = nullptr;
  DMatrixHandle matrices[] = {train->handle()};
  if (XGBoosterCreate(matrices, 1, &handle) != 0) return XgbError("create booster");
  BoostedClassifier model(handle, x.columns.size());
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", std::to_string(params.learning_rate)},
      {"subsample", std::to_string(params.subsample)},
      {"colsample_bytree", std::to_string(params.column_sample)},
      {"min_child_weight", std::to_string(params.min_child_weight)},
      {"max_bin", std::to_string(params.max_bins)},
      {"nthread", std::to_string(params.threads)},
      {"seed", std::to_string(params.seed)},
  };
  for (const auto& [name, value] : settings) RETURN_IF_ERROR(SetParam(handle, name, value));
  for (int tree = 0; tree < params.trees; ++tree) {
    if (XGBoosterUpdateOneIter(handle, tree, train->handle()) != 0) return XgbError("training");
  }
  return model;
}

Result<std::vector<float>> BoostedClassifier::Predict(const FeatureMatrix& x, int threads) const {
  if (x.columns.size() != columns_) {
    return Status::InvalidArgument("model takes " + std::to_string(columns_) + " features, got " +
                                   std::to_string(x.columns.size()));
  }
  if (x.rows == 0) return std::vector<float>{};
  ASSIGN_OR_RETURN(auto matrix, DMatrix::FromDense(x, threads));
  bst_ulong length = 0;
  const float* out = nullptr;
  if (XGBoosterPredict(booster_, matrix->handle(), 0, 0, 0, &length, &out) != 0) return XgbError("predict");
  if (length != x.rows) return Status::Corruption("xgboost predicted " + std::to_string(length) + " rows of " +
                                                  std::to_string(x.rows));
  return std::vector<float>(out, out + length);
}

Result<std::string> BoostedClassifier::Serialize() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &length, &bytes) != 0) return XgbError("save");
  return std::string(bytes, length);
}

Result<BoostedClassifier> BoostedClassifier::Deserialize(std::string_view json, size_t columns) {
  QuietXgboost();
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle) != 0) return XgbError("create booster");
  BoostedClassifier model(handle, columns);
  if (XGBoosterLoadModelFromBuffer(handle, json.data(), json.size()) != 0) return XgbError("load model");
  return model;
}

}  // namespace strata::tiering
