// Conversions between catalog records and rows of the SQLite schema (see
// sqlite_schema.cc): the column lists the SELECTs use, the words stored for
// enumerations, and the JSON text of placements, user metadata, checksums
// and system headers. Decoding failures are Corruption naming the blob,
// object or upload.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/sqlite_db.h"
#include "strata/catalog/types.h"

// Column lists, in the order the Read*Row functions expect. Macros so that
// they join SQL string literals at compile time.
#define STRATA_BUCKET_COLUMNS "name, created_ms, owner, public_read"
// part_count is last: ReadObjectRow leaves the parts to the caller.
#define STRATA_OBJECT_COLUMNS                                                               \
  "bucket, key, version_id, blob_id, blob_offset, size, etag, content_type, user_metadata," \
  " created_ms, modified_ms, checksums, headers, part_count"
#define STRATA_OBJECT_PART_COLUMNS "bucket, key, part_number, blob_id, size, etag, checksums"
#define STRATA_UPLOAD_COLUMNS                                                                   \
  "upload_id, bucket, key, owner, content_type, user_metadata, checksum_algorithm, created_ms," \
  " headers"
#define STRATA_UPLOAD_PART_COLUMNS "upload_id, part_number, blob_id, size, etag, checksums, modified_ms"
#define STRATA_BLOB_COLUMNS                                                                   \
  "blob_id, kind, state, size, unit_size, level1_k, level1_m, level2_k, level2_m, placement," \
  " live_bytes, created_ms, tier"
#define STRATA_DRIVE_COLUMNS \
  "drive_id, node_id, name, path, state, last_error, capacity_bytes, available_bytes, updated_ms, tier"
#define STRATA_DATASET_COLUMNS "name, bucket, prefix, created_ms, staged_tier, staged_until_ms"

namespace strata {

std::string_view BlobKindWord(BlobKind kind);
std::string_view BlobStateWord(BlobState state);
std::optional<BlobKind> ParseBlobKind(std::string_view word);
std::optional<BlobState> ParseBlobState(std::string_view word);

Result<std::string> EncodePlacement(const std::string& blob_id, const Placement& placement);
// A map of strings (user metadata, checksums, headers) as a JSON object.
// `owner` names the record for the error: "object b/k", "upload 0f3a...".
// Strings that are not UTF-8 are InvalidArgument.
Result<std::string> EncodeStringMap(const std::string& owner, const std::map<std::string, std::string>& fields);

// Bind a record's columns as ?1..?N, in the order of its column list.
Status BindObjectColumns(SqliteStatement& statement, const ObjectRecord& object);
Status BindObjectPartColumns(SqliteStatement& statement, const ObjectRecord& object, const ObjectPart& part);
Status BindUploadColumns(SqliteStatement& statement, const MultipartUpload& upload);
Status BindUploadPartColumns(SqliteStatement& statement, const std::string& upload_id, const UploadPart& part);

// ReadObjectRow fills everything but `parts`; the row's part_count (column
// 13) says how many object_parts rows to read with ReadObjectPartRow.
Result<ObjectRecord> ReadObjectRow(const SqliteStatement& row);
int64_t ObjectRowPartCount(const SqliteStatement& row);
Result<ObjectPart> ReadObjectPartRow(const SqliteStatement& row);
Result<BucketRecord> ReadBucketRow(const SqliteStatement& row);
Result<BlobRecord> ReadBlobRow(const SqliteStatement& row);
Result<DriveRecord> ReadDriveRow(const SqliteStatement& row);
Result<MultipartUpload> ReadUploadRow(const SqliteStatement& row);
Result<UploadPart> ReadUploadPartRow(const SqliteStatement& row);

// Steps through every remaining row of `query`, reading each with `read`
// (a function of the statement returning Result<T>).
template <typename T, typename ReadFn>
Result<std::vector<T>> ReadRows(SqliteStatement& query, ReadFn read) {
  std::vector<T> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) return rows;
    ASSIGN_OR_RETURN(T value, read(query));
    rows.push_back(std::move(value));
  }
}

}  // namespace strata
