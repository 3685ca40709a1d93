// Conversions between catalog records and rows of the SQLite schema (see
// sqlite_schema.cc): the column lists the SELECTs use, the words stored for
// enumerations, and the JSON text of placements and user metadata.
// Decoding failures are Corruption naming the blob or object.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "strata/base/status.h"
#include "strata/catalog/sqlite_db.h"
#include "strata/catalog/types.h"

// Column lists, in the order the Read*Row functions expect. Macros so that
// they join SQL string literals at compile time.
#define STRATA_OBJECT_COLUMNS                                                               \
  "bucket, key, version_id, blob_id, blob_offset, size, etag, content_type, user_metadata," \
  " created_ms, modified_ms"
#define STRATA_BLOB_COLUMNS                                                                   \
  "blob_id, kind, state, size, unit_size, level1_k, level1_m, level2_k, level2_m, placement," \
  " live_bytes, created_ms"
#define STRATA_DRIVE_COLUMNS \
  "drive_id, node_id, name, path, state, last_error, capacity_bytes, available_bytes, updated_ms"

namespace strata {

std::string_view BlobKindWord(BlobKind kind);
std::string_view BlobStateWord(BlobState state);
std::optional<BlobKind> ParseBlobKind(std::string_view word);
std::optional<BlobState> ParseBlobState(std::string_view word);

Result<std::string> EncodePlacement(const std::string& blob_id, const Placement& placement);
Result<std::string> EncodeUserMetadata(const ObjectRecord& object);

// Bind an object's columns as ?1..?11, in STRATA_OBJECT_COLUMNS order.
Status BindObjectColumns(SqliteStatement& statement, const ObjectRecord& object);

Result<ObjectRecord> ReadObjectRow(const SqliteStatement& row);
Result<BlobRecord> ReadBlobRow(const SqliteStatement& row);
Result<DriveRecord> ReadDriveRow(const SqliteStatement& row);

}  // namespace strata
