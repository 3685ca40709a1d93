// Cluster is the level-1 view of a store: its nodes (reached only through
// NodeClient), the placement of new blobs over them, and level-1 erasure
// coding across nodes. It streams blobs in and out: BlobWriter cuts bytes into
// units and stripes of k1, sends each unit to its node's fragment writer;
// BlobReader returns exact bytes, rebuilding from other nodes when a node
// cannot serve its fragment. It keeps no metadata of its own: callers pass the
// catalog's BlobRecord. Thread-safe; writers and readers are per thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "strata/catalog/types.h"
#include "strata/erasure/reed_solomon.h"
#include "strata/erasure/stripe_geometry.h"
#include "strata/node/node_client.h"

namespace strata {

struct ClusterNode {
  NodeRecord record;
  std::shared_ptr<NodeClient> client;
  std::vector<DriveRecord> drives;  // as registered in the catalog
};

class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Write(std::span<const std::byte> data) = 0;
  // Makes the blob durable; returns where it landed ("" for positions that
  // failed during the write and need repair).
  virtual Result<Placement> Finish() = 0;
  // Removes everything written so far (also done by the destructor).
  virtual void Abort() = 0;
  virtual uint64_t bytes_written() const = 0;
};

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // Reads out.size() bytes at `offset`; the range must lie inside the blob.
  virtual Status Read(uint64_t offset, std::span<std::byte> out) = 0;
  // Blocks found missing or damaged while reading.
  virtual std::vector<RepairRecord> damage() const = 0;
};

class Cluster {
 public:
  explicit Cluster(std::vector<ClusterNode> nodes);

  // Chooses nodes and drives of `tier` for a new blob, on nodes other than
  // `avoid_nodes` (for replicas): drives that are up and have room come
  // first; full or down drives only fill positions nothing else can.
  Result<Placement> Place(const std::string& blob_id, const Layout& layout, const std::string& tier,
                          const std::vector<std::string>& avoid_nodes = {}) const;

  // Starts writing `blob` (pending in the catalog) at blob.placement.
  Result<std::unique_ptr<BlobWriter>> WriteBlob(const BlobRecord& blob);
  Result<std::unique_ptr<BlobReader>> ReadBlob(const BlobRecord& blob);
  // Runs a table scan where the blob's units are (pushdown): each node scans
  // the row groups in its fragment, all nodes in parallel. Chunk offsets in
  // `tasks` are blob offsets, and each row group lies in one unit. Row groups
  // of a node that cannot scan them (down, or damaged beyond its level-2 code)
  // are scanned here from bytes rebuilt across nodes.
  Result<table::ScanResult> ScanBlob(const BlobRecord& blob, const table::ScanSpec& spec,
                                     const std::vector<table::RowGroupTask>& tasks);
  // Builds the row-group indexes of an aligned table stored as `blob`: each
  // node indexes the row groups in its fragment (tasks as for ScanBlob, over
  // the table's `columns`), all nodes in parallel; the reports are summed.
  // Row groups of a node that cannot index them are counted as skipped.
  Result<IndexBuildReport> IndexBlob(const BlobRecord& blob, const std::vector<table::ScanColumn>& columns,
                                     const std::vector<table::RowGroupTask>& tasks);
  // Removes every block of the blob; Unavailable if some drive is down.
  Status DeleteBlob(const BlobRecord& blob);
  // Level-1 repair: rewrites the whole fragment of `position` onto `drive_ids`
  // of its node, decoding each of its units from the other nodes' units.
  // Returns the drives written ("" where a drive failed during the rewrite).
  Result<std::vector<std::string>> RebuildFragment(const BlobRecord& blob, int position,
                                                   const std::vector<std::string>& drive_ids);

  // The fragment a node holds for level-1 position `position` of `blob`.
  static FragmentRef Fragment(const BlobRecord& blob, int position);
  NodeClient* Node(const std::string& node_id) const;
  const std::vector<ClusterNode>& nodes() const { return nodes_; }
  // Re-reads health from every node and updates drive up/down in memory.
  std::vector<NodeHealth> RefreshHealth();
  // Replaces the registered drives of every node (after drives were added or removed).
  void SetDrives(const std::vector<DriveRecord>& drives);

 private:
  mutable std::mutex mu_;
  std::vector<ClusterNode> nodes_;
  struct DriveView {
    bool up = false;
    uint64_t available_bytes = UINT64_MAX;  // unknown until the first health check
  };
  std::map<std::string, DriveView> drive_view_;  // from the last health check
};

}  // namespace strata
