// Helpers shared by the catalog's tests: record builders, SQL run on the
// file directly (as another program would), and assertions on Status and
// Result values.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "strata/catalog/catalog.h"
#include "strata/testing/status_macros.h"

namespace strata::testing {

inline BlobRecord MakeBlob(const std::string& blob_id, BlobKind kind, uint64_t size) {
  BlobRecord blob;
  blob.blob_id = blob_id;
  blob.kind = kind;
  blob.size = size;
  blob.placement.nodes.push_back(NodePlacement{"node-1", {"d1", "d2", "d3", "d4", "d5", "d6"}});
  return blob;
}

inline ObjectRecord MakeObject(const std::string& bucket, const std::string& key, const std::string& version,
                               const std::string& blob_id, uint64_t size, uint64_t offset = 0) {
  ObjectRecord object;
  object.bucket = bucket;
  object.key = key;
  object.version_id = version;
  object.blob_id = blob_id;
  object.blob_offset = offset;
  object.size = size;
  object.etag = "etag-" + version;
  object.content_type = "application/octet-stream";
  return object;
}

inline UploadPart MakeUploadPart(int part_number, const std::string& blob_id, uint64_t size) {
  UploadPart part;
  part.part_number = part_number;
  part.blob_id = blob_id;
  part.size = size;
  part.etag = "etag-" + blob_id;
  return part;
}

// Runs SQL on the file directly.
inline void RunSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// The first column of the first row, as text ("" when there is none).
inline std::string QueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace strata::testing
