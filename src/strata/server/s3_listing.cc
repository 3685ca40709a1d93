// Listing and bulk delete: ListObjects (v1), ListObjectsV2,
// ListObjectVersions (versioning is off: every key has one version, "null")
// and DeleteObjects.
#include <limits>

#include "strata/base/checksum.h"
#include "strata/http/s3_xml.h"
#include "strata/server/payload.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;
using http::XmlWriter;

namespace {

constexpr int kMaxKeys = 1000;
constexpr size_t kDeleteBodyLimit = 2 << 20;  // 1000 keys of up to 1 KiB, with XML around them

// The listing options every list call shares: prefix, delimiter, max-keys,
// encoding-type.
struct ListRequest {
  ListOptions options;
  bool url_encoding = false;
  // Key-like values are echoed encoded when the client asked for URL encoding.
  std::string Encode(const std::string& value) const { return url_encoding ? http::UrlEncodeKey(value) : value; }
};

http::S3Result<ListRequest> ParseListRequest(const S3Request& request) {
  ListRequest list;
  list.options.prefix = request.Query("prefix").value_or("");
  list.options.delimiter = request.Query("delimiter").value_or("");
  list.options.max_keys = kMaxKeys;
  auto max_keys = request.QueryNumber("max-keys", 0, std::numeric_limits<int>::max());
  if (!max_keys.ok()) return max_keys.error();
  if (max_keys->has_value()) list.options.max_keys = std::min(**max_keys, kMaxKeys);
  if (auto encoding = request.Query("encoding-type")) {
    if (*encoding != "url") return S3Error::InvalidArgument("invalid encoding-type '" + *encoding + "'; only url is supported");
    list.url_encoding = true;
  }
  return list;
}

void WriteObjectEntry(XmlWriter& xml, const ListRequest& list, const ObjectRecord& object, const std::string* owner) {
  xml.Element("Key", list.Encode(object.key));
  xml.Element("LastModified", http::FormatIsoTime(object.modified_ms));
  xml.Element("ETag", QuotedEtag(object.etag));
  xml.Element("Size", static_cast<int64_t>(object.size));
  xml.Element("StorageClass", "STANDARD");
  if (owner) xml.Open("Owner").Element("ID", *owner).Element("DisplayName", *owner).Close();
}

void WriteCommonPrefixes(XmlWriter& xml, const ListRequest& list, const ListPage& page) {
  for (const std::string& prefix : page.common_prefixes) {
    xml.Open("CommonPrefixes").Element("Prefix", list.Encode(prefix)).Close();
  }
}

}  // namespace

void S3Gateway::ListObjects(S3Request& request, int version) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return fail(bucket.error());
  auto list = ParseListRequest(request);
  if (!list.ok()) return fail(list.error());
  const std::string& owner = OwnerOf(*bucket);

  std::optional<std::string> token = request.Query("continuation-token");
  std::string start_after = request.Query(version == 2 ? "start-after" : "marker").value_or("");
  if (version == 2 && token) {
    auto decoded = Base64Decode(*token);
    if (!decoded.ok()) return fail(S3Error::InvalidArgument("the continuation token provided is incorrect"));
    list->options.start_after.assign(reinterpret_cast<const char*>(decoded->data()), decoded->size());
  } else {
    list->options.start_after = start_after;
  }
  auto page = store_.List(request.bucket, list->options);
  if (!page.ok()) return fail(S3Error::FromStatus(page.status()));

  XmlWriter xml("ListBucketResult");
  xml.Element("Name", request.bucket);
  xml.Element("Prefix", list->Encode(list->options.prefix));
  if (version == 1) xml.Element("Marker", list->Encode(start_after));
  if (version == 2) {
    if (token) xml.Element("ContinuationToken", *token);
    if (!start_after.empty()) xml.Element("StartAfter", list->Encode(start_after));
    xml.Element("KeyCount", static_cast<int64_t>(page->objects.size() + page->common_prefixes.size()));
  }
  xml.Element("MaxKeys", static_cast<int64_t>(list->options.max_keys));
  if (!list->options.delimiter.empty()) xml.Element("Delimiter", list->Encode(list->options.delimiter));
  if (list->url_encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", page->truncated);
  if (page->truncated) {
    if (version == 1) xml.Element("NextMarker", list->Encode(page->next_start_after));
    if (version == 2) xml.Element("NextContinuationToken", Base64Encode(page->next_start_after));
  }
  bool with_owner = version == 1 || request.Query("fetch-owner") == "true";
  for (const ObjectRecord& object : page->objects) {
    xml.Open("Contents");
    WriteObjectEntry(xml, *list, object, with_owner ? &owner : nullptr);
    xml.Close();
  }
  WriteCommonPrefixes(xml, *list, *page);
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::ListObjectVersions(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return fail(bucket.error());
  auto list = ParseListRequest(request);
  if (!list.ok()) return fail(list.error());
  const std::string& owner = OwnerOf(*bucket);
  std::string key_marker = request.Query("key-marker").value_or("");
  list->options.start_after = key_marker;
  auto page = store_.List(request.bucket, list->options);
  if (!page.ok()) return fail(S3Error::FromStatus(page.status()));

  XmlWriter xml("ListVersionsResult");
  xml.Element("Name", request.bucket);
  xml.Element("Prefix", list->Encode(list->options.prefix));
  xml.Element("KeyMarker", list->Encode(key_marker));
  xml.Element("VersionIdMarker", request.Query("version-id-marker").value_or(""));
  xml.Element("MaxKeys", static_cast<int64_t>(list->options.max_keys));
  if (!list->options.delimiter.empty()) xml.Element("Delimiter", list->Encode(list->options.delimiter));
  if (list->url_encoding) xml.Element("EncodingType", "url");
  xml.Element("IsTruncated", page->truncated);
  if (page->truncated) {
    xml.Element("NextKeyMarker", list->Encode(page->next_start_after));
    xml.Element("NextVersionIdMarker", "null");
  }
  for (const ObjectRecord& object : page->objects) {
    xml.Open("Version");
    xml.Element("Key", list->Encode(object.key));
    xml.Element("VersionId", "null");
    xml.Element("IsLatest", true);
    xml.Element("LastModified", http::FormatIsoTime(object.modified_ms));
    xml.Element("ETag", QuotedEtag(object.etag));
    xml.Element("Size", static_cast<int64_t>(object.size));
    xml.Element("StorageClass", "STANDARD");
    xml.Open("Owner").Element("ID", owner).Element("DisplayName", owner).Close();
    xml.Close();
  }
  WriteCommonPrefixes(xml, *list, *page);
  SendXml(request, config_.server, 200, xml.Finish());
}

void S3Gateway::DeleteObjects(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return fail(bucket.error());
  auto body = ReadSmallBody(*request.exchange, request.auth, kDeleteBodyLimit);
  if (!body.ok()) return fail(body.error());
  auto parsed = http::ParseDeleteObjects(*body);
  if (!parsed.ok()) return fail(parsed.error());

  // Versioning is off: only version "null" (or none) names an object.
  std::vector<std::string> keys;
  for (const http::ObjectToDelete& object : parsed->objects) {
    if (object.version_id.empty() || object.version_id == "null") keys.push_back(object.key);
  }
  auto deleted = store_.DeleteKeys(request.bucket, keys);
  if (!deleted.ok()) return fail(S3Error::FromStatus(deleted.status()));

  XmlWriter xml("DeleteResult");
  size_t next = 0;  // the next result in `deleted`
  for (const http::ObjectToDelete& object : parsed->objects) {
    S3Error error;
    bool failed = false;
    if (!object.version_id.empty() && object.version_id != "null") {
      error = S3Error::Make(404, "NoSuchVersion", "versioning is off; the only version is null");
      failed = true;
    } else {
      const Status& status = (*deleted)[next++].status();
      // A key that is not there counts as deleted, as in S3.
      if (!status.ok() && !status.IsNotFound()) {
        error = S3Error::FromStatus(status);
        failed = true;
      }
    }
    if (failed) {
      xml.Open("Error").Element("Key", object.key).Element("Code", error.code).Element("Message", error.message).Close();
    } else if (!parsed->quiet) {
      xml.Open("Deleted").Element("Key", object.key);
      if (!object.version_id.empty()) xml.Element("VersionId", object.version_id);
      xml.Close();
    }
  }
  SendXml(request, config_.server, 200, xml.Finish());
}

}  // namespace strata::server
