// The parts of a GET that depend only on headers and the object's size, ETag
// and modification time: byte ranges (Range, x-amz-copy-source-range) and
// the conditional headers (If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since and their x-amz-copy-source-if-* twins), evaluated in
// the order RFC 7232 and the S3 reference give. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strata/http/s3_error.h"

namespace strata::server {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
  uint64_t last() const { return first + length - 1; }
};

// Parses "bytes=a-b", "bytes=a-" or "bytes=-n" against an object of `size`
// bytes. nullopt: the header is not a single byte range and is ignored (the
// whole object is served, as S3 does). InvalidRange (416) when the range
// starts past the end or asks for an empty suffix.
http::S3Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size);

// The same for x-amz-copy-source-range, which must be "bytes=a-b"
// (InvalidArgument otherwise) and lie inside the source (InvalidRange).
http::S3Result<ByteRange> ParseCopySourceRange(std::string_view header, uint64_t size);

struct Conditions {
  std::optional<std::string_view> if_match;
  std::optional<std::string_view> if_none_match;
  std::optional<std::string_view> if_modified_since;
  std::optional<std::string_view> if_unmodified_since;
};

enum class ConditionOutcome { kProceed, kNotModified, kPreconditionFailed };

// `etag` without quotes; `modified_ms` the object's Last-Modified. Dates are
// compared at whole seconds, as Last-Modified carries them; unparseable
// dates are ignored.
ConditionOutcome EvaluateConditions(const Conditions& conditions, const std::string& etag, int64_t modified_ms);

}  // namespace strata::server
