#include "strata/cluster/fragment_tasks.h"

#include <thread>

namespace strata {

Result<FragmentTasks> SplitTasksByFragment(const BlobRecord& blob, const std::vector<table::RowGroupTask>& tasks) {
  const uint64_t unit = blob.layout.unit_size;
  const int k1 = blob.layout.level1.k;
  if (unit == 0 || k1 <= 0) return Status::InvalidArgument("blob " + blob.blob_id + " has an invalid layout");
  FragmentTasks out;
  out.tasks.resize(k1);
  out.originals.resize(k1);
  for (size_t t = 0; t < tasks.size(); ++t) {
    table::RowGroupTask task = tasks[t];
    const uint64_t first = task.chunks.empty() ? 0 : task.chunks[0].offset;
    const uint64_t blob_unit = first / unit;
    const int position = static_cast<int>(blob_unit % k1);
    const uint64_t fragment_base = (blob_unit / k1) * unit;
    for (table::ChunkLocation& chunk : task.chunks) {
      if (chunk.length > 0 && chunk.offset / unit != blob_unit) {
        return Status::InvalidArgument("blob " + blob.blob_id + ": row group " + std::to_string(task.row_group) +
                                       " spans units; it cannot be scanned where it is stored");
      }
      chunk.offset = fragment_base + chunk.offset % unit;
      // A page index in the same unit moves with it; one elsewhere cannot be
      // read where the unit is, and the scan reads the whole chunk instead.
      if (chunk.page_index_length > 0 && chunk.page_index_offset / unit == blob_unit &&
          chunk.page_index_offset % unit + chunk.page_index_length <= unit) {
        chunk.page_index_offset = fragment_base + chunk.page_index_offset % unit;
      } else {
        chunk.page_index_offset = 0;
        chunk.page_index_length = 0;
      }
    }
    out.tasks[position].push_back(std::move(task));
    out.originals[position].push_back(t);
  }
  return out;
}

void ForEachPosition(int count, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  for (int p = 1; p < count; ++p) threads.emplace_back(fn, p);
  if (count > 0) fn(0);
  for (std::thread& t : threads) t.join();
}

}  // namespace strata
