// Cluster::IndexBlob: asks every node that holds row groups of a blob to
// build their row-group indexes. Indexes are hints, so a node that cannot
// build them is reported, not fatal; only a request that does not fit the
// blob fails.
#include "strata/cluster/cluster.h"
#include "strata/cluster/fragment_tasks.h"

namespace strata {

Result<IndexBuildReport> Cluster::IndexBlob(const BlobRecord& blob, const std::vector<table::ScanColumn>& columns,
                                            const std::vector<table::RowGroupTask>& tasks) {
  ASSIGN_OR_RETURN(FragmentTasks split, SplitTasksByFragment(blob, tasks));
  const int k1 = blob.layout.level1.k;
  if (static_cast<int>(blob.placement.nodes.size()) < k1) {
    return Status::InvalidArgument("blob " + blob.blob_id + " is placed on " +
                                   std::to_string(blob.placement.nodes.size()) + " nodes, fewer than its " +
                                   std::to_string(k1) + " data positions");
  }
  std::vector<Result<IndexBuildReport>> results(k1, IndexBuildReport{});
  ForEachPosition(k1, [&](int position) {
    if (split.tasks[position].empty()) return;
    const std::string& node_id = blob.placement.nodes[position].node_id;
    NodeClient* node = Node(node_id);
    if (node == nullptr) {
      results[position] = Status::Unavailable("node " + node_id + " is not part of the cluster");
      return;
    }
    results[position] = node->IndexFragment(Fragment(blob, position), columns, split.tasks[position]);
  });

  IndexBuildReport total;
  for (int p = 0; p < k1; ++p) {
    if (results[p].ok()) {
      total.Add(*results[p]);
      continue;
    }
    const Status& st = results[p].status();
    if (st.code() == StatusCode::kInvalidArgument) return st;  // names the node and blob
    total.row_groups_skipped += split.tasks[p].size();
    total.problems.push_back("blob " + blob.blob_id + " fragment " + std::to_string(p) + ": " +
                             std::to_string(split.tasks[p].size()) + " row groups not indexed: " + st.message());
  }
  return total;
}

}  // namespace strata
