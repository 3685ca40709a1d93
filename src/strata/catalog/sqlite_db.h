// SqliteDb is one SQLite connection with a cache of prepared statements;
// SqliteStatement and SqliteTransaction are the scoped handles used on it.
// Failures come back as Status values that name the database file and the
// statement. Not thread-safe: the owner serializes all calls on one SqliteDb.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "strata/base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace strata {

class SqliteDb;

// A prepared statement borrowed from SqliteDb's cache. Destroying it resets
// the statement and clears its parameters for the next user.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as "?1" in the SQL text. Text is copied.
  // A failed bind is reported by the next Step or Run.
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, uint64_t value);  // stored as its int64 bits
  SqliteStatement& Bind(int index, int value) { return Bind(index, int64_t{value}); }
  SqliteStatement& Bind(int index, double value);

  // Advances to the next row: true when there is one, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();

  // Columns of the current row, numbered from 0.
  int64_t Int(int column) const;
  uint64_t Uint(int column) const;
  std::string Text(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use);
  void NoteBind(int rc, int index);

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag; null when this handle owns stmt_
  Status bind_error_;
};

class SqliteDb {
 public:
  // Opens or creates the database file and sets the connection up for the
  // catalog: WAL journal, synchronous=FULL, foreign keys, 5 s busy timeout.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return path_; }

  // Runs SQL text without parameters: pragmas, schema steps, BEGIN/COMMIT.
  Status Exec(std::string_view sql);
  // The cached prepared statement for `sql`; a fresh one if that is in use.
  Result<SqliteStatement> Prepare(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // True while a transaction is open on the connection.
  bool InTransaction() const;

  // A Status for SQLite result code `rc`, naming this file and `what`.
  Status Error(int rc, std::string_view what) const;

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, CachedStatement> statements_;
};

// One transaction on a SqliteDb. kWrite takes the write lock at once (BEGIN
// IMMEDIATE) so that a transaction never fails half-way for want of it.
// Rolled back on destruction unless committed.
class SqliteTransaction {
 public:
  enum class Mode { kRead, kWrite };
  static Result<SqliteTransaction> Begin(SqliteDb& db, Mode mode);
  SqliteTransaction(SqliteTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  Status Commit();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
};

}  // namespace strata
