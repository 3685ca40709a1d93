// How a blob's table tasks reach the nodes: ScanBlob and IndexBlob both take
// row-group tasks whose chunk offsets are blob offsets and hand each node
// the row groups its fragment holds, with offsets moved into that fragment,
// every node at once.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"
#include "strata/table/scan.h"

namespace strata {

struct FragmentTasks {
  // Per level-1 position: its row groups in fragment offsets, and the index
  // of each in the tasks given.
  std::vector<std::vector<table::RowGroupTask>> tasks;
  std::vector<std::vector<size_t>> originals;
};

// Blob unit u lies in the fragment of position u % k1, at fragment unit
// u / k1. InvalidArgument naming the blob and row group when a row group's
// chunks span units (it cannot be handled where it is stored).
Result<FragmentTasks> SplitTasksByFragment(const BlobRecord& blob, const std::vector<table::RowGroupTask>& tasks);

// Runs fn(position) for positions 0..count-1, each on a thread of its own
// (position 0 on the caller's), and returns when all are done.
void ForEachPosition(int count, const std::function<void(int)>& fn);

}  // namespace strata
