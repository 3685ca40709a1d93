// EvalValue: arithmetic, negation, casts and constants over a batch. Integer
// arithmetic wraps like two's complement (no undefined behaviour on
// overflow); a zero divisor gives NULL, as in DuckDB.
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <type_traits>

#include "strata/table/expr.h"
#include "strata/table/value_format.h"

namespace strata::table {

namespace {

// Reads row i of a numeric or boolean column as T.
template <typename T>
T NumberAt(const ColumnVector& c, size_t i) {
  switch (c.type) {
    case Type::kBoolean: return static_cast<T>(c.bools[i]);
    case Type::kInt32: return static_cast<T>(c.int32s[i]);
    case Type::kInt64: return static_cast<T>(c.int64s[i]);
    case Type::kFloat: return static_cast<T>(c.floats[i]);
    default: return static_cast<T>(c.doubles[i]);
  }
}

// Typed loop over one column: f(values pointer).
template <typename F>
void VisitColumn(const ColumnVector& c, F&& f) {
  switch (c.type) {
    case Type::kBoolean: f(c.bools.data()); break;
    case Type::kInt32: f(c.int32s.data()); break;
    case Type::kInt64: f(c.int64s.data()); break;
    case Type::kFloat: f(c.floats.data()); break;
    default: f(c.doubles.data()); break;
  }
}

void Broadcast(const Value& v, size_t n, ColumnVector* out) {
  out->Clear();
  out->type = v.type == Type::kInt32 ? Type::kInt64 : (v.type == Type::kFloat ? Type::kDouble : v.type);
  switch (out->type) {
    case Type::kBoolean: out->bools.assign(n, v.bool_value); break;
    case Type::kInt64: out->int64s.assign(n, v.int_value); break;
    case Type::kDouble: out->doubles.assign(n, v.double_value); break;
    case Type::kByteArray:
      for (size_t i = 0; i < n; ++i) out->strings.Append(v.string_value);
      break;
    default: break;
  }
  if (v.is_null) out->validity.assign(n, 0);
}

void MergeValidity(const ColumnVector& a, const ColumnVector& b, size_t n, std::vector<uint8_t>* out) {
  if (a.validity.empty() && b.validity.empty()) {
    out->clear();
    return;
  }
  out->assign(n, 1);
  for (size_t i = 0; i < n; ++i) (*out)[i] = a.IsValid(i) && b.IsValid(i);
}

uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

Status EvalArithmetic(const Expr& expr, const BatchView& batch, ColumnVector* out) {
  ColumnVector left, right;
  RETURN_IF_ERROR(EvalValue(expr.args[0], batch, &left));
  RETURN_IF_ERROR(EvalValue(expr.args[1], batch, &right));
  const size_t n = batch.rows;
  out->Clear();
  out->type = expr.type;
  // Only a NULL constant of string type can reach here as a string (the
  // binder and ValidateSpec refuse arithmetic on strings): all NULL.
  if (left.type == Type::kByteArray || right.type == Type::kByteArray) {
    if (expr.type == Type::kInt64) {
      out->int64s.assign(n, 0);
    } else {
      out->doubles.assign(n, 0);
    }
    out->validity.assign(n, 0);
    return Status::OK();
  }
  MergeValidity(left, right, n, &out->validity);
  auto set_null = [&](size_t i) {
    if (out->validity.empty()) out->validity.assign(n, 1);
    out->validity[i] = 0;
  };
  if (expr.type == Type::kInt64) {
    out->int64s.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t a = NumberAt<int64_t>(left, i), b = NumberAt<int64_t>(right, i);
      int64_t r = 0;
      switch (expr.op) {
        case ExprOp::kAdd: r = static_cast<int64_t>(U(a) + U(b)); break;
        case ExprOp::kSub: r = static_cast<int64_t>(U(a) - U(b)); break;
        case ExprOp::kMul: r = static_cast<int64_t>(U(a) * U(b)); break;
        default:  // kMod
          if (b == 0) {
            set_null(i);
          } else if (b == -1) {
            r = 0;  // INT64_MIN % -1 traps on x86
          } else {
            r = a % b;
          }
      }
      out->int64s[i] = r;
    }
    return Status::OK();
  }
  out->doubles.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double a = NumberAt<double>(left, i), b = NumberAt<double>(right, i);
    double r = 0;
    switch (expr.op) {
      case ExprOp::kAdd: r = a + b; break;
      case ExprOp::kSub: r = a - b; break;
      case ExprOp::kMul: r = a * b; break;
      case ExprOp::kDiv:
        if (b == 0) {
          set_null(i);
        } else {
          r = a / b;
        }
        break;
      default:  // kMod
        if (b == 0) {
          set_null(i);
        } else {
          r = std::fmod(a, b);
        }
    }
    out->doubles[i] = r;
  }
  return Status::OK();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status CastError(std::string_view text, Type to) {
  return Status::InvalidArgument("cannot cast '" + std::string(text.substr(0, 64)) + "' to " + TypeLabel(to));
}

Status CastStringRow(std::string_view text, Type to, size_t i, ColumnVector* out) {
  const std::string_view t = Trim(text);
  switch (to) {
    case Type::kInt64: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size() || t.empty()) {
        // "3.0" is an integer written as a decimal; anything else is an error.
        double d = 0;
        auto [dend, dec] = std::from_chars(t.data(), t.data() + t.size(), d);
        if (dec != std::errc() || dend != t.data() + t.size() || t.empty() || !std::isfinite(d) ||
            std::fabs(d) >= 9.2e18) {
          return CastError(text, to);
        }
        v = std::llround(d);
      }
      out->int64s[i] = v;
      return Status::OK();
    }
    case Type::kDouble:
    case Type::kFloat: {
      double v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return CastError(text, to);
      if (to == Type::kFloat) {
        out->floats[i] = static_cast<float>(v);
      } else {
        out->doubles[i] = v;
      }
      return Status::OK();
    }
    case Type::kBoolean: {
      std::string lower;
      for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "t" || lower == "1") {
        out->bools[i] = 1;
      } else if (lower == "false" || lower == "f" || lower == "0") {
        out->bools[i] = 0;
      } else {
        return CastError(text, to);
      }
      return Status::OK();
    }
    default: return CastError(text, to);
  }
}

std::string NumberText(const ColumnVector& c, size_t i) {
  switch (c.type) {
    case Type::kBoolean: return c.bools[i] ? "true" : "false";
    case Type::kInt32: return std::to_string(c.int32s[i]);
    case Type::kInt64: return std::to_string(c.int64s[i]);
    case Type::kFloat: return FormatFloat(c.floats[i]);
    default: return FormatDouble(c.doubles[i]);
  }
}

Status EvalCast(const Expr& expr, const BatchView& batch, ColumnVector* out) {
  ColumnVector in;
  RETURN_IF_ERROR(EvalValue(expr.args[0], batch, &in));
  const size_t n = batch.rows;
  const Type to = expr.type;
  out->Clear();
  out->type = to;
  out->validity = in.validity;
  switch (to) {
    case Type::kInt64: out->int64s.assign(n, 0); break;
    case Type::kDouble: out->doubles.assign(n, 0); break;
    case Type::kFloat: out->floats.assign(n, 0); break;
    case Type::kBoolean: out->bools.assign(n, 0); break;
    case Type::kByteArray: break;
    default: return Status::InvalidArgument("cannot cast to " + TypeLabel(to));
  }
  for (size_t i = 0; i < n; ++i) {
    const bool valid = in.IsValid(i);
    if (to == Type::kByteArray) {
      out->strings.Append(!valid ? std::string_view() : in.type == Type::kByteArray ? in.strings[i] : NumberText(in, i));
      continue;
    }
    if (!valid) continue;
    if (in.type == Type::kByteArray) {
      RETURN_IF_ERROR(CastStringRow(in.strings[i], to, i, out));
    } else if (to == Type::kFloat) {
      out->floats[i] = static_cast<float>(NumberAt<double>(in, i));
    } else if (to == Type::kInt64) {
      const double d = NumberAt<double>(in, i);
      if (in.type == Type::kInt64) {
        out->int64s[i] = in.int64s[i];
      } else if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) {
        return CastError(NumberText(in, i), to);
      } else {
        out->int64s[i] = IsInteger(in.type) || in.type == Type::kBoolean ? NumberAt<int64_t>(in, i) : std::llround(d);
      }
    } else if (to == Type::kDouble) {
      out->doubles[i] = NumberAt<double>(in, i);
    } else {
      out->bools[i] = NumberAt<double>(in, i) != 0;
    }
  }
  return Status::OK();
}

}  // namespace

Status EvalValue(const Expr& expr, const BatchView& batch, ColumnVector* out) {
  const size_t n = batch.rows;
  switch (expr.op) {
    case ExprOp::kColumn: {
      if (expr.column < 0 || static_cast<size_t>(expr.column) >= batch.columns.size() ||
          batch.columns[expr.column] == nullptr) {
        return Status::InvalidArgument("scan: column #" + std::to_string(expr.column) + " was not decoded");
      }
      *out = *batch.columns[expr.column];
      return Status::OK();
    }
    case ExprOp::kConstant: Broadcast(expr.value, n, out); return Status::OK();
    case ExprOp::kNegate: {
      ColumnVector in;
      RETURN_IF_ERROR(EvalValue(expr.args[0], batch, &in));
      out->Clear();
      out->type = expr.type;
      out->validity = in.validity;
      if (expr.type == Type::kInt64) {
        out->int64s.resize(n);
        for (size_t i = 0; i < n; ++i) out->int64s[i] = static_cast<int64_t>(0 - U(NumberAt<int64_t>(in, i)));
      } else {
        out->doubles.resize(n);
        VisitColumn(in, [&](auto values) {
          for (size_t i = 0; i < n; ++i) out->doubles[i] = -static_cast<double>(values[i]);
        });
      }
      return Status::OK();
    }
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kDiv:
    case ExprOp::kMod: return EvalArithmetic(expr, batch, out);
    case ExprOp::kCast: return EvalCast(expr, batch, out);
    default: {
      // A predicate used as a value: SELECT ke > 1 gives a boolean column.
      std::vector<uint8_t> truth;
      RETURN_IF_ERROR(EvalPredicate(expr, batch, &truth));
      out->Clear();
      out->type = Type::kBoolean;
      out->bools.resize(n);
      bool any_null = false;
      for (size_t i = 0; i < n; ++i) {
        out->bools[i] = truth[i] == kTrue;
        any_null |= truth[i] == kUnknown;
      }
      if (any_null) {
        out->validity.resize(n);
        for (size_t i = 0; i < n; ++i) out->validity[i] = truth[i] != kUnknown;
      }
      return Status::OK();
    }
  }
}

}  // namespace strata::table
