// SqliteCatalog: committing, deleting, moving and listing objects.
//
// Reference rules. A blob is referred to by object rows (an object's blob,
// or a multipart object's first part), object_parts rows and upload_parts
// rows. A blob of kind kObject goes to kDeleting when the last row referring
// to it is replaced or deleted. A pack's live_bytes is the sum of the sizes of
// the object rows that refer to it; the pack goes to kDeleting when no row
// refers to it any more (which is when live_bytes reaches 0, unless it held
// empty objects).
#include <algorithm>
#include <optional>

#include "strata/base/clock.h"
#include "strata/catalog/key_range.h"
#include "strata/catalog/sqlite_catalog.h"
#include "strata/catalog/sqlite_records.h"

namespace strata {
namespace {

std::string ObjectName(const ObjectRecord& object) { return object.bucket + "/" + object.key; }

Status ValidateNames(const ObjectRecord& object) {
  if (object.bucket.empty() || object.key.empty()) {
    return Status::InvalidArgument("object '" + ObjectName(object) + "': bucket and key must not be empty");
  }
  return Status::OK();
}

// Objects of parts are made by CompleteUpload, which knows their blobs.
Status RequireWhole(const ObjectRecord& object) {
  if (object.parts.empty()) return Status::OK();
  return Status::InvalidArgument("object " + ObjectName(object) +
                                 " has parts; multipart objects are committed by completing their upload");
}

}  // namespace

Result<std::optional<ObjectRecord>> SqliteCatalog::CommitObject(const ObjectRecord& object,
                                                                 const std::optional<BlobCompletion>& completion) {
  RETURN_IF_ERROR(ValidateNames(object));
  RETURN_IF_ERROR(RequireWhole(object));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireBucket(object.bucket));
  if (completion) RETURN_IF_ERROR(FinishPendingLocked(object.blob_id, completion->size, completion->placement));
  ASSIGN_OR_RETURN(BlobKind kind, AcceptObjectsInto(object.blob_id, "object " + ObjectName(object)));
  ASSIGN_OR_RETURN(std::optional<ObjectRecord> replaced, ReplaceCurrent(object, kind));
  RETURN_IF_ERROR(txn.Commit());
  return replaced;
}

// Objects are committed in order, so a key that appears twice ends with its
// last record, and the earlier one is among the replaced versions returned.
// An empty list changes nothing: the pack stays pending.
Result<std::vector<ObjectRecord>> SqliteCatalog::CommitPack(const std::string& pack_blob_id,
                                                            const std::vector<ObjectRecord>& objects,
                                                            const std::optional<BlobCompletion>& completion) {
  for (const ObjectRecord& object : objects) {
    RETURN_IF_ERROR(ValidateNames(object));
    RETURN_IF_ERROR(RequireWhole(object));
    if (!object.blob_id.empty() && object.blob_id != pack_blob_id) {
      return Status::InvalidArgument("object " + ObjectName(object) + ": blob " + object.blob_id +
                                     " is not pack " + pack_blob_id);
    }
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(BlobStatus pack, RequireBlobStatus(pack_blob_id));
  if (pack.kind != BlobKind::kPack) return Status::InvalidArgument("blob " + pack_blob_id + " is not a pack");
  if (objects.empty()) return std::vector<ObjectRecord>();
  if (completion) RETURN_IF_ERROR(FinishPendingLocked(pack_blob_id, completion->size, completion->placement));
  ASSIGN_OR_RETURN(
      BlobKind kind,
      AcceptObjectsInto(pack_blob_id, "a pack of " + std::to_string(objects.size()) + " objects"));

  std::vector<ObjectRecord> replaced;
  std::string checked_bucket;
  for (const ObjectRecord& object : objects) {
    if (object.bucket != checked_bucket) {
      RETURN_IF_ERROR(RequireBucket(object.bucket));
      checked_bucket = object.bucket;
    }
    ObjectRecord packed = object;
    packed.blob_id = pack_blob_id;
    ASSIGN_OR_RETURN(std::optional<ObjectRecord> old, ReplaceCurrent(packed, kind));
    if (old) replaced.push_back(std::move(*old));
  }
  RETURN_IF_ERROR(txn.Commit());
  return replaced;
}

// A record in `moved` is applied only if its key still holds the same version
// in old_pack: a newer version or a delete since compaction read the pack wins.
// new_pack is committed when something moved into it; when nothing did (every
// object changed meanwhile), a pending new_pack goes straight to kDeleting so
// that its blocks are collected.
Status SqliteCatalog::RepointPackedObjects(const std::string& old_pack, const std::string& new_pack,
                                           const std::vector<ObjectRecord>& moved) {
  if (old_pack == new_pack) {
    return Status::InvalidArgument("pack " + old_pack + " cannot be repointed to itself");
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(BlobStatus from, RequireBlobStatus(old_pack));
  ASSIGN_OR_RETURN(BlobStatus to, RequireBlobStatus(new_pack));
  if (from.kind != BlobKind::kPack) return Status::InvalidArgument("blob " + old_pack + " is not a pack");
  if (to.kind != BlobKind::kPack) return Status::InvalidArgument("blob " + new_pack + " is not a pack");
  if (to.state == BlobState::kDeleting) {
    return Status::FailedPrecondition("pack " + new_pack + " is being deleted; objects cannot move into it");
  }

  for (const ObjectRecord& object : moved) {
    ASSIGN_OR_RETURN(std::optional<ObjectRecord> current, FindObject(object.bucket, object.key));
    if (!current || current->version_id != object.version_id || current->blob_id != old_pack) continue;
    {
      ASSIGN_OR_RETURN(SqliteStatement update,
                       db_->Prepare("UPDATE objects SET blob_id = ?3, blob_offset = ?4"
                                    " WHERE bucket = ?1 AND key = ?2"));
      RETURN_IF_ERROR(update.Bind(1, object.bucket)
                          .Bind(2, object.key)
                          .Bind(3, new_pack)
                          .Bind(4, object.blob_offset)
                          .Run());
    }
    const int64_t size = static_cast<int64_t>(current->size);
    RETURN_IF_ERROR(AddLiveBytes(new_pack, size));
    RETURN_IF_ERROR(AddLiveBytes(old_pack, -size));
  }

  ASSIGN_OR_RETURN(bool new_referenced, IsReferenced(new_pack));
  if (to.state == BlobState::kPending) {
    RETURN_IF_ERROR(SetBlobState(new_pack, new_referenced ? BlobState::kCommitted : BlobState::kDeleting));
  }
  ASSIGN_OR_RETURN(bool old_referenced, IsReferenced(old_pack));
  if (!old_referenced && from.state == BlobState::kCommitted) {
    RETURN_IF_ERROR(SetBlobState(old_pack, BlobState::kDeleting));
  }
  return txn.Commit();
}

Result<std::vector<ObjectRecord>> SqliteCatalog::ListObjectsInBlob(const std::string& blob_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireBlob(blob_id).status());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_OBJECT_COLUMNS " FROM objects WHERE blob_id = ?1"
                                " ORDER BY bucket, key"));
  query.Bind(1, blob_id);
  return ReadRows<ObjectRecord>(query, [this](const SqliteStatement& row) { return ReadObject(row); });
}

Result<ObjectRecord> SqliteCatalog::GetObject(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(std::optional<ObjectRecord> object, FindObject(bucket, key));
  if (object) return std::move(*object);
  RETURN_IF_ERROR(RequireBucket(bucket));
  return Status::NotFound("object " + bucket + "/" + key + " not found");
}

Result<ObjectRecord> SqliteCatalog::DeleteObject(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(std::optional<ObjectRecord> gone, FindObject(bucket, key));
  if (!gone) {
    RETURN_IF_ERROR(RequireBucket(bucket));
    return Status::NotFound("object " + bucket + "/" + key + " not found");
  }
  RETURN_IF_ERROR(DeleteObjectParts(bucket, key));
  {
    ASSIGN_OR_RETURN(SqliteStatement remove,
                     db_->Prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2"));
    RETURN_IF_ERROR(remove.Bind(1, bucket).Bind(2, key).Run());
  }
  RETURN_IF_ERROR(Release(*gone));
  RETURN_IF_ERROR(txn.Commit());
  return std::move(*gone);
}

// A page holds up to max_keys entries, keys and common prefixes together, in
// bytewise order. Keys are read in index order from a cursor `from`; when a
// key falls under a common prefix, the prefix is emitted once and the cursor
// jumps past the whole group in one step, so a listing costs one query per
// group and per page rather than one row per key in the group.
//
// Entries are the keys after start_after, with those under a common prefix
// rolled up into it; a common prefix equal to start_after is skipped, so that
// next_start_after (the last entry of the page) continues exactly after it.
// A start_after inside a group (after "a/" but before some "a/..." key)
// yields the group's prefix, as S3 does.
Result<ListPage> SqliteCatalog::ListObjects(const std::string& bucket, const ListOptions& options) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireBucket(bucket));
  ListPage page;
  if (options.max_keys <= 0) return page;

  const std::string& prefix = options.prefix;
  const std::string& delimiter = options.delimiter;
  const std::optional<std::string> end = PrefixSuccessor(prefix);  // exclusive upper bound
  std::string from = prefix;                                       // inclusive lower bound
  if (!options.start_after.empty()) from = std::max(from, KeyAfter(options.start_after));

  int entries = 0;
  std::string last_entry;
  bool more = true;  // keys may remain at or after `from`
  while (more && entries < options.max_keys) {
    const int64_t limit = options.max_keys - entries;
    ASSIGN_OR_RETURN(SqliteStatement query,
                     end ? db_->Prepare("SELECT " STRATA_OBJECT_COLUMNS " FROM objects"
                                        " WHERE bucket = ?1 AND key >= ?2 AND key < ?4 ORDER BY key LIMIT ?3")
                         : db_->Prepare("SELECT " STRATA_OBJECT_COLUMNS " FROM objects"
                                        " WHERE bucket = ?1 AND key >= ?2 ORDER BY key LIMIT ?3"));
    query.Bind(1, bucket).Bind(2, from).Bind(3, limit);
    if (end) query.Bind(4, *end);

    int64_t rows = 0;
    bool jumped = false;
    while (!jumped) {
      ASSIGN_OR_RETURN(bool row, query.Step());
      if (!row) break;
      ++rows;
      std::string key = query.Text(1);
      std::optional<std::string> group = CommonPrefixOf(key, prefix, delimiter);
      if (!group) {
        ASSIGN_OR_RETURN(ObjectRecord object, ReadObject(query));
        page.objects.push_back(std::move(object));
        ++entries;
        from = KeyAfter(key);
        last_entry = std::move(key);
        continue;
      }
      std::optional<std::string> after_group = PrefixSuccessor(*group);
      if (after_group) {
        from = std::move(*after_group);
      } else {
        more = false;  // the group runs to the end of the key space
      }
      if (*group != options.start_after) {
        page.common_prefixes.push_back(*group);
        ++entries;
        last_entry = std::move(*group);
      }
      jumped = true;
    }
    if (!jumped && rows < limit) more = false;
  }

  if (more) {
    ASSIGN_OR_RETURN(page.truncated, AnyKeyInRange(bucket, from, end));
  }
  if (page.truncated) page.next_start_after = last_entry;
  return page;
}

// ---- Helpers ----

Result<BlobKind> SqliteCatalog::AcceptObjectsInto(const std::string& blob_id, const std::string& what) {
  ASSIGN_OR_RETURN(BlobStatus blob, RequireBlobStatus(blob_id));
  if (blob.state == BlobState::kDeleting) {
    return Status::FailedPrecondition("blob " + blob_id + " is being deleted; " + what +
                                      " cannot be committed to it");
  }
  if (blob.state == BlobState::kPending) RETURN_IF_ERROR(SetBlobState(blob_id, BlobState::kCommitted));
  return blob.kind;
}

Result<std::optional<ObjectRecord>> SqliteCatalog::ReplaceCurrent(const ObjectRecord& object, BlobKind kind) {
  ASSIGN_OR_RETURN(std::optional<ObjectRecord> replaced, FindObject(object.bucket, object.key));
  ObjectRecord current = object;
  if (current.created_ms == 0) current.created_ms = NowMillis();
  if (current.modified_ms == 0) current.modified_ms = current.created_ms;
  // The replaced version's part rows go first: they refer to its objects row,
  // and Release must not count them as references.
  if (replaced && !replaced->parts.empty()) RETURN_IF_ERROR(DeleteObjectParts(object.bucket, object.key));
  {
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT OR REPLACE INTO objects (" STRATA_OBJECT_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
    RETURN_IF_ERROR(BindObjectColumns(upsert, current));
    RETURN_IF_ERROR(upsert.Run());
  }
  for (const ObjectPart& part : current.parts) {
    ASSIGN_OR_RETURN(SqliteStatement insert, db_->Prepare("INSERT INTO object_parts (" STRATA_OBJECT_PART_COLUMNS
                                                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    RETURN_IF_ERROR(BindObjectPartColumns(insert, current, part));
    RETURN_IF_ERROR(insert.Run());
  }
  // Add before releasing: when the replaced version is in the same pack, the
  // pack's count never dips through zero.
  if (kind == BlobKind::kPack) {
    RETURN_IF_ERROR(AddLiveBytes(current.blob_id, static_cast<int64_t>(current.size)));
  }
  if (replaced) RETURN_IF_ERROR(Release(*replaced));
  return replaced;
}

Status SqliteCatalog::Release(const ObjectRecord& gone) {
  if (gone.parts.empty()) return ReleaseBlob(gone.blob_id, gone.size);
  // blob_id is the first part's blob: releasing the parts covers it.
  for (const ObjectPart& part : gone.parts) RETURN_IF_ERROR(ReleaseBlob(part.blob_id, part.size));
  return Status::OK();
}

Status SqliteCatalog::ReleaseBlob(const std::string& blob_id, uint64_t bytes) {
  ASSIGN_OR_RETURN(BlobStatus blob, RequireBlobStatus(blob_id));
  if (blob.kind == BlobKind::kPack) RETURN_IF_ERROR(AddLiveBytes(blob_id, -static_cast<int64_t>(bytes)));
  if (blob.state != BlobState::kCommitted) return Status::OK();
  ASSIGN_OR_RETURN(bool referenced, IsReferenced(blob_id));
  if (referenced) return Status::OK();
  return SetBlobState(blob_id, BlobState::kDeleting);
}

Status SqliteCatalog::DeleteObjectParts(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM object_parts WHERE bucket = ?1 AND key = ?2"));
  return remove.Bind(1, bucket).Bind(2, key).Run();
}

Result<bool> SqliteCatalog::AnyKeyInRange(const std::string& bucket, const std::string& from,
                                          const std::optional<std::string>& end) {
  ASSIGN_OR_RETURN(
      SqliteStatement query,
      end ? db_->Prepare("SELECT 1 FROM objects WHERE bucket = ?1 AND key >= ?2 AND key < ?3 LIMIT 1")
          : db_->Prepare("SELECT 1 FROM objects WHERE bucket = ?1 AND key >= ?2 LIMIT 1"));
  query.Bind(1, bucket).Bind(2, from);
  if (end) query.Bind(3, *end);
  return query.Step();
}

}  // namespace strata
