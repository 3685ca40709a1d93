// SqliteCatalog: multipart uploads in progress and their parts, and their
// completion into objects.
//
// A part's blob is committed when its part is (CommitUploadPart), so parts
// survive restarts; recovery removes only the pending blob of a part that was
// being written. An upload part is one more reference to its blob (see the
// reference rules in sqlite_catalog_objects.cc): replacing a part, aborting
// the upload, or leaving a part out of the completed object releases it.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "strata/base/clock.h"
#include "strata/catalog/key_range.h"
#include "strata/catalog/sqlite_catalog.h"
#include "strata/catalog/sqlite_records.h"

namespace strata {
namespace {

constexpr int kMaxPartNumber = 10000;

std::string PartName(const std::string& upload_id, int part_number) {
  return "part " + std::to_string(part_number) + " of upload " + upload_id;
}

}  // namespace

Status SqliteCatalog::CreateUpload(const MultipartUpload& upload) {
  if (upload.upload_id.empty() || upload.bucket.empty() || upload.key.empty()) {
    return Status::InvalidArgument("upload '" + upload.upload_id + "' of " + upload.bucket + "/" + upload.key +
                                   ": id, bucket and key must not be empty");
  }
  MultipartUpload stored = upload;
  if (stored.created_ms == 0) stored.created_ms = NowMillis();
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireBucket(upload.bucket));
  {
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     db_->Prepare("INSERT INTO uploads (" STRATA_UPLOAD_COLUMNS ")"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (upload_id) DO NOTHING"));
    RETURN_IF_ERROR(BindUploadColumns(insert, stored));
    RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 0) return Status::AlreadyExists("upload " + upload.upload_id + " already exists");
  }
  return txn.Commit();
}

Result<MultipartUpload> SqliteCatalog::GetUpload(const std::string& upload_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  return RequireUpload(upload_id);
}

// The walk follows ListObjects (sqlite_catalog_objects.cc), with a cursor of
// (key, upload_id) instead of a key, because one key may have many uploads:
// rows after (from_key, after_id) in index order, where an empty after_id
// takes every upload of from_key. A key under a common prefix yields the
// prefix once and the cursor jumps past the whole group. A common prefix equal
// to key_marker is skipped, so that next_key_marker continues after it.
Result<UploadListing> SqliteCatalog::ListUploads(const std::string& bucket, const UploadListOptions& options) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireBucket(bucket));
  UploadListing page;
  if (options.max_uploads <= 0) return page;

  const std::string& prefix = options.prefix;
  const std::optional<std::string> end = PrefixSuccessor(prefix);  // exclusive upper bound on keys
  std::string from_key, after_id;
  if (!options.upload_id_marker.empty()) {
    from_key = options.key_marker;
    after_id = options.upload_id_marker;
  } else if (!options.key_marker.empty()) {
    from_key = KeyAfter(options.key_marker);
  }
  if (from_key < prefix) {
    from_key = prefix;
    after_id.clear();
  }

  // Rows after the cursor, below `end`; a LIMIT when `limit` is set.
  auto rows_after = [&](std::optional<int64_t> limit) -> Result<SqliteStatement> {
    std::string sql = limit ? "SELECT " STRATA_UPLOAD_COLUMNS : "SELECT 1";
    sql += " FROM uploads WHERE bucket = ?1 AND (key, upload_id) > (?2, ?3)";
    if (end) sql += " AND key < ?4";
    sql += limit ? " ORDER BY key, upload_id LIMIT ?5" : " LIMIT 1";
    ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare(sql));
    query.Bind(1, bucket).Bind(2, from_key).Bind(3, after_id);
    if (end) query.Bind(4, *end);
    if (limit) query.Bind(5, *limit);
    return query;
  };

  int entries = 0;
  std::string last_key, last_id;  // the page's last entry; no id for a common prefix
  bool more = true;               // uploads may remain after the cursor
  while (more && entries < options.max_uploads) {
    const int64_t limit = options.max_uploads - entries;
    ASSIGN_OR_RETURN(SqliteStatement query, rows_after(limit));
    int64_t rows = 0;
    bool jumped = false;
    while (!jumped) {
      ASSIGN_OR_RETURN(bool row, query.Step());
      if (!row) break;
      ++rows;
      ASSIGN_OR_RETURN(MultipartUpload upload, ReadUploadRow(query));
      std::optional<std::string> group = CommonPrefixOf(upload.key, prefix, options.delimiter);
      if (!group) {
        from_key = last_key = upload.key;
        after_id = last_id = upload.upload_id;
        page.uploads.push_back(std::move(upload));
        ++entries;
        continue;
      }
      std::optional<std::string> after_group = PrefixSuccessor(*group);
      if (after_group) {
        from_key = std::move(*after_group);
        after_id.clear();
      } else {
        more = false;  // the group runs to the end of the key space
      }
      if (*group != options.key_marker) {
        page.common_prefixes.push_back(*group);
        ++entries;
        last_key = std::move(*group);
        last_id.clear();
      }
      jumped = true;
    }
    if (!jumped && rows < limit) more = false;
  }

  if (more) {
    ASSIGN_OR_RETURN(SqliteStatement any, rows_after(std::nullopt));
    ASSIGN_OR_RETURN(page.truncated, any.Step());
  }
  if (page.truncated) {
    page.next_key_marker = last_key;
    page.next_upload_id_marker = last_id;
  }
  return page;
}

Result<std::vector<MultipartUpload>> SqliteCatalog::ListUploadsCreatedBefore(int64_t cutoff_ms, int limit) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_UPLOAD_COLUMNS " FROM uploads WHERE created_ms < ?1"
                                " ORDER BY created_ms, upload_id LIMIT ?2"));
  query.Bind(1, cutoff_ms).Bind(2, limit);
  return ReadRows<MultipartUpload>(query, ReadUploadRow);
}

Result<std::optional<UploadPart>> SqliteCatalog::CommitUploadPart(const std::string& upload_id,
                                                                  const UploadPart& part,
                                                                  const BlobCompletion& completion) {
  if (part.part_number < 1 || part.part_number > kMaxPartNumber) {
    return Status::InvalidArgument(PartName(upload_id, part.part_number) + ": part numbers run from 1 to " +
                                   std::to_string(kMaxPartNumber));
  }
  UploadPart stored = part;
  if (stored.modified_ms == 0) stored.modified_ms = NowMillis();
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireUpload(upload_id).status());
  ASSIGN_OR_RETURN(BlobStatus blob, RequireBlobStatus(part.blob_id));
  if (blob.kind != BlobKind::kObject) {
    return Status::InvalidArgument(PartName(upload_id, part.part_number) + ": blob " + part.blob_id + " is a pack");
  }
  RETURN_IF_ERROR(FinishPendingLocked(part.blob_id, completion.size, completion.placement));
  RETURN_IF_ERROR(AcceptObjectsInto(part.blob_id, PartName(upload_id, part.part_number)).status());

  std::optional<UploadPart> replaced;
  {
    ASSIGN_OR_RETURN(SqliteStatement query,
                     db_->Prepare("SELECT " STRATA_UPLOAD_PART_COLUMNS " FROM upload_parts"
                                  " WHERE upload_id = ?1 AND part_number = ?2"));
    ASSIGN_OR_RETURN(bool found, query.Bind(1, upload_id).Bind(2, part.part_number).Step());
    if (found) {
      ASSIGN_OR_RETURN(replaced, ReadUploadPartRow(query));
    }
  }
  {
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT OR REPLACE INTO upload_parts (" STRATA_UPLOAD_PART_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    RETURN_IF_ERROR(BindUploadPartColumns(upsert, upload_id, stored));
    RETURN_IF_ERROR(upsert.Run());
  }
  if (replaced && replaced->blob_id != part.blob_id) RETURN_IF_ERROR(ReleaseBlob(replaced->blob_id, replaced->size));
  RETURN_IF_ERROR(txn.Commit());
  return replaced;
}

Result<UploadPartPage> SqliteCatalog::ListUploadParts(const std::string& upload_id, int after_part_number,
                                                      int max_parts) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  RETURN_IF_ERROR(RequireUpload(upload_id).status());
  UploadPartPage page;
  const int64_t limit = std::max(max_parts, 0);
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_UPLOAD_PART_COLUMNS " FROM upload_parts"
                                " WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number LIMIT ?3"));
  // One row more than asked for says whether the page is truncated.
  query.Bind(1, upload_id).Bind(2, after_part_number).Bind(3, limit + 1);
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    if (static_cast<int64_t>(page.parts.size()) == limit) {
      page.truncated = true;
      break;
    }
    ASSIGN_OR_RETURN(UploadPart part, ReadUploadPartRow(query));
    page.parts.push_back(std::move(part));
  }
  return page;
}

Result<std::optional<ObjectRecord>> SqliteCatalog::CompleteUpload(const std::string& upload_id,
                                                                  const ObjectRecord& object) {
  if (object.parts.empty()) {
    return Status::InvalidArgument("upload " + upload_id + ": an object needs at least one part");
  }
  ObjectRecord stored = object;
  stored.blob_id = object.parts.front().blob_id;
  stored.blob_offset = 0;

  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(MultipartUpload upload, RequireUpload(upload_id));
  if (upload.bucket != object.bucket || upload.key != object.key) {
    return Status::InvalidArgument("upload " + upload_id + " is for " + upload.bucket + "/" + upload.key + ", not " +
                                   object.bucket + "/" + object.key);
  }
  ASSIGN_OR_RETURN(std::vector<UploadPart> current, ReadUploadParts(upload_id));
  std::map<int, std::string> blob_of;
  for (const UploadPart& part : current) blob_of[part.part_number] = part.blob_id;
  for (const ObjectPart& part : object.parts) {
    auto it = blob_of.find(part.part_number);
    if (it == blob_of.end() || it->second != part.blob_id) {
      return Status::Busy(PartName(upload_id, part.part_number) +
                          " was replaced or removed after it was read; read the parts again");
    }
  }
  // The upload's rows go first, so that the parts left out are released as
  // unreferenced while the kept ones are referred to by the new object.
  RETURN_IF_ERROR(RemoveUpload(upload_id, object.parts));
  ASSIGN_OR_RETURN(std::optional<ObjectRecord> replaced, ReplaceCurrent(stored, BlobKind::kObject));
  RETURN_IF_ERROR(txn.Commit());
  return replaced;
}

Result<MultipartUpload> SqliteCatalog::AbortUpload(const std::string& upload_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  ASSIGN_OR_RETURN(MultipartUpload upload, RequireUpload(upload_id));
  RETURN_IF_ERROR(RemoveUpload(upload_id, {}));
  RETURN_IF_ERROR(txn.Commit());
  return upload;
}

// ---- Helpers ----

Result<std::optional<MultipartUpload>> SqliteCatalog::FindUpload(const std::string& upload_id) {
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_UPLOAD_COLUMNS " FROM uploads WHERE upload_id = ?1"));
  ASSIGN_OR_RETURN(bool found, query.Bind(1, upload_id).Step());
  if (!found) return std::optional<MultipartUpload>();
  ASSIGN_OR_RETURN(MultipartUpload upload, ReadUploadRow(query));
  return std::optional<MultipartUpload>(std::move(upload));
}

Result<MultipartUpload> SqliteCatalog::RequireUpload(const std::string& upload_id) {
  ASSIGN_OR_RETURN(std::optional<MultipartUpload> upload, FindUpload(upload_id));
  if (!upload) return Status::NotFound("upload " + upload_id + " not found");
  return std::move(*upload);
}

Result<std::vector<UploadPart>> SqliteCatalog::ReadUploadParts(const std::string& upload_id) {
  ASSIGN_OR_RETURN(SqliteStatement query, db_->Prepare("SELECT " STRATA_UPLOAD_PART_COLUMNS " FROM upload_parts"
                                                       " WHERE upload_id = ?1 ORDER BY part_number"));
  query.Bind(1, upload_id);
  return ReadRows<UploadPart>(query, ReadUploadPartRow);
}

Status SqliteCatalog::RemoveUpload(const std::string& upload_id, const std::vector<ObjectPart>& kept) {
  ASSIGN_OR_RETURN(std::vector<UploadPart> parts, ReadUploadParts(upload_id));
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM upload_parts WHERE upload_id = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, upload_id).Run());
  }
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM uploads WHERE upload_id = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, upload_id).Run());
  }
  std::set<std::string> kept_blobs;
  for (const ObjectPart& part : kept) kept_blobs.insert(part.blob_id);
  for (const UploadPart& part : parts) {
    if (!kept_blobs.count(part.blob_id)) RETURN_IF_ERROR(ReleaseBlob(part.blob_id, part.size));
  }
  return Status::OK();
}

}  // namespace strata
