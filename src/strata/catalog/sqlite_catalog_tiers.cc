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

Result<std::vector<TierUsage>> SqliteCatalog::TierUsageUnder(const std::string& bucket, const std::string& prefix) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireBucket(bucket));
  const std::optional<std::string> end = PrefixSuccessor(prefix);
  const std::string columns =
      "SELECT b.tier, COUNT(*), SUM(o.size), MAX(o.modified_ms) FROM objects o"
      " JOIN blobs b ON b.blob_id = o.blob_id WHERE o.bucket = ?1 AND o.key >= ?2";
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare(columns + (end ? " AND o.key < ?3" : "") +
                                                       " GROUP BY b.tier ORDER BY b.tier"));
  query.Bind(1, bucket).Bind(2, prefix);
  if (end) query.Bind(3, *end);
  std::vector<TierUsage> usage;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    usage.push_back(TierUsage{query.Text(0), query.Uint(1), query.Uint(2), query.Int(3)});
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
