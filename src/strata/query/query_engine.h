// QueryEngine answers the SQL subset over tables in a store: it parses and
// binds the query, prunes row groups by their statistics, and scans the rest
// where they are stored (pushdown: each node filters its own units and
// returns only matching rows or partial aggregates) or, with pushdown off,
// at the gateway after reading the row groups through the normal read path,
// as a client that downloads and then filters would. Both paths return the
// same rows. Results stream to a ResultSink in batches. Thread-compatible:
// one query per engine at a time; several engines may share a store.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/objects/object_store.h"
#include "strata/table/scan.h"

namespace strata::query {

struct QueryStats;

struct QueryOptions {
  bool pushdown = true;
  bool explain = false;  // plan only: prune, report, scan nothing
  bool use_index = true;  // row-group indexes where they decide the filter (pushdown only)
  // S3 Select: "bucket/key" of the request's object. FROM must then name
  // S3Object, which means that one object (never a prefix); when empty,
  // FROM S3Object is refused.
  std::string s3_object_target;
  // Called after each batch of row groups (or CSV records) is scanned, with
  // the figures so far; an error stops the query with it. S3 Select sends
  // progress and keep-alive messages from here.
  std::function<Status(const QueryStats&)> progress;
};

struct QueryStats {
  uint64_t tables = 0;
  uint64_t row_groups_total = 0;
  uint64_t row_groups_pruned = 0;   // by statistics
  uint64_t row_groups_scanned = 0;
  uint64_t row_groups_indexed = 0;  // of those scanned, answered from their index
  uint64_t rows_scanned = 0;
  uint64_t rows_returned = 0;
  uint64_t bytes_read = 0;          // from drives
  uint64_t bytes_returned = 0;      // moved from the scans to the gateway
  double seconds = 0;
  std::vector<std::string> plan;    // one line per step, for --explain
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual Status Begin(const std::vector<std::string>& names, const std::vector<table::Type>& types) = 0;
  // A batch of rows: one column per result column.
  virtual Status Rows(const std::vector<table::ColumnVector>& columns) = 0;
  virtual Status End(const QueryStats& stats) = 0;
};

class QueryEngine {
 public:
  explicit QueryEngine(ObjectStore* store) : store_(store) {}

  // Runs `sql`; errors in the query text name their position. *stats is
  // filled whether or not the query succeeds.
  Status Run(std::string_view sql, const QueryOptions& options, ResultSink* sink, QueryStats* stats);

 private:
  ObjectStore* store_;
};

}  // namespace strata::query
