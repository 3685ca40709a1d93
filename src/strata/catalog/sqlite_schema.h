// The catalog's SQLite schema, as an ordered list of migrations. The version
// of a database is its PRAGMA user_version: the number of migrations applied.
// MigrateSchema brings a database up to date, one transaction per migration,
// and refuses a database written by a newer Strata. The tables are described
// in sqlite_schema.cc.
#pragma once

#include "strata/base/status.h"
#include "strata/catalog/sqlite_db.h"

namespace strata {

// The schema version this code writes.
int LatestSchemaVersion();

// Reads PRAGMA user_version.
Result<int> ReadSchemaVersion(SqliteDb& db);

// Applies the migrations `db` lacks. FailedPrecondition when the database is
// newer than LatestSchemaVersion().
Status MigrateSchema(SqliteDb& db);
// Applies the migrations up to `target_version` only: for tests that need a
// catalog as an older Strata left it.
Status MigrateSchema(SqliteDb& db, int target_version);

}  // namespace strata
