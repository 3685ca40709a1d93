// ParseSql turns the text of one query in Strata's SQL subset into a
// SelectStatement (sql_ast.h); it checks syntax only (names are bound and
// types checked later, on the tree). Any input gives a tree or an
// InvalidArgument naming the place: "query at column 23: expected FROM, found
// 'FORM'". It never throws, and it refuses inputs that would make the tree or
// the recursion unbounded (over 1 MiB of text, 100000 expressions, or nesting
// deeper than kMaxExpressionDepth). Stateless; safe to call from any thread.
//
// The grammar, loosest binding first:
//   statement  := SELECT item {, item} FROM target [[AS] alias] [WHERE expr] [LIMIT integer] [;]
//   item       := * | name.* | expr [[AS] alias]
//   target     := 'string' | "name" | path | S3Object[json path]
//   expr       := expr OR expr | expr AND expr | NOT expr | comparison  (chains of one of
//                 AND, OR become balanced trees: a OR b OR c OR d is ((a OR b) OR (c OR d)))
//   comparison := sum [(= | != | <> | < | <= | > | >=) sum | [NOT] BETWEEN sum AND sum
//                      | [NOT] IN (expr {, expr}) | IS [NOT] NULL]     (does not chain)
//   sum        := sum (+ | -) product | product
//   product    := product (* | / | %) unary | unary
//   unary      := - unary | primary
//   primary    := literal | column | name.column | NAME(args) | COUNT(*) | CAST(expr AS type) | (expr)
#pragma once

#include <cstddef>
#include <string_view>

#include "strata/base/status.h"
#include "strata/query/sql_ast.h"
#include "strata/query/sql_lexer.h"  // FormatPosition, PointAt, QueryError: for errors found after parsing

namespace strata::query {

inline constexpr size_t kMaxQueryBytes = size_t{1} << 20;
inline constexpr size_t kMaxExpressions = 100000;

Result<SelectStatement> ParseSql(std::string_view sql);

}  // namespace strata::query
