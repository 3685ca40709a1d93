// NodeClient is every call the gateway makes to one storage node: write a
// fragment, read its units, delete, list, verify, rebuild and report health.
// A fragment is what one node holds of a blob: the units of one level-1
// position, which the node protects with its own level-2 code across its
// drives. Today the node is in the same process (LocalNode); a gRPC client will
// implement the same interface, so every argument here is plain data that
// serializes. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "strata/base/config.h"
#include "strata/base/file_io.h"
#include "strata/base/status.h"
#include "strata/drive/block_file.h"
#include "strata/table/scan.h"

namespace strata {

// Names a fragment and everything a stateless node needs to read or write it.
struct FragmentRef {
  std::string blob_id;
  int level1_position = 0;
  uint64_t fragment_bytes = 0;  // bytes of this node's fragment
  uint32_t unit_size = 1u << 20;
  CodeSpec code{4, 2};          // level 2
  // Drive of each level-2 position; "" where no block was written.
  std::vector<std::string> drive_ids;

  BlockName Block(int level2_position) const {
    return BlockName{blob_id, level1_position, level2_position};
  }
};

// A level-2 position found missing or damaged.
struct BlockDamage {
  int level2_position = 0;
  std::string drive_id;
  std::string reason;
};

class FragmentWriter {
 public:
  virtual ~FragmentWriter() = default;
  // Appends the fragment's next unit; every unit but the last is unit_size.
  // Fails with Unavailable once too few drives remain writable.
  virtual Status AppendUnit(std::span<const std::byte> unit) = 0;
  // Makes every block durable and visible. Returns the drive of each level-2
  // position, "" for positions whose drive failed during the write (the
  // caller records them for repair).
  virtual Result<std::vector<std::string>> Commit() = 0;
  // Removes whatever was written. Also done by the destructor if not committed.
  virtual void Abort() = 0;
};

class FragmentReader {
 public:
  virtual ~FragmentReader() = default;
  // Reads `count` units from unit `first` into `out`, which must hold their
  // exact total length. Verifies every unit read and rebuilds missing or
  // corrupt ones from level-2 parity; DataLoss when a stripe has lost more
  // than m units.
  virtual Status ReadUnits(uint64_t first, uint64_t count, std::span<std::byte> out) = 0;
  // Damage seen so far by this reader (each position once).
  virtual std::vector<BlockDamage> damage() const = 0;
};

struct DriveHealth {
  std::string drive_id;
  bool up = false;
  std::string error;
  uint64_t capacity_bytes = 0;
  uint64_t available_bytes = 0;
  uint64_t block_files = 0;
};

struct NodeHealth {
  std::string node_id;
  std::vector<DriveHealth> drives;
};

struct NodeBlock {
  std::string drive_id;
  BlockName name;
  uint64_t file_bytes = 0;
};

// What building a fragment's row-group indexes did. Row groups are skipped,
// with a line in `problems` naming the blob, drive and row group, when their
// unit cannot be read or decoded or their drive cannot take the index file.
struct IndexBuildReport {
  uint64_t row_groups_indexed = 0;
  uint64_t row_groups_skipped = 0;
  uint64_t bytes_written = 0;  // index files
  std::vector<std::string> problems;

  void Add(const IndexBuildReport& other) {
    row_groups_indexed += other.row_groups_indexed;
    row_groups_skipped += other.row_groups_skipped;
    bytes_written += other.bytes_written;
    problems.insert(problems.end(), other.problems.begin(), other.problems.end());
  }
};

// A request to rebuild some level-2 positions of a fragment onto given drives.
struct RebuildTarget {
  int level2_position = 0;
  std::string drive_id;
};

class NodeClient {
 public:
  virtual ~NodeClient() = default;

  virtual const std::string& node_id() const = 0;

  virtual Result<std::unique_ptr<FragmentWriter>> WriteFragment(const FragmentRef& ref) = 0;
  virtual Result<std::unique_ptr<FragmentReader>> ReadFragment(const FragmentRef& ref) = 0;
  // Runs a table scan over row groups stored in this fragment (the pushdown
  // path): chunk offsets in `tasks` are in the fragment's own bytes (its unit
  // f covers [f * unit_size, (f + 1) * unit_size)), and every chunk lies in
  // one unit. Reads only the column chunks the scan needs, trusting them by
  // their page CRCs, and falls back to verified (and, where needed, rebuilt)
  // whole units. With spec.use_index, a row group whose stored index
  // decides the filter is read at its candidate rows only; a missing or
  // damaged index is ignored. Returns only matching rows or partial aggregates.
  virtual Result<table::ScanResult> ScanFragment(const FragmentRef& ref, const table::ScanSpec& spec,
                                                 const std::vector<table::RowGroupTask>& tasks) = 0;
  // Builds the row-group indexes (table/row_group_index.h) of the row groups
  // in `tasks`, located as in ScanFragment, over `columns` (the table's
  // columns, one chunk each in every task), and stores them beside the
  // blocks that hold their units, one index file per block, replacing what
  // was there. Units are read verified, rebuilt from parity if need be.
  // InvalidArgument for tasks that do not fit the fragment; anything else
  // skips the row groups concerned and is reported.
  virtual Result<IndexBuildReport> IndexFragment(const FragmentRef& ref, const std::vector<table::ScanColumn>& columns,
                                                 const std::vector<table::RowGroupTask>& tasks) = 0;
  // Removes the fragment's blocks (and their index files); blocks already
  // gone are not an error.
  // Unavailable when a drive that holds one cannot be reached.
  virtual Status DeleteFragment(const FragmentRef& ref) = 0;
  // Reads every unit of every block of the fragment and reports damage.
  virtual Result<std::vector<BlockDamage>> VerifyFragment(const FragmentRef& ref) = 0;
  // Rebuilds the given positions from the others and writes new blocks to the
  // target drives. The caller then records the new placement.
  virtual Status RebuildFragment(const FragmentRef& ref, const std::vector<RebuildTarget>& targets) = 0;
  // Every published block on the node's drives that are up.
  virtual Result<std::vector<NodeBlock>> ListBlocks() = 0;
  virtual Status RemoveBlock(const std::string& drive_id, const BlockName& name) = 0;
  // Removes temporaries left by interrupted writes; returns how many.
  virtual Result<int> RemoveTemporaries() = 0;
  // Re-checks every drive (a drive that came back is up again) and reports.
  virtual NodeHealth Health() = 0;

  // Brings a drive into service on this node. kOpen: it must carry the given
  // identity. kFormat: a new drive; the directory must be missing or empty.
  // kReplace: like kOpen, but a missing or empty directory (a replaced disk) is
  // formatted afresh under the same id. A foreign drive is never overwritten.
  enum class AttachMode { kOpen, kFormat, kReplace };
  virtual Status AttachDrive(const std::string& drive_id, const std::string& path, AttachMode mode) = 0;
  // Takes a drive out of service; its files are left alone.
  virtual Status DetachDrive(const std::string& drive_id) = 0;
};

}  // namespace strata
