// Cluster::ScanBlob: fans a table scan out to the nodes holding a blob's
// units and merges what comes back; a node that cannot answer is covered by
// scanning its row groups here, from units rebuilt across nodes.
#include "strata/cluster/cluster.h"
#include "strata/cluster/fragment_tasks.h"

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
  // Each level-1 position's row groups, with offsets moved into its fragment.
  ASSIGN_OR_RETURN(FragmentTasks split, SplitTasksByFragment(blob, tasks));
  const int k1 = blob.layout.level1.k;
  const std::vector<std::vector<table::RowGroupTask>>& per_node = split.tasks;
  const std::vector<std::vector<size_t>>& originals = split.originals;
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
  ForEachPosition(k1, scan);

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
