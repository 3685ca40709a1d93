// Object operations: PutObject, GetObject/HeadObject (ranges, conditions,
// part numbers, response-* overrides, checksums) and DeleteObject.
#include <algorithm>
#include <array>
#include <cstring>

#include "strata/http/s3_xml.h"
#include "strata/query/background_indexer.h"
#include "strata/server/payload.h"
#include "strata/server/s3_conditions.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_object_io.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;

namespace {

// Largest piece read from the store and written to the socket at once: a
// few erasure stripes, so reads keep every drive busy.
constexpr uint64_t kGetBufferSize = 4 << 20;

constexpr std::pair<std::string_view, std::string_view> kResponseOverrides[] = {
    {"response-content-type", "content-type"},
    {"response-content-language", "content-language"},
    {"response-expires", "expires"},
    {"response-cache-control", "cache-control"},
    {"response-content-disposition", "content-disposition"},
    {"response-content-encoding", "content-encoding"},
};

}  // namespace

HeaderList ObjectHeaders(const ObjectRecord& record) {
  HeaderList headers = {
      {"etag", QuotedEtag(record.etag)},
      {"last-modified", http::FormatHttpDate(record.modified_ms)},
      {"accept-ranges", "bytes"},
      {"content-type", record.content_type},
  };
  for (const auto& [name, value] : record.headers) headers.emplace_back(name, value);
  for (const auto& [name, value] : record.user_metadata) headers.emplace_back("x-amz-meta-" + name, value);
  return headers;
}

void S3Gateway::PutObject(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return fail(bucket.error());
  if (auto error = CheckWriteHeaders(request, *bucket)) return fail(*error);
  if (auto error = CheckWriteConditions(store_, request)) return fail(*error);
  auto options = PutOptionsFrom(request);
  if (!options.ok()) return fail(options.error());
  PayloadReader payload(*request.exchange, request.auth);
  if (auto error = payload.Start()) return fail(*error);
  auto writer = store_.NewObject(request.bucket, request.key, *options);
  if (!writer.ok()) return fail(KeyError(writer.status()));
  if (auto error = StreamPayload(payload, **writer)) return fail(*error);
  // Again: another write may have landed while the body streamed in.
  if (auto error = CheckWriteConditions(store_, request)) return fail(*error);
  auto committed = (*writer)->Commit();
  if (!committed.ok()) return fail(CommitError(committed.status()));
  HeaderList headers = {{"etag", QuotedEtag(committed->etag)}};
  for (const auto& [algorithm, value] : committed->checksums) {
    if (auto parsed = ParseChecksumAlgorithm(algorithm)) headers.emplace_back(ChecksumHeaderName(*parsed), value);
  }
  SendEmpty(request, config_.server, 200, headers);
  if (indexer_) indexer_->Offer(request.bucket, request.key);
}

void S3Gateway::GetObject(S3Request& request, bool head) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return fail(bucket.error());

  // A GET opens the version it will stream (pinned against deletion); a
  // HEAD only needs the record.
  std::unique_ptr<ObjectReader> reader;
  ObjectRecord record;
  if (head) {
    auto found = store_.Head(request.bucket, request.key);
    if (!found.ok()) return fail(NoSuchKeyOr(found.status(), request));
    record = std::move(*found);
  } else {
    auto opened = store_.OpenObject(request.bucket, request.key);
    if (!opened.ok()) return fail(NoSuchKeyOr(opened.status(), request));
    reader = std::move(*opened);
    record = reader->record();
  }

  HeaderList headers = ObjectHeaders(record);
  Conditions conditions{request.header("if-match"), request.header("if-none-match"),
                        request.header("if-modified-since"), request.header("if-unmodified-since")};
  switch (EvaluateConditions(conditions, record.etag, record.modified_ms)) {
    case ConditionOutcome::kNotModified: {
      HeaderList not_modified = {headers[0], headers[1]};  // ETag and Last-Modified
      return SendEmpty(request, config_.server, 304, not_modified);
    }
    case ConditionOutcome::kPreconditionFailed:
      return fail(S3Error::Make(412, "PreconditionFailed", "at least one of the preconditions you specified did not hold"));
    case ConditionOutcome::kProceed:
      break;
  }

  // The part of the object to send: a part number, a range, or all of it.
  std::optional<ByteRange> range;
  auto part_number = request.QueryNumber("partNumber", kMinPartNumber, kMaxPartNumber);
  if (!part_number.ok()) return fail(part_number.error());
  if (part_number->has_value()) {
    auto part = PartRange(record, **part_number);
    if (!part.ok()) return fail(part.error());
    range = *part;
    headers.emplace_back("x-amz-mp-parts-count", std::to_string(std::max<size_t>(1, record.parts.size())));
  } else if (auto range_header = request.header("range")) {
    auto parsed = ParseRange(*range_header, record.size);
    if (!parsed.ok()) {
      if (!head) reader.reset();
      return fail(parsed.error());
    }
    range = *parsed;
  }
  int status = range ? 206 : 200;
  ByteRange span = range.value_or(ByteRange{0, record.size});
  if (range) {
    headers.emplace_back("content-range", "bytes " + std::to_string(span.first) + "-" + std::to_string(span.last()) +
                                              "/" + std::to_string(record.size));
  }
  // Checksums describe the whole object, so only whole-object answers carry them.
  auto mode = request.header("x-amz-checksum-mode");
  if (!range && mode && (*mode == "ENABLED" || *mode == "enabled")) {
    for (const auto& [algorithm, value] : record.checksums) {
      if (auto parsed = ParseChecksumAlgorithm(algorithm)) headers.emplace_back(ChecksumHeaderName(*parsed), value);
    }
  }
  for (const auto& [parameter, header] : kResponseOverrides) {
    if (auto value = request.Query(parameter)) {
      std::erase_if(headers, [&](const auto& h) { return h.first == header; });
      headers.emplace_back(std::string(header), *value);
    }
  }
  HeaderList all = BaseHeaders(request, config_.server);
  all.insert(all.end(), headers.begin(), headers.end());
  if (head) {
    (void)request.exchange->SendHeaders(status, all, span.length);
    return;
  }

  // The first piece is read before the headers go out, so a failure to read
  // (lost data, too many drives down) is still an error document.
  std::vector<char> buffer(std::min<uint64_t>(std::max<uint64_t>(span.length, 1), kGetBufferSize));
  uint64_t offset = span.first;
  uint64_t remaining = span.length;
  auto read_piece = [&]() -> Result<std::string_view> {
    size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, buffer.size()));
    Status read = reader->Read(offset, std::as_writable_bytes(std::span<char>(buffer.data(), n)));
    if (!read.ok()) return read;
    offset += n;
    remaining -= n;
    return std::string_view(buffer.data(), n);
  };
  auto first = read_piece();
  if (!first.ok()) return fail(S3Error::FromStatus(first.status()));
  if (!request.exchange->SendHeaders(status, all, span.length).ok()) return;
  if (!request.exchange->SendBody(*first).ok()) return;
  while (remaining > 0) {
    auto piece = read_piece();
    if (!piece.ok()) {
      request.exchange->AbortResponse();  // the client sees a short body, never wrong bytes
      return;
    }
    if (!request.exchange->SendBody(*piece).ok()) return;
  }
}

void S3Gateway::DeleteObject(S3Request& request) {
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/true);
  if (!bucket.ok()) return SendError(request, config_.server, bucket.error());
  auto deleted = store_.Delete(request.bucket, request.key);
  // Deleting a key that is not there succeeds, as in S3.
  if (!deleted.ok() && !deleted.status().IsNotFound()) {
    return SendError(request, config_.server, S3Error::FromStatus(deleted.status()));
  }
  SendEmpty(request, config_.server, 204);
}

}  // namespace strata::server
