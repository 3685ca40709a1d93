#include "strata/objects/object_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "strata/base/clock.h"
#include "strata/base/ids.h"
#include "strata/node/local_node.h"
#include "strata/objects/names.h"

namespace strata {
namespace {

constexpr char kConfigFile[] = "strata.toml";
constexpr char kLockFile[] = "store.lock";

// Holds an exclusive flock on <root>/store.lock for the life of the store.
Result<int> LockStore(const std::string& root) {
  const std::string path = JoinPath(root, kLockFile);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "open lock file " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char pid[32] = {0};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "unknown";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      return Status::Busy("store at " + root + " is in use by another strata process (pid " + holder + ")");
    }
    return Status::FromErrno(err, "lock " + path);
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return fd;
}

}  // namespace

std::vector<std::string> BlobIdsOf(const ObjectRecord& record) {
  if (record.parts.empty()) return {record.blob_id};
  std::vector<std::string> ids;
  for (const ObjectPart& part : record.parts) ids.push_back(part.blob_id);
  return ids;
}

// ---------------------------------------------------------------- lifecycle

InitOptions EmbeddedDefault() {
  InitOptions init;
  init.config.tiers = {TierConfig{"hot", "dir", CodeSpec{1, 0}, CodeSpec{2, 1}},
                       TierConfig{"capacity", "dir", CodeSpec{1, 0}, CodeSpec{4, 2}}};
  init.config.write_tier = "hot";
  return init;
}

Status ObjectStore::Init(const std::string& root, const InitOptions& options) {
  FileSystem* fs = PosixFileSystem::Default();
  const StoreConfig& config = options.config;
  ASSIGN_OR_RETURN(bool exists, fs->Exists(JoinPath(root, kConfigFile)));
  if (exists) return Status::AlreadyExists("a store already exists at " + root);
  if (!options.drive_paths.empty() && options.nodes != 1) {
    return Status::InvalidArgument("explicit drive paths are for a single node");
  }
  if (!options.drive_paths.empty() && !config.tiers.empty()) {
    return Status::InvalidArgument("explicit drive paths are for a store of one tier");
  }
  // Drives per node of each tier, checked against the tier's codes.
  const std::vector<TierConfig> tiers = EffectiveTiers(config);
  std::vector<int> tier_drives;
  for (const TierConfig& tier : tiers) {
    const std::string which = config.tiers.empty() ? "" : " in tier " + tier.name;
    if (options.nodes < tier.level1.width()) {
      return Status::InvalidArgument("too few nodes for the code" + which + ": level 1 " + tier.level1.ToString() +
                                     " needs " + std::to_string(tier.level1.width()) + " nodes, " +
                                     std::to_string(options.nodes) + " given");
    }
    int count = tier.level2.width();
    if (config.tiers.empty()) {
      count = options.drive_paths.empty() ? options.drives_per_node : static_cast<int>(options.drive_paths.size());
    } else if (auto it = options.tier_drives.find(tier.name); it != options.tier_drives.end()) {
      count = it->second;
    }
    if (count < tier.level2.width()) {
      return Status::InvalidArgument("too few drives for the code" + which + ": " + tier.level2.ToString() +
                                     " needs " + std::to_string(tier.level2.width()) + " drives per node, " +
                                     std::to_string(count) + " given");
    }
    tier_drives.push_back(count);
  }
  for (const auto& [name, count] : options.tier_drives) {
    if (std::none_of(tiers.begin(), tiers.end(), [&](const TierConfig& t) { return t.name == name; })) {
      return Status::InvalidArgument("drives were given for tier '" + name + "', which is not a tier of the store");
    }
  }

  // Plan every drive first, and refuse before creating anything.
  struct PlannedDrive {
    DriveRecord record;
    std::string full_path;
  };
  std::vector<NodeRecord> nodes;
  std::vector<PlannedDrive> planned;
  int drive_number = 0;
  for (int n = 0; n < options.nodes; ++n) {
    NodeRecord node{NewRandomId(), "n" + std::to_string(n + 1), "local"};
    for (size_t t = 0; t < tiers.size(); ++t) {
      for (int d = 0; d < tier_drives[t]; ++d) {
        PlannedDrive drive;
        drive.record.drive_id = NewRandomId();
        drive.record.node_id = node.node_id;
        drive.record.tier = tiers[t].name;
        drive.record.name = "d" + std::to_string(++drive_number);
        if (!options.drive_paths.empty()) {
          drive.record.path = options.drive_paths[d];
        } else if (options.nodes == 1) {
          drive.record.path = "drives/" + drive.record.name;
        } else {
          drive.record.path = "drives/" + node.name + "/" + drive.record.name;
        }
        drive.full_path = JoinPath(root, drive.record.path);
        ASSIGN_OR_RETURN(bool is_dir, fs->IsDirectory(drive.full_path));
        if (is_dir) {
          ASSIGN_OR_RETURN(auto entries, fs->ListDir(drive.full_path));
          if (!entries.empty()) {
            return Status::AlreadyExists("drive directory " + drive.full_path + " is not empty; refusing to use it");
          }
        } else {
          ASSIGN_OR_RETURN(bool taken, fs->Exists(drive.full_path));
          if (taken) return Status::AlreadyExists(drive.full_path + " exists and is not a directory");
        }
        planned.push_back(std::move(drive));
      }
    }
    nodes.push_back(node);
  }

  RETURN_IF_ERROR(fs->CreateDirs(root));
  const std::string cluster_id = NewRandomId();
  auto undo = [&] {
    for (const PlannedDrive& d : planned) {
      (void)fs->RemoveFile(JoinPath(d.full_path, kDriveIdentityFile));
    }
  };
  for (const PlannedDrive& d : planned) {
    auto drive = Drive::Format(fs, d.full_path, DriveIdentity{d.record.drive_id, cluster_id, kDriveFormatVersion});
    if (!drive.ok()) {
      undo();
      return drive.status().WithContext("drive " + d.record.name);
    }
  }
  auto catalog = Catalog::OpenSqlite(JoinPath(root, config.catalog));
  if (!catalog.ok()) {
    undo();
    return catalog.status();
  }
  Status st = (*catalog)->SetMeta("cluster_id", cluster_id);
  for (const NodeRecord& node : nodes) {
    if (st.ok()) st = (*catalog)->PutNode(node);
  }
  for (PlannedDrive& d : planned) {
    d.record.updated_ms = NowMillis();
    if (st.ok()) st = (*catalog)->PutDrive(d.record);
  }
  // The settings file is written last: its presence marks a complete store.
  if (st.ok()) st = WriteFileAtomically(*fs, JoinPath(root, kConfigFile), RenderConfig(config));
  if (!st.ok()) {
    undo();
    (void)fs->RemoveFile(JoinPath(root, config.catalog));
  }
  return st;
}

Result<std::unique_ptr<ObjectStore>> ObjectStore::Open(const std::string& root, FileSystem* fs) {
  std::unique_ptr<ObjectStore> store(new ObjectStore());
  store->root_ = root;
  store->fs_ = fs ? fs : PosixFileSystem::Default();
  const std::string config_path = JoinPath(root, kConfigFile);
  ASSIGN_OR_RETURN(bool exists, store->fs_->Exists(config_path));
  if (!exists) return Status::NotFound("no store at " + root + " (" + config_path + " is missing; run 'strata init')");
  ASSIGN_OR_RETURN(store->lock_fd_, LockStore(root));
  ASSIGN_OR_RETURN(store->config_, LoadConfig(config_path));
  ASSIGN_OR_RETURN(store->catalog_, Catalog::OpenSqlite(JoinPath(root, store->config_.catalog)));
  store->access_ = std::make_unique<AccessRecorder>(store->catalog_.get());
  RETURN_IF_ERROR(store->access_->Reload());
  ASSIGN_OR_RETURN(auto cluster_id, store->catalog_->GetMeta("cluster_id"));
  if (!cluster_id) return Status::Corruption("catalog of " + root + " has no cluster id");

  RETURN_IF_ERROR(store->LoadTiers());
  ASSIGN_OR_RETURN(auto nodes, store->catalog_->ListNodes());
  ASSIGN_OR_RETURN(auto drives, store->catalog_->ListDrives());
  std::vector<ClusterNode> cluster_nodes;
  for (const NodeRecord& node : nodes) {
    std::vector<DriveSpec> specs;
    ClusterNode cn;
    cn.record = node;
    for (const DriveRecord& drive : drives) {
      if (drive.node_id != node.node_id) continue;
      cn.drives.push_back(drive);
      if (drive.state != DriveState::kRemoved) specs.push_back(DriveSpec{drive.drive_id, JoinPath(root, drive.path)});
    }
    cn.client = std::make_shared<LocalNode>(node.node_id, *cluster_id, store->fs_, specs);
    cluster_nodes.push_back(std::move(cn));
  }
  store->cluster_ = std::make_unique<Cluster>(std::move(cluster_nodes));
  store->maintenance_ =
      std::make_unique<Maintenance>(store->catalog_.get(), store->cluster_.get(), root, store->tier_layouts_);
  RETURN_IF_ERROR(store->maintenance_->SyncDriveStates());
  RETURN_IF_ERROR(store->Recover());
  return store;
}

ObjectStore::~ObjectStore() {
  if (!pack_.empty()) (void)FlushPacks();
  // Counts that cannot be written now are lost; the objects are not.
  if (access_) (void)access_->Flush();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status ObjectStore::LoadTiers() {
  const std::vector<TierConfig> tiers = EffectiveTiers(config_);
  for (const TierConfig& tier : tiers) tier_layouts_[tier.name] = Layout{config_.unit_size, tier.level1, tier.level2};
  write_tier_ = WriteTier(config_);
  // Drives and blobs of a store made before tiers belong to its first tier.
  ASSIGN_OR_RETURN(auto adopted, catalog_->GetMeta("tiers_adopted"));
  if (!adopted) {
    RETURN_IF_ERROR(catalog_->AdoptUntiered(tiers.front().name));
    RETURN_IF_ERROR(catalog_->SetMeta("tiers_adopted", "1"));
  }
  ASSIGN_OR_RETURN(auto drives, catalog_->ListDrives());
  for (const DriveRecord& drive : drives) {
    if (drive.state == DriveState::kRemoved || tier_layouts_.count(drive.tier)) continue;
    return Status::FailedPrecondition("drive " + drive.name + " is in tier '" + drive.tier + "', which " +
                                      JoinPath(root_, kConfigFile) + " does not name; add a [[tiers]] entry for it");
  }
  return Status::OK();
}

Result<Layout> ObjectStore::TierLayout(const std::string& tier) const {
  auto it = tier_layouts_.find(tier);
  if (it == tier_layouts_.end()) return Status::NotFound("no tier named '" + tier + "'");
  return it->second;
}

Status ObjectStore::Recover() {
  // Blobs a crashed writer left pending were never visible: remove them.
  ASSIGN_OR_RETURN(auto pending, catalog_->ListBlobs(BlobState::kPending));
  for (const BlobRecord& blob : pending) {
    if (cluster_->DeleteBlob(blob).ok()) {
      RETURN_IF_ERROR(catalog_->RemoveBlob(blob.blob_id));
      ++recovery_.pending_blobs_removed;
    }
  }
  ASSIGN_OR_RETURN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
  for (const BlobRecord& blob : deleting) {
    if (cluster_->DeleteBlob(blob).ok()) {
      RETURN_IF_ERROR(catalog_->RemoveBlob(blob.blob_id));
      ++recovery_.deleted_blobs_removed;
    }
  }
  for (const ClusterNode& node : cluster_->nodes()) {
    auto removed = node.client->RemoveTemporaries();
    if (removed.ok()) recovery_.temporaries_removed += *removed;
  }
  return Status::OK();
}

// Why a reader never loses blocks under it. A blob becomes kDeleting only in
// the catalog transaction that stops the current version from referring to
// it. OpenObject looks the version up and pins its blobs under pin_mu_, and
// CollectGarbage lists kDeleting blobs and checks the pins under pin_mu_, so
// one of the two comes first. If the reader came first, its pins are there
// when GC checks, and the blob is skipped. If GC came first, a blob it found
// kDeleting was already unreferenced when the reader looked the version up
// (the catalog is one serialized connection), so the reader saw a newer
// version and never needs that blob. Blocks are deleted outside the lock:
// nothing can pin a blob that GC has chosen.
Status ObjectStore::CollectGarbage() {
  std::vector<BlobRecord> removable;
  {
    std::lock_guard lock(pin_mu_);
    ASSIGN_OR_RETURN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
    for (BlobRecord& blob : deleting) {
      if (pins_.count(blob.blob_id)) {
        deferred_.insert(blob.blob_id);
      } else {
        removable.push_back(std::move(blob));
      }
    }
  }
  for (const BlobRecord& blob : removable) {
    // A blob on a drive that is down now keeps its record; a later pass (or
    // scrub, once the drive is back) removes it.
    if (!cluster_->DeleteBlob(blob).ok()) continue;
    Status removed = catalog_->RemoveBlob(blob.blob_id);
    if (!removed.ok() && !removed.IsNotFound()) return removed;  // another thread may have removed it
  }
  return Status::OK();
}

void ObjectStore::PinLocked(const ObjectRecord& record) {
  for (const std::string& blob_id : BlobIdsOf(record)) ++pins_[blob_id];
}

bool ObjectStore::Unpin(const ObjectRecord& record) {
  bool freed = false;
  for (const std::string& blob_id : BlobIdsOf(record)) freed |= UnpinBlob(blob_id);
  return freed;
}

bool ObjectStore::UnpinBlob(const std::string& blob_id) {
  std::lock_guard lock(pin_mu_);
  auto it = pins_.find(blob_id);
  if (it == pins_.end() || --it->second > 0) return false;
  pins_.erase(it);
  return deferred_.erase(blob_id) > 0;
}

void ObjectStore::DiscardPendingBlob(const BlobRecord& blob) {
  auto current = catalog_->GetBlob(blob.blob_id);
  if (!current.ok() || current->state != BlobState::kPending) return;
  // Left pending when the blocks cannot all be deleted now: the next open
  // removes it.
  if (cluster_->DeleteBlob(*current).ok()) (void)catalog_->RemoveBlob(blob.blob_id);
}

// ---------------------------------------------------------------- buckets

Status ObjectStore::CreateBucket(const std::string& name) { return CreateBucket(name, BucketOptions{}); }

Status ObjectStore::CreateBucket(const std::string& name, const BucketOptions& options) {
  RETURN_IF_ERROR(ValidateBucketName(name));
  return catalog_->CreateBucket(BucketRecord{name, NowMillis(), options.owner, options.public_read});
}

Result<BucketRecord> ObjectStore::GetBucket(const std::string& name) { return catalog_->GetBucket(name); }

Status ObjectStore::SetBucketPublicRead(const std::string& name, bool public_read) {
  return catalog_->SetBucketPublicRead(name, public_read);
}

// The uploads aborted with the bucket leave part blobs to collect.
Status ObjectStore::DeleteBucket(const std::string& name) {
  RETURN_IF_ERROR(catalog_->DeleteBucket(name));
  return CollectGarbage();
}

Result<std::vector<BucketRecord>> ObjectStore::ListBuckets() { return catalog_->ListBuckets(); }

Status ObjectStore::ValidateKey(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return catalog_->GetBucket(bucket).status();
}

// ---------------------------------------------------------------- writes

Result<BlobRecord> ObjectStore::BeginBlob(BlobKind kind, uint64_t size_hint, const std::string& tier,
                                          const std::vector<std::string>& avoid_nodes) {
  BlobRecord blob;
  blob.blob_id = NewRandomId();
  blob.kind = kind;
  blob.state = BlobState::kPending;
  blob.size = size_hint;
  blob.tier = tier.empty() ? write_tier_ : tier;
  ASSIGN_OR_RETURN(blob.layout, TierLayout(blob.tier));
  blob.created_ms = NowMillis();
  ASSIGN_OR_RETURN(blob.placement, cluster_->Place(blob.blob_id, blob.layout, blob.tier, avoid_nodes));
  RETURN_IF_ERROR(catalog_->InsertPendingBlob(blob));
  return blob;
}

Status ObjectStore::FinishBlob(BlobRecord& blob, uint64_t size, const Placement& placement) {
  blob.size = size;
  blob.placement = placement;
  bool degraded = false;
  for (size_t p1 = 0; p1 < placement.nodes.size(); ++p1) {
    const auto& drive_ids = placement.nodes[p1].drive_ids;
    for (size_t p2 = 0; p2 < drive_ids.size(); ++p2) {
      if (!drive_ids[p2].empty()) continue;
      degraded = true;
      RETURN_IF_ERROR(catalog_->RecordRepair(RepairRecord{blob.blob_id, static_cast<int>(p1), static_cast<int>(p2),
                                                          "drive failed during the write", NowMillis()}));
    }
  }
  // Drives that failed during the write are down in the catalog from now on.
  if (degraded) return maintenance_->SyncDriveStates();
  return Status::OK();
}

Result<std::unique_ptr<ObjectWriter>> ObjectStore::NewObject(const std::string& bucket, const std::string& key,
                                                             const PutOptions& options) {
  RETURN_IF_ERROR(ValidateKey(bucket, key));
  ObjectRecord record;
  record.bucket = bucket;
  record.key = key;
  record.version_id = NewRandomId();
  record.content_type = options.content_type;
  record.user_metadata = options.user_metadata;
  record.headers = options.headers;
  return std::unique_ptr<ObjectWriter>(new ObjectWriter(this, std::move(record)));
}

Result<ObjectRecord> ObjectStore::PutBytes(const std::string& bucket, const std::string& key,
                                           std::span<const std::byte> data, const PutOptions& options) {
  ASSIGN_OR_RETURN(auto writer, NewObject(bucket, key, options));
  RETURN_IF_ERROR(writer->Write(data));
  return writer->Commit();
}

// ---------------------------------------------------------------- packs

void ObjectStore::SetBatching(bool batching) {
  std::lock_guard lock(pack_mu_);
  batching_ = batching;
}

Result<ObjectRecord> ObjectStore::CommitSmall(ObjectRecord record, std::vector<std::byte> data) {
  std::unique_lock lock(pack_mu_);
  pack_bytes_ += data.size();
  pack_.push_back(PackedObject{record, std::move(data)});
  if (batching_ && pack_bytes_ < config_.pack_target_size) return record;
  // Durable now: this object leaves with pack number `generation`, written
  // either by this thread or by one that takes it along.
  const uint64_t generation = pack_generation_;
  ++pack_waiters_;
  while (true) {
    auto written = written_packs_.find(generation);
    if (written != written_packs_.end()) {
      Status status = written->second.status;
      auto stored = written->second.records.find(record.version_id);
      std::optional<ObjectRecord> result;
      if (stored != written->second.records.end()) result = std::move(stored->second);
      if (--written->second.waiting == 0) written_packs_.erase(written);
      if (!status.ok()) return status;
      if (!result) return Status::Corruption("pack " + std::to_string(generation) + " lost object " + record.key);
      return std::move(*result);
    }
    if (!pack_in_flight_) {
      (void)WriteWaitingPack(lock);  // its outcome is read from written_packs_ above
      continue;
    }
    pack_written_.wait(lock);
  }
}

Status ObjectStore::FlushPacks() {
  std::unique_lock lock(pack_mu_);
  pack_written_.wait(lock, [this] { return !pack_in_flight_; });
  if (pack_.empty()) return Status::OK();
  return WriteWaitingPack(lock);
}

Status ObjectStore::WriteWaitingPack(std::unique_lock<std::mutex>& lock) {
  pack_in_flight_ = true;
  std::vector<PackedObject> objects = std::move(pack_);
  pack_.clear();
  const uint64_t total = pack_bytes_;
  pack_bytes_ = 0;
  const uint64_t generation = pack_generation_++;
  const int waiters = pack_waiters_;
  pack_waiters_ = 0;

  lock.unlock();
  std::vector<ObjectRecord> committed;
  Status status = WritePack(std::move(objects), total, &committed);
  lock.lock();

  pack_in_flight_ = false;
  if (waiters > 0) {
    WrittenPack& written = written_packs_[generation];
    written.status = status;
    written.waiting = waiters;
    for (ObjectRecord& record : committed) {
      std::string version = record.version_id;
      written.records.emplace(std::move(version), std::move(record));
    }
  }
  pack_written_.notify_all();
  return status;
}

Status ObjectStore::WritePack(std::vector<PackedObject> objects, uint64_t total,
                              std::vector<ObjectRecord>* committed) {
  if (objects.empty()) return Status::OK();
  ASSIGN_OR_RETURN(BlobRecord blob, BeginBlob(BlobKind::kPack, total));
  ASSIGN_OR_RETURN(auto writer, cluster_->WriteBlob(blob));
  std::vector<ObjectRecord> records;
  uint64_t offset = 0;
  for (PackedObject& object : objects) {
    Status st = writer->Write(object.data);
    if (!st.ok()) {
      writer->Abort();
      (void)catalog_->RemoveBlob(blob.blob_id);
      return st.WithContext("pack of " + std::to_string(objects.size()) + " small objects");
    }
    object.record.blob_id = blob.blob_id;
    object.record.blob_offset = offset;
    offset += object.data.size();
    records.push_back(object.record);
  }
  auto placement = writer->Finish();
  if (!placement.ok()) {
    (void)catalog_->RemoveBlob(blob.blob_id);
    return placement.status().WithContext("pack of " + std::to_string(objects.size()) + " small objects");
  }
  RETURN_IF_ERROR(FinishBlob(blob, total, *placement));
  ASSIGN_OR_RETURN(auto replaced, catalog_->CommitPack(blob.blob_id, records, BlobCompletion{blob.size, blob.placement}));
  (void)replaced;
  *committed = std::move(records);
  // The objects are committed whatever collection finds; what it cannot
  // remove now, a later pass does.
  (void)CollectGarbage();
  return Status::OK();
}

// ---------------------------------------------------------------- reads

Result<ObjectRecord> ObjectStore::Head(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  return catalog_->GetObject(bucket, key);
}

Result<std::unique_ptr<ObjectReader>> ObjectStore::OpenObject(const std::string& bucket, const std::string& key,
                                                            AccessKind kind) {
  std::unique_ptr<ObjectReader> reader;
  {
    std::lock_guard lock(pin_mu_);  // see CollectGarbage
    ASSIGN_OR_RETURN(ObjectRecord record, Head(bucket, key));
    PinLocked(record);
    reader.reset(new ObjectReader(this, std::move(record)));
  }
  // The first blob opens now, so that a blob that cannot be read fails here;
  // the others open when a read reaches them. On failure the reader's
  // destructor unpins.
  RETURN_IF_ERROR(reader->Open(0));
  access_->Record(bucket, key, kind);
  return reader;
}

Status ObjectStore::AddDataset(const std::string& name, const std::string& bucket, const std::string& prefix) {
  if (name.empty() || name.size() > 1024) {
    return Status::InvalidArgument("dataset name must be 1 to 1024 bytes, got " + std::to_string(name.size()));
  }
  for (char ch : name) {
    if (static_cast<unsigned char>(ch) < 0x20) {
      return Status::InvalidArgument("dataset name '" + name + "' holds a control character");
    }
  }
  RETURN_IF_ERROR(catalog_->PutDataset(DatasetRecord{name, bucket, prefix, 0, "", 0}));
  return access_->Reload();
}

Status ObjectStore::RemoveDataset(const std::string& name) {
  RETURN_IF_ERROR(access_->Flush());
  RETURN_IF_ERROR(catalog_->DeleteDataset(name));
  return access_->Reload();
}

Result<ObjectRecord> ObjectStore::Delete(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  ASSIGN_OR_RETURN(ObjectRecord deleted, catalog_->DeleteObject(bucket, key));
  RETURN_IF_ERROR(CollectGarbage());
  return deleted;
}

Result<std::vector<Result<ObjectRecord>>> ObjectStore::DeleteKeys(const std::string& bucket,
                                                                  const std::vector<std::string>& keys) {
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  std::vector<Result<ObjectRecord>> results;
  results.reserve(keys.size());
  for (const std::string& key : keys) results.push_back(catalog_->DeleteObject(bucket, key));
  // The keys are deleted whatever collection finds; what it cannot remove
  // now, a later pass does.
  (void)CollectGarbage();
  return results;
}

Result<ListPage> ObjectStore::List(const std::string& bucket, const ListOptions& options) {
  return catalog_->ListObjects(bucket, options);
}

}  // namespace strata
