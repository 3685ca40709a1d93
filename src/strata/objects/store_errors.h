// Refusals that the S3 gateway reports with S3 error codes of their own. The
// store returns them as ordinary Status values whose message starts with the
// S3 code and ": " ("InvalidPart: upload 0193...: part 2 ..."); the functions
// here recognise them. Ask before adding context to such a Status
// (WithContext puts text in front of the code).
//
//   BadDigest         kInvalidArgument  Commit of a writer given ExpectMd5
//                                       whose bytes hash otherwise (IsDigestMismatch)
//   NoSuchUpload      kNotFound         any multipart call on an upload that
//                                       was completed, aborted or never existed
//   InvalidPart       kInvalidArgument  CompleteMultipartUpload: a listed part
//                                       is missing or has another ETag
//   InvalidPartOrder  kInvalidArgument  CompleteMultipartUpload: part numbers
//                                       not strictly ascending
//   EntityTooSmall    kInvalidArgument  CompleteMultipartUpload: a part other
//                                       than the last is below kMinPartSize
//
// Every other failure is a plain Status: NotFound without a code is a missing
// bucket ("bucket 'x' does not exist") or key, InvalidArgument a bad name,
// part number or checksum.
#pragma once

#include <optional>
#include <string_view>

#include "strata/base/status.h"

namespace strata {

enum class MultipartError { kNoSuchUpload, kInvalidPart, kInvalidPartOrder, kEntityTooSmall };

// The S3 error code: "NoSuchUpload", "InvalidPart", "InvalidPartOrder", "EntityTooSmall".
std::string_view MultipartErrorCode(MultipartError error);
std::optional<MultipartError> MultipartErrorOf(const Status& status);
Status MultipartErrorStatus(MultipartError error, std::string_view detail);

// Content-MD5 given and not matched: S3's BadDigest.
bool IsDigestMismatch(const Status& status);
Status DigestMismatchStatus(std::string_view detail);

}  // namespace strata
