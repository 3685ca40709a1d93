// The rules of S3 multipart uploads that the store enforces when an upload
// completes: part numbers, the minimum size of every part but the last, and
// how the object's ETag and checksum derive from its parts. Pure functions;
// the ObjectStore methods that use them are in multipart.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"

namespace strata {

inline constexpr int kMinPartNumber = 1;
inline constexpr int kMaxPartNumber = 10000;
// Every part of a completed object but the last must be at least this big.
inline constexpr uint64_t kMinPartSize = uint64_t{5} << 20;

// A part as CompleteMultipartUpload lists it.
struct CompletePart {
  int part_number = 0;
  std::string etag;  // hex; quotes around it are ignored, and so is case
};

// Checks the list a client completes an upload with against the parts
// uploaded, in S3's order of checks, and returns the object's parts:
// InvalidPartOrder if part numbers are not strictly ascending, InvalidPart
// if a listed part was not uploaded or has another ETag, EntityTooSmall if a
// part but the last is below kMinPartSize (store_errors.h); InvalidArgument
// (no S3 code: the gateway answers MalformedXML) for an empty list.
// `upload_id` names the upload in messages.
Result<std::vector<ObjectPart>> SelectCompletedParts(const std::string& upload_id,
                                                     const std::vector<CompletePart>& listed,
                                                     const std::vector<UploadPart>& uploaded);

// S3's ETag of a multipart object: the hex MD5 of the concatenated 16-byte
// MD5s of the parts, then "-<number of parts>". InvalidArgument if a part's
// ETag is not 32 hex digits.
Result<std::string> MultipartEtag(const std::vector<ObjectPart>& parts);

// The composite checksum of `algorithm` ("CRC32", ...) when every part has
// one, as "<base64>-<parts>"; "" when the algorithm is "" or a part lacks it.
Result<std::string> MultipartChecksum(const std::string& algorithm, const std::vector<ObjectPart>& parts);

}  // namespace strata
