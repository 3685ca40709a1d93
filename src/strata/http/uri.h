// Percent-encoding the way SigV4 and S3 use it: RFC 3986 unreserved characters
// kept, every other byte %XX in upper-case hex, no '+' for space in either
// direction. Also the query-string parser the gateway and the verifier share,
// and the key encoding of listings with encoding-type=url. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::http {

// A-Z a-z 0-9 - . _ ~ stay, '/' stays unless encode_slash, the rest is %XX.
// Works on bytes, so UTF-8 keys come out as one escape per byte.
std::string UriEncode(std::string_view s, bool encode_slash);

// Decodes %XX escapes. '+' stays '+': S3 paths are not form-encoded, and SigV4
// clients send a space as %20. A '%' not followed by two hex digits is
// InvalidArgument naming the text.
Result<std::string> UriDecode(std::string_view s);

struct QueryParam {
  std::string name;        // decoded
  std::string value;       // decoded; empty when !has_value
  bool has_value = false;  // "uploads" has none, "prefix=" has an empty one
};

// Splits the raw text after '?' at '&', then each piece at its first '=', and
// decodes both halves. Keeps the order and repeats; skips empty pieces ("a&&b").
Result<std::vector<QueryParam>> ParseQuery(std::string_view raw_query);

// A key (or prefix, marker, delimiter) as a listing with encoding-type=url
// returns it: UriEncode with '/' kept, so a space is %20 and a '+' is %2B.
// Reports differ on whether AWS writes a space as '+' here; %20 is what the
// S3 compatibility suite (ceph/s3-tests, test_bucket_list_encoding_basic)
// expects, and every client decoder (unquote_plus, URLDecoder,
// decodeURIComponent) reads %20 as a space, while '+' breaks the last one.
std::string UrlEncodeKey(std::string_view key);

}  // namespace strata::http
