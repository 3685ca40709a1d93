// Internal to the http module: what sigv4_sign.cc and sigv4_verify.cc share
// (defined in sigv4_sign.cc). Not part of its API; include sigv4.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/http/s3_error.h"
#include "strata/http/sigv4.h"

namespace strata::http::sigv4_internal {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kService = "s3";
inline constexpr std::string_view kTerminal = "aws4_request";

// Without leading and trailing ASCII whitespace (space, \t, \r, \n, \v, \f).
std::string_view Trim(std::string_view s);
// ASCII letters lower-cased; other bytes as they are.
std::string Lower(std::string_view s);
// Every piece between separators, empty ones included ("a;;b" -> a, "", b).
std::vector<std::string_view> Split(std::string_view s, char separator);
// The values of every header named `name` (lower-case), in request order.
std::vector<std::string_view> HeaderValues(const SignedRequest& request, std::string_view name);
// InvalidURI 400 for a malformed percent-escape in the path or query.
S3Error InvalidUri(const Status& status);
// "20130524/us-east-1/s3/aws4_request"
std::string ScopeString(std::string_view date, std::string_view region);

}  // namespace strata::http::sigv4_internal
