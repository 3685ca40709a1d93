#include "strata/table/prune.h"

#include <cmath>

namespace strata::table {

namespace {

// What a predicate can evaluate to over the rows of a row group. Unknown
// (NULL) counts as neither, so NOT can swap the two.
struct Outcomes {
  bool can_true = true;
  bool can_false = true;
};

constexpr Outcomes kAnything{true, true};


ExprOp Mirror(ExprOp op) {
  switch (op) {
    case ExprOp::kLt: return ExprOp::kGt;
    case ExprOp::kLe: return ExprOp::kGe;
    case ExprOp::kGt: return ExprOp::kLt;
    case ExprOp::kGe: return ExprOp::kLe;
    default: return op;
  }
}

bool Comparable(const Value& a, const Value& b) {
  return (a.type == Type::kByteArray) == (b.type == Type::kByteArray);
}

class Pruner {
 public:
  Pruner(const std::vector<ColumnStats>& stats, int64_t rows) : stats_(stats), rows_(rows) {}

  Outcomes Eval(const Expr& e) const {
    switch (e.op) {
      case ExprOp::kAnd: {
        Outcomes a = Eval(e.args[0]), b = Eval(e.args[1]);
        return {a.can_true && b.can_true, a.can_false || b.can_false};
      }
      case ExprOp::kOr: {
        Outcomes a = Eval(e.args[0]), b = Eval(e.args[1]);
        return {a.can_true || b.can_true, a.can_false && b.can_false};
      }
      case ExprOp::kNot: {
        Outcomes a = Eval(e.args[0]);
        return {a.can_false, a.can_true};
      }
      case ExprOp::kConstant:
        if (e.value.is_null) return {false, false};
        if (e.value.type == Type::kBoolean) return {e.value.bool_value, !e.value.bool_value};
        return kAnything;
      case ExprOp::kEq:
      case ExprOp::kNe:
      case ExprOp::kLt:
      case ExprOp::kLe:
      case ExprOp::kGt:
      case ExprOp::kGe: return Comparison(e);
      case ExprOp::kIsNull:
      case ExprOp::kIsNotNull: return NullTest(e);
      case ExprOp::kIn: return InList(e);
      default: return kAnything;
    }
  }

 private:
  const ColumnStats* StatsOf(const Expr& e) const {
    if (e.op != ExprOp::kColumn || e.column < 0 || static_cast<size_t>(e.column) >= stats_.size()) return nullptr;
    return &stats_[e.column];
  }
  bool AllNull(const ColumnStats& s) const { return s.null_count >= 0 && s.null_count >= rows_; }

  Outcomes Comparison(const Expr& e) const {
    const Expr* column = &e.args[0];
    const Expr* constant = &e.args[1];
    ExprOp op = e.op;
    if (column->op == ExprOp::kConstant && constant->op == ExprOp::kColumn) {
      std::swap(column, constant);
      op = Mirror(op);
    }
    const ColumnStats* s = StatsOf(*column);
    if (s == nullptr || constant->op != ExprOp::kConstant) return kAnything;
    if (constant->value.is_null) return {false, false};
    if (AllNull(*s)) return {false, false};
    if (!s->has_min_max || !Comparable(s->min, constant->value)) return kAnything;
    if (constant->value.type == Type::kDouble && std::isnan(constant->value.double_value)) return kAnything;
    const Value& c = constant->value;
    const int lo = CompareValues(s->min, c);  // min vs c
    const int hi = CompareValues(s->max, c);  // max vs c
    // Statistics leave NaN out, and a NaN row makes every comparison false
    // but != true: for floating-point columns those outcomes stay possible.
    if (s->min.type == Type::kDouble || s->min.type == Type::kFloat) {
      Outcomes o = ComparisonOutcomes(op, lo, hi);
      o.can_false = true;
      if (op == ExprOp::kNe) o.can_true = true;
      return o;
    }
    return ComparisonOutcomes(op, lo, hi);
  }

  static Outcomes ComparisonOutcomes(ExprOp op, int lo, int hi) {
    switch (op) {
      case ExprOp::kGt: return {hi > 0, lo <= 0};
      case ExprOp::kGe: return {hi >= 0, lo < 0};
      case ExprOp::kLt: return {lo < 0, hi >= 0};
      case ExprOp::kLe: return {lo <= 0, hi > 0};
      case ExprOp::kEq: return {lo <= 0 && hi >= 0, !(lo == 0 && hi == 0)};
      default: return {!(lo == 0 && hi == 0), lo <= 0 && hi >= 0};  // kNe
    }
  }

  Outcomes NullTest(const Expr& e) const {
    const ColumnStats* s = StatsOf(e.args[0]);
    if (s == nullptr || s->null_count < 0) return kAnything;
    const bool some_null = s->null_count > 0;
    const bool some_value = s->null_count < rows_;
    return e.op == ExprOp::kIsNull ? Outcomes{some_null, some_value} : Outcomes{some_value, some_null};
  }

  Outcomes InList(const Expr& e) const {
    const ColumnStats* s = StatsOf(e.args[0]);
    if (s == nullptr) return kAnything;
    if (AllNull(*s)) return {false, false};
    if (!s->has_min_max) return kAnything;
    bool can_true = false;
    for (size_t i = 1; i < e.args.size(); ++i) {
      const Value& c = e.args[i].value;
      if (c.is_null) continue;
      if (!Comparable(s->min, c)) return kAnything;
      if (CompareValues(s->min, c) <= 0 && CompareValues(s->max, c) >= 0) can_true = true;
    }
    return {can_true, true};
  }

  const std::vector<ColumnStats>& stats_;
  int64_t rows_;
};

}  // namespace

bool MayMatch(const Expr& predicate, const std::vector<ColumnStats>& stats, int64_t rows) {
  if (rows == 0) return false;
  return Pruner(stats, rows).Eval(predicate).can_true;
}

}  // namespace strata::table
