// Helpers shared by the catalog's tests: record builders and assertions on
// Status and Result values.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "strata/catalog/catalog.h"

#define ASSERT_OK(expr)                                       \
  do {                                                        \
    const ::strata::Status _st = (expr);                      \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.ToString(); \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto x, ResultExpr()).
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(STRATA_CONCAT(_test_result_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)                    \
  auto tmp = (expr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

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

}  // namespace strata::testing
