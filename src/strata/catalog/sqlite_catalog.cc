#include "strata/catalog/sqlite_catalog.h"

#include "strata/base/clock.h"
#include "strata/catalog/sqlite_records.h"
#include "strata/catalog/sqlite_schema.h"

namespace strata {

Result<std::unique_ptr<Catalog>> Catalog::OpenSqlite(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteCatalog> catalog, SqliteCatalog::Open(path));
  return std::unique_ptr<Catalog>(std::move(catalog));
}

Result<std::unique_ptr<SqliteCatalog>> SqliteCatalog::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  RETURN_IF_ERROR(MigrateSchema(*db));
  return std::unique_ptr<SqliteCatalog>(new SqliteCatalog(std::move(db)));
}

Result<int> SqliteCatalog::SchemaVersion() {
  std::lock_guard lock(mu_);
  return ReadSchemaVersion(*db_);
}

// ---- Settings ----

Result<std::optional<std::string>> SqliteCatalog::GetMeta(const std::string& key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT value FROM meta WHERE key = ?1"));
  query.Bind(1, key);
  ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(query.Text(0));
}

Status SqliteCatalog::SetMeta(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                  " ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    RETURN_IF_ERROR(upsert.Bind(1, key).Bind(2, value).Run());
  }
  return txn.Commit();
}

// ---- Buckets ----

Status SqliteCatalog::CreateBucket(const BucketRecord& bucket) {
  if (bucket.name.empty()) return Status::InvalidArgument("bucket name is empty");
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     db_->Prepare("INSERT INTO buckets (" STRATA_BUCKET_COLUMNS ") VALUES (?1, ?2, ?3, ?4)"
                                  " ON CONFLICT (name) DO NOTHING"));
    insert.Bind(1, bucket.name)
        .Bind(2, bucket.created_ms != 0 ? bucket.created_ms : NowMillis())
        .Bind(3, bucket.owner)
        .Bind(4, bucket.public_read ? 1 : 0);
    RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 0) return Status::AlreadyExists("bucket '" + bucket.name + "' already exists");
  }
  return txn.Commit();
}

// Uploads in progress go with the bucket, as in S3; their part blobs are
// released like those of any aborted upload.
Status SqliteCatalog::DeleteBucket(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireBucket(name));
  {
    ASSIGN_OR_RETURN(SqliteStatement any, db_->Prepare("SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1"));
    ASSIGN_OR_RETURN(bool has_objects, any.Bind(1, name).Step());
    if (has_objects) return Status::FailedPrecondition("bucket '" + name + "' is not empty");
  }
  std::vector<std::string> uploads;
  {
    ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT upload_id FROM uploads WHERE bucket = ?1"));
    query.Bind(1, name);
    while (true) {
      ASSIGN_OR_RETURN(bool row, query.Step());
      if (!row) break;
      uploads.push_back(query.Text(0));
    }
  }
  for (const std::string& upload_id : uploads) RETURN_IF_ERROR(RemoveUpload(upload_id, {}));
  {
    // Its datasets go with it, and their history with them.
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM datasets WHERE bucket = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, name).Run());
  }
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM buckets WHERE name = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, name).Run());
  }
  return txn.Commit();
}

Result<BucketRecord> SqliteCatalog::GetBucket(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_BUCKET_COLUMNS " FROM buckets WHERE name = ?1"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, name).Step());
  if (!found) return Status::NotFound("bucket '" + name + "' does not exist");
  return ReadBucketRow(query);
}

Result<std::vector<BucketRecord>> SqliteCatalog::ListBuckets() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_BUCKET_COLUMNS " FROM buckets ORDER BY name"));
  return ReadRows<BucketRecord>(query, ReadBucketRow);
}

Status SqliteCatalog::SetBucketPublicRead(const std::string& name, bool public_read) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement update, db_->Prepare("UPDATE buckets SET public_read = ?2 WHERE name = ?1"));
    RETURN_IF_ERROR(update.Bind(1, name).Bind(2, public_read ? 1 : 0).Run());
    if (db_->Changes() == 0) return Status::NotFound("bucket '" + name + "' does not exist");
  }
  return txn.Commit();
}

// ---- Topology ----

Status SqliteCatalog::PutNode(const NodeRecord& node) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(
        SqliteStatement upsert,
        db_->Prepare("INSERT OR REPLACE INTO nodes (node_id, name, address) VALUES (?1, ?2, ?3)"));
    RETURN_IF_ERROR(upsert.Bind(1, node.node_id).Bind(2, node.name).Bind(3, node.address).Run());
  }
  return txn.Commit();
}

Result<std::vector<NodeRecord>> SqliteCatalog::ListNodes() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT node_id, name, address FROM nodes ORDER BY node_id"));
  std::vector<NodeRecord> nodes;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    nodes.push_back(NodeRecord{query.Text(0), query.Text(1), query.Text(2)});
  }
  return nodes;
}

Status SqliteCatalog::PutDrive(const DriveRecord& drive) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT OR REPLACE INTO drives (" STRATA_DRIVE_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    upsert.Bind(1, drive.drive_id)
        .Bind(2, drive.node_id)
        .Bind(3, drive.name)
        .Bind(4, drive.path)
        .Bind(5, DriveStateName(drive.state))
        .Bind(6, drive.last_error)
        .Bind(7, drive.capacity_bytes)
        .Bind(8, drive.available_bytes)
        .Bind(9, drive.updated_ms != 0 ? drive.updated_ms : NowMillis())
        .Bind(10, drive.tier);
    RETURN_IF_ERROR(upsert.Run());
  }
  return txn.Commit();
}

Result<std::vector<DriveRecord>> SqliteCatalog::ListDrives() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT " STRATA_DRIVE_COLUMNS
                                                       " FROM drives ORDER BY node_id, name, drive_id"));
  std::vector<DriveRecord> drives;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(DriveRecord drive, ReadDriveRow(query));
    drives.push_back(std::move(drive));
  }
  return drives;
}

Status SqliteCatalog::SetDriveState(const std::string& drive_id, DriveState state,
                                    const std::string& last_error) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     db_->Prepare("UPDATE drives SET state = ?2, last_error = ?3, updated_ms = ?4"
                                  " WHERE drive_id = ?1"));
    update.Bind(1, drive_id).Bind(2, DriveStateName(state)).Bind(3, last_error).Bind(4, NowMillis());
    RETURN_IF_ERROR(update.Run());
    if (db_->Changes() == 0) return Status::NotFound("drive " + drive_id + " not found");
  }
  return txn.Commit();
}

// ---- Blobs ----

// A blob starts with no live bytes whatever the record says: nothing refers
// to it yet. CommitObject/CommitPack add the bytes of the objects they commit.
Status SqliteCatalog::InsertPendingBlob(const BlobRecord& blob) {
  if (blob.state != BlobState::kPending) {
    return Status::InvalidArgument("blob " + blob.blob_id + ": inserted as " +
                                   std::string(BlobStateWord(blob.state)) + ", must be pending");
  }
  ASSIGN_OR_RETURN(std::string placement, EncodePlacement(blob.blob_id, blob.placement));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     db_->Prepare("INSERT INTO blobs (" STRATA_BLOB_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12)"
                                  " ON CONFLICT (blob_id) DO NOTHING"));
    insert.Bind(1, blob.blob_id)
        .Bind(2, BlobKindWord(blob.kind))
        .Bind(3, BlobStateWord(BlobState::kPending))
        .Bind(4, blob.size)
        .Bind(5, uint64_t{blob.layout.unit_size})
        .Bind(6, blob.layout.level1.k)
        .Bind(7, blob.layout.level1.m)
        .Bind(8, blob.layout.level2.k)
        .Bind(9, blob.layout.level2.m)
        .Bind(10, placement)
        .Bind(11, blob.created_ms != 0 ? blob.created_ms : NowMillis())
        .Bind(12, blob.tier);
    RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 0) return Status::AlreadyExists("blob " + blob.blob_id + " already exists");
  }
  return txn.Commit();
}

Result<BlobRecord> SqliteCatalog::GetBlob(const std::string& blob_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  return RequireBlob(blob_id);
}

Result<std::vector<BlobRecord>> SqliteCatalog::ListBlobs(std::optional<BlobState> state) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(
      SqliteStatement query,
      state ? db_->Prepare("SELECT " STRATA_BLOB_COLUMNS " FROM blobs WHERE state = ?1"
                           " ORDER BY created_ms, blob_id")
            : db_->Prepare("SELECT " STRATA_BLOB_COLUMNS " FROM blobs ORDER BY created_ms, blob_id"));
  if (state) query.Bind(1, BlobStateWord(*state));
  std::vector<BlobRecord> blobs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(BlobRecord blob, ReadBlobRow(query));
    blobs.push_back(std::move(blob));
  }
  return blobs;
}

Status SqliteCatalog::UpdatePlacement(const std::string& blob_id, const Placement& placement) {
  ASSIGN_OR_RETURN(std::string text, EncodePlacement(blob_id, placement));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     db_->Prepare("UPDATE blobs SET placement = ?2 WHERE blob_id = ?1"));
    RETURN_IF_ERROR(update.Bind(1, blob_id).Bind(2, text).Run());
    if (db_->Changes() == 0) return Status::NotFound("blob " + blob_id + " not found");
  }
  return txn.Commit();
}

Status SqliteCatalog::FinishPendingBlob(const std::string& blob_id, uint64_t size, const Placement& placement) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(FinishPendingLocked(blob_id, size, placement));
  return txn.Commit();
}

Status SqliteCatalog::FinishPendingLocked(const std::string& blob_id, uint64_t size, const Placement& placement) {
  ASSIGN_OR_RETURN(std::string text, EncodePlacement(blob_id, placement));
  ASSIGN_OR_RETURN(SqliteStatement update,
                   db_->Prepare("UPDATE blobs SET size = ?2, placement = ?3 WHERE blob_id = ?1 AND state = 'pending'"));
  RETURN_IF_ERROR(update.Bind(1, blob_id).Bind(2, static_cast<int64_t>(size)).Bind(3, text).Run());
  if (db_->Changes() == 0) {
    RETURN_IF_ERROR(RequireBlobStatus(blob_id).status());
    return Status::FailedPrecondition("blob " + blob_id + " is not pending");
  }
  return Status::OK();
}

Status SqliteCatalog::RemoveBlob(const std::string& blob_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(BlobStatus blob, RequireBlobStatus(blob_id));
  if (blob.state == BlobState::kCommitted) {
    return Status::FailedPrecondition("blob " + blob_id +
                                      " is committed; only pending or deleting blobs can be removed");
  }
  {
    // Its pending repairs go with it (ON DELETE CASCADE).
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM blobs WHERE blob_id = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, blob_id).Run());
  }
  return txn.Commit();
}

Result<std::vector<BlobRecord>> SqliteCatalog::ListSparsePacks(double ratio) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_BLOB_COLUMNS " FROM blobs"
                                " WHERE state = 'committed' AND kind = 'pack' AND live_bytes < ?1 * size"
                                " ORDER BY created_ms, blob_id"));
  query.Bind(1, ratio);
  std::vector<BlobRecord> packs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(BlobRecord pack, ReadBlobRow(query));
    packs.push_back(std::move(pack));
  }
  return packs;
}

// ---- Repairs ----

// Recording the same block again updates the reason but keeps the time it
// was first recorded, so the age of a repair is how long the block has been bad.
Status SqliteCatalog::RecordRepair(const RepairRecord& repair) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireBlob(repair.blob_id).status());
  {
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT INTO repairs (blob_id, level1_position, level2_position, reason,"
                                  " recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5)"
                                  " ON CONFLICT (blob_id, level1_position, level2_position)"
                                  " DO UPDATE SET reason = excluded.reason"));
    upsert.Bind(1, repair.blob_id)
        .Bind(2, repair.level1_position)
        .Bind(3, repair.level2_position)
        .Bind(4, repair.reason)
        .Bind(5, repair.recorded_ms != 0 ? repair.recorded_ms : NowMillis());
    RETURN_IF_ERROR(upsert.Run());
  }
  return txn.Commit();
}

Result<std::vector<RepairRecord>> SqliteCatalog::ListRepairs() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(
      SqliteStatement query,
      db_->Prepare("SELECT blob_id, level1_position, level2_position, reason, recorded_ms"
                   " FROM repairs ORDER BY recorded_ms, blob_id, level1_position, level2_position"));
  std::vector<RepairRecord> repairs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    repairs.push_back(RepairRecord{query.Text(0), static_cast<int>(query.Int(1)),
                                   static_cast<int>(query.Int(2)), query.Text(3), query.Int(4)});
  }
  return repairs;
}

Status SqliteCatalog::ClearRepairs(const std::string& blob_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM repairs WHERE blob_id = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, blob_id).Run());
  }
  return txn.Commit();
}

// ---- Stats ----

// blobs counts every blob record, in any state. The pack figures cover
// committed packs only: those are the ones compaction can act on.
Result<CatalogStats> SqliteCatalog::Stats() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT (SELECT COUNT(*) FROM buckets),"
                                " (SELECT COUNT(*) FROM objects),"
                                " (SELECT COALESCE(SUM(size), 0) FROM objects),"
                                " (SELECT COUNT(*) FROM blobs),"
                                " COUNT(*), COALESCE(SUM(size), 0), COALESCE(SUM(live_bytes), 0),"
                                " (SELECT COUNT(*) FROM repairs)"
                                " FROM blobs WHERE state = 'committed' AND kind = 'pack'"));
  ASSIGN_OR_RETURN(bool row, query.Step());
  if (!row) return Status::IOError("catalog " + db_->path() + ": statistics query returned nothing");
  CatalogStats stats;
  stats.buckets = query.Uint(0);
  stats.objects = query.Uint(1);
  stats.object_bytes = query.Uint(2);
  stats.blobs = query.Uint(3);
  stats.packs = query.Uint(4);
  stats.pack_bytes = query.Uint(5);
  stats.pack_live_bytes = query.Uint(6);
  stats.pending_repairs = query.Uint(7);
  return stats;
}

// ---- Helpers shared with sqlite_catalog_objects.cc ----

Status SqliteCatalog::RequireBucket(const std::string& bucket) {
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT 1 FROM buckets WHERE name = ?1"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, bucket).Step());
  if (!found) return Status::NotFound("bucket '" + bucket + "' does not exist");
  return Status::OK();
}

Result<std::optional<BlobRecord>> SqliteCatalog::FindBlob(const std::string& blob_id) {
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_BLOB_COLUMNS " FROM blobs WHERE blob_id = ?1"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, blob_id).Step());
  if (!found) return std::optional<BlobRecord>();
  ASSIGN_OR_RETURN(BlobRecord blob, ReadBlobRow(query));
  return std::optional<BlobRecord>(std::move(blob));
}

Result<BlobRecord> SqliteCatalog::RequireBlob(const std::string& blob_id) {
  ASSIGN_OR_RETURN(std::optional<BlobRecord> blob, FindBlob(blob_id));
  if (!blob) return Status::NotFound("blob " + blob_id + " not found");
  return std::move(*blob);
}

Result<SqliteCatalog::BlobStatus> SqliteCatalog::RequireBlobStatus(const std::string& blob_id) {
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT kind, state FROM blobs WHERE blob_id = ?1"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, blob_id).Step());
  if (!found) return Status::NotFound("blob " + blob_id + " not found");
  std::optional<BlobKind> kind = ParseBlobKind(query.Text(0));
  std::optional<BlobState> state = ParseBlobState(query.Text(1));
  if (!kind || !state) {
    return Status::Corruption("catalog " + db_->path() + ": blob " + blob_id + ": unknown kind '" +
                              query.Text(0) + "' or state '" + query.Text(1) + "'");
  }
  return BlobStatus{*kind, *state};
}

Status SqliteCatalog::SetBlobState(const std::string& blob_id, BlobState state) {
  {
    ASSIGN_OR_RETURN(SqliteStatement update, db_->Prepare("UPDATE blobs SET state = ?2 WHERE blob_id = ?1"));
    RETURN_IF_ERROR(update.Bind(1, blob_id).Bind(2, BlobStateWord(state)).Run());
  }
  if (state != BlobState::kDeleting) return Status::OK();
  // The copies of a blob nobody reads any more go with it.
  std::vector<std::string> replicas;
  {
    ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT replica_id FROM replicas WHERE blob_id = ?1"));
    query.Bind(1, blob_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, query.Step());
      if (!row) break;
      replicas.push_back(query.Text(0));
    }
  }
  if (replicas.empty()) return Status::OK();
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM replicas WHERE blob_id = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, blob_id).Run());
  }
  for (const std::string& replica : replicas) RETURN_IF_ERROR(SetBlobState(replica, BlobState::kDeleting));
  return Status::OK();
}

Status SqliteCatalog::AddLiveBytes(const std::string& blob_id, int64_t delta) {
  ASSIGN_OR_RETURN(SqliteStatement update,
                   db_->Prepare("UPDATE blobs SET live_bytes = MAX(live_bytes + ?2, 0) WHERE blob_id = ?1"));
  return update.Bind(1, blob_id).Bind(2, delta).Run();
}

Result<bool> SqliteCatalog::IsReferenced(const std::string& blob_id) {
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE blob_id = ?1)"
                                " OR EXISTS (SELECT 1 FROM object_parts WHERE blob_id = ?1)"
                                " OR EXISTS (SELECT 1 FROM upload_parts WHERE blob_id = ?1)"
                                " OR EXISTS (SELECT 1 FROM replicas WHERE replica_id = ?1)"));
  ASSIGN_OR_RETURN(bool row, query.Bind(1, blob_id).Step());
  return row && query.Int(0) != 0;
}

Result<std::optional<ObjectRecord>> SqliteCatalog::FindObject(const std::string& bucket,
                                                              const std::string& key) {
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT " STRATA_OBJECT_COLUMNS
                                                       " FROM objects WHERE bucket = ?1 AND key = ?2"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, bucket).Bind(2, key).Step());
  if (!found) return std::optional<ObjectRecord>();
  ASSIGN_OR_RETURN(ObjectRecord object, ReadObject(query));
  return std::optional<ObjectRecord>(std::move(object));
}

Result<ObjectRecord> SqliteCatalog::ReadObject(const SqliteStatement& row) {
  ASSIGN_OR_RETURN(ObjectRecord object, ReadObjectRow(row));
  const int64_t part_count = ObjectRowPartCount(row);
  if (part_count == 0) return object;
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_OBJECT_PART_COLUMNS " FROM object_parts"
                                " WHERE bucket = ?1 AND key = ?2 ORDER BY part_number"));
  query.Bind(1, object.bucket).Bind(2, object.key);
  ASSIGN_OR_RETURN(object.parts, ReadRows<ObjectPart>(query, ReadObjectPartRow));
  if (static_cast<int64_t>(object.parts.size()) != part_count) {
    return Status::Corruption("catalog " + db_->path() + ": object " + object.bucket + "/" + object.key + " has " +
                              std::to_string(object.parts.size()) + " part rows, its record says " +
                              std::to_string(part_count));
  }
  return object;
}

}  // namespace strata
