#include "strata/objects/object_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <future>

#include "strata/base/clock.h"
#include "strata/base/ids.h"
#include "strata/node/local_node.h"
#include "strata/objects/names.h"

namespace strata {
namespace {

constexpr char kConfigFile[] = "strata.toml";
constexpr size_t kHashInParallelBytes = 256u << 10;
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

// ---------------------------------------------------------------- lifecycle

Status ObjectStore::Init(const std::string& root, const InitOptions& options) {
  FileSystem* fs = PosixFileSystem::Default();
  const StoreConfig& config = options.config;
  ASSIGN_OR_RETURN(bool exists, fs->Exists(JoinPath(root, kConfigFile)));
  if (exists) return Status::AlreadyExists("a store already exists at " + root);
  if (options.nodes < config.level1.width()) {
    return Status::InvalidArgument("too few nodes for the code: level 1 " + config.level1.ToString() + " needs " +
                                   std::to_string(config.level1.width()) + " nodes, " +
                                   std::to_string(options.nodes) + " given");
  }
  const int drives_per_node =
      options.drive_paths.empty() ? options.drives_per_node : static_cast<int>(options.drive_paths.size());
  if (!options.drive_paths.empty() && options.nodes != 1) {
    return Status::InvalidArgument("explicit drive paths are for a single node");
  }
  if (drives_per_node < config.level2.width()) {
    return Status::InvalidArgument("too few drives for the code: " + config.level2.ToString() + " needs " +
                                   std::to_string(config.level2.width()) + " drives per node, " +
                                   std::to_string(drives_per_node) + " given");
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
    for (int d = 0; d < drives_per_node; ++d) {
      PlannedDrive drive;
      drive.record.drive_id = NewRandomId();
      drive.record.node_id = node.node_id;
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
  ASSIGN_OR_RETURN(auto cluster_id, store->catalog_->GetMeta("cluster_id"));
  if (!cluster_id) return Status::Corruption("catalog of " + root + " has no cluster id");

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
  store->maintenance_ = std::make_unique<Maintenance>(
      store->catalog_.get(), store->cluster_.get(), root,
      Layout{store->config_.unit_size, store->config_.level1, store->config_.level2});
  RETURN_IF_ERROR(store->maintenance_->SyncDriveStates());
  RETURN_IF_ERROR(store->Recover());
  return store;
}

ObjectStore::~ObjectStore() {
  if (!pack_.empty()) (void)FlushPacks();
  if (lock_fd_ >= 0) ::close(lock_fd_);
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

Status ObjectStore::CollectGarbage() {
  ASSIGN_OR_RETURN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
  for (const BlobRecord& blob : deleting) {
    // A blob on a drive that is down now keeps its record; a later pass (or
    // scrub, once the drive is back) removes it.
    if (!cluster_->DeleteBlob(blob).ok()) continue;
    Status removed = catalog_->RemoveBlob(blob.blob_id);
    if (!removed.ok() && !removed.IsNotFound()) return removed;  // another thread may have removed it
  }
  return Status::OK();
}

// ---------------------------------------------------------------- buckets

Status ObjectStore::CreateBucket(const std::string& name) {
  RETURN_IF_ERROR(ValidateBucketName(name));
  return catalog_->CreateBucket(BucketRecord{name, NowMillis()});
}

Status ObjectStore::DeleteBucket(const std::string& name) { return catalog_->DeleteBucket(name); }

Result<std::vector<BucketRecord>> ObjectStore::ListBuckets() { return catalog_->ListBuckets(); }

Status ObjectStore::ValidateKey(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return catalog_->GetBucket(bucket).status();
}

// ---------------------------------------------------------------- writes

Result<BlobRecord> ObjectStore::BeginBlob(BlobKind kind, uint64_t size_hint) {
  BlobRecord blob;
  blob.blob_id = NewRandomId();
  blob.kind = kind;
  blob.state = BlobState::kPending;
  blob.size = size_hint;
  blob.layout = Layout{config_.unit_size, config_.level1, config_.level2};
  blob.created_ms = NowMillis();
  ASSIGN_OR_RETURN(blob.placement, cluster_->Place(blob.blob_id, blob.layout));
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
  return std::unique_ptr<ObjectWriter>(new ObjectWriter(this, std::move(record)));
}

Result<ObjectRecord> ObjectStore::PutBytes(const std::string& bucket, const std::string& key,
                                           std::span<const std::byte> data, const PutOptions& options) {
  ASSIGN_OR_RETURN(auto writer, NewObject(bucket, key, options));
  RETURN_IF_ERROR(writer->Write(data));
  return writer->Commit();
}

ObjectWriter::ObjectWriter(ObjectStore* store, ObjectRecord record) : store_(store), record_(std::move(record)) {}

ObjectWriter::~ObjectWriter() {
  if (!done_) Abort();
}

Status ObjectWriter::StartBlob() {
  ASSIGN_OR_RETURN(blob_, store_->BeginBlob(BlobKind::kObject, 0));
  ASSIGN_OR_RETURN(blob_writer_, store_->cluster_->WriteBlob(blob_));
  Status st = blob_writer_->Write(small_);
  small_.clear();
  small_.shrink_to_fit();
  return st;
}

Status ObjectWriter::Write(std::span<const std::byte> data) {
  if (done_) return Status::FailedPrecondition("object " + record_.bucket + "/" + record_.key + " is already finished");
  size_ += data.size();
  Status st = Status::OK();
  if (!blob_writer_ && small_.size() + data.size() < store_->config_.small_object_threshold) {
    md5_.Update(data);
    small_.insert(small_.end(), data.begin(), data.end());
    return Status::OK();
  }
  if (!blob_writer_) st = StartBlob();  // writes what was held back (already hashed)
  if (st.ok()) {
    // MD5 is slower than coding and writing: hash on another core while this
    // one codes and writes the same bytes.
    std::future<void> hashed;
    if (data.size() >= kHashInParallelBytes) {
      hashed = std::async(std::launch::async, [this, data] { md5_.Update(data); });
    } else {
      md5_.Update(data);
    }
    st = blob_writer_->Write(data);
    if (hashed.valid()) hashed.get();
  }
  if (!st.ok()) {
    Abort();
    return st.WithContext("put " + record_.bucket + "/" + record_.key);
  }
  return Status::OK();
}

Result<ObjectRecord> ObjectWriter::Commit() {
  if (done_) return Status::FailedPrecondition("object " + record_.bucket + "/" + record_.key + " is already finished");
  done_ = true;
  record_.size = size_;
  record_.etag = md5_.FinishHex();
  record_.created_ms = record_.modified_ms = NowMillis();
  if (!blob_writer_) return store_->CommitSmall(std::move(record_), std::move(small_));

  auto placement = blob_writer_->Finish();
  if (!placement.ok()) {
    // Finish removed the blocks; the pending record goes too, as in Abort().
    blob_writer_.reset();
    (void)store_->catalog_->RemoveBlob(blob_.blob_id);
    return placement.status().WithContext("put " + record_.bucket + "/" + record_.key);
  }
  RETURN_IF_ERROR(store_->FinishBlob(blob_, size_, *placement));
  record_.blob_id = blob_.blob_id;
  record_.blob_offset = 0;
  ASSIGN_OR_RETURN(auto replaced,
                   store_->catalog_->CommitObject(record_, BlobCompletion{blob_.size, blob_.placement}));
  (void)replaced;
  RETURN_IF_ERROR(store_->CollectGarbage());
  return record_;
}

void ObjectWriter::Abort() {
  done_ = true;
  if (blob_writer_) {
    blob_writer_->Abort();
    blob_writer_.reset();
    (void)store_->catalog_->RemoveBlob(blob_.blob_id);
  }
  small_.clear();
}

// ---------------------------------------------------------------- packs

void ObjectStore::SetBatching(bool batching) {
  std::lock_guard lock(pack_mu_);
  batching_ = batching;
}

Result<ObjectRecord> ObjectStore::CommitSmall(ObjectRecord record, std::vector<std::byte> data) {
  std::lock_guard lock(pack_mu_);
  pack_bytes_ += data.size();
  pack_.push_back(PackedObject{record, std::move(data)});
  if (batching_ && pack_bytes_ < config_.pack_target_size) return record;
  // Flushed now: return the record as stored, with its pack and offset.
  std::vector<ObjectRecord> committed;
  RETURN_IF_ERROR(FlushPacksLocked(&committed));
  for (ObjectRecord& stored : committed) {
    if (stored.version_id == record.version_id) return std::move(stored);
  }
  return record;
}

Status ObjectStore::FlushPacks() {
  std::lock_guard lock(pack_mu_);
  return FlushPacksLocked();
}

Status ObjectStore::FlushPacksLocked(std::vector<ObjectRecord>* committed) {
  if (pack_.empty()) return Status::OK();
  std::vector<PackedObject> objects = std::move(pack_);
  pack_.clear();
  const uint64_t total = pack_bytes_;
  pack_bytes_ = 0;

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
  if (committed) *committed = std::move(records);
  return CollectGarbage();
}

// ---------------------------------------------------------------- reads

Result<ObjectRecord> ObjectStore::Head(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  return catalog_->GetObject(bucket, key);
}

Result<std::unique_ptr<ObjectReader>> ObjectStore::OpenObject(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(ObjectRecord record, Head(bucket, key));
  ASSIGN_OR_RETURN(BlobRecord blob, catalog_->GetBlob(record.blob_id));
  ASSIGN_OR_RETURN(auto reader, cluster_->ReadBlob(blob));
  return std::unique_ptr<ObjectReader>(new ObjectReader(this, std::move(record), std::move(reader)));
}

ObjectReader::ObjectReader(ObjectStore* store, ObjectRecord record, std::unique_ptr<BlobReader> blob)
    : store_(store), record_(std::move(record)), blob_(std::move(blob)) {}

ObjectReader::~ObjectReader() { (void)Close(); }

Status ObjectReader::Read(uint64_t offset, std::span<std::byte> out) {
  if (offset > record_.size || out.size() > record_.size - offset) {
    return Status::InvalidArgument("read past the end of " + record_.bucket + "/" + record_.key);
  }
  Status st = blob_->Read(record_.blob_offset + offset, out);
  return st.WithContext("object " + record_.bucket + "/" + record_.key);
}

Status ObjectReader::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  bool recorded = false;
  for (RepairRecord repair : blob_->damage()) {
    repair.recorded_ms = NowMillis();
    RETURN_IF_ERROR(store_->catalog_->RecordRepair(repair));
    recorded = true;
  }
  if (recorded) return store_->maintenance_->SyncDriveStates();
  return Status::OK();
}

Result<ObjectRecord> ObjectStore::Delete(const std::string& bucket, const std::string& key) {
  RETURN_IF_ERROR(catalog_->GetBucket(bucket).status());
  ASSIGN_OR_RETURN(ObjectRecord deleted, catalog_->DeleteObject(bucket, key));
  RETURN_IF_ERROR(CollectGarbage());
  return deleted;
}

Result<ListPage> ObjectStore::List(const std::string& bucket, const ListOptions& options) {
  return catalog_->ListObjects(bucket, options);
}

}  // namespace strata
