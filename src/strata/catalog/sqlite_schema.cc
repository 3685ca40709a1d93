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

// Version 2: bucket owner and ACL, object checksums, multipart objects and
// multipart uploads in progress.
//
// buckets.owner is a user name ("" for buckets made by the CLI, which the
// admin owns); public_read is 0 or 1 (the S3 public-read ACL).
//
// objects.checksums is a JSON object of algorithm ("CRC32", "CRC32C", "SHA1",
// "SHA256", as S3 spells them) to base64 value; '{}' when none was given.
// objects.part_count is the number of object_parts rows of the key: 0 for an
// object stored whole, so that reading or listing one costs no lookup there.
//
// object_parts: the parts of a current multipart object, in part_number order
// (the order of its bytes). Each part is a blob of its own, read from offset
// 0. The objects row of a multipart object names its first part's blob, so
// objects.blob_id stays a valid foreign key. The rows of a key are deleted
// before its objects row is replaced or deleted.
//
// uploads: multipart uploads in progress. upload_id starts with the creation
// time in hex, so (bucket, key, upload_id) is S3's listing order: by key,
// then by creation time. user_metadata is JSON as in objects.
//
// upload_parts: the parts uploaded so far; a new upload of the same number
// replaces the row. Their blobs are committed: a part survives restarts.
//
// A blob is referenced while an objects, object_parts or upload_parts row
// names it; the *_by_blob indexes answer "is this blob still referenced".
const char kSchemaV2[] = R"sql(
ALTER TABLE buckets ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE buckets ADD COLUMN public_read INTEGER NOT NULL DEFAULT 0 CHECK (public_read IN (0, 1));

ALTER TABLE objects ADD COLUMN checksums TEXT NOT NULL DEFAULT '{}';
ALTER TABLE objects ADD COLUMN part_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE object_parts (
  bucket      TEXT NOT NULL,
  key         TEXT NOT NULL COLLATE BINARY,
  part_number INTEGER NOT NULL,
  blob_id     TEXT NOT NULL REFERENCES blobs (blob_id),
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  checksums   TEXT NOT NULL,
  PRIMARY KEY (bucket, key, part_number),
  FOREIGN KEY (bucket, key) REFERENCES objects (bucket, key)
) WITHOUT ROWID;
CREATE INDEX object_parts_by_blob ON object_parts (blob_id);

CREATE TABLE uploads (
  upload_id          TEXT PRIMARY KEY,
  bucket             TEXT NOT NULL REFERENCES buckets (name),
  key                TEXT NOT NULL COLLATE BINARY,
  owner              TEXT NOT NULL,
  content_type       TEXT NOT NULL,
  user_metadata      TEXT NOT NULL,
  checksum_algorithm TEXT NOT NULL,
  created_ms         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX uploads_by_key ON uploads (bucket, key, upload_id);
CREATE INDEX uploads_by_age ON uploads (created_ms);

CREATE TABLE upload_parts (
  upload_id   TEXT NOT NULL REFERENCES uploads (upload_id),
  part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  blob_id     TEXT NOT NULL REFERENCES blobs (blob_id),
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  checksums   TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX upload_parts_by_blob ON upload_parts (blob_id);
)sql";

// Version 3: the system headers S3 keeps with an object.
//
// objects.headers and uploads.headers are JSON objects of lower-case header
// name ("cache-control", "content-disposition", "content-encoding",
// "content-language", "expires") to value, as the client gave them; '{}'
// when none was given. An upload's headers become its object's at
// completion, as its content_type and user_metadata do. The catalog does not
// check the names: the gateway decides which headers to keep.
const char kSchemaV3[] = R"sql(
ALTER TABLE objects ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE uploads ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';
)sql";

// Version 4: datasets and their access history.
//
// datasets: a dataset is a named prefix of one bucket (prefix '' is the whole
// bucket); an object belongs to the dataset with the longest prefix of its
// key. dataset_access: reads of the dataset's objects and queries over its
// tables, per UTC day (days since the Unix epoch); the weekly history the
// popularity engine learns from is rolled up from these rows. Removing a
// dataset removes its history.
const char kSchemaV4[] = R"sql(
CREATE TABLE datasets (
  name       TEXT PRIMARY KEY,
  bucket     TEXT NOT NULL REFERENCES buckets (name),
  prefix     TEXT NOT NULL COLLATE BINARY,
  created_ms INTEGER NOT NULL,
  UNIQUE (bucket, prefix)
) WITHOUT ROWID;

CREATE TABLE dataset_access (
  dataset TEXT NOT NULL REFERENCES datasets (name) ON DELETE CASCADE,
  day     INTEGER NOT NULL,
  reads   INTEGER NOT NULL CHECK (reads >= 0),
  queries INTEGER NOT NULL CHECK (queries >= 0),
  PRIMARY KEY (dataset, day)
) WITHOUT ROWID;
)sql";

// Version 5: tiers and staging.
//
// drives.tier and blobs.tier name the tier (strata.toml [[tiers]]) whose pool
// a drive belongs to and whose drives hold a blob; '' in stores made before
// tiers stands for the store's first tier. A tier move writes a new blob in
// the target tier and points the object at it in one transaction, so an
// object's tier is its blob's.
//
// datasets.staged_tier is '' unless the dataset is staged (strata stage):
// kept on that tier until staged_until_ms (0: until unstaged).
//
// replicas: extra full copies of a committed blob (replica_id, a blob of its
// own on other nodes). A replica row is a reference: the copy stays while
// the row does, and the row goes, its copy with it, when the blob it copies
// stops being committed.
const char kSchemaV5[] = R"sql(
CREATE TABLE replicas (
  blob_id    TEXT NOT NULL REFERENCES blobs (blob_id),
  replica_id TEXT NOT NULL REFERENCES blobs (blob_id),
  PRIMARY KEY (blob_id, replica_id)
) WITHOUT ROWID;
CREATE INDEX replicas_by_replica ON replicas (replica_id);
ALTER TABLE drives ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE blobs ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN staged_tier TEXT NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN staged_until_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// Append new migrations; never edit one that has shipped.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {1, "create the catalog tables", kSchemaV1},
      {2, "bucket owners, object checksums, multipart uploads", kSchemaV2},
      {3, "object and upload system headers", kSchemaV3},
      {4, "datasets and their daily access history", kSchemaV4},
      {5, "tiers of drives and blobs, dataset staging, replicas", kSchemaV5},
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

Status MigrateSchema(SqliteDb& db) { return MigrateSchema(db, LatestSchemaVersion()); }

Status MigrateSchema(SqliteDb& db, int target_version) {
  ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
  RETURN_IF_ERROR(RefuseNewer(db, version));
  if (version >= target_version) return Status::OK();

  for (const Migration& migration : Migrations()) {
    if (migration.version > target_version) break;
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
