// ValidateSpec: the checks that let a node run a scan spec it received from
// elsewhere without trusting its sender.
#include "strata/table/scan.h"

namespace strata::table {

namespace {

bool Supported(Type t) {
  return t == Type::kBoolean || t == Type::kInt32 || t == Type::kInt64 || t == Type::kFloat || t == Type::kDouble ||
         t == Type::kByteArray;
}
bool IsNullConstant(const Expr& e) { return e.op == ExprOp::kConstant && e.value.is_null; }
bool BooleanOrNull(const Expr& e) { return e.type == Type::kBoolean || IsNullConstant(e); }
bool NumericOrNull(const Expr& e) { return IsNumeric(e.type) || e.type == Type::kBoolean || IsNullConstant(e); }
bool Comparable(const Expr& a, const Expr& b) {
  if (IsNullConstant(a) || IsNullConstant(b)) return true;
  return (a.type == Type::kByteArray) == (b.type == Type::kByteArray);
}

Status Invalid(const std::string& what) { return Status::InvalidArgument("malformed expression: " + what); }

Status Validate(const Expr& e, const std::vector<ScanColumn>& columns, int depth) {
  if (depth > 400) return Invalid("nested too deeply");
  if (!Supported(e.type)) return Invalid("unsupported type");
  for (const Expr& arg : e.args) RETURN_IF_ERROR(Validate(arg, columns, depth + 1));
  const size_t n = e.args.size();
  auto arity = [&](size_t want) { return n == want ? Status::OK() : Invalid("wrong number of operands"); };
  switch (e.op) {
    case ExprOp::kColumn:
      RETURN_IF_ERROR(arity(0));
      if (e.column < 0 || static_cast<size_t>(e.column) >= columns.size()) return Invalid("column index out of range");
      if (columns[e.column].type != e.type) return Invalid("column type mismatch");
      return Status::OK();
    case ExprOp::kConstant:
      RETURN_IF_ERROR(arity(0));
      if (e.value.type != e.type || !Supported(e.value.type)) return Invalid("constant type mismatch");
      return Status::OK();
    case ExprOp::kNot:
      RETURN_IF_ERROR(arity(1));
      if (!BooleanOrNull(e.args[0]) || e.type != Type::kBoolean) return Invalid("NOT of a non-condition");
      return Status::OK();
    case ExprOp::kNegate:
      RETURN_IF_ERROR(arity(1));
      if (!IsNumeric(e.args[0].type) || e.type != (IsInteger(e.args[0].type) ? Type::kInt64 : Type::kDouble)) {
        return Invalid("negation type");
      }
      return Status::OK();
    case ExprOp::kAnd:
    case ExprOp::kOr:
      RETURN_IF_ERROR(arity(2));
      if (!BooleanOrNull(e.args[0]) || !BooleanOrNull(e.args[1]) || e.type != Type::kBoolean) {
        return Invalid("AND/OR of a non-condition");
      }
      return Status::OK();
    case ExprOp::kEq:
    case ExprOp::kNe:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
      RETURN_IF_ERROR(arity(2));
      if (!Comparable(e.args[0], e.args[1]) || e.type != Type::kBoolean) return Invalid("comparison types");
      return Status::OK();
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kDiv:
    case ExprOp::kMod: {
      RETURN_IF_ERROR(arity(2));
      if (!NumericOrNull(e.args[0]) || !NumericOrNull(e.args[1])) return Invalid("arithmetic on non-numbers");
      const Type want = Expr::Binary(e.op, e.args[0], e.args[1]).type;
      if (e.type != want) return Invalid("arithmetic result type");
      return Status::OK();
    }
    case ExprOp::kIn:
      if (n < 1 || e.type != Type::kBoolean) return Invalid("IN without an operand");
      for (size_t i = 1; i < n; ++i) {
        if (e.args[i].op != ExprOp::kConstant || !Comparable(e.args[0], e.args[i])) return Invalid("IN list");
      }
      return Status::OK();
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull:
      RETURN_IF_ERROR(arity(1));
      if (e.type != Type::kBoolean) return Invalid("IS NULL type");
      return Status::OK();
    case ExprOp::kCast:
      RETURN_IF_ERROR(arity(1));
      if (e.type != Type::kBoolean && e.type != Type::kInt64 && e.type != Type::kFloat && e.type != Type::kDouble &&
          e.type != Type::kByteArray) {
        return Invalid("cast target");
      }
      return Status::OK();
  }
  return Invalid("unknown operator");
}

}  // namespace

Status ValidateSpec(const ScanSpec& spec) {
  for (const ScanColumn& c : spec.columns) {
    if (!Supported(c.type)) return Status::InvalidArgument("column '" + c.name + "' has an unsupported type");
  }
  if (spec.filter) {
    RETURN_IF_ERROR(Validate(*spec.filter, spec.columns, 0));
    if (spec.filter->type != Type::kBoolean) return Invalid("filter is not a condition");
  }
  for (const Expr& e : spec.outputs) RETURN_IF_ERROR(Validate(e, spec.columns, 0));
  for (const AggregateCall& a : spec.aggregates) {
    if (a.kind == AggregateKind::kCountStar) continue;
    RETURN_IF_ERROR(Validate(a.arg, spec.columns, 0));
    if ((a.kind == AggregateKind::kSum || a.kind == AggregateKind::kAvg) && !IsNumeric(a.arg.type)) {
      return Invalid("SUM/AVG of a non-number");
    }
  }
  return Status::OK();
}

}  // namespace strata::table
