// Maintenance keeps a store healthy: it syncs drive health into the catalog,
// scrubs (reads and verifies every block, removes orphans and temporaries),
// repairs (rebuilds every block that is missing, corrupt, or on a lost or
// replaced drive), and adds or removes drives, moving only the blocks that
// must move. Every job reports counts. One job at a time per store.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "strata/catalog/catalog.h"
#include "strata/cluster/cluster.h"

namespace strata {

// Called with (done, total) as a job advances; total may grow.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct ScrubReport {
  uint64_t blobs_checked = 0;
  uint64_t blocks_damaged = 0;      // missing, unreadable or corrupt
  uint64_t orphans_removed = 0;     // blocks no blob refers to
  uint64_t temporaries_removed = 0;
  std::vector<std::string> problems;
};

struct RepairReport {
  uint64_t drives_reformatted = 0;  // lost drives whose empty directory was re-initialised
  uint64_t blobs_repaired = 0;
  uint64_t blocks_rebuilt = 0;
  uint64_t blocks_unrepairable = 0;
  std::vector<std::string> problems;
};

struct DriveChangeReport {
  DriveRecord drive;
  uint64_t blocks_moved = 0;
  RepairReport repair;  // for removals: the rebuild of the drive's blocks
};

class Maintenance {
 public:
  // `root` resolves relative drive paths; `tier_layouts` gives, per tier, the
  // layout its new blobs get, which every node must keep enough drives of
  // that tier for.
  Maintenance(Catalog* catalog, Cluster* cluster, std::string root, std::map<std::string, Layout> tier_layouts);

  // Asks every node for drive health and records it in the catalog.
  Status SyncDriveStates();
  Result<ScrubReport> Scrub(const ProgressFn& progress);
  Result<RepairReport> Repair(const ProgressFn& progress);
  // Formats `path` as a new drive of `tier` on `node_name` (default: the
  // first node) and moves to it the blocks of that tier that rendezvous
  // placement now puts there. NotFound for a tier the store does not have.
  Result<DriveChangeReport> AddDrive(const std::string& path, const std::string& node_name, const std::string& tier,
                                     const ProgressFn& progress);
  // Rebuilds the drive's blocks on the node's other drives, then retires it.
  // Refused when too few drives would remain for the code.
  Result<DriveChangeReport> RemoveDrive(const std::string& drive_name, const ProgressFn& progress);

  std::string DrivePath(const DriveRecord& drive) const;

 private:
  Status RecordRepairsOnDrive(const std::string& drive_id, const std::string& reason);
  Status RepairBlob(const BlobRecord& blob, const std::vector<RepairRecord>& repairs, RepairReport& report);
  Status ReloadClusterDrives();

  Catalog* catalog_;
  Cluster* cluster_;
  std::string root_;
  std::map<std::string, Layout> tier_layouts_;
};

}  // namespace strata
