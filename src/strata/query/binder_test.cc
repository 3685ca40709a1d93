// Binding SQL against a table's columns: names resolved without regard to
// case (and S3 Select's s.name and _1), errors that point at the exact place
// in the query, BETWEEN / IN rewritten into expressions that evaluate to
// SQL's answers, and the names and types of result columns.
#include "strata/query/binder.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/query/sql_parser.h"
#include "strata/testing/status_macros.h"

namespace strata::query {
namespace {

using table::Expr;
using table::ExprOp;
using table::Type;

const std::vector<table::ScanColumn> kColumns = {
    {"id", Type::kInt64, false}, {"x", Type::kFloat, false}, {"name", Type::kByteArray, true}, {"flag", Type::kBoolean, false}};

Result<BoundQuery> BindSql(const std::string& sql) {
  Result<SelectStatement> statement = ParseSql(sql);
  if (!statement.ok()) return statement.status().WithContext("parse");
  return Bind(*statement, sql, kColumns);
}

// The error message of binding `sql`, or "bound" when it binds.
std::string ErrorOf(const std::string& sql) {
  Result<BoundQuery> bound = BindSql(sql);
  if (bound.ok()) return "bound";
  EXPECT_EQ(bound.status().code(), StatusCode::kInvalidArgument) << sql;
  return bound.status().message();
}

// Seven rows: id 0..6, x = id / 2, name "n<id>" (NULL for id 3), flag id even.
struct Batch {
  table::ColumnVector id{Type::kInt64}, x{Type::kFloat}, name{Type::kByteArray}, flag{Type::kBoolean};
  table::BatchView view;
  Batch() {
    for (int i = 0; i < 7; ++i) {
      id.int64s.push_back(i);
      x.floats.push_back(static_cast<float>(i) / 2);
      name.strings.Append(i == 3 ? "" : "n" + std::to_string(i));
      name.validity.push_back(i != 3);
      flag.bools.push_back(i % 2 == 0);
    }
    view.columns = {&id, &x, &name, &flag};
    view.rows = 7;
  }
};

// The WHERE clause of `SELECT id FROM t WHERE <where>` evaluated over Batch:
// one letter per row, T, F or U.
std::string Where(const std::string& where) {
  Result<BoundQuery> bound = BindSql("SELECT id FROM t WHERE " + where);
  if (!bound.ok()) return "error: " + bound.status().message();
  EXPECT_TRUE(bound->spec.filter.has_value());
  const Status valid = table::ValidateSpec(bound->spec);
  if (!valid.ok()) return "invalid: " + valid.ToString();
  Batch batch;
  std::vector<uint8_t> truth;
  const Status st = table::EvalPredicate(*bound->spec.filter, batch.view, &truth);
  if (!st.ok()) return "eval error: " + st.ToString();
  std::string letters;
  for (uint8_t t : truth) letters += t == table::kTrue ? 'T' : t == table::kFalse ? 'F' : 'U';
  return letters;
}

TEST(BinderTest, NamesResolveIgnoringCase) {
  ASSERT_OK_AND_ASSIGN(BoundQuery bound, BindSql("SELECT ID, X, Name, fLaG FROM t WHERE NAME = 'n1'"));
  ASSERT_EQ(bound.spec.outputs.size(), 4u);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(bound.spec.outputs[c], Expr::Column(c, kColumns[c].type));
    EXPECT_EQ(bound.names[c], kColumns[c].name);  // the table's spelling
    EXPECT_EQ(bound.types[c], kColumns[c].type);
  }
  EXPECT_EQ(bound.spec.columns, kColumns);
  EXPECT_EQ(bound.spec.limit, table::kNoLimit);
  EXPECT_EQ(Where("NAME = 'n1'"), "FTFUFFF");
  // Quoted identifiers resolve the same way.
  ASSERT_OK_AND_ASSIGN(BoundQuery quoted, BindSql("SELECT \"ID\" FROM t"));
  EXPECT_EQ(quoted.spec.outputs[0], Expr::Column(0, Type::kInt64));
}

TEST(BinderTest, S3SelectAliasesAndPositions) {
  ASSERT_OK_AND_ASSIGN(BoundQuery bound, BindSql("SELECT s.id, S.name FROM S3Object s WHERE s.x > 1"));
  EXPECT_EQ(bound.spec.outputs[0], Expr::Column(0, Type::kInt64));
  EXPECT_EQ(bound.spec.outputs[1], Expr::Column(2, Type::kByteArray));
  ASSERT_OK(BindSql("SELECT S3Object.id FROM S3Object").status());
  ASSERT_OK(BindSql("SELECT t.id FROM data AS t").status());
  EXPECT_EQ(ErrorOf("SELECT t.id FROM S3Object s"), "query at column 8: unknown table alias 't'");
  EXPECT_EQ(ErrorOf("SELECT s.id FROM S3Object"), "query at column 8: unknown table alias 's'");

  ASSERT_OK_AND_ASSIGN(BoundQuery positional, BindSql("SELECT _1, _4, s._3 FROM S3Object s WHERE _2 > 1"));
  EXPECT_EQ(positional.spec.outputs[0], Expr::Column(0, Type::kInt64));
  EXPECT_EQ(positional.spec.outputs[1], Expr::Column(3, Type::kBoolean));
  EXPECT_EQ(positional.spec.outputs[2], Expr::Column(2, Type::kByteArray));
  EXPECT_EQ(positional.names[0], "id");
  EXPECT_EQ(ErrorOf("SELECT _5 FROM t"), "query at column 8: unknown column '_5' (columns: id, x, name, flag)");
  EXPECT_EQ(ErrorOf("SELECT _0 FROM t"), "query at column 8: unknown column '_0' (columns: id, x, name, flag)");
}

// S3 Select names a result column that is neither a column nor aliased by
// its position; other queries keep the expression's text.
TEST(BinderTest, S3SelectNamesExpressionsByPosition) {
  ASSERT_OK_AND_ASSIGN(BoundQuery rows, BindSql("SELECT s.id, s.x * 2, name AS who, _2 FROM S3Object s"));
  EXPECT_EQ(rows.names, (std::vector<std::string>{"id", "_2", "who", "x"}));
  ASSERT_OK_AND_ASSIGN(BoundQuery aggregates, BindSql("SELECT COUNT(*), MAX(x) AS top, SUM(id) FROM S3Object"));
  EXPECT_EQ(aggregates.names, (std::vector<std::string>{"_1", "top", "_3"}));
  ASSERT_OK_AND_ASSIGN(BoundQuery table, BindSql("SELECT COUNT(*), MAX(x) FROM t"));
  EXPECT_EQ(table.names[0], "count(*)");
}

TEST(BinderTest, ErrorsPointAtTheirPlace) {
  EXPECT_EQ(ErrorOf("SELECT kee FROM t"), "query at column 8: unknown column 'kee' (columns: id, x, name, flag)");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE kee > 1"),
            "query at column 24: unknown column 'kee' (columns: id, x, name, flag)");
  EXPECT_EQ(ErrorOf("SELECT id\nFROM t\nWHERE x > 1 AND kee > 1"),
            "query at line 3, column 17: unknown column 'kee' (columns: id, x, name, flag)");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE name = 5"), "query at column 24: cannot compare STRING with INT64");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE flag < 1.5"), "query at column 24: cannot compare BOOLEAN with DOUBLE");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE id BETWEEN 1 AND 'z'"),
            "query at column 41: cannot compare INT64 with STRING");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE id IN (1, 'two', 3)"),
            "query at column 34: cannot compare INT64 with STRING");
  EXPECT_EQ(ErrorOf("SELECT id, COUNT(*) FROM t"),
            "query at column 8: mixes aggregates and plain columns; there is no GROUP BY");
  EXPECT_EQ(ErrorOf("SELECT COUNT(*), x FROM t"),
            "query at column 18: mixes aggregates and plain columns; there is no GROUP BY");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE SUM(x) > 1"), "query at column 24: aggregates are not allowed in WHERE");
  EXPECT_EQ(ErrorOf("SELECT foo(id) FROM t"), "query at column 8: unknown function 'FOO'");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE lower(name) = 'a'"), "query at column 24: unknown function 'LOWER'");
  EXPECT_EQ(ErrorOf("SELECT SUM(name) FROM t"), "query at column 12: SUM needs a number, found STRING");
  EXPECT_EQ(ErrorOf("SELECT AVG(flag) FROM t"), "query at column 12: AVG needs a number, found BOOLEAN");
  EXPECT_EQ(ErrorOf("SELECT name + 1 FROM t"), "query at column 8: arithmetic needs numbers, found STRING");
  EXPECT_EQ(ErrorOf("SELECT 1 - flag FROM t"), "query at column 12: arithmetic needs numbers, found BOOLEAN");
  EXPECT_EQ(ErrorOf("SELECT -name FROM t"), "query at column 8: cannot negate STRING");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE NOT id"), "query at column 28: NOT needs a condition, found INT64");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE flag AND x"), "query at column 33: AND needs a condition, found FLOAT");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE id + 1"),
            "query at column 24: WHERE needs a condition, found an expression of type INT64");
  EXPECT_EQ(ErrorOf("SELECT SUM(COUNT(id)) FROM t"), "query at column 12: aggregates cannot be nested");
  EXPECT_EQ(ErrorOf("SELECT COUNT(*) + 1 FROM t"),
            "query at column 8: only a single aggregate per result column is supported (COUNT, MIN, MAX, SUM, AVG)");
  EXPECT_EQ(ErrorOf("SELECT CAST(id AS DATE) FROM t"),
            "query at column 8: unknown type 'DATE' in CAST (INT, FLOAT, DOUBLE, STRING, BOOL)");
  EXPECT_EQ(ErrorOf("SELECT id FROM t WHERE MIN(id) = 1"), "query at column 24: aggregates are not allowed in WHERE");
}

TEST(BinderTest, BetweenAndInEvaluateAsSql) {
  EXPECT_EQ(Where("id BETWEEN 2 AND 4"), "FFTTTFF");
  EXPECT_EQ(Where("id NOT BETWEEN 2 AND 4"), "TTFFFTT");
  EXPECT_EQ(Where("id BETWEEN 4 AND 2"), "FFFFFFF");
  EXPECT_EQ(Where("x BETWEEN 0.5 AND 2"), "FTTTTFF");
  EXPECT_EQ(Where("id BETWEEN 2 AND NULL"), "FFUUUUU");
  EXPECT_EQ(Where("id NOT BETWEEN 2 AND NULL"), "TTUUUUU");
  EXPECT_EQ(Where("name BETWEEN 'n2' AND 'n5'"), "FFTUTTF");
  EXPECT_EQ(Where("id IN (1, 3, 5)"), "FTFTFTF");
  EXPECT_EQ(Where("id NOT IN (1, 3, 5)"), "TFTFTFT");
  EXPECT_EQ(Where("id IN (1, NULL)"), "UTUUUUU");
  EXPECT_EQ(Where("id NOT IN (1, NULL)"), "UFUUUUU");
  EXPECT_EQ(Where("id IN (2.0, 4.5)"), "FFTFFFF");
  EXPECT_EQ(Where("name IN ('n1', 'n3', 'zz')"), "FTFUFFF");
  EXPECT_EQ(Where("name NOT IN ('n1')"), "TFTUTTT");
  // Non-constant list items become comparisons joined by OR.
  EXPECT_EQ(Where("id IN (x * 2, 6)"), "TTTTTTT");
  EXPECT_EQ(Where("x IN (id, 3)"), "TFFFFFT");
  EXPECT_EQ(Where("id NOT IN (x, 5)"), "FTTTTFT");
  // And the rest of the predicate language, for good measure.
  EXPECT_EQ(Where("name IS NULL"), "FFFTFFF");
  EXPECT_EQ(Where("name IS NOT NULL AND NOT flag"), "FTFFFTF");
  EXPECT_EQ(Where("flag OR name = 'n1'"), "TTTUTFT");
  EXPECT_EQ(Where("id % 3 = 0 OR x > 2.5"), "TFFTFFT");
  EXPECT_EQ(Where("-id < -4"), "FFFFFTT");
  EXPECT_EQ(Where("CAST(name AS STRING) >= 'n4'"), "FFFUTTT");
  EXPECT_EQ(Where("id / 0 IS NULL"), "TTTTTTT");
}

TEST(BinderTest, ResultNamesAndTypes) {
  ASSERT_OK_AND_ASSIGN(BoundQuery bound,
                       BindSql("SELECT id, x * 2, name AS who, flag AS \"Flag Column\", id / 2, CAST(x AS INT), "
                               "x > 1 FROM t LIMIT 10"));
  EXPECT_EQ(bound.names, (std::vector<std::string>{"id", "(x * 2)", "who", "Flag Column", "(id / 2)",
                                                   "CAST(x AS INT)", "(x > 1)"}));
  EXPECT_EQ(bound.types, (std::vector<Type>{Type::kInt64, Type::kDouble, Type::kByteArray, Type::kBoolean,
                                            Type::kDouble, Type::kInt64, Type::kBoolean}));
  EXPECT_EQ(bound.spec.limit, 10u);
  EXPECT_FALSE(bound.spec.aggregating());
  for (size_t i = 0; i < bound.spec.outputs.size(); ++i) EXPECT_EQ(bound.spec.outputs[i].type, bound.types[i]);

  ASSERT_OK_AND_ASSIGN(BoundQuery star, BindSql("SELECT * FROM t"));
  EXPECT_EQ(star.names, (std::vector<std::string>{"id", "x", "name", "flag"}));
  EXPECT_EQ(star.types, (std::vector<Type>{Type::kInt64, Type::kFloat, Type::kByteArray, Type::kBoolean}));
  ASSERT_OK_AND_ASSIGN(BoundQuery star_and_more, BindSql("SELECT *, id + 1 AS next FROM t"));
  EXPECT_EQ(star_and_more.names.size(), 5u);
  EXPECT_EQ(star_and_more.names.back(), "next");
}

TEST(BinderTest, AggregateNamesAndTypes) {
  ASSERT_OK_AND_ASSIGN(
      BoundQuery bound,
      BindSql("SELECT COUNT(*), count(name), SUM(id), SUM(x), AVG(id), MIN(name), MAX(x), min(flag), "
              "SUM(id * 2) AS doubled FROM t WHERE flag"));
  EXPECT_TRUE(bound.spec.aggregating());
  EXPECT_TRUE(bound.spec.outputs.empty());
  EXPECT_EQ(bound.names, (std::vector<std::string>{"count(*)", "count(name)", "sum(id)", "sum(x)", "avg(id)",
                                                   "min(name)", "max(x)", "min(flag)", "doubled"}));
  EXPECT_EQ(bound.types, (std::vector<Type>{Type::kInt64, Type::kInt64, Type::kInt64, Type::kDouble, Type::kDouble,
                                            Type::kByteArray, Type::kFloat, Type::kBoolean, Type::kInt64}));
  const auto& a = bound.spec.aggregates;
  ASSERT_EQ(a.size(), 9u);
  EXPECT_EQ(a[0].kind, table::AggregateKind::kCountStar);
  EXPECT_EQ(a[1].kind, table::AggregateKind::kCount);
  EXPECT_EQ(a[1].arg, Expr::Column(2, Type::kByteArray));
  EXPECT_EQ(a[2].kind, table::AggregateKind::kSum);
  EXPECT_EQ(a[4].kind, table::AggregateKind::kAvg);
  EXPECT_EQ(a[5].kind, table::AggregateKind::kMin);
  EXPECT_EQ(a[6].kind, table::AggregateKind::kMax);
  ASSERT_OK(table::ValidateSpec(bound.spec));
}

TEST(BinderTest, ConstantsAndNegation) {
  ASSERT_OK_AND_ASSIGN(BoundQuery bound,
                       BindSql("SELECT -5, -2.5, 'text', TRUE, NULL, -(-9223372036854775808), -id FROM t"));
  const auto& out = bound.spec.outputs;
  EXPECT_EQ(out[0], Expr::Constant(table::Value::Int(-5)));
  EXPECT_EQ(out[1], Expr::Constant(table::Value::Double(-2.5)));
  EXPECT_EQ(out[2], Expr::Constant(table::Value::String("text")));
  EXPECT_EQ(out[3], Expr::Constant(table::Value::Bool(true)));
  EXPECT_TRUE(out[4].op == ExprOp::kConstant && out[4].value.is_null);
  EXPECT_EQ(out[5], Expr::Constant(table::Value::Int(INT64_MIN)));  // wraps, as the evaluator would
  EXPECT_EQ(out[6], Expr::Unary(ExprOp::kNegate, Expr::Column(0, Type::kInt64)));
  ASSERT_OK(table::ValidateSpec(bound.spec));
  // CAST of NULL is a NULL of the target type.
  ASSERT_OK_AND_ASSIGN(BoundQuery cast, BindSql("SELECT CAST(NULL AS VARCHAR), CAST(NULL AS DOUBLE) FROM t"));
  EXPECT_EQ(cast.spec.outputs[0], Expr::Constant(table::Value::Null(Type::kByteArray)));
  EXPECT_EQ(cast.spec.outputs[1], Expr::Constant(table::Value::Null(Type::kDouble)));
  EXPECT_EQ(cast.types[0], Type::kByteArray);
}

TEST(BinderTest, BoundSpecsAlwaysValidate) {
  for (const char* sql : {
           "SELECT * FROM t WHERE id > 1 AND (x < 2.5 OR name IS NULL)",
           "SELECT id + x, id % 2, x / id, CAST(name AS INT) FROM t WHERE NOT (flag = FALSE)",
           "SELECT id FROM t WHERE NOT NULL AND flag",
           "SELECT id FROM t WHERE id = NULL OR NULL = name",
           "SELECT id + NULL, NULL * x FROM t",
           "SELECT COUNT(x > 1), MAX(x > 1) FROM t",
           "SELECT id FROM t WHERE (id > 1) = (x > 1)",
           "SELECT id FROM t WHERE flag = TRUE",
           "SELECT id FROM t WHERE id IN (NULL, NULL)",
           "SELECT CAST(id AS STRING), CAST(flag AS DOUBLE), CAST('1' AS BOOL) FROM t",
       }) {
    Result<BoundQuery> bound = BindSql(sql);
    ASSERT_TRUE(bound.ok()) << sql << ": " << bound.status().ToString();
    EXPECT_TRUE(table::ValidateSpec(bound->spec).ok()) << sql;
    // And they evaluate over a batch.
    Batch batch;
    if (bound->spec.filter) {
      std::vector<uint8_t> truth;
      EXPECT_TRUE(table::EvalPredicate(*bound->spec.filter, batch.view, &truth).ok()) << sql;
    }
    for (const Expr& e : bound->spec.outputs) {
      table::ColumnVector out;
      const Status st = table::EvalValue(e, batch.view, &out);
      // CAST('n1' AS INT) fails by design; everything else evaluates.
      if (std::string(sql).find("CAST(name AS INT)") == std::string::npos) {
        EXPECT_TRUE(st.ok()) << sql << ": " << st.ToString();
      }
    }
  }
}

// WHERE NULL is a condition that is never true (DuckDB accepts it and
// returns no rows); NULL has no type of its own.
TEST(BinderTest, WhereNullSelectsNothing) {
  EXPECT_EQ(Where("NULL"), "UUUUUUU");
  EXPECT_EQ(Where("NULL AND flag"), "UFUFUFU");
}

// CAST(NULL AS STRING) binds to a string-typed NULL; compared with a number
// or used in arithmetic it must evaluate to NULL. Run in a child process,
// since arithmetic with it has been seen to read a missing vector.
TEST(BinderTest, StringTypedNullFromSqlEvaluates) {
  EXPECT_EQ(Where("id = CAST(NULL AS STRING)"), "UUUUUUU");
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Result<BoundQuery> bound = BindSql("SELECT id + CAST(NULL AS VARCHAR) FROM t");
        if (!bound.ok() || !table::ValidateSpec(bound->spec).ok()) std::_Exit(2);
        Batch batch;
        table::ColumnVector out;
        const Status st = table::EvalValue(bound->spec.outputs[0], batch.view, &out);
        std::_Exit(st.ok() && out.size() == 7 && !out.IsValid(0) && !out.IsValid(6) ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace strata::query
