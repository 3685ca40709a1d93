// Vectorized evaluation of Expr. Operands are viewed in place (a column's
// own vector, or a scalar constant) and the loops are templated on both
// operand types, so `ke > 0.3` on a FLOAT column is one tight loop with no
// conversion pass and no per-row dispatch.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string_view>
#include <type_traits>

#include "strata/table/expr.h"
#include "strata/table/value_format.h"

namespace strata::table {

namespace {

// A numeric or boolean operand: a vector of one of the value types, or a scalar.
struct NumOperand {
  Type type = Type::kInt64;
  const void* data = nullptr;        // vector values (nullptr for a scalar)
  const uint8_t* validity = nullptr;  // nullptr: every row valid
  bool scalar = false;
  bool scalar_null = false;
  int64_t scalar_int = 0;
  double scalar_double = 0;
  ColumnVector owned;  // holds a computed operand
};

struct StringOperand {
  const parquet::ByteArrayValues* data = nullptr;
  const uint8_t* validity = nullptr;
  bool scalar = false;
  bool scalar_null = false;
  std::string scalar_value;
  ColumnVector owned;
};

const void* ValuesOf(const ColumnVector& column) {
  switch (column.type) {
    case Type::kBoolean: return column.bools.data();
    case Type::kInt32: return column.int32s.data();
    case Type::kInt64: return column.int64s.data();
    case Type::kFloat: return column.floats.data();
    case Type::kDouble: return column.doubles.data();
    default: return nullptr;
  }
}

Status ColumnOf(const Expr& expr, const BatchView& batch, const ColumnVector** out) {
  if (expr.column < 0 || static_cast<size_t>(expr.column) >= batch.columns.size() ||
      batch.columns[expr.column] == nullptr) {
    return Status::InvalidArgument("scan: column #" + std::to_string(expr.column) + " was not decoded");
  }
  *out = batch.columns[expr.column];
  if ((*out)->size() != batch.rows) {
    return Status::Corruption("scan: column #" + std::to_string(expr.column) + " has " +
                              std::to_string((*out)->size()) + " values for " + std::to_string(batch.rows) + " rows");
  }
  return Status::OK();
}

Status MakeNumOperand(const Expr& expr, const BatchView& batch, NumOperand* op) {
  if (expr.op == ExprOp::kConstant) {
    op->scalar = true;
    op->scalar_null = expr.value.is_null;
    if (IsInteger(expr.value.type) || expr.value.type == Type::kBoolean) {
      op->type = Type::kInt64;
      op->scalar_int = expr.value.type == Type::kBoolean ? expr.value.bool_value : expr.value.int_value;
    } else {
      op->type = Type::kDouble;
      op->scalar_double = expr.value.double_value;
    }
    return Status::OK();
  }
  const ColumnVector* column = nullptr;
  if (expr.op == ExprOp::kColumn) {
    RETURN_IF_ERROR(ColumnOf(expr, batch, &column));
  } else {
    RETURN_IF_ERROR(EvalValue(expr, batch, &op->owned));
    column = &op->owned;
  }
  op->type = column->type;
  op->data = ValuesOf(*column);
  op->validity = column->validity.empty() ? nullptr : column->validity.data();
  return Status::OK();
}

Status MakeStringOperand(const Expr& expr, const BatchView& batch, StringOperand* op) {
  if (expr.op == ExprOp::kConstant) {
    op->scalar = true;
    op->scalar_null = expr.value.is_null;
    op->scalar_value = expr.value.string_value;
    return Status::OK();
  }
  const ColumnVector* column = nullptr;
  if (expr.op == ExprOp::kColumn) {
    RETURN_IF_ERROR(ColumnOf(expr, batch, &column));
  } else {
    RETURN_IF_ERROR(EvalValue(expr, batch, &op->owned));
    column = &op->owned;
  }
  if (column->type != Type::kByteArray) return Status::InvalidArgument("scan: expected a string operand");
  op->data = &column->strings;
  op->validity = column->validity.empty() ? nullptr : column->validity.data();
  return Status::OK();
}

// Calls f with a typed pointer to the operand's values, or with the scalar.
template <typename F>
void VisitVector(const NumOperand& op, F&& f) {
  switch (op.type) {
    case Type::kBoolean: f(static_cast<const uint8_t*>(op.data)); break;
    case Type::kInt32: f(static_cast<const int32_t*>(op.data)); break;
    case Type::kInt64: f(static_cast<const int64_t*>(op.data)); break;
    case Type::kFloat: f(static_cast<const float*>(op.data)); break;
    default: f(static_cast<const double*>(op.data)); break;
  }
}

template <typename A, typename B>
using CommonType = std::conditional_t<std::is_integral_v<A> && std::is_integral_v<B>, int64_t, double>;

template <typename A>
struct ScalarOf {
  A value;
  A operator[](size_t) const { return value; }
};

// Runs f(left, right) where each side indexes like an array: a vector's
// pointer or a ScalarOf.
template <typename F>
void VisitPair(const NumOperand& l, const NumOperand& r, F&& f) {
  auto with_right = [&](auto left) {
    if (r.scalar) {
      if (r.type == Type::kInt64) {
        f(left, ScalarOf<int64_t>{r.scalar_int});
      } else {
        f(left, ScalarOf<double>{r.scalar_double});
      }
    } else {
      VisitVector(r, [&](auto right) { f(left, right); });
    }
  };
  if (l.scalar) {
    if (l.type == Type::kInt64) {
      with_right(ScalarOf<int64_t>{l.scalar_int});
    } else {
      with_right(ScalarOf<double>{l.scalar_double});
    }
  } else {
    VisitVector(l, [&](auto left) { with_right(left); });
  }
}

template <typename T>
struct ElementOf {
  using type = std::remove_cv_t<std::remove_pointer_t<T>>;
};
template <typename T>
struct ElementOf<ScalarOf<T>> {
  using type = T;
};

template <typename Cmp, typename L, typename R>
void CompareLoop(L left, R right, size_t n, uint8_t* out) {
  using C = CommonType<typename ElementOf<L>::type, typename ElementOf<R>::type>;
  Cmp cmp;
  for (size_t i = 0; i < n; ++i) out[i] = cmp(static_cast<C>(left[i]), static_cast<C>(right[i])) ? kTrue : kFalse;
}

// Rows where either side is null become unknown.
void ApplyNulls(const uint8_t* validity, size_t n, uint8_t* out) {
  if (validity == nullptr) return;
  for (size_t i = 0; i < n; ++i) {
    if (!validity[i]) out[i] = kUnknown;
  }
}

template <typename Cmp>
void CompareNumbers(const NumOperand& l, const NumOperand& r, size_t n, uint8_t* out) {
  if ((l.scalar && l.scalar_null) || (r.scalar && r.scalar_null)) {
    std::fill(out, out + n, kUnknown);
    return;
  }
  VisitPair(l, r, [&](auto left, auto right) { CompareLoop<Cmp>(left, right, n, out); });
  ApplyNulls(l.validity, n, out);
  ApplyNulls(r.validity, n, out);
}

template <typename Cmp>
void CompareStrings(const StringOperand& l, const StringOperand& r, size_t n, uint8_t* out) {
  if ((l.scalar && l.scalar_null) || (r.scalar && r.scalar_null)) {
    std::fill(out, out + n, kUnknown);
    return;
  }
  Cmp cmp;
  for (size_t i = 0; i < n; ++i) {
    std::string_view a = l.scalar ? std::string_view(l.scalar_value) : (*l.data)[i];
    std::string_view b = r.scalar ? std::string_view(r.scalar_value) : (*r.data)[i];
    out[i] = cmp(a.compare(b), 0) ? kTrue : kFalse;
  }
  ApplyNulls(l.validity, n, out);
  ApplyNulls(r.validity, n, out);
}

template <typename F>
Status WithComparator(ExprOp op, F&& f) {
  switch (op) {
    case ExprOp::kEq: f(std::equal_to<>()); break;
    case ExprOp::kNe: f(std::not_equal_to<>()); break;
    case ExprOp::kLt: f(std::less<>()); break;
    case ExprOp::kLe: f(std::less_equal<>()); break;
    case ExprOp::kGt: f(std::greater<>()); break;
    case ExprOp::kGe: f(std::greater_equal<>()); break;
    default: return Status::InvalidArgument("scan: not a comparison");
  }
  return Status::OK();
}

Status EvalComparison(const Expr& expr, const BatchView& batch, std::vector<uint8_t>* out) {
  out->resize(batch.rows);
  const Expr& left = expr.args[0];
  const Expr& right = expr.args[1];
  auto null_constant = [](const Expr& e) { return e.op == ExprOp::kConstant && e.value.is_null; };
  if (null_constant(left) || null_constant(right)) {
    std::fill(out->begin(), out->end(), kUnknown);
    return Status::OK();
  }
  if (left.type == Type::kByteArray || right.type == Type::kByteArray) {
    StringOperand l, r;
    RETURN_IF_ERROR(MakeStringOperand(left, batch, &l));
    RETURN_IF_ERROR(MakeStringOperand(right, batch, &r));
    return WithComparator(expr.op, [&](auto cmp) {
      CompareStrings<decltype(cmp)>(l, r, batch.rows, out->data());
    });
  }
  NumOperand l, r;
  RETURN_IF_ERROR(MakeNumOperand(left, batch, &l));
  RETURN_IF_ERROR(MakeNumOperand(right, batch, &r));
  return WithComparator(expr.op, [&](auto cmp) { CompareNumbers<decltype(cmp)>(l, r, batch.rows, out->data()); });
}

Status EvalIn(const Expr& expr, const BatchView& batch, std::vector<uint8_t>* out) {
  const size_t n = batch.rows;
  out->assign(n, kFalse);
  bool list_has_null = false;
  std::vector<uint8_t> hit(n);
  for (size_t a = 1; a < expr.args.size(); ++a) {
    const Expr& candidate = expr.args[a];
    if (candidate.op == ExprOp::kConstant && candidate.value.is_null) {
      list_has_null = true;
      continue;
    }
    RETURN_IF_ERROR(EvalComparison(Expr::Binary(ExprOp::kEq, expr.args[0], candidate), batch, &hit));
    for (size_t i = 0; i < n; ++i) {
      if (hit[i] == kTrue) {
        (*out)[i] = kTrue;
      } else if (hit[i] == kUnknown && (*out)[i] == kFalse) {
        (*out)[i] = kUnknown;
      }
    }
  }
  if (list_has_null) {
    for (uint8_t& v : *out) {
      if (v == kFalse) v = kUnknown;
    }
  }
  return Status::OK();
}

Status EvalNullTest(const Expr& expr, const BatchView& batch, std::vector<uint8_t>* out) {
  const size_t n = batch.rows;
  const bool want_null = expr.op == ExprOp::kIsNull;
  const Expr& arg = expr.args[0];
  if (arg.op == ExprOp::kConstant) {
    out->assign(n, arg.value.is_null == want_null ? kTrue : kFalse);
    return Status::OK();
  }
  ColumnVector owned;
  const ColumnVector* column = nullptr;
  if (arg.op == ExprOp::kColumn) {
    RETURN_IF_ERROR(ColumnOf(arg, batch, &column));
  } else if (arg.type == Type::kBoolean) {
    std::vector<uint8_t> truth;
    RETURN_IF_ERROR(EvalPredicate(arg, batch, &truth));
    out->resize(n);
    for (size_t i = 0; i < n; ++i) (*out)[i] = (truth[i] == kUnknown) == want_null ? kTrue : kFalse;
    return Status::OK();
  } else {
    RETURN_IF_ERROR(EvalValue(arg, batch, &owned));
    column = &owned;
  }
  out->resize(n);
  for (size_t i = 0; i < n; ++i) (*out)[i] = (!column->IsValid(i)) == want_null ? kTrue : kFalse;
  return Status::OK();
}

}  // namespace

Status EvalPredicate(const Expr& expr, const BatchView& batch, std::vector<uint8_t>* out) {
  const size_t n = batch.rows;
  switch (expr.op) {
    case ExprOp::kConstant:
      out->assign(n, expr.value.is_null ? kUnknown : (expr.value.bool_value ? kTrue : kFalse));
      return Status::OK();
    case ExprOp::kColumn: {
      const ColumnVector* column = nullptr;
      RETURN_IF_ERROR(ColumnOf(expr, batch, &column));
      if (column->type != Type::kBoolean) return Status::InvalidArgument("scan: predicate on a non-boolean column");
      out->resize(n);
      for (size_t i = 0; i < n; ++i) (*out)[i] = column->bools[i] ? kTrue : kFalse;
      ApplyNulls(column->validity.empty() ? nullptr : column->validity.data(), n, out->data());
      return Status::OK();
    }
    case ExprOp::kNot: {
      RETURN_IF_ERROR(EvalPredicate(expr.args[0], batch, out));
      for (uint8_t& v : *out) v = v == kUnknown ? kUnknown : (v == kTrue ? kFalse : kTrue);
      return Status::OK();
    }
    case ExprOp::kAnd:
    case ExprOp::kOr: {
      RETURN_IF_ERROR(EvalPredicate(expr.args[0], batch, out));
      std::vector<uint8_t> right;
      RETURN_IF_ERROR(EvalPredicate(expr.args[1], batch, &right));
      // Three-valued logic: AND is the minimum and OR the maximum of
      // false < unknown < true.
      static constexpr uint8_t kRank[3] = {0, 2, 1};    // value -> rank
      static constexpr uint8_t kValue[3] = {kFalse, kUnknown, kTrue};  // rank -> value
      const bool is_and = expr.op == ExprOp::kAnd;
      for (size_t i = 0; i < n; ++i) {
        uint8_t a = kRank[(*out)[i]], b = kRank[right[i]];
        (*out)[i] = kValue[is_and ? std::min(a, b) : std::max(a, b)];
      }
      return Status::OK();
    }
    case ExprOp::kEq:
    case ExprOp::kNe:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe: return EvalComparison(expr, batch, out);
    case ExprOp::kIn: return EvalIn(expr, batch, out);
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull: return EvalNullTest(expr, batch, out);
    case ExprOp::kCast: {
      ColumnVector value;
      RETURN_IF_ERROR(EvalValue(expr, batch, &value));
      out->resize(n);
      for (size_t i = 0; i < n; ++i) (*out)[i] = value.bools[i] ? kTrue : kFalse;
      ApplyNulls(value.validity.empty() ? nullptr : value.validity.data(), n, out->data());
      return Status::OK();
    }
    default: return Status::InvalidArgument("scan: expression is not a predicate: " + expr.ToSql({}));
  }
}

void SelectedRows(const std::vector<uint8_t>& truth, std::vector<uint32_t>* rows) {
  rows->clear();
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] == kTrue) rows->push_back(static_cast<uint32_t>(i));
  }
}

namespace {

template <typename T>
void GatherVector(const std::vector<T>& in, const std::vector<uint32_t>& rows, std::vector<T>* out) {
  out->resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) (*out)[i] = in[rows[i]];
}

}  // namespace

void GatherRows(const ColumnVector& in, const std::vector<uint32_t>& rows, ColumnVector* out) {
  out->Clear();
  out->type = in.type;
  switch (in.type) {
    case Type::kBoolean: GatherVector(in.bools, rows, &out->bools); break;
    case Type::kInt32: GatherVector(in.int32s, rows, &out->int32s); break;
    case Type::kInt64: GatherVector(in.int64s, rows, &out->int64s); break;
    case Type::kFloat: GatherVector(in.floats, rows, &out->floats); break;
    case Type::kDouble: GatherVector(in.doubles, rows, &out->doubles); break;
    case Type::kByteArray:
      for (uint32_t r : rows) out->strings.Append(in.strings[r]);
      break;
    default: break;
  }
  if (!in.validity.empty()) GatherVector(in.validity, rows, &out->validity);
}


}  // namespace strata::table
