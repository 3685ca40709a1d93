// SqliteCatalog: tier moves, tier usage and dataset staging.
#include <set>

#include "strata/catalog/key_range.h"
#include "strata/catalog/sqlite_catalog.h"
#include "strata/catalog/sqlite_records.h"

namespace strata {

Result<std::vector<ObjectRecord>> SqliteCatalog::RelocateObjects(const std::vector<ObjectRecord>& moved) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  std::set<std::string> new_blobs;
  std::vector<ObjectRecord> relocated;
  for (const ObjectRecord& object : moved) {
    std::vector<std::string> blobs;
    if (object.parts.empty()) {
      blobs.push_back(object.blob_id);
    } else {
      for (const ObjectPart& part : object.parts) blobs.push_back(part.blob_id);
      if (object.blob_id != object.parts.front().blob_id) {
        return Status::InvalidArgument("object " + object.bucket + "/" + object.key +
                                       ": blob_id must name the first part's blob");
      }
    }
    new_blobs.insert(blobs.begin(), blobs.end());
    ASSIGN_OR_RETURN(std::optional<ObjectRecord> current, FindObject(object.bucket, object.key));
    if (!current || current->version_id != object.version_id) continue;  // rewritten or deleted meanwhile
    if (current->parts.size() != object.parts.size() || current->size != object.size) {
      return Status::InvalidArgument("object " + object.bucket + "/" + object.key +
                                     ": a move may change only where the bytes are");
    }
    BlobKind kind = BlobKind::kObject;
    for (const std::string& blob_id : blobs) {
      ASSIGN_OR_RETURN(kind, AcceptObjectsInto(blob_id, "object " + object.bucket + "/" + object.key));
    }
    ObjectRecord updated = *current;
    updated.blob_id = object.blob_id;
    updated.blob_offset = object.blob_offset;
    for (size_t i = 0; i < updated.parts.size(); ++i) updated.parts[i].blob_id = object.parts[i].blob_id;
    RETURN_IF_ERROR(ReplaceCurrent(updated, kind).status());
    relocated.push_back(std::move(updated));
  }
  // A new blob whose objects all changed meanwhile holds nothing anyone reads.
  for (const std::string& blob_id : new_blobs) {
    ASSIGN_OR_RETURN(BlobStatus blob, RequireBlobStatus(blob_id));
    if (blob.state == BlobState::kDeleting) continue;
    ASSIGN_OR_RETURN(bool referenced, IsReferenced(blob_id));
    if (!referenced) RETURN_IF_ERROR(SetBlobState(blob_id, BlobState::kDeleting));
  }
  RETURN_IF_ERROR(txn.Commit());
  return relocated;
}

Status SqliteCatalog::AdoptUntiered(const std::string& tier) {
  if (tier.empty()) return Status::InvalidArgument("the tier to adopt untiered drives and blobs has no name");
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  for (const char* sql : {"UPDATE drives SET tier = ?1 WHERE tier = ''", "UPDATE blobs SET tier = ?1 WHERE tier = ''"}) {
    ASSIGN_OR_RETURN(SqliteStatement update, db_->Prepare(sql));
    RETURN_IF_ERROR(update.Bind(1, tier).Run());
  }
  return txn.Commit();
}

Status SqliteCatalog::AddReplica(const std::string& blob_id, const std::string& replica_id,
                                 const BlobCompletion& completion) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(BlobStatus primary, RequireBlobStatus(blob_id));
  ASSIGN_OR_RETURN(BlobStatus replica, RequireBlobStatus(replica_id));
  if (replica.state != BlobState::kPending) {
    return Status::FailedPrecondition("replica " + replica_id + " is not pending");
  }
  RETURN_IF_ERROR(FinishPendingLocked(replica_id, completion.size, completion.placement));
  if (primary.state != BlobState::kCommitted) {
    RETURN_IF_ERROR(SetBlobState(replica_id, BlobState::kDeleting));
    RETURN_IF_ERROR(txn.Commit());
    return Status::FailedPrecondition("blob " + blob_id + " is no longer committed; its new replica is dropped");
  }
  {
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     db_->Prepare("INSERT INTO replicas (blob_id, replica_id) VALUES (?1, ?2)"));
    RETURN_IF_ERROR(insert.Bind(1, blob_id).Bind(2, replica_id).Run());
  }
  RETURN_IF_ERROR(SetBlobState(replica_id, BlobState::kCommitted));
  return txn.Commit();
}

Result<std::vector<BlobRecord>> SqliteCatalog::ListReplicas(const std::string& blob_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT replica_id FROM replicas WHERE blob_id = ?1 ORDER BY replica_id"));
  query.Bind(1, blob_id);
  std::vector<std::string> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    ids.push_back(query.Text(0));
  }
  std::vector<BlobRecord> replicas;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(BlobRecord blob, RequireBlob(id));
    replicas.push_back(std::move(blob));
  }
  return replicas;
}

Status SqliteCatalog::DropReplica(const std::string& blob_id, const std::string& replica_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement remove,
                     db_->Prepare("DELETE FROM replicas WHERE blob_id = ?1 AND replica_id = ?2"));
    RETURN_IF_ERROR(remove.Bind(1, blob_id).Bind(2, replica_id).Run());
    if (db_->Changes() == 0) return Status::NotFound("blob " + blob_id + " has no replica " + replica_id);
  }
  RETURN_IF_ERROR(SetBlobState(replica_id, BlobState::kDeleting));
  return txn.Commit();
}

Result<std::vector<TierUsage>> SqliteCatalog::TierUsageUnder(const std::string& bucket, const std::string& prefix,
                                                             const std::vector<std::string>& exclude) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireBucket(bucket));
  // Key ranges as parameters: ?1 bucket, then (from, end) pairs; an absent
  // end (a prefix of 0xff bytes) runs to the end of the key space.
  std::vector<std::string> params = {bucket};
  auto range = [&](const std::string& from) {
    params.push_back(from);
    std::string sql = "o.key >= ?" + std::to_string(params.size());
    if (std::optional<std::string> end = PrefixSuccessor(from)) {
      params.push_back(*end);
      sql += " AND o.key < ?" + std::to_string(params.size());
    }
    return sql;
  };
  std::string sql =
      "SELECT b.tier, COUNT(*), SUM(o.size), MAX(o.modified_ms),"
      " MIN(CASE WHEN b.kind = 'object' THEN 1 + (SELECT COUNT(*) FROM replicas r WHERE r.blob_id = o.blob_id) END),"
      " MAX(CASE WHEN b.kind = 'object' THEN 1 + (SELECT COUNT(*) FROM replicas r WHERE r.blob_id = o.blob_id) END)"
      " FROM objects o JOIN blobs b ON b.blob_id = o.blob_id WHERE o.bucket = ?1 AND " + range(prefix);
  for (const std::string& nested : exclude) sql += " AND NOT (" + range(nested) + ")";
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare(sql + " GROUP BY b.tier ORDER BY b.tier"));
  for (size_t i = 0; i < params.size(); ++i) query.Bind(static_cast<int>(i + 1), params[i]);
  std::vector<TierUsage> usage;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    usage.push_back(TierUsage{query.Text(0), query.Uint(1), query.Uint(2), query.Int(3),
                              static_cast<int>(query.Int(4)), static_cast<int>(query.Int(5))});
  }
  return usage;
}

Status SqliteCatalog::SetDatasetStaging(const std::string& name, const std::string& tier, int64_t until_ms) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement update,
                     db_->Prepare("UPDATE datasets SET staged_tier = ?2, staged_until_ms = ?3 WHERE name = ?1"));
    RETURN_IF_ERROR(update.Bind(1, name).Bind(2, tier).Bind(3, tier.empty() ? 0 : until_ms).Run());
    if (db_->Changes() == 0) return Status::NotFound("dataset '" + name + "' does not exist");
  }
  return txn.Commit();
}

}  // namespace strata
