// Building the row-group indexes of tables already in the store: every row
// group of every aligned file that a target names (one object, or the
// Parquet objects under a prefix, as a query's FROM), built by the nodes
// that hold the units (Cluster::IndexBlob) and stored beside them. Files
// that are not aligned cannot be indexed where they are stored and are
// skipped with the reason. Used by `strata index`, after `strata ingest
// table`, and by the server's BackgroundIndexer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/objects/object_store.h"

namespace strata::query {

struct IndexReport {
  uint64_t files_indexed = 0;
  uint64_t row_groups_indexed = 0;
  uint64_t row_groups_skipped = 0;  // on nodes or drives that could not index them
  uint64_t bytes_written = 0;       // index files on drives
  double seconds = 0;
  std::vector<std::string> skipped_files;  // "bucket/key: why" (not aligned)
  std::vector<std::string> problems;       // from the nodes, naming blob, drive and row group
};

// (Re)builds the indexes of the table(s) at `target` ("bucket/key" or
// "bucket/prefix/"). Errors: those of opening the tables (NotFound,
// InvalidArgument for an object that is not Parquet); problems on nodes are
// reported, not returned.
Result<IndexReport> IndexTables(ObjectStore& store, const std::string& target);

}  // namespace strata::query
