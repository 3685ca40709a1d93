// LocalNode is a storage node in the gateway's process: it owns a set of
// drives and serves NodeClient calls on them directly. A drive that cannot be
// opened, or whose directory disappears or fails I/O, is marked down; Health()
// re-checks and brings it back when it is usable again. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "strata/drive/drive.h"
#include "strata/node/node_client.h"

namespace strata {

struct DriveSpec {
  std::string drive_id;
  std::string path;
};

class LocalNode : public NodeClient {
 public:
  // Opens every drive (AttachMode::kOpen); the ones that fail start down.
  LocalNode(std::string node_id, std::string cluster_id, FileSystem* fs,
            const std::vector<DriveSpec>& drives);

  const std::string& node_id() const override { return node_id_; }
  Result<std::unique_ptr<FragmentWriter>> WriteFragment(const FragmentRef& ref) override;
  Result<std::unique_ptr<FragmentReader>> ReadFragment(const FragmentRef& ref) override;
  Status DeleteFragment(const FragmentRef& ref) override;
  Result<table::ScanResult> ScanFragment(const FragmentRef& ref, const table::ScanSpec& spec,
                                         const std::vector<table::RowGroupTask>& tasks) override;
  Result<IndexBuildReport> IndexFragment(const FragmentRef& ref, const std::vector<table::ScanColumn>& columns,
                                         const std::vector<table::RowGroupTask>& tasks) override;
  Result<std::vector<BlockDamage>> VerifyFragment(const FragmentRef& ref) override;
  Status RebuildFragment(const FragmentRef& ref, const std::vector<RebuildTarget>& targets) override;
  Result<std::vector<NodeBlock>> ListBlocks() override;
  Status RemoveBlock(const std::string& drive_id, const BlockName& name) override;
  Result<int> RemoveTemporaries() override;
  NodeHealth Health() override;
  Status AttachDrive(const std::string& drive_id, const std::string& path, AttachMode mode) override;
  Status DetachDrive(const std::string& drive_id) override;

  // The drive if it is up; otherwise null and *why says why not.
  std::shared_ptr<Drive> UpDrive(const std::string& drive_id, std::string* why);
  // Called after an I/O failure on a drive. A write that failed with an I/O
  // error marks the drive down; any other failure re-checks the drive and
  // marks it down if it no longer passes its health check. Health() brings a
  // down drive back once it passes again.
  enum class FailureKind { kRead, kWrite };
  void NoteFailure(const std::string& drive_id, const Status& failure, FailureKind kind = FailureKind::kRead);

 private:
  struct DriveSlot {
    std::string path;
    std::shared_ptr<Drive> drive;  // null while down
    std::string error;
  };

  // AttachDrive; `keep_refused` registers a drive that fails to open as down
  // (the drives the node starts with) instead of leaving it out.
  Status Attach(const std::string& drive_id, const std::string& path, AttachMode mode, bool keep_refused);

  std::string node_id_;
  std::string cluster_id_;
  FileSystem* fs_;
  mutable std::shared_mutex mu_;
  std::map<std::string, DriveSlot> drives_;
};

}  // namespace strata
