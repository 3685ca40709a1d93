#include "strata/server/s3_conditions.h"

#include <charconv>

#include "strata/http/s3_xml.h"

namespace strata::server {

using http::S3Error;

namespace {

std::optional<uint64_t> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whether a list of entity tags ("a", W/"b", or *) names `etag`.
bool EtagListMatches(std::string_view list, const std::string& etag) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
    if (item == etag) return true;
  }
  return false;
}

S3Error InvalidRange(uint64_t size) {
  return S3Error::Make(416, "InvalidRange",
                       "the requested range is not satisfiable (object size " + std::to_string(size) + ")");
}

}  // namespace

http::S3Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  header = Trim(header);
  if (!header.starts_with("bytes=")) return std::optional<ByteRange>();
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();  // several ranges
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::string_view first_text = Trim(spec.substr(0, dash));
  std::string_view last_text = Trim(spec.substr(dash + 1));
  if (first_text.empty()) {
    auto suffix = ParseNumber(last_text);
    if (!suffix) return std::optional<ByteRange>();
    if (*suffix == 0 || size == 0) return InvalidRange(size);
    uint64_t length = std::min(*suffix, size);
    return std::optional<ByteRange>(ByteRange{size - length, length});
  }
  auto first = ParseNumber(first_text);
  if (!first) return std::optional<ByteRange>();
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    auto parsed = ParseNumber(last_text);
    if (!parsed || *parsed < *first) return std::optional<ByteRange>();  // not a valid range: ignored
    last = std::min(*parsed, last);
  }
  if (*first >= size) return InvalidRange(size);
  return std::optional<ByteRange>(ByteRange{*first, last - *first + 1});
}

http::S3Result<ByteRange> ParseCopySourceRange(std::string_view header, uint64_t size) {
  auto invalid = [&] {
    return S3Error::InvalidArgument("x-amz-copy-source-range must be bytes=first-last within the source object: " +
                                    std::string(header));
  };
  std::string_view spec = Trim(header);
  if (!spec.starts_with("bytes=")) return invalid();
  spec.remove_prefix(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return invalid();
  auto first = ParseNumber(spec.substr(0, dash));
  auto last = ParseNumber(spec.substr(dash + 1));
  if (!first || !last || *last < *first) return invalid();
  if (*last >= size) return InvalidRange(size);  // well formed, but past the source's end
  return ByteRange{*first, *last - *first + 1};
}

ConditionOutcome EvaluateConditions(const Conditions& conditions, const std::string& etag, int64_t modified_ms) {
  int64_t modified_s = modified_ms / 1000;
  auto seconds = [](std::string_view text) -> std::optional<int64_t> {
    auto millis = http::ParseHttpDate(text);
    if (!millis) return std::nullopt;
    return *millis / 1000;
  };
  // If-Match decides alone when present; otherwise If-Unmodified-Since.
  if (conditions.if_match) {
    if (!EtagListMatches(*conditions.if_match, etag)) return ConditionOutcome::kPreconditionFailed;
  } else if (conditions.if_unmodified_since) {
    auto since = seconds(*conditions.if_unmodified_since);
    if (since && modified_s > *since) return ConditionOutcome::kPreconditionFailed;
  }
  // If-None-Match decides alone when present; otherwise If-Modified-Since.
  if (conditions.if_none_match) {
    if (EtagListMatches(*conditions.if_none_match, etag)) return ConditionOutcome::kNotModified;
  } else if (conditions.if_modified_since) {
    auto since = seconds(*conditions.if_modified_since);
    if (since && modified_s <= *since) return ConditionOutcome::kNotModified;
  }
  return ConditionOutcome::kProceed;
}

}  // namespace strata::server
