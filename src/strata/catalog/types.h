// Records kept in the catalog: buckets, objects (one blob, a slice of a pack,
// or the part blobs of a multipart object), blobs (erasure-coded byte
// sequences on drives), multipart uploads in progress and their parts, nodes,
// drives and pending repairs. Plain values; no behaviour.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "strata/base/config.h"

namespace strata {

// How a blob is coded: level 1 across nodes, level 2 across each node's drives.
struct Layout {
  uint32_t unit_size = 1u << 20;
  CodeSpec level1{1, 0};
  CodeSpec level2{4, 2};
  bool operator==(const Layout&) const = default;
};

// Where a blob's blocks are: for each level-1 position a node, and for each of
// that node's level-2 positions a drive. Empty drive id: no block was written
// there (the drive failed during the write); repair fills it in.
struct NodePlacement {
  std::string node_id;
  std::vector<std::string> drive_ids;  // size level2.width()
  bool operator==(const NodePlacement&) const = default;
};
struct Placement {
  std::vector<NodePlacement> nodes;  // size level1.width()
  bool operator==(const Placement&) const = default;
};

enum class BlobKind { kObject, kPack };
enum class BlobState {
  kPending,    // blocks may be partly written; invisible; removed on recovery
  kCommitted,  // durable and referenced
  kDeleting,   // unreferenced; blocks are being removed
};

struct BlobRecord {
  std::string blob_id;
  BlobKind kind = BlobKind::kObject;
  BlobState state = BlobState::kPending;
  uint64_t size = 0;
  Layout layout;
  Placement placement;
  uint64_t live_bytes = 0;  // for packs: bytes still referenced by objects
  int64_t created_ms = 0;
  // The tier whose drives hold the blocks. Stores made before tiers have ""
  // until opened, when the store's first tier adopts them (AdoptUntiered).
  std::string tier;
};

// What a finished writer knows of its pending blob: the final size (a
// streamed upload learns it only at the end) and where the blocks landed.
struct BlobCompletion {
  uint64_t size = 0;
  Placement placement;
};

struct BucketRecord {
  std::string name;
  int64_t created_ms = 0;
  std::string owner;         // user name; "" for buckets made by the CLI (the admin's)
  bool public_read = false;  // anyone may read its objects (the S3 public-read ACL)
};

// One part of a multipart object. The parts of an object are kept in
// ascending part_number order, which is the order of its bytes; each part is
// a blob of its own, read from offset 0.
struct ObjectPart {
  int part_number = 0;
  std::string blob_id;
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the part
  std::map<std::string, std::string> checksums;
  bool operator==(const ObjectPart&) const = default;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  std::string version_id;
  std::string blob_id;
  uint64_t blob_offset = 0;  // non-zero only inside packs
  uint64_t size = 0;
  std::string etag;  // as S3 computes it: hex MD5, or "<hex>-<parts>" for multipart objects
  std::string content_type;
  std::map<std::string, std::string> user_metadata;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  // Algorithm as S3 spells it ("CRC32", "CRC32C", "SHA1", "SHA256") -> base64
  // value; for multipart objects the composite "<base64>-<parts>".
  std::map<std::string, std::string> checksums;
  // System headers S3 keeps with an object (cache-control,
  // content-disposition, content-encoding, content-language, expires):
  // lower-case header name -> value.
  std::map<std::string, std::string> headers;
  // Empty for objects stored whole. For a multipart object, every part in
  // order; blob_id then names the first part's blob and blob_offset is 0.
  std::vector<ObjectPart> parts;
};

// A multipart upload in progress: created, then parts are uploaded (each to a
// blob of its own), then completed into an object or aborted. upload_id sorts
// by creation time (it starts with the creation time in hex).
struct MultipartUpload {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::string owner;
  std::string content_type;
  std::map<std::string, std::string> user_metadata;
  std::map<std::string, std::string> headers;  // as in ObjectRecord; given to the object at completion
  std::string checksum_algorithm;  // "" or "CRC32", ... as requested at create
  int64_t created_ms = 0;
};

// A part uploaded to a multipart upload; a later upload of the same number
// replaces it.
struct UploadPart {
  int part_number = 0;
  std::string blob_id;
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the part
  std::map<std::string, std::string> checksums;
  int64_t modified_ms = 0;
};

struct NodeRecord {
  std::string node_id;
  std::string name;
  std::string address = "local";  // "local": in this process
};

enum class DriveState { kUp, kDown, kRemoved };
std::string_view DriveStateName(DriveState state);

struct DriveRecord {
  std::string drive_id;
  std::string node_id;
  std::string name;  // short name for people: "d3"
  std::string path;
  DriveState state = DriveState::kUp;
  std::string last_error;
  uint64_t capacity_bytes = 0;
  uint64_t available_bytes = 0;
  int64_t updated_ms = 0;
  std::string tier;  // the pool it belongs to ("" before AdoptUntiered, as for blobs)
};

// A block that must be rebuilt: missing or corrupt at (level1, level2) of a
// blob. level2_position kWholeFragment: the node cannot serve its fragment at
// all, and it must be rebuilt from the other nodes.
inline constexpr int kWholeFragment = -1;
struct RepairRecord {
  std::string blob_id;
  int level1_position = 0;
  int level2_position = 0;
  std::string reason;
  int64_t recorded_ms = 0;
};

// Objects of one tier under a prefix (Catalog::TierUsageUnder).
struct TierUsage {
  std::string tier;
  uint64_t objects = 0;
  uint64_t bytes = 0;
  int64_t last_modified_ms = 0;
  // Copies of the objects' first blobs: 1 + its replicas, least and most,
  // over the objects with blobs of their own (packs are not replicated);
  // 0 when there are none.
  int min_copies = 0;
  int max_copies = 0;
};

struct ListOptions {
  std::string prefix;
  std::string delimiter;
  std::string start_after;  // exclusive; keys and common prefixes after this
  int max_keys = 1000;
};

struct ListPage {
  std::vector<ObjectRecord> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_start_after;  // pass as start_after to continue
};

// Listing of multipart uploads, in S3's order: by key, then by upload id
// (creation time). upload_id_marker continues within key_marker's uploads;
// without it, listing starts after every upload of key_marker.
struct UploadListOptions {
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
};

// Uploads and common prefixes together count towards max_uploads. When a
// page ends with a common prefix, next_key_marker is that prefix and
// next_upload_id_marker is empty.
struct UploadListing {
  std::vector<MultipartUpload> uploads;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker, next_upload_id_marker;
};

struct UploadPartPage {
  std::vector<UploadPart> parts;  // ascending part numbers
  bool truncated = false;
};

// A dataset: a named prefix of one bucket ("" is the whole bucket). An
// object belongs to the dataset with the longest prefix of its key.
struct DatasetRecord {
  std::string name;
  std::string bucket;
  std::string prefix;
  int64_t created_ms = 0;
  // Staged for an analysis campaign (strata stage): kept on staged_tier
  // until staged_until_ms (0: until unstaged), whatever the policies say.
  std::string staged_tier;
  int64_t staged_until_ms = 0;
  bool operator==(const DatasetRecord&) const = default;
};

// Accesses of a dataset on one UTC day (days since the Unix epoch): object
// reads, and queries that scanned its tables.
struct DatasetAccess {
  std::string dataset;
  int64_t day = 0;
  uint64_t reads = 0;
  uint64_t queries = 0;
  bool operator==(const DatasetAccess&) const = default;
};

struct CatalogStats {
  uint64_t buckets = 0;
  uint64_t objects = 0;
  uint64_t object_bytes = 0;
  uint64_t blobs = 0;
  uint64_t packs = 0;
  uint64_t pack_bytes = 0;
  uint64_t pack_live_bytes = 0;
  uint64_t pending_repairs = 0;
};

}  // namespace strata
