// Helpers shared by the catalog's tests: record builders and assertions on
// Status and Result values.
#pragma once

#include <gtest/gtest.h>

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

}  // namespace strata::testing
