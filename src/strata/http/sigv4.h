// AWS Signature Version 4 for S3, both sides: VerifyRequest checks a request
// signed in the Authorization header or in the query (a presigned URL) and says
// who sent it and how its body must be checked; the Sign* functions produce
// the same signatures for our own clients. Independent of the HTTP library;
// pure functions of their arguments, thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/http/s3_error.h"

namespace strata::http {

struct Credentials {
  std::string user;
  std::string access_key;
  std::string secret_key;
};

// Finds the credentials of an access key, or null. The pointer must stay valid
// while the AuthResult that holds it is in use.
using CredentialLookup = std::function<const Credentials*(std::string_view access_key)>;

// What the verifier needs from a request, independent of the HTTP library.
struct SignedRequest {
  std::string method;     // "GET"
  std::string raw_path;   // as sent on the request line, still percent-encoded, without the query
  std::string raw_query;  // as sent, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values as received (repeats allowed)
};

// How the body must be read and checked, from x-amz-content-sha256.
enum class PayloadMode {
  kUnsigned,                  // UNSIGNED-PAYLOAD (and every presigned URL): the body is not signed
  kSha256,                    // a hex digest: the body must hash to AuthResult::payload_sha256
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, signed chunks
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, trailers, no signatures
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and trailers
};

// Context to verify the chunk signatures of a streaming signed upload.
struct ChunkSigningContext {
  std::string signing_key;     // raw bytes, from SigningKey()
  std::string scope;           // "20130524/us-east-1/s3/aws4_request"
  std::string amz_date;        // "20130524T000000Z"
  std::string seed_signature;  // the request's signature, lower-case hex; chains into the first chunk
};

struct AuthResult {
  bool anonymous = false;  // no Authorization header and no X-Amz-Signature in the query
  const Credentials* credentials = nullptr;
  PayloadMode payload = PayloadMode::kUnsigned;
  std::string payload_sha256;  // lower-case hex to check the body against when kSha256
  ChunkSigningContext chunks;  // when streaming signed
  std::string region;          // from the credential scope (the configured region when anonymous)
  bool presigned = false;      // authenticated by query parameters rather than the header
};

struct VerifyOptions {
  std::string region = "us-east-1";  // the only region accepted in a scope; empty accepts any
  int64_t now_seconds = 0;           // the server's clock, Unix seconds
  int64_t max_skew_seconds = 15 * 60;
};

// Authenticates a request. Errors, as S3 reports them:
//   InvalidAccessKeyId 403         unknown access key
//   SignatureDoesNotMatch 403      wrong signature (wrong secret, anything signed changed)
//   AuthorizationHeaderMalformed 400 (header) / AuthorizationQueryParametersError 400 (query)
//                                  unparsable Authorization / X-Amz-* parameters, bad
//                                  credential scope or date, wrong region (the message names
//                                  the expected one), host not signed, X-Amz-Expires not in
//                                  1..604800
//   RequestTimeTooSkewed 403       header auth, x-amz-date too far from now
//   AccessDenied 403               presigned URL expired or not yet valid; no usable date;
//                                  an x-amz-* header present but not signed; signed
//                                  aws-chunked body on an anonymous request
//   InvalidRequest 400             AWS signature v2 or another algorithm; missing
//                                  x-amz-content-sha256; aws-chunked body on a presigned URL
//   InvalidArgument 400            bad x-amz-content-sha256 value; two auth mechanisms at once
//   InvalidURI 400                 malformed percent-escape in the path or query
//   NotImplemented 501             x-amz-content-sha256 of SigV4a (ECDSA) streaming
S3Result<AuthResult> VerifyRequest(const SignedRequest& request, const CredentialLookup& lookup,
                                   const VerifyOptions& options);

// --- Signing, for clients (the benchmark, tests) and for the chunk decoder ---

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// kSigning = HMAC chain over "AWS4"+secret, date, region, service, "aws4_request". Raw bytes.
std::string SigningKey(std::string_view secret, std::string_view date /*YYYYMMDD*/, std::string_view region,
                       std::string_view service);
// Returns the Authorization header value for a request. Every header in
// request.headers except authorization is signed; they must already include
// host, x-amz-date and x-amz-content-sha256 (whose value is the payload hash).
std::string SignRequestHeader(const SignedRequest& request, const Credentials& creds, std::string_view region,
                              std::string_view amz_date /*YYYYMMDD'T'HHMMSS'Z'*/);
// Returns the full query string (the given raw_query plus the X-Amz-*
// parameters) of a presigned URL. Every header in request.headers is signed;
// they must include host.
std::string PresignQuery(const SignedRequest& request, const Credentials& creds, std::string_view region,
                         std::string_view amz_date, int expires_seconds);

std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
// Compares in time that depends only on the lengths, for signatures.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// "20130524T000000Z" <-> Unix seconds (UTC).
std::string FormatAmzDate(int64_t unix_seconds);
std::optional<int64_t> ParseAmzDate(std::string_view amz_date);

// The canonical request and string to sign, exposed so a SignatureDoesNotMatch
// can be logged with what the server computed. signed_headers is the
// ';'-separated list as the client sent it; presigned leaves X-Amz-Signature
// out of the query.
S3Result<std::string> CanonicalRequest(const SignedRequest& request, std::string_view signed_headers,
                                       std::string_view payload_hash, bool presigned);
std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

}  // namespace strata::http
