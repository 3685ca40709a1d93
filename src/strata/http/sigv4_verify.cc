#include "strata/http/sigv4.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "strata/base/hex.h"
#include "strata/http/sigv4_internal.h"
#include "strata/http/uri.h"

namespace strata::http {
namespace {

using namespace sigv4_internal;  // what sigv4_sign.cc and sigv4_verify.cc share

constexpr std::string_view kThreeComponents =
    "the authorization header requires three components: Credential, SignedHeaders, and Signature.";
constexpr int64_t kMaxExpiresSeconds = 7 * 24 * 3600;  // S3 refuses presigned URLs valid longer than a week

// --- small text helpers ---

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Messages quote what the client sent, bounded so a hostile header cannot
// blow up the error document.
std::string Quote(std::string_view s) {
  constexpr size_t kMaxQuoted = 200;
  return "'" + std::string(s.substr(0, kMaxQuoted)) + (s.size() > kMaxQuoted ? "...'" : "'");
}

// --- errors ---

// The malformed-request code depends on where the authentication came from.
S3Error Malformed(bool query, std::string message) {
  if (query) return S3Error::Make(400, "AuthorizationQueryParametersError", std::move(message));
  return S3Error::Make(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; " + message);
}

// S3 answers a v2 signature ("AWS AKID:sig", or Signature/AWSAccessKeyId in
// the query) and any other algorithm this way in the regions that only speak
// v4; InvalidRequest rather than AccessDenied because the request is not
// refused for who sent it but for how it was signed, and the client can fix it.
S3Error UnsupportedMechanism() {
  return S3Error::InvalidRequest("The authorization mechanism you have provided is not supported. Please use " +
                                 std::string(kAlgorithm) + ".");
}

// --- dates ---
std::optional<int64_t> ToUnix(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return static_cast<int64_t>(sys_days{ymd}.time_since_epoch() / seconds{1}) + h * 3600 + mi * 60 + s;
}

int Digits(std::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// A Date header standing in for x-amz-date. Only the IMF-fixdate form: the
// SDKs that sign with Date write that one. Seconds, unlike ParseHttpDate in
// http_date.h (milliseconds, every RFC 7231 form).
std::optional<int64_t> ParseImfFixdate(std::string_view t) {
  // "Fri, 24 May 2013 00:00:00 GMT"
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' || t[19] != ':' ||
      t[22] != ':' || t.substr(25) != " GMT" || !IsDigits(t.substr(5, 2)) || !IsDigits(t.substr(12, 4)) ||
      !IsDigits(t.substr(17, 2)) || !IsDigits(t.substr(20, 2)) || !IsDigits(t.substr(23, 2))) {
    return std::nullopt;
  }
  const auto month = std::find(std::begin(kMonths), std::end(kMonths), t.substr(8, 3));
  if (month == std::end(kMonths)) return std::nullopt;
  return ToUnix(Digits(t.substr(12, 4)), static_cast<unsigned>(month - std::begin(kMonths) + 1), Digits(t.substr(5, 2)),
                Digits(t.substr(17, 2)), Digits(t.substr(20, 2)), Digits(t.substr(23, 2)));
}

// --- verification ---

struct CredentialScope {
  std::string access_key;
  std::string date;
  std::string region;
  std::string service;
  std::string terminal;
};

// "AKID/20130524/us-east-1/s3/aws4_request", split from the right so an
// access key with '/' in it still parses, and checked against the request's
// date and the region this server answers for.
S3Result<CredentialScope> ParseScope(std::string_view credential, std::string_view amz_date,
                                     const VerifyOptions& options, bool query) {
  auto fail = [query](std::string message) {
    return Malformed(query, query ? "Error parsing the X-Amz-Credential parameter; " + message : message);
  };
  const auto parts = Split(credential, '/');
  const size_t n = parts.size();
  if (n < 5 || std::any_of(parts.end() - 4, parts.end(), [](std::string_view p) { return p.empty(); }) ||
      parts[0].empty()) {
    return fail("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\", got " +
                Quote(credential));
  }
  size_t key_end = credential.size();  // the access key is what precedes the last four fields
  for (int i = 0; i < 4; ++i) key_end = credential.rfind('/', key_end - 1);
  CredentialScope scope{std::string(credential.substr(0, key_end)), std::string(parts[n - 4]),
                        std::string(parts[n - 3]), std::string(parts[n - 2]), std::string(parts[n - 1])};
  if (scope.date.size() != 8 || !IsDigits(scope.date) || amz_date.substr(0, 8) != scope.date) {
    return fail("Invalid credential date " + Quote(scope.date) + ". Date is not the same as X-Amz-Date " +
                Quote(amz_date) + ".");
  }
  if (!options.region.empty() && scope.region != options.region) {
    return fail("the region " + Quote(scope.region) + " is wrong; expecting '" + options.region + "'");
  }
  if (scope.service != kService) {
    return fail("incorrect service " + Quote(scope.service) + ". This endpoint belongs to 's3'.");
  }
  if (scope.terminal != kTerminal) {
    return fail("incorrect terminal " + Quote(scope.terminal) + ". This endpoint uses 'aws4_request'.");
  }
  return scope;
}

// host must be signed, and so must every x-amz-* header the request carries:
// an unsigned one (x-amz-copy-source, x-amz-acl, x-amz-meta-*) could be added
// by anyone holding a presigned URL. x-amz-content-sha256 is exempt, as in
// S3: the payload hash is in the canonical request anyway.
S3Check CheckSignedHeaders(const SignedRequest& request, std::string_view signed_headers, bool query) {
  std::vector<std::string> names;
  for (std::string_view name : Split(signed_headers, ';')) {
    if (name.empty()) return Malformed(query, "empty name in SignedHeaders " + Quote(signed_headers));
    names.push_back(Lower(name));
  }
  auto is_signed = [&](std::string_view name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  if (!is_signed("host")) return Malformed(query, "SignedHeaders " + Quote(signed_headers) + " must include host");
  for (const auto& [name, value] : request.headers) {
    if (name.starts_with("x-amz-") && name != "x-amz-content-sha256" && !is_signed(name)) {
      return S3Error::AccessDenied("There were headers present in the request which were not signed: " + name);
    }
  }
  return std::nullopt;
}

struct PayloadChoice {
  PayloadMode mode = PayloadMode::kUnsigned;
  std::string sha256;
};

S3Result<PayloadChoice> ParsePayloadHash(std::string_view value) {
  if (value == kUnsignedPayload) return PayloadChoice{PayloadMode::kUnsigned, ""};
  if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") return PayloadChoice{PayloadMode::kStreamingSigned, ""};
  if (value == "STREAMING-UNSIGNED-PAYLOAD-TRAILER") return PayloadChoice{PayloadMode::kStreamingUnsignedTrailer, ""};
  if (value == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
    return PayloadChoice{PayloadMode::kStreamingSignedTrailer, ""};
  }
  if (value.starts_with("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    return S3Error::NotImplemented("x-amz-content-sha256 " + Quote(value) + ": SigV4a (ECDSA) is not supported");
  }
  if (value.size() == 64 && IsLowerHex(Lower(value))) return PayloadChoice{PayloadMode::kSha256, Lower(value)};
  return S3Error::InvalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value; got " +
      Quote(value));
}

// What both mechanisms have parsed by the time the signature is checked.
struct Claim {
  bool query = false;
  CredentialScope scope;
  std::string amz_date;
  std::string signed_headers;
  std::string signature;
  std::string payload_hash;  // the canonical request's last line
  PayloadChoice payload;
};

S3Result<AuthResult> CheckSignature(const SignedRequest& request, const CredentialLookup& lookup, Claim claim) {
  const Credentials* credentials = lookup ? lookup(claim.scope.access_key) : nullptr;
  if (credentials == nullptr) {
    return S3Error::InvalidAccessKeyId("The AWS Access Key Id you provided does not exist in our records: " +
                                       Quote(claim.scope.access_key));
  }
  const auto canonical = CanonicalRequest(request, claim.signed_headers, claim.payload_hash, claim.query);
  if (!canonical.ok()) return canonical.error();
  const std::string scope = ScopeString(claim.scope.date, claim.scope.region);
  std::string key = SigningKey(credentials->secret_key, claim.scope.date, claim.scope.region, kService);
  const std::string mac = HmacSha256(key, StringToSign(claim.amz_date, scope, *canonical));
  std::string expected = ToHex(mac.data(), mac.size());
  if (!ConstantTimeEquals(expected, claim.signature)) {
    return S3Error::SignatureDoesNotMatch(
        "The request signature we calculated does not match the signature you provided. Check your key and signing "
        "method.");
  }
  AuthResult result;
  result.credentials = credentials;
  result.payload = claim.payload.mode;
  result.payload_sha256 = claim.payload.sha256;
  result.region = claim.scope.region;
  result.presigned = claim.query;
  if (result.payload == PayloadMode::kStreamingSigned || result.payload == PayloadMode::kStreamingSignedTrailer) {
    result.chunks = ChunkSigningContext{std::move(key), scope, claim.amz_date, std::move(expected)};
  }
  return result;
}

S3Result<AuthResult> VerifyHeaderAuth(const SignedRequest& request, std::string_view authorization,
                                      const CredentialLookup& lookup, const VerifyOptions& options) {
  authorization = Trim(authorization);
  const size_t space = authorization.find(' ');
  if (authorization.substr(0, space) != kAlgorithm) return UnsupportedMechanism();
  if (space == std::string_view::npos) {
    return Malformed(false, std::string(kThreeComponents));
  }

  Claim claim;
  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
  for (std::string_view component : Split(authorization.substr(space + 1), ',')) {
    component = Trim(component);
    const size_t eq = component.find('=');
    const std::string_view key = component.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : Trim(component.substr(eq + 1));
    std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                            : key == "SignedHeaders" ? &signed_headers
                                            : key == "Signature"     ? &signature
                                                                     : nullptr;
    if (slot == nullptr || eq == std::string_view::npos || slot->has_value()) {
      return Malformed(false, "unexpected component " + Quote(component));
    }
    *slot = value;
  }
  if (!credential || !signed_headers || !signature) {
    return Malformed(false, std::string(kThreeComponents));
  }
  claim.signed_headers = std::string(*signed_headers);
  claim.signature = std::string(*signature);

  // Required with header auth; S3 answers its absence InvalidRequest (not
  // MissingSecurityHeader, which it keeps for missing security tokens).
  const auto sha_values = HeaderValues(request, "x-amz-content-sha256");
  if (sha_values.empty()) {
    return S3Error::InvalidRequest("Missing required header for this request: x-amz-content-sha256");
  }
  if (sha_values.size() > 1) return S3Error::InvalidArgument("x-amz-content-sha256 given more than once");
  auto payload = ParsePayloadHash(sha_values[0]);
  if (!payload.ok()) return payload.error();
  claim.payload = std::move(payload).value();
  claim.payload_hash = std::string(sha_values[0]);

  // x-amz-date wins over Date; the string to sign carries it in ISO 8601 form.
  std::optional<int64_t> when;
  const auto amz_dates = HeaderValues(request, "x-amz-date");
  const auto dates = HeaderValues(request, "date");
  if (amz_dates.size() == 1) {
    when = ParseAmzDate(amz_dates[0]);
    claim.amz_date = std::string(amz_dates[0]);
  } else if (amz_dates.empty() && dates.size() == 1) {
    when = ParseImfFixdate(dates[0]);
    if (when) claim.amz_date = FormatAmzDate(*when);
  }
  if (!when) return S3Error::AccessDenied("AWS authentication requires a valid Date or x-amz-date header");

  auto scope = ParseScope(*credential, claim.amz_date, options, false);
  if (!scope.ok()) return scope.error();
  claim.scope = std::move(scope).value();
  if (*when > options.now_seconds + options.max_skew_seconds ||
      *when < options.now_seconds - options.max_skew_seconds) {
    return S3Error::Make(403, "RequestTimeTooSkewed",
                         "The difference between the request time (" + claim.amz_date + ") and the current time (" +
                             FormatAmzDate(options.now_seconds) + ") is too large.");
  }
  if (auto bad = CheckSignedHeaders(request, claim.signed_headers, false)) return *bad;
  return CheckSignature(request, lookup, std::move(claim));
}

S3Result<AuthResult> VerifyQueryAuth(const SignedRequest& request, const std::vector<QueryParam>& params,
                                     const CredentialLookup& lookup, const VerifyOptions& options) {
  static constexpr std::string_view kRequired[] = {"X-Amz-Algorithm", "X-Amz-Credential",    "X-Amz-Signature",
                                                   "X-Amz-Date",      "X-Amz-SignedHeaders", "X-Amz-Expires"};
  std::map<std::string_view, std::string_view> found;
  for (const QueryParam& param : params) {
    if (!param.name.starts_with("X-Amz-")) continue;
    if (!found.emplace(param.name, param.value).second) {
      return Malformed(true, "Query parameter " + param.name + " is given more than once.");
    }
  }
  for (std::string_view name : kRequired) {
    if (!found.contains(name)) {
      return Malformed(true,
                       "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                       "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
    }
  }
  if (found["X-Amz-Algorithm"] != kAlgorithm) {
    return Malformed(true, "X-Amz-Algorithm only supports \"" + std::string(kAlgorithm) + "\"");
  }
  Claim claim;
  claim.query = true;
  claim.amz_date = std::string(found["X-Amz-Date"]);
  const auto when = ParseAmzDate(claim.amz_date);
  if (!when) return Malformed(true, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  const std::string_view expires_text = found["X-Amz-Expires"];
  if (!IsDigits(expires_text) || expires_text.size() > 7) {
    return Malformed(true, "X-Amz-Expires should be a number of seconds, got " + Quote(expires_text));
  }
  const int64_t expires = std::stoll(std::string(expires_text));
  if (expires < 1) return Malformed(true, "X-Amz-Expires must be at least 1 second");
  if (expires > kMaxExpiresSeconds) {
    return Malformed(true, "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  auto scope = ParseScope(found["X-Amz-Credential"], claim.amz_date, options, true);
  if (!scope.ok()) return scope.error();
  claim.scope = std::move(scope).value();
  if (*when > options.now_seconds + options.max_skew_seconds) return S3Error::AccessDenied("Request is not valid yet");
  if (options.now_seconds > *when + expires) return S3Error::AccessDenied("Request has expired");

  // A presigned URL signs no body, unless the client put a digest in the URL
  // (X-Amz-Content-Sha256, which some SDKs add as UNSIGNED-PAYLOAD). Chunk
  // signatures would chain from a signature the client had when signing, not
  // the uploader; S3 refuses aws-chunked bodies on presigned URLs.
  claim.payload_hash = std::string(kUnsignedPayload);
  if (auto it = found.find("X-Amz-Content-Sha256"); it != found.end()) {
    auto payload = ParsePayloadHash(it->second);
    if (!payload.ok()) return payload.error();
    if (payload->mode != PayloadMode::kUnsigned && payload->mode != PayloadMode::kSha256) {
      return S3Error::InvalidRequest("a presigned URL cannot carry an aws-chunked body");
    }
    claim.payload = std::move(payload).value();
    claim.payload_hash = std::string(it->second);
  }
  for (std::string_view value : HeaderValues(request, "x-amz-content-sha256")) {
    if (value.starts_with("STREAMING-")) {
      return S3Error::InvalidRequest("a presigned URL cannot carry an aws-chunked body");
    }
  }
  claim.signed_headers = std::string(found["X-Amz-SignedHeaders"]);
  claim.signature = std::string(found["X-Amz-Signature"]);
  if (auto bad = CheckSignedHeaders(request, claim.signed_headers, true)) return *bad;
  return CheckSignature(request, lookup, std::move(claim));
}

}  // namespace

S3Result<AuthResult> VerifyRequest(const SignedRequest& request, const CredentialLookup& lookup,
                                   const VerifyOptions& options) {
  auto params = ParseQuery(request.raw_query);
  if (!params.ok()) return InvalidUri(params.status());
  bool v4_query = false;
  bool v2_query = false;
  for (const QueryParam& param : *params) {
    if (param.name == "X-Amz-Signature" || param.name == "X-Amz-Algorithm" || param.name == "X-Amz-Credential") {
      v4_query = true;
    }
    if (param.name == "Signature" || param.name == "AWSAccessKeyId") v2_query = true;
  }
  const auto authorization = HeaderValues(request, "authorization");
  if (!authorization.empty() && (v4_query || v2_query)) {
    return S3Error::InvalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
        "parameter or the Authorization header should be specified");
  }
  if (authorization.size() > 1) return Malformed(false, "more than one Authorization header");
  if (authorization.size() == 1) return VerifyHeaderAuth(request, authorization[0], lookup, options);
  if (v4_query) return VerifyQueryAuth(request, *params, lookup, options);
  if (v2_query) return UnsupportedMechanism();

  AuthResult anonymous;
  anonymous.anonymous = true;
  anonymous.region = options.region;
  const auto sha_values = HeaderValues(request, "x-amz-content-sha256");
  if (!sha_values.empty()) {
    auto payload = ParsePayloadHash(sha_values[0]);
    if (!payload.ok()) return payload.error();
    if (payload->mode == PayloadMode::kStreamingSigned || payload->mode == PayloadMode::kStreamingSignedTrailer) {
      return S3Error::AccessDenied("signed aws-chunked uploads need a signed request");
    }
    anonymous.payload = payload->mode;
    anonymous.payload_sha256 = payload->sha256;
  }
  return anonymous;
}

// --- x-amz-date, which clients write with FormatAmzDate ---

std::string FormatAmzDate(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds time{seconds{unix_seconds}};
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss hms{time - day};
  char text[40];
  std::snprintf(text, sizeof(text), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

std::optional<int64_t> ParseAmzDate(std::string_view t) {
  // yyyyMMdd'T'HHmmss'Z'
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z' || !IsDigits(t.substr(0, 8)) || !IsDigits(t.substr(9, 6))) {
    return std::nullopt;
  }
  return ToUnix(Digits(t.substr(0, 4)), Digits(t.substr(4, 2)), Digits(t.substr(6, 2)), Digits(t.substr(9, 2)),
                Digits(t.substr(11, 2)), Digits(t.substr(13, 2)));
}

}  // namespace strata::http
