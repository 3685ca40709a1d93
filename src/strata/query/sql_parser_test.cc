#include "strata/query/sql_parser.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace strata::query {
namespace {

// The WHERE clause of `SELECT a FROM t WHERE <expr>` as ToSql prints it, or
// the error message.
std::string Where(const std::string& expr) {
  Result<SelectStatement> statement = ParseSql("SELECT a FROM t WHERE " + expr);
  if (!statement.ok()) return "error: " + statement.status().message();
  return ToSql(*statement->where);
}

std::string ErrorOf(std::string_view sql) {
  Result<SelectStatement> statement = ParseSql(sql);
  if (statement.ok()) return "parsed: " + ToSql(*statement);
  EXPECT_EQ(statement.status().code(), StatusCode::kInvalidArgument) << sql;
  return statement.status().message();
}

void ExpectRoundTrip(std::string_view sql) {
  Result<SelectStatement> statement = ParseSql(sql);
  ASSERT_TRUE(statement.ok()) << sql << ": " << statement.status().message();
  const std::string printed = ToSql(*statement);
  Result<SelectStatement> again = ParseSql(printed);
  ASSERT_TRUE(again.ok()) << printed << ": " << again.status().message();
  EXPECT_TRUE(*again == *statement) << sql << "\nprinted as " << printed;
  EXPECT_EQ(ToSql(*again), printed);
}

std::string Repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST(ParseSqlTest, Precedence) {
  struct Case {
    const char* expr;
    const char* sql;
  };
  const Case cases[] = {
      {"a OR b AND c", "(a OR (b AND c))"},
      {"a AND b OR c AND d", "((a AND b) OR (c AND d))"},
      {"a OR b OR c", "((a OR b) OR c)"},
      {"NOT a = b", "(NOT (a = b))"},
      {"NOT a AND b", "((NOT a) AND b)"},
      {"NOT NOT a", "(NOT (NOT a))"},
      {"a = b + 1", "(a = (b + 1))"},
      {"a + b * c", "(a + (b * c))"},
      {"a - b - c", "((a - b) - c)"},
      {"a / b % c * d", "(((a / b) % c) * d)"},
      {"-a * b", "((- a) * b)"},
      {"- - a", "(- (- a))"},
      {"a - -b", "(a - (- b))"},
      {"(a OR b) AND c", "((a OR b) AND c)"},
      {"(a = b) = c", "((a = b) = c)"},
      {"a BETWEEN 1 AND 2 AND b > 3", "((a BETWEEN 1 AND 2) AND (b > 3))"},
      {"a NOT BETWEEN b + 1 AND c * 2", "(a NOT BETWEEN (b + 1) AND (c * 2))"},
      {"NOT a BETWEEN 1 AND 2", "(NOT (a BETWEEN 1 AND 2))"},
      {"a IN (1, 2, 3)", "(a IN (1, 2, 3))"},
      {"a + 1 NOT IN ('x', b + 1)", "((a + 1) NOT IN ('x', (b + 1)))"},
      {"a IN (b = 1 OR c)", "(a IN (((b = 1) OR c)))"},
      {"a IS NULL OR b IS NOT NULL", "((a IS NULL) OR (b IS NOT NULL))"},
      {"a + 1 IS NULL", "((a + 1) IS NULL)"},
      {"a <> b AND a != b", "((a <> b) AND (a <> b))"},
      {"a OR b OR c OR d", "((a OR b) OR (c OR d))"},
      {"a AND b AND c AND d AND e", "(((a AND b) AND c) AND (d AND e))"},
      {"a < 1 OR a <= 2 OR a > 3 OR a >= 4 OR a = 5",
       "((((a < 1) OR (a <= 2)) OR (a > 3)) OR ((a >= 4) OR (a = 5)))"},
  };
  for (const Case& c : cases) EXPECT_EQ(Where(c.expr), c.sql) << c.expr;
}

TEST(ParseSqlTest, LiteralsAndPrimaries) {
  struct Case {
    const char* expr;
    const char* sql;
  };
  const Case cases[] = {
      {"42", "42"},
      {"-3", "-3"},
      {"- 3", "-3"},
      {"-(3)", "-3"},
      {"- -3", "3"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"- -9223372036854775808", "(- -9223372036854775808)"},
      {"9223372036854775807", "9223372036854775807"},
      {"3.7", "3.7"},
      {".5", "0.5"},
      {"3.", "3.0"},
      {"1e-3", "0.001"},
      {"2.5E+10", "2.5e+10"},
      {"12345678901234567890.5", "12345678901234567168.0"},
      {"-1.5e300", "-1.5e+300"},
      {"'it''s'", "'it''s'"},
      {"''", "''"},
      {"'a\nb'", "'a\nb'"},
      {"TRUE", "TRUE"},
      {"false", "FALSE"},
      {"Null", "NULL"},
      {"-'x'", "(- 'x')"},
      {"COUNT(*)", "COUNT(*)"},
      {"count(x)", "COUNT(x)"},
      {"avg(a + b)", "AVG((a + b))"},
      {"f()", "F()"},
      {"Min(a, 1)", "MIN(a, 1)"},
      {"CAST(s._1 AS float)", "CAST(s._1 AS FLOAT)"},
      {"cast('3' as Decimal) + 1", "(CAST('3' AS DECIMAL) + 1)"},
      {"s.\"x\"", "s.x"},
      {"\"s\".\"limit\"", "s.\"limit\""},
      {"\"a b\"", "\"a b\""},
      {"\"sel\"\"ect\"", "\"sel\"\"ect\""},
      {"\"1st\"", "\"1st\""},
      {"count", "count"},
      {"_x9", "_x9"},
  };
  for (const Case& c : cases) EXPECT_EQ(Where(c.expr), c.sql) << c.expr;
}

TEST(ParseSqlTest, BuildsTheTreeWithPositions) {
  const std::string sql = "SELECT a FROM t WHERE (b + c) * -2 > 1 AND d IS NOT NULL";
  Result<SelectStatement> statement = ParseSql(sql);
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  const AstExpr& where = *statement->where;
  EXPECT_EQ(where.kind, ExprKind::kBinary);
  EXPECT_EQ(where.binary_op, BinaryOp::kAnd);
  EXPECT_EQ(where.position, sql.find('('));
  const AstExpr& greater = *where.args[0];
  EXPECT_EQ(greater.binary_op, BinaryOp::kGt);
  const AstExpr& times = *greater.args[0];
  EXPECT_EQ(times.binary_op, BinaryOp::kMul);
  EXPECT_EQ(times.position, sql.find('('));
  const AstExpr& plus = *times.args[0];
  EXPECT_EQ(plus.position, sql.find('b'));
  EXPECT_EQ(plus.args[1]->kind, ExprKind::kColumn);
  EXPECT_EQ(plus.args[1]->name, "c");
  EXPECT_EQ(plus.args[1]->position, sql.find('c'));
  const AstExpr& minus_two = *times.args[1];
  EXPECT_EQ(minus_two.kind, ExprKind::kLiteral);
  EXPECT_EQ(minus_two.literal, Literal::Int(-2));
  EXPECT_EQ(minus_two.position, sql.find('-'));
  const AstExpr& is_not_null = *where.args[1];
  EXPECT_EQ(is_not_null.kind, ExprKind::kIsNull);
  EXPECT_TRUE(is_not_null.negated);
  EXPECT_EQ(is_not_null.position, sql.find('d'));

  Result<SelectStatement> extremes = ParseSql("SELECT -9223372036854775808, 1e-3 FROM t");
  ASSERT_TRUE(extremes.ok());
  EXPECT_EQ(extremes->items[0].expr->literal, Literal::Int(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(extremes->items[1].expr->literal, Literal::Float(0.001));
}

TEST(ParseSqlTest, S3SelectForms) {
  const std::string sql = "SELECT s.ke, s.\"x\" FROM S3Object s WHERE CAST(s._1 AS FLOAT) > 3.5 LIMIT 10";
  Result<SelectStatement> statement = ParseSql(sql);
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  ASSERT_EQ(statement->items.size(), 2u);
  EXPECT_EQ(statement->items[0].expr->qualifier, "s");
  EXPECT_EQ(statement->items[0].expr->name, "ke");
  EXPECT_EQ(statement->items[1].expr->name, "x");
  EXPECT_EQ(statement->items[1].position, sql.find("s.\""));
  EXPECT_TRUE(statement->from.s3_object);
  EXPECT_EQ(statement->from.target, "S3Object");
  EXPECT_EQ(statement->from.alias, "s");
  EXPECT_EQ(statement->from.position, sql.find("S3Object"));
  const AstExpr& cast = *statement->where->args[0];
  EXPECT_EQ(cast.kind, ExprKind::kCast);
  EXPECT_EQ(cast.name, "FLOAT");
  EXPECT_EQ(cast.position, sql.find("CAST"));
  EXPECT_EQ(cast.args[0]->qualifier, "s");
  EXPECT_EQ(cast.args[0]->name, "_1");
  EXPECT_EQ(statement->where->args[1]->literal, Literal::Float(3.5));
  EXPECT_EQ(statement->limit, 10u);

  Result<SelectStatement> count = ParseSql("select count(*) from s3object[*].Records[0].items AS r;");
  ASSERT_TRUE(count.ok()) << count.status().message();
  const AstExpr& call = *count->items[0].expr;
  EXPECT_EQ(call.kind, ExprKind::kCall);
  EXPECT_EQ(call.name, "COUNT");
  ASSERT_EQ(call.args.size(), 1u);
  EXPECT_EQ(call.args[0]->kind, ExprKind::kStar);
  EXPECT_TRUE(count->from.s3_object);
  EXPECT_EQ(count->from.target, "s3object");
  EXPECT_EQ(count->from.json_path, "[*].Records[0].items");
  EXPECT_EQ(count->from.alias, "r");
  EXPECT_FALSE(count->limit.has_value());
}

TEST(ParseSqlTest, FromTargets) {
  struct Case {
    const char* sql;
    const char* target;
    const char* alias;
    bool s3_object;
    const char* json_path;
  };
  const Case cases[] = {
      {"SELECT * FROM particles/run1/", "particles/run1/", "", false, ""},
      {"SELECT * FROM bucket/data.parquet", "bucket/data.parquet", "", false, ""},
      {"SELECT * FROM bucket/data-2024/*.parquet t", "bucket/data-2024/*.parquet", "t", false, ""},
      {"SELECT * FROM 'bucket/run1/particles.parquet' AS p", "bucket/run1/particles.parquet", "p", false, ""},
      {"SELECT * FROM 'it''s here'", "it's here", "", false, ""},
      {"SELECT * FROM \"my table\" \"the alias\"", "my table", "the alias", false, ""},
      {"SELECT * FROM 2024/run-7/ WHERE x = 1", "2024/run-7/", "", false, ""},
      {"SELECT * FROM t-- a comment\nLIMIT 3", "t", "", false, ""},
      {"SELECT * FROM\n  -- the table:\n  t;", "t", "", false, ""},
      {"SELECT * FROM S3Object", "S3Object", "", true, ""},
      {"SELECT * FROM S3Object[*] AS s", "S3Object", "s", true, "[*]"},
      {"SELECT * FROM S3OBJECT[*].records s WHERE s.a = 1", "S3OBJECT", "s", true, "[*].records"},
      {"SELECT * FROM S3Object.json", "S3Object.json", "", false, ""},
      {"SELECT * FROM S3Objects", "S3Objects", "", false, ""},
  };
  for (const Case& c : cases) {
    Result<SelectStatement> statement = ParseSql(c.sql);
    ASSERT_TRUE(statement.ok()) << c.sql << ": " << statement.status().message();
    EXPECT_EQ(statement->from.target, c.target) << c.sql;
    EXPECT_EQ(statement->from.alias, c.alias) << c.sql;
    EXPECT_EQ(statement->from.s3_object, c.s3_object) << c.sql;
    EXPECT_EQ(statement->from.json_path, c.json_path) << c.sql;
    ExpectRoundTrip(c.sql);
  }
}

TEST(ParseSqlTest, SelectItems) {
  Result<SelectStatement> statement =
      ParseSql("SELECT *, t.*, a AS x, b y, c \"the c\", SUM(d) AS \"from\", e FROM t AS t LIMIT 0");
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  const auto& items = statement->items;
  ASSERT_EQ(items.size(), 7u);
  EXPECT_TRUE(items[0].star);
  EXPECT_EQ(items[0].expr->qualifier, "");
  EXPECT_TRUE(items[1].star);
  EXPECT_EQ(items[1].expr->kind, ExprKind::kStar);
  EXPECT_EQ(items[1].expr->qualifier, "t");
  EXPECT_EQ(items[1].position, 10u);
  EXPECT_EQ(items[2].alias, "x");
  EXPECT_EQ(items[3].alias, "y");
  EXPECT_EQ(items[4].alias, "the c");
  EXPECT_EQ(items[5].alias, "from");
  EXPECT_EQ(items[5].expr->name, "SUM");
  EXPECT_EQ(items[6].alias, "");
  EXPECT_FALSE(items[6].star);
  EXPECT_EQ(statement->limit, 0u);
  EXPECT_EQ(ToSql(*statement),
            "SELECT *, t.*, a AS x, b AS y, c AS \"the c\", SUM(d) AS \"from\", e FROM 't' AS t LIMIT 0");

  Result<SelectStatement> largest = ParseSql("SELECT a FROM t LIMIT 18446744073709551615");
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->limit, std::numeric_limits<uint64_t>::max());
}

TEST(ParseSqlTest, ErrorsNameThePlace) {
  struct Case {
    std::string sql;
    std::string message;
  };
  const Case cases[] = {
      {"SELECT a, b FORM t", "query at column 13: expected FROM, found 'FORM'"},
      {"SELECT a FROM t WHERE", "query at column 22: unexpected end of query, expected an expression"},
      {"SELECT a FROM t WHERE x = (1 + ", "query at column 31: unexpected end of query, expected an expression"},
      {"SELECT 'abc FROM t", "query at column 8: unterminated string"},
      {"SELECT \"abc FROM t", "query at column 8: unterminated quoted identifier"},
      {"SELECT a FROM t WHERE x = 99999999999999999999",
       "query at column 27: integer 99999999999999999999 out of range"},
      {"SELECT a FROM t WHERE x = -9223372036854775809",
       "query at column 27: integer -9223372036854775809 out of range"},
      {"SELECT 9223372036854775808 FROM t", "query at column 8: integer 9223372036854775808 out of range"},
      {"SELECT 1e999 FROM t", "query at column 8: float 1e999 out of range"},
      {"SELECT 12abc FROM t", "query at column 8: malformed number '12abc'"},
      {"SELECT 1e FROM t", "query at column 8: malformed number '1e'"},
      {"SELECT 1.5.2 FROM t", "query at column 8: malformed number '1.5.2'"},
      {"SELECT a FROM t WHERE a < b < c",
       "query at column 29: comparisons do not chain, found '<' (combine them with AND, or use parentheses)"},
      {"SELECT a FROM t WHERE a IS NULL = b",
       "query at column 33: comparisons do not chain, found '=' (combine them with AND, or use parentheses)"},
      {"SELECT a FROM t WHERE a NOT LIKE 'x'", "query at column 29: expected BETWEEN or IN after NOT, found 'LIKE' (not part of Strata's SQL subset)"},
      {"SELECT a FROM t WHERE a BETWEEN 1 OR 2",
       "query at column 35: expected AND after the lower bound of BETWEEN, found 'OR'"},
      {"SELECT a FROM t WHERE a IS 3", "query at column 28: expected NULL or NOT NULL after IS, found '3'"},
      {"SELECT a FROM t WHERE a IS NOT TRUE", "query at column 32: expected NULL after IS NOT, found 'TRUE'"},
      {"SELECT a FROM t WHERE a IN 1", "query at column 28: expected '(' after IN, found '1'"},
      {"SELECT a FROM t WHERE a IN ()", "query at column 29: expected an expression, found ')'"},
      {"SELECT a FROM t WHERE a IN (1 2)", "query at column 31: expected ',' or ')', found '2'"},
      {"SELECT a FROM t WHERE (a = 1", "query at column 29: unexpected end of query, expected ')'"},
      {"SELECT a FROM t WHERE a = NOT b", "query at column 27: expected an expression, found 'NOT'"},
      {"SELECT a FROM t WHERE a = 'x' 'y'", "query at column 31: expected LIMIT or end of query, found string 'y'"},
      {"SELECT a FROM t LIMIT -1", "query at column 23: expected a non-negative integer after LIMIT, found '-'"},
      {"SELECT a FROM t LIMIT 1.5", "query at column 23: expected a non-negative integer after LIMIT, found '1.5'"},
      {"SELECT a FROM t LIMIT 18446744073709551616",
       "query at column 23: integer 18446744073709551616 out of range"},
      {"SELECT a FROM t LIMIT 5 WHERE a = 1", "query at column 25: expected end of query, found 'WHERE'"},
      {"SELECT a FROM t; x", "query at column 18: expected end of query after ';', found 'x'"},
      {"SELECT a FROM t x y", "query at column 19: expected WHERE, LIMIT or end of query, found 'y'"},
      {"SELECT a FROM t WERE a > 1", "query at column 17: expected WHERE, found 'WERE'"},
      {"SELECT a FROM t LIMT 5", "query at column 17: expected LIMIT, found 'LIMT'"},
      {"SELECT a FRM", "query at column 10: expected FROM, found 'FRM'"},
      {"SELECT a b c FROM t", "query at column 12: expected FROM, found 'c'"},
      {"SELECT FROM t", "query at column 8: expected an expression, found 'FROM'"},
      {"", "query at column 1: unexpected end of query, expected SELECT"},
      {"  -- nothing\n", "query at column 1: unexpected end of query, expected SELECT"},
      {"UPDATE t", "query at column 1: expected SELECT, found 'UPDATE'"},
      {"SELECT a FROM", "query at column 14: unexpected end of query, expected a table name or path after FROM"},
      {"SELECT a FROM WHERE a = 1", "query at column 15: expected a table name or path after FROM, found 'WHERE'"},
      {"SELECT a FROM (t)", "query at column 15: expected a table name or path after FROM, found '('"},
      {"SELECT a FROM ''", "query at column 15: empty table name"},
      {"SELECT a FROM S3Object[*", "query at column 23: malformed JSON path '[*' after S3Object"},
      {"SELECT a FROM S3Object[*].1x", "query at column 23: malformed JSON path '[*].1x' after S3Object"},
      {"SELECT a # b FROM t", "query at column 10: unexpected character '#'"},
      {"SELECT a ! b FROM t", "query at column 10: unexpected character '!' (did you mean '!='?)"},
      {"SELECT \xC3\xA9t\xC3\xA9 FROM t", "query at column 8: unexpected character '\xC3\xA9'"},
      {"SELECT 'caf\xC3\xA9', # FROM t", "query at column 16: unexpected character '#'"},
      {std::string("SELECT \x01 FROM t"), "query at column 8: unexpected byte 0x01"},
      {std::string("SELECT a\0 FROM t", 16), "query at column 9: unexpected byte 0x00"},
      {"SELECT \"\" FROM t", "query at column 8: empty quoted identifier"},
      {"SELECT * AS x FROM t", "query at column 10: expected FROM, found 'AS'"},
      {"SELECT a AS FROM t", "query at column 13: expected an alias after AS, found 'FROM'"},
      {"SELECT s. FROM t", "query at column 11: expected a column name after '.', found 'FROM'"},
      {"SELECT s.a.b FROM t", "query at column 11: expected FROM, found '.'"},
      {"SELECT CAST(a AS) FROM t", "query at column 17: expected a type name after AS, found ')'"},
      {"SELECT CAST(a, INT) FROM t", "query at column 14: expected AS, found ','"},
      {"SELECT CAST a FROM t", "query at column 13: expected '(' after CAST, found 'a'"},
      {"SELECT SUM(*) FROM t", "query at column 12: expected an expression, found '*'"},
      {"SELECT COUNT(* + 1) FROM t", "query at column 16: expected ')', found '+'"},
      {"SELECT f(a b) FROM t", "query at column 12: expected ',' or ')', found 'b'"},
      {"SELECT a FROM t WHERE x = '" + std::string(60, 'y') + "' z",
       "query at column 90: expected LIMIT or end of query, found 'z'"},
      {"SELECT a FROM t WHERE " + std::string(50, 'q') + "(",
       "query at column 74: unexpected end of query, expected an expression"},
      // Words of full SQL that the subset lacks are named, never read as aliases.
      {"SELECT DISTINCT a FROM t", "query at column 8: DISTINCT is not part of Strata's SQL subset"},
      {"SELECT COUNT(DISTINCT a) FROM t", "query at column 14: DISTINCT is not part of Strata's SQL subset"},
      {"SELECT a FROM t ORDER BY a",
       "query at column 17: expected WHERE, LIMIT or end of query, found 'ORDER' (not part of Strata's SQL subset)"},
      {"SELECT a FROM t JOIN u ON a = b",
       "query at column 17: expected WHERE, LIMIT or end of query, found 'JOIN' (not part of Strata's SQL subset)"},
      {"SELECT a FROM t WHERE a LIKE 'x%'",
       "query at column 25: expected LIMIT or end of query, found 'LIKE' (not part of Strata's SQL subset)"},
      {"SELECT CASE WHEN a THEN 1 END FROM t",
       "query at column 13: expected FROM, found 'WHEN' (not part of Strata's SQL subset)"},
      {"SELECT +a FROM t", "query at column 8: expected an expression, found '+'"},
      // A malformed token is reported only when the parse reaches it.
      {"SELECT a FORM t WHERE x = 'open", "query at column 10: expected FROM, found 'FORM'"},
      {"SELECT a FROM t WHERE ) 'open", "query at column 23: expected an expression, found ')'"},
      {"SELECT a FROM t WHERE x = 'open", "query at column 27: unterminated string"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorOf(c.sql), c.message) << c.sql;
  // Long tokens are shortened in messages.
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE x = 'y' " + std::string(100, 'z')),
            "query at column 31: expected LIMIT or end of query, found '" + std::string(40, 'z') + "...'");
}

TEST(ParseSqlTest, ErrorsOnLaterLinesGiveTheLine) {
  EXPECT_EQ(ErrorOf("SELECT a\nFROM t\nWHERE a = 'x"), "query at line 3, column 11: unterminated string");
  EXPECT_EQ(ErrorOf("SELECT a -- pick a\nFORM t"), "query at line 2, column 1: expected FROM, found 'FORM'");
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE\n"), "query at column 22: unexpected end of query, expected an expression");
  EXPECT_EQ(ErrorOf("SELECT a\r\n\tFROM t\r\n\tWHERE ?"), "query at line 3, column 8: unexpected character '?'");
}

TEST(ParseSqlTest, LimitsDepthCountAndLength) {
  const std::string too_deep =
      "expression nested more than 200 levels deep (write long lists of alternatives as IN (...))";
  // Deep but within the limits: parses, and prints text that parses back.
  ExpectRoundTrip("SELECT " + Repeat("(", 400) + "a" + Repeat(")", 400) + " FROM t");
  ExpectRoundTrip("SELECT a FROM t WHERE a" + Repeat(" + a", 199));
  ExpectRoundTrip("SELECT a FROM t WHERE a IN (" + Repeat("b IN (", 198) + "1" + Repeat(")", 198) + ")");
  ExpectRoundTrip("SELECT " + Repeat("NOT ", 199) + "a FROM t");
  ExpectRoundTrip("SELECT " + Repeat("- ", 10001) + "3 FROM t");
  // Long chains of OR and AND stay shallow.
  ExpectRoundTrip("SELECT a FROM t WHERE a = 0" + Repeat(" OR a = 1 AND b = 2 AND c = 3", 5000));

  EXPECT_EQ(ErrorOf("SELECT " + Repeat("(", 401) + "a" + Repeat(")", 401) + " FROM t"),
            "query at column 408: parentheses nested more than 400 levels deep");
  EXPECT_EQ(ErrorOf("SELECT " + Repeat("f(", 100000) + "FROM t"),
            "query at column 809: parentheses nested more than 400 levels deep");
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE a" + Repeat(" + a", 200)), "query at column 23: " + too_deep);
  EXPECT_EQ(ErrorOf("SELECT " + Repeat("NOT ", 100000) + "a FROM t"), "query at column 808: " + too_deep);
  EXPECT_EQ(ErrorOf("SELECT " + Repeat("- ", 1000) + "a FROM t"), "query at column 1608: " + too_deep);
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE a IN (" + Repeat("1, ", 100000) + "1)"),
            "query at column 300023: query has more than 100000 expressions");
  EXPECT_TRUE(ParseSql("SELECT a FROM t WHERE a IN (" + Repeat("1, ", 99996) + "1)").ok());

  std::string longest = "SELECT a FROM t WHERE a = '";
  longest += std::string(kMaxQueryBytes - longest.size() - 1, 'x') + "'";
  EXPECT_TRUE(ParseSql(longest).ok());
  EXPECT_EQ(ErrorOf(longest + " "), "query is 1048577 bytes, over the limit of 1048576");
}

TEST(ParseSqlTest, RoundTrips) {
  const char* queries[] = {
      "SELECT * FROM particles/run1/",
      "SELECT s.ke, s.\"x\" FROM S3Object s WHERE CAST(s._1 AS FLOAT) > 3.5 LIMIT 10",
      "SELECT COUNT(*), MIN(e), MAX(e), SUM(e * 2), AVG(pt) AS mean FROM 'b/run1/p.parquet' WHERE run = 7;",
      "SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN -3.5 AND .5 OR c IN (1, 2) AND d NOT IN ('x')",
      "SELECT x FROM data.parquet WHERE y IS NULL OR z IS NOT NULL AND NOT (w <> 4 OR w != 5)",
      "SELECT -a + b * (c - d) / 2 % 3 AS v, -9223372036854775808, - -9223372036854775808, 1e-3 FROM t",
      "SELECT \"Energy (GeV)\" e, t.* FROM bucket/data-2024/*.parquet AS t WHERE t.pt >= 10 LIMIT 100",
      "SELECT s.name FROM S3Object[*].records[0].items s WHERE s.price <= 9.99",
      "SELECT \"select\" AS \"from\", \"a\"\"b\", 'it''s', \"\"\"\" FROM \"my table\" \"alias\"",
      "SELECT -0.0, 0.1, 1e300, 5e-324, 123456789012345678.0, -(-(2.5)) FROM t",
      "SELECT a FROM t WHERE a - -3 = 1 AND -a = -(b) AND - 'x' = NULL AND TRUE <> FALSE",
      "SELECT CAST(CAST(a AS INT) + 1 AS STRING), f(), g(1, 'two', h(3)) FROM t",
      "SELECT a FROM t WHERE (a = b) = (c < d) AND (a IN (1)) IN (TRUE) AND (a IS NULL) IS NOT NULL",
      "SELECT a FROM 'S3Object' WHERE x = 1",
      "SELECT a FROM \"it's\" AS \"LIMIT\"",
      "SELECT distinct, \"distinct\" x, COUNT(\"distinct\"), \"order\" FROM t AS \"left\"",
  };
  for (const char* sql : queries) ExpectRoundTrip(sql);
}

TEST(ParseSqlTest, EqualityIgnoresPositionsOnly) {
  Result<SelectStatement> a = ParseSql("SELECT a AS x FROM t WHERE b = 1");
  Result<SelectStatement> spaced = ParseSql("select   a  x\nfrom 't'\nwhere (b) = (1)");
  Result<SelectStatement> other_alias = ParseSql("SELECT a AS y FROM t WHERE b = 1");
  Result<SelectStatement> other_value = ParseSql("SELECT a AS x FROM t WHERE b = 1.0");
  Result<SelectStatement> other_limit = ParseSql("SELECT a AS x FROM t WHERE b = 1 LIMIT 1");
  ASSERT_TRUE(a.ok() && spaced.ok() && other_alias.ok() && other_value.ok() && other_limit.ok());
  EXPECT_TRUE(*a == *spaced);
  EXPECT_FALSE(*a == *other_alias);
  EXPECT_FALSE(*a == *other_value);
  EXPECT_FALSE(*a == *other_limit);
}

TEST(ToSqlTest, PrintsHandBuiltTreesSafely) {
  AstExpr negate;
  negate.kind = ExprKind::kUnary;
  negate.unary_op = UnaryOp::kNegate;
  EXPECT_EQ(ToSql(negate), "(- NULL)");  // a missing operand does not crash
  auto literal = std::make_unique<AstExpr>();
  literal->literal = Literal::Int(-3);
  negate.args.push_back(std::move(literal));
  EXPECT_EQ(ToSql(negate), "(- -3)");  // never the comment "--3"
  EXPECT_EQ(QuoteIdentifier("a"), "a");
  EXPECT_EQ(QuoteIdentifier("Select"), "\"Select\"");
  EXPECT_EQ(QuoteIdentifier(""), "\"\"");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteString("it's"), "'it''s'");
}

TEST(FormatPositionTest, ColumnsCountCharactersAndLinesAppearWhenThereAreSeveral) {
  EXPECT_EQ(FormatPosition("SELECT a", 0), "column 1");
  EXPECT_EQ(FormatPosition("SELECT a", 7), "column 8");
  EXPECT_EQ(FormatPosition("SELECT a", 8), "column 9");
  EXPECT_EQ(FormatPosition("SELECT a", 100), "column 9");
  EXPECT_EQ(FormatPosition("SELECT 'caf\xC3\xA9', x", 14), "column 14");
  EXPECT_EQ(FormatPosition("SELECT a\n", 7), "column 8");
  EXPECT_EQ(FormatPosition("SELECT a\nFROM t", 9), "line 2, column 1");
  EXPECT_EQ(FormatPosition("SELECT a\nFROM t", 14), "line 2, column 6");
  EXPECT_EQ(FormatPosition("SELECT a\nFROM t", 3), "line 1, column 4");
  EXPECT_EQ(FormatPosition("", 0), "column 1");
}

TEST(PointAtTest, CaretsUnderThePosition) {
  EXPECT_EQ(PointAt("SELECT a FORM t", 9), "SELECT a FORM t\n         ^\n");
  EXPECT_EQ(PointAt("SELECT a\nFROM t\nWHERE ?", 22), "WHERE ?\n      ^\n");
  EXPECT_EQ(PointAt("SELECT\ta", 7), "SELECT\ta\n      \t^\n");
  EXPECT_EQ(PointAt("SELECT '\xC3\xA9', #", 13), "SELECT '\xC3\xA9', #\n            ^\n");
  EXPECT_EQ(PointAt("SELECT a\r\nFROM", 8), "SELECT a\n        ^\n");
  EXPECT_EQ(PointAt("a\x01" "b", 2), "a?b\n  ^\n");
  EXPECT_EQ(PointAt("", 0), "\n^\n");
  EXPECT_EQ(PointAt("abc", 50), "abc\n   ^\n");

  const std::string line = "SELECT a FROM t WHERE x = '" + std::string(200, 'y') + "' # z" + std::string(200, ' ');
  const size_t hash = line.find('#');
  const std::string pointed = PointAt(line, hash);
  const size_t newline = pointed.find('\n');
  EXPECT_EQ(pointed.substr(0, 3), "...");
  EXPECT_EQ(pointed.substr(newline - 3, 4), "...\n");
  EXPECT_EQ(pointed[pointed.size() - 2], '^');
  EXPECT_EQ(pointed.substr(pointed.size() - 2 - newline - 1, 1), "#");  // the caret's column holds the '#'
}

}  // namespace
}  // namespace strata::query
