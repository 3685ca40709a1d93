// Fuzz target: the SigV4 request path of the gateway, from a tiny text form
//   <method>\n<path>[?<query>]\n(<name>: <value>\n)*\n<body>
// ParseQuery, UriDecode and VerifyRequest (with the AWS documentation's example
// credentials and time) take any request without crashing, and the body is fed
// to AwsChunkedDecoder in each streaming mode. Properties checked: decoding
// undoes encoding, and a body fed in small pieces decodes exactly as fed whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/http/aws_chunked.h"
#include "strata/http/sigv4.h"
#include "strata/http/uri.h"

namespace {

using strata::http::AwsChunkedDecoder;
using strata::http::ChunkSigningContext;
using strata::http::PayloadMode;
using strata::http::S3Check;

constexpr int64_t kNow = 1369353600;  // 20130524T000000Z

const strata::http::Credentials& DocCredentials() {
  static const strata::http::Credentials credentials{"fuzz", "AKIAIOSFODNN7EXAMPLE",
                                                     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
  return credentials;
}

struct Decoded {
  std::string data;
  S3Check error;
  bool done = false;
};

Decoded Decode(PayloadMode mode, const ChunkSigningContext& context, std::string_view body, size_t step) {
  AwsChunkedDecoder decoder(mode, context);
  Decoded out;
  auto sink = [&](std::string_view piece) { out.data.append(piece); };
  for (size_t at = 0; at < body.size() && !out.error; at += step) out.error = decoder.Feed(body.substr(at, step), sink);
  if (!out.error) out.error = decoder.Finish();
  if (decoder.decoded_bytes() != out.data.size()) std::abort();
  if (!out.error && !decoder.done()) std::abort();  // a body Finish accepts is complete
  out.done = decoder.done();
  return out;
}

void CheckBody(PayloadMode mode, const ChunkSigningContext& context, std::string_view body) {
  const Decoded whole = Decode(mode, context, body, body.size() + 1);
  const size_t step = body.size() <= 4096 ? 1 : 1 + body.size() % 13;
  const Decoded pieces = Decode(mode, context, body, step);
  if (whole.error.has_value() != pieces.error.has_value()) std::abort();
  if (whole.error && whole.error->code != pieces.error->code) std::abort();
  if (!whole.error && whole.data != pieces.data) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto next_line = [&input]() {
    const size_t newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };

  strata::http::SignedRequest request;
  request.method = std::string(next_line());
  const std::string_view target = next_line();
  const size_t question = target.find('?');
  request.raw_path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.raw_query = std::string(target.substr(question + 1));
  while (!input.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) break;
    const size_t colon = line.find(':');
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    request.headers.emplace_back(std::move(name), std::string(value));
  }
  const std::string_view body = input;

  (void)strata::http::ParseQuery(request.raw_query);
  auto path = strata::http::UriDecode(request.raw_path);
  if (path.ok()) {
    auto again = strata::http::UriDecode(strata::http::UriEncode(*path, false));
    if (!again.ok() || *again != *path) std::abort();  // decoding must undo encoding
    if (strata::http::UrlEncodeKey(*path) != strata::http::UriEncode(*path, false)) std::abort();
  }

  strata::http::VerifyOptions options;
  options.now_seconds = kNow;
  const strata::http::CredentialLookup lookup = [](std::string_view key) -> const strata::http::Credentials* {
    return key == DocCredentials().access_key ? &DocCredentials() : nullptr;
  };
  auto auth = strata::http::VerifyRequest(request, lookup, options);
  if (auth.ok() && !auth->anonymous && auth->credentials == nullptr) std::abort();

  // The body in every streaming mode: with the verified context where the
  // request verified (so signed seeds get past the signatures), else a fixed one.
  ChunkSigningContext context{strata::http::SigningKey(DocCredentials().secret_key, "20130524", "us-east-1", "s3"),
                              "20130524/us-east-1/s3/aws4_request", "20130524T000000Z", std::string(64, '0')};
  if (auth.ok() && !auth->chunks.signing_key.empty()) context = auth->chunks;
  for (PayloadMode mode :
       {PayloadMode::kStreamingSigned, PayloadMode::kStreamingSignedTrailer, PayloadMode::kStreamingUnsignedTrailer}) {
    CheckBody(mode, context, body);
  }
  return 0;
}
