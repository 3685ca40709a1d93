#include "strata/catalog/sqlite_schema.h"

#include <string>
#include <vector>

namespace strata {
namespace {

struct Migration {
  int version;              // user_version once applied
  const char* description;  // for error messages
  const char* sql;          // one or more statements
};

// Version 1, the first schema.
//
// Enumerations are stored as lower-case words ('pending', 'pack', 'up') so
// that the file reads well in the sqlite3 shell. Sizes and times are
// INTEGER (uint64 values are stored as their int64 bits; real sizes stay far
// below 2^63). Object keys are TEXT compared bytewise (COLLATE BINARY is
// memcmp), which is the order S3 lists keys in.
//
// blobs: the layout is in columns (unit_size, level1_k/m, level2_k/m); the
// placement is JSON text, an array with one entry per level-1 position:
//   [{"node": "<node id>", "drives": ["<drive id>", "", ...]}, ...]
// where "" marks a level-2 position that has no block yet.
// live_bytes counts the bytes of a pack still referenced by objects.
//
// objects: one row per current version; user_metadata is a JSON object of
// strings. objects_by_blob finds the objects of a pack and answers "is this
// blob still referenced".
//
// drives.node_id is not a foreign key: a drive may be registered before its
// node record, and a removed node's drives stay listed for the operator.
const char kSchemaV1[] = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE buckets (
  name       TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE nodes (
  node_id TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  address TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE drives (
  drive_id        TEXT PRIMARY KEY,
  node_id         TEXT NOT NULL,
  name            TEXT NOT NULL,
  path            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('up', 'down', 'removed')),
  last_error      TEXT NOT NULL,
  capacity_bytes  INTEGER NOT NULL,
  available_bytes INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blobs (
  blob_id    TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('object', 'pack')),
  state      TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'deleting')),
  size       INTEGER NOT NULL,
  unit_size  INTEGER NOT NULL,
  level1_k   INTEGER NOT NULL,
  level1_m   INTEGER NOT NULL,
  level2_k   INTEGER NOT NULL,
  level2_m   INTEGER NOT NULL,
  placement  TEXT NOT NULL,
  live_bytes INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX blobs_by_state ON blobs (state, kind);

CREATE TABLE objects (
  bucket        TEXT NOT NULL REFERENCES buckets (name),
  key           TEXT NOT NULL COLLATE BINARY,
  version_id    TEXT NOT NULL,
  blob_id       TEXT NOT NULL REFERENCES blobs (blob_id),
  blob_offset   INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  user_metadata TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  modified_ms   INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX objects_by_blob ON objects (blob_id);

CREATE TABLE repairs (
  blob_id         TEXT NOT NULL REFERENCES blobs (blob_id) ON DELETE CASCADE,
  level1_position INTEGER NOT NULL,
  level2_position INTEGER NOT NULL,
  reason          TEXT NOT NULL,
  recorded_ms     INTEGER NOT NULL,
  PRIMARY KEY (blob_id, level1_position, level2_position)
) WITHOUT ROWID;
)sql";

// Append new migrations; never edit one that has shipped.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "create the catalog tables", kSchemaV1},
  };
  return migrations;
}

Status RefuseNewer(SqliteDb& db, int version) {
  if (version <= LatestSchemaVersion()) return Status::OK();
  return Status::FailedPrecondition("catalog " + db.path() + " has schema version " +
                                    std::to_string(version) + ", newer than this Strata knows (" +
                                    std::to_string(LatestSchemaVersion()) + "); upgrade Strata");
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> ReadSchemaVersion(SqliteDb& db) {
  ASSIGN_OR_RETURN(SqliteStatement query, db.Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool has_row, query.Step());
  if (!has_row) return Status::IOError("catalog " + db.path() + ": PRAGMA user_version returned nothing");
  return static_cast<int>(query.Int(0));
}

Status MigrateSchema(SqliteDb& db) {
  ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  RETURN_IF_ERROR(RefuseNewer(db, version));
  if (version == LatestSchemaVersion()) return Status::OK();

  for (const Migration& migration : Migrations()) {
    // Read the version again inside the write transaction: another process
    // may have migrated the same file meanwhile.
    ASSIGN_OR_RETURN(SqliteTransaction txn, SqliteTransaction::Begin(db, SqliteTransaction::Mode::kWrite));
    ASSIGN_OR_RETURN(version, ReadSchemaVersion(db));
    RETURN_IF_ERROR(RefuseNewer(db, version));
    if (version >= migration.version) continue;
    if (version != migration.version - 1) {
      return Status::Corruption("catalog " + db.path() + ": schema version " + std::to_string(version) +
                                " is not followed by migration " + std::to_string(migration.version));
    }
    Status applied = db.Exec(migration.sql);
    if (!applied.ok()) {
      return applied.WithContext("schema migration " + std::to_string(migration.version) + " (" +
                                 migration.description + ")");
    }
    // PRAGMA takes no parameters; the value is our own constant.
    RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(migration.version)));
    RETURN_IF_ERROR(txn.Commit());
  }
  return Status::OK();
}

}  // namespace strata
