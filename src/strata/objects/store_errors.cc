#include "strata/objects/store_errors.h"

#include <string>

namespace strata {
namespace {

constexpr std::string_view kBadDigest = "BadDigest";
constexpr MultipartError kAllMultipartErrors[] = {MultipartError::kNoSuchUpload, MultipartError::kInvalidPart,
                                                  MultipartError::kInvalidPartOrder, MultipartError::kEntityTooSmall};

StatusCode CodeOf(MultipartError error) {
  return error == MultipartError::kNoSuchUpload ? StatusCode::kNotFound : StatusCode::kInvalidArgument;
}

Status Tagged(StatusCode code, std::string_view tag, std::string_view detail) {
  return Status(code, std::string(tag) + ": " + std::string(detail));
}

bool HasTag(const Status& status, StatusCode code, std::string_view tag) {
  const std::string& message = status.message();
  return status.code() == code && message.size() > tag.size() + 1 && message.compare(0, tag.size(), tag) == 0 &&
         message.compare(tag.size(), 2, ": ") == 0;
}

}  // namespace

std::string_view MultipartErrorCode(MultipartError error) {
  switch (error) {
    case MultipartError::kNoSuchUpload:
      return "NoSuchUpload";
    case MultipartError::kInvalidPart:
      return "InvalidPart";
    case MultipartError::kInvalidPartOrder:
      return "InvalidPartOrder";
    case MultipartError::kEntityTooSmall:
      return "EntityTooSmall";
  }
  return "InternalError";
}

std::optional<MultipartError> MultipartErrorOf(const Status& status) {
  for (MultipartError error : kAllMultipartErrors) {
    if (HasTag(status, CodeOf(error), MultipartErrorCode(error))) return error;
  }
  return std::nullopt;
}

Status MultipartErrorStatus(MultipartError error, std::string_view detail) {
  return Tagged(CodeOf(error), MultipartErrorCode(error), detail);
}

bool IsDigestMismatch(const Status& status) { return HasTag(status, StatusCode::kInvalidArgument, kBadDigest); }

Status DigestMismatchStatus(std::string_view detail) {
  return Tagged(StatusCode::kInvalidArgument, kBadDigest, detail);
}

}  // namespace strata
