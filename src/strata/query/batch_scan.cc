#include "strata/query/batch_scan.h"

#include <cmath>
#include <type_traits>

namespace strata::query {

namespace {

using table::AggregateCall;
using table::AggregateKind;
using table::AggregateState;
using table::BatchView;
using table::ColumnVector;
using table::Expr;
using table::ExprOp;
using table::Type;
using table::Value;

void AppendValue(const Value& v, Type type, ColumnVector* out) {
  out->type = type;
  out->validity.push_back(v.is_null ? 0 : 1);
  switch (type) {
    case Type::kBoolean: out->bools.push_back(v.bool_value); break;
    case Type::kInt32: out->int32s.push_back(static_cast<int32_t>(v.int_value)); break;
    case Type::kInt64: out->int64s.push_back(v.int_value); break;
    case Type::kFloat: out->floats.push_back(static_cast<float>(v.double_value)); break;
    case Type::kDouble: out->doubles.push_back(v.double_value); break;
    case Type::kByteArray: out->strings.Append(v.string_value); break;
    default: break;
  }
}

}  // namespace

BatchScan::BatchScan(const table::ScanSpec& spec) : spec_(spec), result_(table::EmptyResult(spec)) {}

bool BatchScan::done() const {
  return !spec_.aggregating() && spec_.limit != table::kNoLimit && rows_returned_ >= spec_.limit;
}

Status BatchScan::Add(const BatchView& batch, std::vector<ColumnVector>* rows) {
  rows->clear();
  if (!spec_.aggregating()) {
    for (const Expr& e : spec_.outputs) rows->emplace_back(e.type);
  }
  if (done()) return Status::OK();
  if (spec_.aggregating()) return table::ScanBatch(spec_, batch, &result_);
  // Each batch's rows go to the caller, so the limit left is what the
  // earlier batches did not take.
  table::ScanSpec remaining = spec_;
  if (spec_.limit != table::kNoLimit) remaining.limit = spec_.limit - rows_returned_;
  table::ScanResult part = table::EmptyResult(remaining);
  RETURN_IF_ERROR(table::ScanBatch(remaining, batch, &part));
  result_.counters.Add(part.counters);
  rows_returned_ += part.rows();
  for (size_t o = 0; o < rows->size() && o < part.columns.size(); ++o) (*rows)[o] = std::move(part.columns[o]);
  return Status::OK();
}

Status FinalizeAggregates(const BoundQuery& bound, const table::ScanResult& total, std::vector<ColumnVector>* out) {
  out->clear();
  for (size_t a = 0; a < bound.spec.aggregates.size(); ++a) {
    const AggregateCall& call = bound.spec.aggregates[a];
    const AggregateState& s = total.aggregates[a];
    const Type type = bound.types[a];
    ColumnVector column(type);
    Value v = Value::Null(type);
    switch (call.kind) {
      case AggregateKind::kCountStar:
      case AggregateKind::kCount: v = Value::Int(static_cast<int64_t>(s.count)); break;
      case AggregateKind::kMin: v = s.min; break;
      case AggregateKind::kMax: v = s.max; break;
      case AggregateKind::kSum:
        if (s.count == 0) break;
        if (type == Type::kInt64) {
          const __int128 sum = s.IntSum();
          if (sum > INT64_MAX || sum < INT64_MIN) {
            return Status::InvalidArgument(bound.names[a] + " exceeds the INT64 range");
          }
          v = Value::Int(static_cast<int64_t>(sum));
        } else {
          v = Value::Double(s.double_sum);
        }
        break;
      case AggregateKind::kAvg:
        if (s.count == 0) break;
        v = Value::Double(table::IsInteger(call.arg.type)
                              ? static_cast<double>(s.IntSum()) / static_cast<double>(s.count)
                              : s.double_sum / static_cast<double>(s.count));
        break;
    }
    AppendValue(v, type, &column);
    if (!v.is_null) column.validity.clear();
    out->push_back(std::move(column));
  }
  return Status::OK();
}

}  // namespace strata::query
