#include "strata/catalog/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace strata {
namespace {

constexpr int kBusyTimeoutMs = 5000;

StatusCode CodeForSqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kBusy;
    case SQLITE_FULL:
      return StatusCode::kNoSpace;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    case SQLITE_CONSTRAINT:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kIOError;
  }
}

// The start of a statement's text, enough to recognise it in a message.
std::string Abbreviate(std::string_view sql) {
  constexpr size_t kMax = 60;
  std::string out;
  for (char c : sql) {
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

}  // namespace

// ---- SqliteDb ----

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Status(CodeForSqlite(rc), "catalog " + path + ": open: " + detail);
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);

  // journal_mode answers with the mode in force; anything but "wal" means the
  // file cannot be shared safely with readers, so refuse it.
  {
    ASSIGN_OR_RETURN(SqliteStatement wal, db->Prepare("PRAGMA journal_mode=WAL"));
    ASSIGN_OR_RETURN(bool has_row, wal.Step());
    std::string mode = has_row ? wal.Text(0) : "";
    if (mode != "wal") {
      return Status::IOError("catalog " + path + ": cannot use WAL journal (mode is '" + mode + "')");
    }
  }
  // Acknowledged commits must survive power loss: sync the WAL on every commit.
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

Status SqliteDb::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::OK();
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status(CodeForSqlite(rc), "catalog " + path_ + ": " + Abbreviate(sql) + ": " + detail);
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return SqliteStatement(this, it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const bool cache = it == statements_.end();
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare " + Abbreviate(sql));
  if (!cache) return SqliteStatement(this, stmt, nullptr);  // the cached one is busy
  CachedStatement& slot = statements_[std::string(sql)];
  slot.stmt = stmt;
  slot.in_use = true;
  return SqliteStatement(this, stmt, &slot.in_use);
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

bool SqliteDb::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status SqliteDb::Error(int rc, std::string_view what) const {
  // The connection's message is the precise one when it belongs to `rc`.
  std::string detail = (sqlite3_extended_errcode(db_) == rc) ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  return Status(CodeForSqlite(rc), "catalog " + path_ + ": " + std::string(what) + ": " + detail);
}

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteDb* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), in_use_(other.in_use_), bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

void SqliteStatement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ =
        db_->Error(rc, "bind parameter " + std::to_string(index) + " of " + Abbreviate(sqlite3_sql(stmt_)));
  }
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, uint64_t value) {
  return Bind(index, static_cast<int64_t>(value));
}

SqliteStatement& SqliteStatement::Bind(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, Abbreviate(sqlite3_sql(stmt_)));
}

Status SqliteStatement::Run() {
  ASSIGN_OR_RETURN(bool has_row, Step());
  if (has_row) {
    return Status::InvalidArgument("catalog " + db_->path() + ": " + Abbreviate(sqlite3_sql(stmt_)) +
                                   ": returned rows where none were expected");
  }
  return Status::OK();
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

uint64_t SqliteStatement::Uint(int column) const { return static_cast<uint64_t>(Int(column)); }

std::string SqliteStatement::Text(int column) const {
  // Read the pointer before the length, as SQLite's documentation requires.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

// ---- SqliteTransaction ----

Result<SqliteTransaction> SqliteTransaction::Begin(SqliteDb& db, Mode mode) {
  RETURN_IF_ERROR(db.Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  return SqliteTransaction(&db);
}

SqliteTransaction::~SqliteTransaction() {
  if (db_ != nullptr && db_->InTransaction()) {
    // Nothing more can be done if the rollback itself fails: SQLite then
    // rolls back when the connection closes, and the caller already has the
    // error that stopped the transaction.
    (void)db_->Exec("ROLLBACK");
  }
}

Status SqliteTransaction::Commit() {
  Status status = db_->Exec("COMMIT");
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace strata
