#include "strata/http/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "strata/base/checksum.h"
#include "strata/base/hex.h"
#include "strata/http/sigv4_internal.h"
#include "strata/http/uri.h"

namespace strata::http {
namespace {

using namespace sigv4_internal;  // what sigv4_sign.cc and sigv4_verify.cc share

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Trimall from the SigV4 spec: trimmed, and each run of whitespace inside one
// space (the SDKs collapse tabs too, so we do).
std::string CanonicalHeaderValue(std::string_view value) {
  value = Trim(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

std::string AllHeaderNames(const SignedRequest& request) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (lower != "authorization") names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

// A path or query with malformed escapes gets a signature no server accepts;
// the server answers such a request InvalidURI anyway.
std::string ComputeSignature(const SignedRequest& request, std::string_view signed_headers,
                             std::string_view payload_hash, bool presigned, std::string_view signing_key,
                             std::string_view amz_date, std::string_view scope) {
  const auto canonical = CanonicalRequest(request, signed_headers, payload_hash, presigned);
  const std::string mac =
      HmacSha256(signing_key, StringToSign(amz_date, scope, canonical.ok() ? *canonical : std::string()));
  return ToHex(mac.data(), mac.size());
}

}  // namespace

// --- shared with sigv4_verify.cc (declared in sigv4_internal.h) ---

std::string_view sigv4_internal::Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string sigv4_internal::Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> sigv4_internal::HeaderValues(const SignedRequest& request, std::string_view name) {
  std::vector<std::string_view> values;
  for (const auto& [n, v] : request.headers) {
    if (n == name) values.push_back(v);
  }
  return values;
}

std::vector<std::string_view> sigv4_internal::Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

S3Error sigv4_internal::InvalidUri(const Status& status) {
  return S3Error::Make(400, "InvalidURI", "Couldn't parse the specified URI: " + status.message());
}

std::string sigv4_internal::ScopeString(std::string_view date, std::string_view region) {
  return std::string(date) + "/" + std::string(region) + "/" + std::string(kService) + "/" + std::string(kTerminal);
}

// --- signing ---

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string key = HmacSha256("AWS4" + std::string(secret), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, kTerminal);
}

std::string SignRequestHeader(const SignedRequest& request, const Credentials& creds, std::string_view region,
                              std::string_view amz_date) {
  const std::string signed_headers = AllHeaderNames(request);
  const auto payload = HeaderValues(request, "x-amz-content-sha256");
  const std::string_view payload_hash = payload.empty() ? kUnsignedPayload : payload[0];
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = ScopeString(date, region);
  const std::string signature = ComputeSignature(request, signed_headers, payload_hash, false,
                                                 SigningKey(creds.secret_key, date, region, kService), amz_date, scope);
  return std::string(kAlgorithm) + " Credential=" + creds.access_key + "/" + scope +
         ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

std::string PresignQuery(const SignedRequest& request, const Credentials& creds, std::string_view region,
                         std::string_view amz_date, int expires_seconds) {
  const std::string signed_headers = AllHeaderNames(request);
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = ScopeString(date, region);
  SignedRequest presigned = request;
  if (!presigned.raw_query.empty()) presigned.raw_query += '&';
  presigned.raw_query += "X-Amz-Algorithm=" + std::string(kAlgorithm) +
                         "&X-Amz-Credential=" + UriEncode(creds.access_key + "/" + scope, true) +
                         "&X-Amz-Date=" + UriEncode(amz_date, true) +
                         "&X-Amz-Expires=" + std::to_string(expires_seconds) +
                         "&X-Amz-SignedHeaders=" + UriEncode(signed_headers, true);
  const std::string signature = ComputeSignature(presigned, signed_headers, kUnsignedPayload, true,
                                                 SigningKey(creds.secret_key, date, region, kService), amz_date, scope);
  return presigned.raw_query + "&X-Amz-Signature=" + signature;
}

std::string Sha256Hex(std::string_view data) {
  Checksummer sha256(ChecksumAlgorithm::kSha256);
  sha256.Update(data);
  return ToHex(sha256.Finish());
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The path and each query name and value are decoded and re-encoded, so what
// a client signed (its key encoded per the spec) matches however it escaped
// the wire form. S3 does not normalise "." or "//" segments; neither does this.
S3Result<std::string> CanonicalRequest(const SignedRequest& request, std::string_view signed_headers,
                                       std::string_view payload_hash, bool presigned) {
  auto path = UriDecode(request.raw_path.empty() ? std::string_view("/") : std::string_view(request.raw_path));
  if (!path.ok()) return InvalidUri(path.status());
  auto params = ParseQuery(request.raw_query);
  if (!params.ok()) return InvalidUri(params.status());
  std::vector<std::pair<std::string, std::string>> query;
  for (const QueryParam& param : *params) {
    if (presigned && param.name == "X-Amz-Signature") continue;
    query.emplace_back(UriEncode(param.name, true), UriEncode(param.value, true));
  }
  std::sort(query.begin(), query.end());

  std::string out = request.method + "\n" + UriEncode(*path, false) + "\n";
  for (size_t i = 0; i < query.size(); ++i) out += (i ? "&" : "") + query[i].first + "=" + query[i].second;
  out += '\n';
  for (std::string_view name : Split(signed_headers, ';')) {
    const std::string lower = Lower(name);
    const auto values = HeaderValues(request, lower);
    // A signed header the request lacks gets no line: that is what AWS and
    // the clients that list absent headers (libs3) compute.
    if (values.empty()) continue;
    out += lower + ":";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + CanonicalHeaderValue(values[i]);
    out += '\n';
  }
  out += "\n" + std::string(signed_headers) + "\n" + std::string(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         Sha256Hex(canonical_request);
}

}  // namespace strata::http
