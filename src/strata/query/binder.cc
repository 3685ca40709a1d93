#include "strata/query/binder.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "strata/query/sql_parser.h"

namespace strata::query {

namespace {

using table::AggregateCall;
using table::AggregateKind;
using table::Expr;
using table::ExprOp;
using table::Type;
using table::Value;


std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Binder {
 public:
  Binder(std::string_view sql, const std::vector<table::ScanColumn>& columns, const FromClause& from)
      : sql_(sql), columns_(columns), from_(from) {}

  Result<BoundQuery> Bind(const SelectStatement& statement) {
    BoundQuery bound;
    bound.spec.columns = columns_;
    if (statement.where) {
      if (ContainsAggregate(*statement.where)) {
        return Error(statement.where->position, "aggregates are not allowed in WHERE");
      }
      ASSIGN_OR_RETURN(Expr filter, BindExpr(*statement.where));
      if (filter.op == ExprOp::kConstant && filter.value.is_null) filter = Expr::Constant(Value::Null(Type::kBoolean));
      if (filter.type != Type::kBoolean) {
        return Error(statement.where->position,
                     "WHERE needs a condition, found an expression of type " + table::TypeLabel(filter.type));
      }
      bound.spec.filter = std::move(filter);
    }
    bool any_aggregate = false, any_plain = false;
    size_t plain_position = 0;
    for (const SelectItem& item : statement.items) {
      if (item.star || !ContainsAggregate(*item.expr)) {
        if (!any_plain) plain_position = item.position;
        any_plain = true;
      } else {
        any_aggregate = true;
      }
    }
    if (any_aggregate && any_plain) {
      return Error(plain_position, "mixes aggregates and plain columns; there is no GROUP BY");
    }
    for (const SelectItem& item : statement.items) {
      // S3 Select names an unnamed result column by its place in the list:
      // SELECT COUNT(*) FROM S3Object answers {"_1": 3} in JSON.
      const size_t names_before = bound.names.size();
      const auto s3_name = [&] {
        if (!from_.s3_object || !item.alias.empty() || item.star) return;
        if (item.expr->kind == ExprKind::kColumn) return;
        bound.names[names_before] = "_" + std::to_string(names_before + 1);
      };
      if (item.star) {
        for (size_t c = 0; c < columns_.size(); ++c) {
          bound.spec.outputs.push_back(Expr::Column(static_cast<int>(c), columns_[c].type));
          bound.names.push_back(columns_[c].name);
          bound.types.push_back(columns_[c].type);
        }
        continue;
      }
      if (any_aggregate) {
        RETURN_IF_ERROR(BindAggregate(*item.expr, item.alias, &bound));
        s3_name();
        continue;
      }
      ASSIGN_OR_RETURN(Expr e, BindExpr(*item.expr));
      bound.names.push_back(!item.alias.empty() ? item.alias
                            : e.op == ExprOp::kColumn ? columns_[e.column].name
                                                      : ToSql(*item.expr));
      bound.types.push_back(e.type);
      bound.spec.outputs.push_back(std::move(e));
      s3_name();
    }
    if (statement.limit) bound.spec.limit = *statement.limit;
    return bound;
  }

 private:
  Status Error(size_t position, const std::string& message) const {
    return Status::InvalidArgument("query at " + FormatPosition(sql_, position) + ": " + message);
  }

  static bool IsAggregateName(const std::string& name) {
    return name == "COUNT" || name == "MIN" || name == "MAX" || name == "SUM" || name == "AVG";
  }

  static bool ContainsAggregate(const AstExpr& e) {
    if (e.kind == ExprKind::kCall && IsAggregateName(e.name)) return true;
    for (const auto& arg : e.args) {
      if (ContainsAggregate(*arg)) return true;
    }
    return false;
  }

  Status BindAggregate(const AstExpr& e, const std::string& alias, BoundQuery* bound) {
    if (e.kind != ExprKind::kCall || !IsAggregateName(e.name)) {
      return Error(e.position, "only a single aggregate per result column is supported (COUNT, MIN, MAX, SUM, AVG)");
    }
    if (e.args.size() != 1) return Error(e.position, e.name + " takes one argument");
    AggregateCall call;
    Type result = Type::kInt64;
    const AstExpr& arg = *e.args[0];
    if (arg.kind == ExprKind::kStar) {
      if (e.name != "COUNT") return Error(arg.position, e.name + "(*) is not an aggregate; only COUNT(*) is");
      call.kind = AggregateKind::kCountStar;
    } else {
      if (ContainsAggregate(arg)) return Error(arg.position, "aggregates cannot be nested");
      ASSIGN_OR_RETURN(call.arg, BindExpr(arg));
      const Type t = call.arg.type;
      if (e.name == "COUNT") {
        call.kind = AggregateKind::kCount;
      } else if (e.name == "MIN" || e.name == "MAX") {
        call.kind = e.name == "MIN" ? AggregateKind::kMin : AggregateKind::kMax;
        result = t;
      } else {
        if (!table::IsNumeric(t)) return Error(arg.position, e.name + " needs a number, found " + table::TypeLabel(t));
        call.kind = e.name == "SUM" ? AggregateKind::kSum : AggregateKind::kAvg;
        result = e.name == "AVG" || !table::IsInteger(t) ? Type::kDouble : Type::kInt64;
      }
    }
    bound->names.push_back(!alias.empty() ? alias : Lower(e.name) + "(" + (arg.kind == ExprKind::kStar ? "*" : ToSql(arg)) + ")");
    bound->types.push_back(result);
    bound->spec.aggregates.push_back(std::move(call));
    return Status::OK();
  }

  Result<Expr> BindColumn(const AstExpr& e) {
    if (!e.qualifier.empty() && !(from_.alias.empty() ? (from_.s3_object && EqualsIgnoringCase(e.qualifier, "S3Object"))
                                                      : EqualsIgnoringCase(e.qualifier, from_.alias))) {
      return Error(e.position, "unknown table alias '" + e.qualifier + "'");
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (EqualsIgnoringCase(columns_[c].name, e.name)) return Expr::Column(static_cast<int>(c), columns_[c].type);
    }
    // S3 Select names CSV fields by position: _1 is the first column.
    if (e.name.size() > 1 && e.name[0] == '_') {
      size_t index = 0;
      auto [end, ec] = std::from_chars(e.name.data() + 1, e.name.data() + e.name.size(), index);
      if (ec == std::errc() && end == e.name.data() + e.name.size() && index >= 1 && index <= columns_.size()) {
        return Expr::Column(static_cast<int>(index - 1), columns_[index - 1].type);
      }
    }
    std::string known;
    for (size_t c = 0; c < columns_.size() && c < 12; ++c) known += (c ? ", " : "") + columns_[c].name;
    if (columns_.size() > 12) known += ", ...";
    return Error(e.position, "unknown column '" + e.name + "' (columns: " + known + ")");
  }

  static Result<Value> LiteralValue(const Literal& l) {
    switch (l.kind) {
      case Literal::Kind::kNull: return Value::Null(Type::kInt64);
      case Literal::Kind::kBool: return Value::Bool(l.bool_value);
      case Literal::Kind::kInt: return Value::Int(l.int_value);
      case Literal::Kind::kFloat: return Value::Double(l.float_value);
      case Literal::Kind::kString: return Value::String(l.string_value);
    }
    return Value::Null();
  }

  Status CheckComparable(const Expr& a, const Expr& b, size_t position) const {
    auto kind = [](const Expr& e) {
      if (e.op == ExprOp::kConstant && e.value.is_null) return 0;  // NULL compares with anything
      if (table::IsNumeric(e.type)) return 1;
      if (e.type == Type::kByteArray) return 2;
      return 3;  // boolean
    };
    const int ka = kind(a), kb = kind(b);
    if (ka != 0 && kb != 0 && ka != kb) {
      return Error(position, "cannot compare " + table::TypeLabel(a.type) + " with " + table::TypeLabel(b.type));
    }
    return Status::OK();
  }

  // A FLOAT column compared with a decimal constant compares with the
  // constant rounded to FLOAT, as DuckDB and SQL's implicit cast do: "ke =
  // 0.028188124" then finds the value printed as 0.028188124.
  static void RoundToFloat(const Expr& other, Expr* constant) {
    if (other.type != Type::kFloat || constant->op != ExprOp::kConstant || constant->value.is_null ||
        constant->value.type != Type::kDouble) {
      return;
    }
    constant->value.double_value = static_cast<double>(static_cast<float>(constant->value.double_value));
  }
  static void CoerceConstants(Expr* a, Expr* b) {
    RoundToFloat(*a, b);
    RoundToFloat(*b, a);
  }

  Status CheckBoolean(const Expr& e, size_t position, const char* what) const {
    if (e.type == Type::kBoolean || (e.op == ExprOp::kConstant && e.value.is_null)) return Status::OK();
    return Error(position, std::string(what) + " needs a condition, found " + table::TypeLabel(e.type));
  }

  static ExprOp ComparisonOp(BinaryOp op) {
    switch (op) {
      case BinaryOp::kEq: return ExprOp::kEq;
      case BinaryOp::kNe: return ExprOp::kNe;
      case BinaryOp::kLt: return ExprOp::kLt;
      case BinaryOp::kLe: return ExprOp::kLe;
      case BinaryOp::kGt: return ExprOp::kGt;
      case BinaryOp::kGe: return ExprOp::kGe;
      case BinaryOp::kAdd: return ExprOp::kAdd;
      case BinaryOp::kSub: return ExprOp::kSub;
      case BinaryOp::kMul: return ExprOp::kMul;
      case BinaryOp::kDiv: return ExprOp::kDiv;
      case BinaryOp::kMod: return ExprOp::kMod;
      case BinaryOp::kAnd: return ExprOp::kAnd;
      default: return ExprOp::kOr;
    }
  }

  Result<Type> CastTarget(const AstExpr& e) const {
    const std::string& t = e.name;
    if (t == "INT" || t == "INTEGER" || t == "BIGINT" || t == "INT64" || t == "SMALLINT" || t == "TINYINT" ||
        t == "INT32") {
      return Type::kInt64;
    }
    if (t == "FLOAT" || t == "REAL" || t == "FLOAT4") return Type::kFloat;
    if (t == "DOUBLE" || t == "DECIMAL" || t == "NUMERIC" || t == "FLOAT8") return Type::kDouble;
    if (t == "STRING" || t == "VARCHAR" || t == "CHAR" || t == "TEXT") return Type::kByteArray;
    if (t == "BOOL" || t == "BOOLEAN") return Type::kBoolean;
    return Error(e.position, "unknown type '" + t + "' in CAST (INT, FLOAT, DOUBLE, STRING, BOOL)");
  }

  Result<Expr> BindExpr(const AstExpr& e) {
    switch (e.kind) {
      case ExprKind::kColumn: return BindColumn(e);
      case ExprKind::kLiteral: {
        ASSIGN_OR_RETURN(Value v, LiteralValue(e.literal));
        return Expr::Constant(std::move(v));
      }
      case ExprKind::kStar: return Error(e.position, "* is only allowed as a result column or in COUNT(*)");
      case ExprKind::kCall:
        if (IsAggregateName(e.name)) return Error(e.position, e.name + " is only allowed as a result column");
        return Error(e.position, "unknown function '" + e.name + "'");
      case ExprKind::kCast: {
        ASSIGN_OR_RETURN(Expr arg, BindExpr(*e.args[0]));
        ASSIGN_OR_RETURN(Type to, CastTarget(e));
        if (arg.op == ExprOp::kConstant && arg.value.is_null) return Expr::Constant(Value::Null(to));
        return Expr::Cast(std::move(arg), to);
      }
      case ExprKind::kUnary: {
        ASSIGN_OR_RETURN(Expr arg, BindExpr(*e.args[0]));
        if (e.unary_op == UnaryOp::kNot) {
          RETURN_IF_ERROR(CheckBoolean(arg, e.args[0]->position, "NOT"));
          return Expr::Unary(ExprOp::kNot, std::move(arg));
        }
        if (!table::IsNumeric(arg.type)) return Error(e.position, "cannot negate " + table::TypeLabel(arg.type));
        if (arg.op == ExprOp::kConstant && !arg.value.is_null) {
          Value v = arg.value;
          if (v.type == Type::kInt64) {
            v.int_value = static_cast<int64_t>(0 - static_cast<uint64_t>(v.int_value));
          } else {
            v.double_value = -v.double_value;
          }
          return Expr::Constant(std::move(v));
        }
        return Expr::Unary(ExprOp::kNegate, std::move(arg));
      }
      case ExprKind::kBinary: {
        ASSIGN_OR_RETURN(Expr left, BindExpr(*e.args[0]));
        ASSIGN_OR_RETURN(Expr right, BindExpr(*e.args[1]));
        const ExprOp op = ComparisonOp(e.binary_op);
        if (op == ExprOp::kAnd || op == ExprOp::kOr) {
          const char* name = op == ExprOp::kAnd ? "AND" : "OR";
          RETURN_IF_ERROR(CheckBoolean(left, e.args[0]->position, name));
          RETURN_IF_ERROR(CheckBoolean(right, e.args[1]->position, name));
        } else if (op == ExprOp::kAdd || op == ExprOp::kSub || op == ExprOp::kMul || op == ExprOp::kDiv ||
                   op == ExprOp::kMod) {
          for (const Expr* side : {&left, &right}) {
            const bool null = side->op == ExprOp::kConstant && side->value.is_null;
            if (!null && !table::IsNumeric(side->type)) {
              return Error(side == &left ? e.args[0]->position : e.args[1]->position,
                           "arithmetic needs numbers, found " + table::TypeLabel(side->type));
            }
          }
        } else {
          RETURN_IF_ERROR(CheckComparable(left, right, e.position));
          CoerceConstants(&left, &right);
        }
        return Expr::Binary(op, std::move(left), std::move(right));
      }
      case ExprKind::kBetween: {
        ASSIGN_OR_RETURN(Expr value, BindExpr(*e.args[0]));
        ASSIGN_OR_RETURN(Expr low, BindExpr(*e.args[1]));
        ASSIGN_OR_RETURN(Expr high, BindExpr(*e.args[2]));
        RETURN_IF_ERROR(CheckComparable(value, low, e.args[1]->position));
        RETURN_IF_ERROR(CheckComparable(value, high, e.args[2]->position));
        CoerceConstants(&value, &low);
        CoerceConstants(&value, &high);
        Expr both = Expr::Binary(ExprOp::kAnd, Expr::Binary(ExprOp::kGe, value, std::move(low)),
                                 Expr::Binary(ExprOp::kLe, value, std::move(high)));
        return e.negated ? Expr::Unary(ExprOp::kNot, std::move(both)) : both;
      }
      case ExprKind::kIn: {
        ASSIGN_OR_RETURN(Expr value, BindExpr(*e.args[0]));
        std::vector<Value> constants;
        std::vector<Expr> others;
        for (size_t i = 1; i < e.args.size(); ++i) {
          ASSIGN_OR_RETURN(Expr item, BindExpr(*e.args[i]));
          RETURN_IF_ERROR(CheckComparable(value, item, e.args[i]->position));
          CoerceConstants(&value, &item);
          if (item.op == ExprOp::kConstant) {
            constants.push_back(item.value);
          } else {
            others.push_back(std::move(item));
          }
        }
        Expr in = Expr::In(value, std::move(constants));
        for (Expr& other : others) in = Expr::Binary(ExprOp::kOr, std::move(in), Expr::Binary(ExprOp::kEq, value, std::move(other)));
        return e.negated ? Expr::Unary(ExprOp::kNot, std::move(in)) : in;
      }
      case ExprKind::kIsNull: {
        ASSIGN_OR_RETURN(Expr arg, BindExpr(*e.args[0]));
        return Expr::Unary(e.negated ? ExprOp::kIsNotNull : ExprOp::kIsNull, std::move(arg));
      }
    }
    return Error(e.position, "unsupported expression");
  }

  std::string_view sql_;
  const std::vector<table::ScanColumn>& columns_;
  const FromClause& from_;
};

}  // namespace

Result<BoundQuery> Bind(const SelectStatement& statement, std::string_view sql,
                        const std::vector<table::ScanColumn>& columns) {
  return Binder(sql, columns, statement.from).Bind(statement);
}

}  // namespace strata::query
