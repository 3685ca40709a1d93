#include "strata/catalog/sqlite_records.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace strata {
namespace {

using Json = nlohmann::json;

std::optional<DriveState> ParseDriveState(std::string_view word) {
  for (DriveState state : {DriveState::kUp, DriveState::kDown, DriveState::kRemoved}) {
    if (word == DriveStateName(state)) return state;
  }
  return std::nullopt;
}

Result<Placement> DecodePlacement(const std::string& blob_id, const std::string& text) {
  Json nodes = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (nodes.is_discarded() || !nodes.is_array()) {
    return Status::Corruption("catalog: blob " + blob_id + ": placement is not a JSON array");
  }
  Placement placement;
  try {
    for (const Json& node : nodes) {
      NodePlacement entry;
      entry.node_id = node.at("node").get<std::string>();
      entry.drive_ids = node.at("drives").get<std::vector<std::string>>();
      placement.nodes.push_back(std::move(entry));
    }
  } catch (const Json::exception& e) {
    return Status::Corruption("catalog: blob " + blob_id + ": bad placement: " + e.what());
  }
  return placement;
}

// `owner` and `what` name the record and the column for the error:
// "object b/k", "user metadata".
Result<std::map<std::string, std::string>> DecodeStringMap(const std::string& owner, const char* what,
                                                           const std::string& text) {
  Json fields = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (fields.is_discarded() || !fields.is_object()) {
    return Status::Corruption("catalog: " + owner + ": " + what + " is not a JSON object");
  }
  try {
    return fields.get<std::map<std::string, std::string>>();
  } catch (const Json::exception& e) {
    return Status::Corruption("catalog: " + owner + ": bad " + what + ": " + e.what());
  }
}

std::string ObjectName(const std::string& bucket, const std::string& key) { return "object " + bucket + "/" + key; }

}  // namespace

std::optional<BlobKind> ParseBlobKind(std::string_view word) {
  if (word == "object") return BlobKind::kObject;
  if (word == "pack") return BlobKind::kPack;
  return std::nullopt;
}

std::optional<BlobState> ParseBlobState(std::string_view word) {
  if (word == "pending") return BlobState::kPending;
  if (word == "committed") return BlobState::kCommitted;
  if (word == "deleting") return BlobState::kDeleting;
  return std::nullopt;
}

std::string_view BlobKindWord(BlobKind kind) { return kind == BlobKind::kPack ? "pack" : "object"; }

std::string_view BlobStateWord(BlobState state) {
  switch (state) {
    case BlobState::kPending:
      return "pending";
    case BlobState::kCommitted:
      return "committed";
    case BlobState::kDeleting:
      return "deleting";
  }
  return "unknown";
}

Result<std::string> EncodePlacement(const std::string& blob_id, const Placement& placement) {
  Json nodes = Json::array();
  for (const NodePlacement& node : placement.nodes) {
    Json entry = Json::object();
    entry["node"] = node.node_id;
    entry["drives"] = node.drive_ids;
    nodes.push_back(std::move(entry));
  }
  try {
    return nodes.dump();
  } catch (const Json::exception& e) {  // ids that are not UTF-8
    return Status::InvalidArgument("blob " + blob_id + ": placement cannot be stored: " + e.what());
  }
}

Result<std::string> EncodeStringMap(const std::string& owner, const std::map<std::string, std::string>& fields) {
  try {
    return Json(fields).dump();
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(owner + ": metadata, checksums or headers are not valid UTF-8");
  }
}

Status BindObjectColumns(SqliteStatement& statement, const ObjectRecord& object) {
  const std::string owner = ObjectName(object.bucket, object.key);
  ASSIGN_OR_RETURN(std::string metadata, EncodeStringMap(owner, object.user_metadata));
  ASSIGN_OR_RETURN(std::string checksums, EncodeStringMap(owner, object.checksums));
  ASSIGN_OR_RETURN(std::string headers, EncodeStringMap(owner, object.headers));
  statement.Bind(1, object.bucket)
      .Bind(2, object.key)
      .Bind(3, object.version_id)
      .Bind(4, object.blob_id)
      .Bind(5, object.blob_offset)
      .Bind(6, object.size)
      .Bind(7, object.etag)
      .Bind(8, object.content_type)
      .Bind(9, metadata)
      .Bind(10, object.created_ms)
      .Bind(11, object.modified_ms)
      .Bind(12, checksums)
      .Bind(13, headers)
      .Bind(14, static_cast<int64_t>(object.parts.size()));
  return Status::OK();
}

Status BindObjectPartColumns(SqliteStatement& statement, const ObjectRecord& object, const ObjectPart& part) {
  ASSIGN_OR_RETURN(std::string checksums, EncodeStringMap(ObjectName(object.bucket, object.key), part.checksums));
  statement.Bind(1, object.bucket)
      .Bind(2, object.key)
      .Bind(3, part.part_number)
      .Bind(4, part.blob_id)
      .Bind(5, part.size)
      .Bind(6, part.etag)
      .Bind(7, checksums);
  return Status::OK();
}

Status BindUploadColumns(SqliteStatement& statement, const MultipartUpload& upload) {
  const std::string owner = "upload " + upload.upload_id;
  ASSIGN_OR_RETURN(std::string metadata, EncodeStringMap(owner, upload.user_metadata));
  ASSIGN_OR_RETURN(std::string headers, EncodeStringMap(owner, upload.headers));
  statement.Bind(1, upload.upload_id)
      .Bind(2, upload.bucket)
      .Bind(3, upload.key)
      .Bind(4, upload.owner)
      .Bind(5, upload.content_type)
      .Bind(6, metadata)
      .Bind(7, upload.checksum_algorithm)
      .Bind(8, upload.created_ms)
      .Bind(9, headers);
  return Status::OK();
}

Status BindUploadPartColumns(SqliteStatement& statement, const std::string& upload_id, const UploadPart& part) {
  ASSIGN_OR_RETURN(std::string checksums, EncodeStringMap("upload " + upload_id, part.checksums));
  statement.Bind(1, upload_id)
      .Bind(2, part.part_number)
      .Bind(3, part.blob_id)
      .Bind(4, part.size)
      .Bind(5, part.etag)
      .Bind(6, checksums)
      .Bind(7, part.modified_ms);
  return Status::OK();
}

Result<ObjectRecord> ReadObjectRow(const SqliteStatement& row) {
  ObjectRecord object;
  object.bucket = row.Text(0);
  object.key = row.Text(1);
  object.version_id = row.Text(2);
  object.blob_id = row.Text(3);
  object.blob_offset = row.Uint(4);
  object.size = row.Uint(5);
  object.etag = row.Text(6);
  object.content_type = row.Text(7);
  const std::string owner = ObjectName(object.bucket, object.key);
  ASSIGN_OR_RETURN(object.user_metadata, DecodeStringMap(owner, "user metadata", row.Text(8)));
  object.created_ms = row.Int(9);
  object.modified_ms = row.Int(10);
  ASSIGN_OR_RETURN(object.checksums, DecodeStringMap(owner, "checksums", row.Text(11)));
  ASSIGN_OR_RETURN(object.headers, DecodeStringMap(owner, "headers", row.Text(12)));
  return object;
}

int64_t ObjectRowPartCount(const SqliteStatement& row) { return row.Int(13); }

Result<ObjectPart> ReadObjectPartRow(const SqliteStatement& row) {
  ObjectPart part;
  part.part_number = static_cast<int>(row.Int(2));
  part.blob_id = row.Text(3);
  part.size = row.Uint(4);
  part.etag = row.Text(5);
  ASSIGN_OR_RETURN(part.checksums, DecodeStringMap(ObjectName(row.Text(0), row.Text(1)) + " part " +
                                                       std::to_string(part.part_number),
                                                   "checksums", row.Text(6)));
  return part;
}

Result<BucketRecord> ReadBucketRow(const SqliteStatement& row) {
  BucketRecord bucket;
  bucket.name = row.Text(0);
  bucket.created_ms = row.Int(1);
  bucket.owner = row.Text(2);
  bucket.public_read = row.Int(3) != 0;
  return bucket;
}

Result<BlobRecord> ReadBlobRow(const SqliteStatement& row) {
  BlobRecord blob;
  blob.blob_id = row.Text(0);
  std::optional<BlobKind> kind = ParseBlobKind(row.Text(1));
  std::optional<BlobState> state = ParseBlobState(row.Text(2));
  if (!kind || !state) {
    return Status::Corruption("catalog: blob " + blob.blob_id + ": unknown kind '" + row.Text(1) +
                              "' or state '" + row.Text(2) + "'");
  }
  blob.kind = *kind;
  blob.state = *state;
  blob.size = row.Uint(3);
  blob.layout.unit_size = static_cast<uint32_t>(row.Int(4));
  blob.layout.level1 = CodeSpec{static_cast<int>(row.Int(5)), static_cast<int>(row.Int(6))};
  blob.layout.level2 = CodeSpec{static_cast<int>(row.Int(7)), static_cast<int>(row.Int(8))};
  ASSIGN_OR_RETURN(blob.placement, DecodePlacement(blob.blob_id, row.Text(9)));
  blob.live_bytes = row.Uint(10);
  blob.created_ms = row.Int(11);
  blob.tier = row.Text(12);
  return blob;
}

Result<DriveRecord> ReadDriveRow(const SqliteStatement& row) {
  DriveRecord drive;
  drive.drive_id = row.Text(0);
  drive.node_id = row.Text(1);
  drive.name = row.Text(2);
  drive.path = row.Text(3);
  std::optional<DriveState> state = ParseDriveState(row.Text(4));
  if (!state) {
    return Status::Corruption("catalog: drive " + drive.drive_id + ": unknown state '" + row.Text(4) + "'");
  }
  drive.state = *state;
  drive.last_error = row.Text(5);
  drive.capacity_bytes = row.Uint(6);
  drive.available_bytes = row.Uint(7);
  drive.updated_ms = row.Int(8);
  drive.tier = row.Text(9);
  return drive;
}

Result<MultipartUpload> ReadUploadRow(const SqliteStatement& row) {
  MultipartUpload upload;
  upload.upload_id = row.Text(0);
  upload.bucket = row.Text(1);
  upload.key = row.Text(2);
  upload.owner = row.Text(3);
  upload.content_type = row.Text(4);
  const std::string owner = "upload " + upload.upload_id;
  ASSIGN_OR_RETURN(upload.user_metadata, DecodeStringMap(owner, "user metadata", row.Text(5)));
  upload.checksum_algorithm = row.Text(6);
  upload.created_ms = row.Int(7);
  ASSIGN_OR_RETURN(upload.headers, DecodeStringMap(owner, "headers", row.Text(8)));
  return upload;
}

Result<UploadPart> ReadUploadPartRow(const SqliteStatement& row) {
  UploadPart part;
  part.part_number = static_cast<int>(row.Int(1));
  part.blob_id = row.Text(2);
  part.size = row.Uint(3);
  part.etag = row.Text(4);
  ASSIGN_OR_RETURN(part.checksums, DecodeStringMap("upload " + row.Text(0) + " part " +
                                                       std::to_string(part.part_number),
                                                   "checksums", row.Text(5)));
  part.modified_ms = row.Int(6);
  return part;
}

}  // namespace strata
