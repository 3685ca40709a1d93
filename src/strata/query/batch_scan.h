// BatchScan runs a bound ScanSpec over batches of rows that are already in
// memory (CSV records made into columns, for S3 Select), as ScanRowGroups
// runs it over the row groups it decodes: the filter, then the outputs of the
// matching rows or partial aggregates, and LIMIT across batches. Aggregates
// accumulate into a ScanResult like a node's partial result, so they merge
// and finish the same way (FinalizeAggregates). Not thread-safe; one scan.
#pragma once

#include <cstdint>
#include <vector>

#include "strata/base/status.h"
#include "strata/query/binder.h"
#include "strata/table/expr.h"
#include "strata/table/scan.h"

namespace strata::query {

class BatchScan {
 public:
  // `spec` must outlive the scan.
  explicit BatchScan(const table::ScanSpec& spec);

  // Evaluates one batch whose columns are indexed like spec.columns (columns
  // the spec does not read may be null). In row mode *rows receives the
  // batch's result rows, one column per output (empty columns when none
  // matched or the limit was reached); in aggregate mode the batch is folded
  // into aggregates() and *rows is left empty. A failing CAST is
  // InvalidArgument naming the value.
  Status Add(const table::BatchView& batch, std::vector<table::ColumnVector>* rows);

  // Row mode: the LIMIT is reached, so no later batch can add a row.
  bool done() const;
  uint64_t rows_scanned() const { return result_.counters.rows_scanned; }
  uint64_t rows_returned() const { return rows_returned_; }
  // Aggregate mode: the states so far, one per spec.aggregates entry.
  const table::ScanResult& aggregates() const { return result_; }

 private:
  const table::ScanSpec& spec_;
  table::ScanResult result_;  // aggregates and counters; never rows
  uint64_t rows_returned_ = 0;
};

// The one result row of an aggregate query from its merged states: COUNT as
// INT64, SUM of integers exact (InvalidArgument past the INT64 range), AVG
// as DOUBLE, NULL for SUM, AVG, MIN and MAX over no values.
Status FinalizeAggregates(const BoundQuery& bound, const table::ScanResult& total,
                          std::vector<table::ColumnVector>* out);

}  // namespace strata::query
