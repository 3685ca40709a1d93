// The binder turns a parsed SELECT into a typed ScanSpec over a table's
// columns: names resolved (case-insensitively; S3 Select's s.name and _1),
// types checked, BETWEEN and NOT BETWEEN rewritten to comparisons, constants
// folded, aggregates recognised. Errors point at the query text: "query at
// column 8: unknown column 'kee'".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/query/sql_ast.h"
#include "strata/table/scan.h"

namespace strata::query {

struct BoundQuery {
  table::ScanSpec spec;               // filter, outputs or aggregates, limit
  std::vector<std::string> names;     // one per result column
  std::vector<table::Type> types;     // of each result column as the client sees it
};

// Binds `statement` (parsed from `sql`) against the table's columns.
Result<BoundQuery> Bind(const SelectStatement& statement, std::string_view sql,
                        const std::vector<table::ScanColumn>& columns);

}  // namespace strata::query
