// Cluster::ScanBlob: fans a table scan out to the nodes holding a blob's
// units and merges what comes back; a node that cannot answer is covered by
// scanning its row groups here, from units rebuilt across nodes.
#include <thread>

#include "strata/cluster/cluster.h"

namespace strata {

namespace {

// Reads ranges of a blob through the normal read path (level-1 rebuild
// included); what it returns has been verified unit by unit.
class BlobChunkSource : public table::ChunkSource {
 public:
  explicit BlobChunkSource(BlobReader* reader) : reader_(reader) {}
  Status Read(uint64_t offset, uint64_t length, bool, std::string* out, bool* out_verified) override {
    out->resize(length);
    RETURN_IF_ERROR(reader_->Read(offset, std::span(reinterpret_cast<std::byte*>(out->data()), length)));
    bytes_read_ += length;
    *out_verified = true;
    return Status::OK();
  }
  uint64_t bytes_read() const override { return bytes_read_; }

 private:
  BlobReader* reader_;
  uint64_t bytes_read_ = 0;
};

}  // namespace

Result<table::ScanResult> Cluster::ScanBlob(const BlobRecord& blob, const table::ScanSpec& spec,
                                            const std::vector<table::RowGroupTask>& tasks) {
  const uint64_t unit = blob.layout.unit_size;
  const int k1 = blob.layout.level1.k;
  if (unit == 0 || k1 <= 0) return Status::InvalidArgument("blob " + blob.blob_id + " has an invalid layout");
  // Each level-1 position's row groups, with offsets moved into its fragment.
  std::vector<std::vector<table::RowGroupTask>> per_node(k1);
  std::vector<std::vector<size_t>> originals(k1);  // index into `tasks`
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
    }
    per_node[position].push_back(std::move(task));
    originals[position].push_back(t);
  }
  std::vector<Result<table::ScanResult>> results(k1, Status::NotFound("not scanned"));
  auto scan = [&](int position) {
    if (per_node[position].empty()) {
      results[position] = table::EmptyResult(spec);
      return;
    }
    const std::string& node_id = blob.placement.nodes[position].node_id;
    NodeClient* node = Node(node_id);
    if (node == nullptr) {
      results[position] = Status::Unavailable("node " + node_id + " is not part of the cluster");
      return;
    }
    results[position] = node->ScanFragment(Fragment(blob, position), spec, per_node[position]);
  };
  std::vector<std::thread> threads;
  for (int p = 1; p < k1; ++p) threads.emplace_back(scan, p);
  scan(0);
  for (std::thread& t : threads) t.join();

  table::ScanResult merged = table::EmptyResult(spec);
  std::vector<table::RowGroupTask> leftovers;
  Status first_failure;
  for (int p = 0; p < k1; ++p) {
    if (results[p].ok()) {
      table::MergeResult(spec, std::move(results[p]).value(), &merged);
      continue;
    }
    const Status& st = results[p].status();
    // Bad requests fail the query; a node that is down or lost too much is
    // covered from the other nodes.
    if (st.code() != StatusCode::kUnavailable && st.code() != StatusCode::kDataLoss &&
        st.code() != StatusCode::kIOError) {
      return st;
    }
    if (first_failure.ok()) first_failure = st;
    for (size_t t : originals[p]) leftovers.push_back(tasks[t]);
  }
  if (!leftovers.empty()) {
    if (blob.layout.level1.m == 0) return first_failure;  // nothing to rebuild from
    ASSIGN_OR_RETURN(auto reader, ReadBlob(blob));
    BlobChunkSource source(reader.get());
    table::ScanResult local = table::EmptyResult(spec);
    RETURN_IF_ERROR(table::ScanRowGroups(spec, leftovers, source, &local)
                        .WithContext("blob " + blob.blob_id + " (rebuilt across nodes after: " +
                                     first_failure.message() + ")"));
    table::MergeResult(spec, std::move(local), &merged);
  }
  return merged;
}

}  // namespace strata
