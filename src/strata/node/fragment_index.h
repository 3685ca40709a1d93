// Row-group indexes on a node. LocalNode::IndexFragment (fragment_index.cc)
// builds them: it reads each row group's unit verified, decodes its column
// chunks and stores the indexes in the index file of the block that holds
// the unit (Drive::WriteIndexFile), on the same drive. FragmentIndexSource
// reads them back for one scan worker: it opens a block's index file on
// first use and reads one row group's section per Find. Indexes are hints:
// any problem reading one means "not found", never a failed scan.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "strata/drive/index_file.h"
#include "strata/erasure/stripe_geometry.h"
#include "strata/node/local_node.h"
#include "strata/table/row_group_index.h"

namespace strata {

// The data unit of the fragment that holds a task's row group: the unit of
// its first non-empty chunk. InvalidArgument naming the row group when a
// chunk lies past the fragment, crosses its unit's end or lies in another unit.
Result<uint64_t> TaskUnit(const StripeGeometry& geometry, const table::RowGroupTask& task);

// Not thread-safe: one per scan worker.
class FragmentIndexSource : public table::IndexSource {
 public:
  FragmentIndexSource(LocalNode* node, FragmentRef ref);

  // The index stored for the task's row group in the index file of the
  // block that holds its unit, checked (CRC, parse, row group, unit); the
  // scan checks that it describes the task's bytes (its fingerprint).
  std::optional<table::RowGroupIndex> Find(const table::RowGroupTask& task) override;
  uint64_t bytes_read() const override;

 private:
  // The position's index file, opened and checked once; null when there is
  // none that can be used.
  IndexFileReader* Reader(int position);

  LocalNode* node_;
  FragmentRef ref_;
  StripeGeometry geometry_;
  std::map<int, std::unique_ptr<IndexFileReader>> readers_;
};

}  // namespace strata
