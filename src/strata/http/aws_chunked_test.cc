#include "strata/http/aws_chunked.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace strata::http {
namespace {

// The chunked upload examples of the AWS documentation ("Signature
// Calculations for the Authorization Header: Transferring Payload in Multiple
// Chunks" and "... Including Trailing Headers"): 65 KiB of 'a' in a 64 KiB and
// a 1 KiB chunk, with the published seed and chunk signatures.
constexpr std::string_view kDocSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr std::string_view kDocChunkSignatures[] = {"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                                                    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                                                    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"};
constexpr std::string_view kDocTrailerSeed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
constexpr std::string_view kDocTrailerChunkSignatures[] = {
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"};
constexpr std::string_view kDocTrailerSignature = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";

ChunkSigningContext DocContext(std::string_view seed) {
  return ChunkSigningContext{SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"),
                             "20130524/us-east-1/s3/aws4_request", "20130524T000000Z", std::string(seed)};
}

std::string DocBody(const std::string_view (&signatures)[3], std::string_view tail) {
  std::string body = "10000;chunk-signature=" + std::string(signatures[0]) + "\r\n" + std::string(65536, 'a') +
                     "\r\n400;chunk-signature=" + std::string(signatures[1]) + "\r\n" + std::string(1024, 'a') +
                     "\r\n0;chunk-signature=" + std::string(signatures[2]) + "\r\n";
  return body + std::string(tail);
}

std::string DocSignedBody() { return DocBody(kDocChunkSignatures, "\r\n"); }
std::string DocTrailerBody(std::string_view end = "\r\n") {
  return DocBody(kDocTrailerChunkSignatures, "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" +
                                                 std::string(kDocTrailerSignature) + "\r\n" + std::string(end));
}

struct Decoded {
  std::string data;
  S3Check error;  // from Feed or Finish
  bool done = false;
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Feeds `body` in pieces of `step` bytes (0: all at once), then finishes.
Decoded Decode(PayloadMode mode, const ChunkSigningContext& context, std::string_view body, size_t step = 0) {
  AwsChunkedDecoder decoder(mode, context);
  Decoded out;
  auto sink = [&](std::string_view piece) { out.data.append(piece); };
  if (step == 0) step = body.size() + 1;
  for (size_t at = 0; at < body.size() && !out.error; at += step) out.error = decoder.Feed(body.substr(at, step), sink);
  if (!out.error) out.error = decoder.Finish();
  EXPECT_EQ(decoder.decoded_bytes(), out.data.size());
  out.done = decoder.done();
  out.trailers = decoder.trailers();
  return out;
}

void ExpectCode(const Decoded& decoded, std::string_view code) {
  ASSERT_TRUE(decoded.error.has_value()) << "expected " << code;
  EXPECT_EQ(decoded.error->code, code) << decoded.error->message;
}

TEST(AwsChunkedTest, DecodesTheDocumentedSignedUpload) {
  const std::string body = DocSignedBody();
  EXPECT_EQ(body.size(), 66824u);  // the documented Content-Length
  for (size_t step : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}, size_t{65537}}) {
    const Decoded decoded = Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), body, step);
    ASSERT_FALSE(decoded.error) << "step " << step << ": " << decoded.error->message;
    EXPECT_EQ(decoded.data, std::string(66560, 'a'));
    EXPECT_TRUE(decoded.done);
    EXPECT_TRUE(decoded.trailers.empty());
  }
}

TEST(AwsChunkedTest, EncoderReproducesTheDocumentedBodies) {
  const std::string payload(66560, 'a');
  EXPECT_EQ(EncodeAwsChunked(payload, 65536, PayloadMode::kStreamingSigned, DocContext(kDocSeed)), DocSignedBody());
  EXPECT_EQ(EncodeAwsChunked(payload, 65536, PayloadMode::kStreamingSignedTrailer, DocContext(kDocTrailerSeed),
                             {{"x-amz-checksum-crc32c", "sOO8/Q=="}}),
            DocTrailerBody());
}

TEST(AwsChunkedTest, DecodesTheDocumentedSignedTrailer) {
  for (std::string_view end : {"\r\n", ""}) {  // the last empty line is optional
    const Decoded decoded =
        Decode(PayloadMode::kStreamingSignedTrailer, DocContext(kDocTrailerSeed), DocTrailerBody(end), 3);
    ASSERT_FALSE(decoded.error) << decoded.error->message;
    EXPECT_EQ(decoded.data.size(), 66560u);
    EXPECT_TRUE(decoded.done);
    ASSERT_EQ(decoded.trailers.size(), 1u);
    EXPECT_EQ(decoded.trailers[0].first, "x-amz-checksum-crc32c");
    EXPECT_EQ(decoded.trailers[0].second, "sOO8/Q==");
  }
}

TEST(AwsChunkedTest, TamperedSignedBodiesAreRefused) {
  const std::string body = DocSignedBody();
  const size_t data1 = body.find("\r\n") + 2;
  const size_t data2 = body.find("400;") + 86;
  for (size_t flip : {data1, data1 + 65535, data2, data2 + 1023}) {
    std::string tampered = body;
    tampered[flip] = 'b';
    ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), tampered), "SignatureDoesNotMatch");
  }
  // A chunk signature changed, the final one included.
  for (std::string_view sig : kDocChunkSignatures) {
    std::string tampered = body;
    tampered[tampered.find(sig) + 10] ^= 1;
    ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), tampered), "SignatureDoesNotMatch");
  }
  // Another seed (another request) does not chain.
  ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocTrailerSeed), body), "SignatureDoesNotMatch");
  // Chunks cannot be dropped or reordered: the chain breaks.
  std::string dropped = body;
  dropped.erase(data2 - 86, 86 + 1024 + 2);
  ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), dropped), "SignatureDoesNotMatch");
  // The signed trailer covers the trailer values.
  std::string trailer = DocTrailerBody();
  trailer.replace(trailer.find("sOO8"), 4, "sOO9");
  ExpectCode(Decode(PayloadMode::kStreamingSignedTrailer, DocContext(kDocTrailerSeed), trailer),
             "SignatureDoesNotMatch");
}

TEST(AwsChunkedTest, SignedModesNeedTheirSignatures) {
  ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), "3\r\nabc\r\n0\r\n\r\n"), "InvalidRequest");
  std::string unsigned_trailer = DocBody(kDocTrailerChunkSignatures, "x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");
  ExpectCode(Decode(PayloadMode::kStreamingSignedTrailer, DocContext(kDocTrailerSeed), unsigned_trailer),
             "InvalidRequest");
  // A body without trailers has none.
  ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), DocBody(kDocChunkSignatures, "x:y\r\n\r\n")),
             "InvalidRequest");
}

TEST(AwsChunkedTest, UnsignedTrailerAsBotocoreSendsIt) {
  for (std::string_view end : {"\r\n", ""}) {
    const std::string body = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n" + std::string(end);
    for (size_t step : {size_t{0}, size_t{1}}) {
      const Decoded decoded = Decode(PayloadMode::kStreamingUnsignedTrailer, {}, body, step);
      ASSERT_FALSE(decoded.error) << decoded.error->message;
      EXPECT_EQ(decoded.data, "abc");
      EXPECT_TRUE(decoded.done);
      ASSERT_EQ(decoded.trailers.size(), 1u);
      EXPECT_EQ(decoded.trailers[0], (std::pair<std::string, std::string>{"x-amz-checksum-crc32", "NSRBwg=="}));
    }
  }
  // Chunk extensions are ignored; names are lower-cased and values trimmed.
  const Decoded decoded =
      Decode(PayloadMode::kStreamingUnsignedTrailer, {}, "2;ext=1\r\nab\r\n0\r\nX-Amz-Checksum-SHA1: x \r\n\r\n");
  ASSERT_FALSE(decoded.error) << decoded.error->message;
  EXPECT_EQ(decoded.data, "ab");
  EXPECT_EQ(decoded.trailers[0], (std::pair<std::string, std::string>{"x-amz-checksum-sha1", "x"}));
  EXPECT_FALSE(Decode(PayloadMode::kStreamingUnsignedTrailer, {}, "0\r\n\r\n").error);
}

TEST(AwsChunkedTest, OneByteAtATimeEqualsWhole) {
  std::mt19937 rng(7);
  std::string payload(200000, '\0');
  for (char& c : payload) c = static_cast<char>(rng());
  const ChunkSigningContext context = DocContext(kDocSeed);
  for (PayloadMode mode :
       {PayloadMode::kStreamingSigned, PayloadMode::kStreamingSignedTrailer, PayloadMode::kStreamingUnsignedTrailer}) {
    const std::string body = EncodeAwsChunked(payload, 8192 + 3, mode, context, {{"x-amz-checksum-crc32", "AAAAAA=="}});
    const Decoded whole = Decode(mode, context, body);
    const Decoded bytewise = Decode(mode, context, body, 1);
    ASSERT_FALSE(whole.error) << whole.error->message;
    ASSERT_FALSE(bytewise.error) << bytewise.error->message;
    EXPECT_EQ(whole.data, payload);
    EXPECT_EQ(bytewise.data, payload);
    EXPECT_EQ(whole.trailers, bytewise.trailers);
  }
}

TEST(AwsChunkedTest, EmptyPayloadAndTinyChunks) {
  const ChunkSigningContext context = DocContext(kDocSeed);
  for (PayloadMode mode :
       {PayloadMode::kStreamingSigned, PayloadMode::kStreamingSignedTrailer, PayloadMode::kStreamingUnsignedTrailer}) {
    for (std::string_view payload : {std::string_view(), std::string_view("x"), std::string_view("hello world")}) {
      const Decoded decoded = Decode(mode, context, EncodeAwsChunked(payload, 1, mode, context), 2);
      ASSERT_FALSE(decoded.error) << decoded.error->message;
      EXPECT_EQ(decoded.data, payload);
    }
  }
}

TEST(AwsChunkedTest, TruncatedBodiesAreIncomplete) {
  const std::string body = DocSignedBody();
  for (size_t length : {size_t{0}, size_t{1}, size_t{10}, size_t{86}, size_t{87}, size_t{5000}, body.size() - 90,
                        body.size() - 3, body.size() - 2, body.size() - 1}) {
    ExpectCode(Decode(PayloadMode::kStreamingSigned, DocContext(kDocSeed), body.substr(0, length)), "IncompleteBody");
  }
  // Every prefix of a small unsigned body, short of the accepted ends.
  const std::string small = "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
  const size_t without_final_crlf = small.size() - 2;
  for (size_t length = 0; length < small.size(); ++length) {
    const Decoded decoded = Decode(PayloadMode::kStreamingUnsignedTrailer, {}, small.substr(0, length));
    if (length == without_final_crlf) {
      EXPECT_FALSE(decoded.error);
    } else {
      ExpectCode(decoded, "IncompleteBody");
      EXPECT_FALSE(decoded.done) << length;
    }
  }
  // The signed trailer section must be complete up to its signature line.
  const std::string trailer = DocTrailerBody("");
  ExpectCode(
      Decode(PayloadMode::kStreamingSignedTrailer, DocContext(kDocTrailerSeed), trailer.substr(0, trailer.size() - 1)),
      "IncompleteBody");
}

TEST(AwsChunkedTest, MalformedFramingIsInvalidRequest) {
  const PayloadMode mode = PayloadMode::kStreamingUnsignedTrailer;
  for (std::string_view body : {
           "x\r\nabc\r\n0\r\n\r\n",                    // not hex
           "3\nabc\r\n0\r\n\r\n",                      // LF without CR
           "3\r\nabcd\r\n0\r\n\r\n",                   // more data than the size
           "3 \r\nabc\r\n0\r\n\r\n",                   // junk after the size
           "10000000000000000\r\n",                    // 17 hex digits
           "3\r\nabc\r\n0\r\n\r\nextra",               // bytes after the end
           "0\r\nno colon\r\n\r\n",                    // bad trailer
           "0\r\n:value\r\n\r\n",                      // empty trailer name
           "0\r\nx-amz-trailer-signature:00\r\n\r\n",  // a signature in an unsigned body
       }) {
    const Decoded decoded = Decode(mode, {}, body);
    ExpectCode(decoded, "InvalidRequest");
    EXPECT_NE(decoded.error->message.find("at byte"), std::string::npos) << decoded.error->message;
  }
}

TEST(AwsChunkedTest, OverlongLinesAreRefusedWithoutBuffering) {
  AwsChunkedDecoder decoder(PayloadMode::kStreamingUnsignedTrailer, {});
  auto sink = [](std::string_view) {};
  const std::string zeros(AwsChunkedDecoder::kMaxChunkHeaderBytes, '0');
  EXPECT_FALSE(decoder.Feed(zeros.substr(0, 10), sink));
  const S3Check error = decoder.Feed(zeros, sink);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "InvalidRequest");
  // Errors stick.
  EXPECT_EQ(decoder.Feed("\r\n", sink)->message, error->message);
  EXPECT_EQ(decoder.Finish()->message, error->message);

  const std::string long_trailer = "0\r\nx-amz-meta:" + std::string(AwsChunkedDecoder::kMaxTrailerLineBytes, 'v');
  ExpectCode(Decode(PayloadMode::kStreamingUnsignedTrailer, {}, long_trailer), "InvalidRequest");
}

TEST(AwsChunkedTest, DataIsHandedOutAsItArrives) {
  // A 4 MiB chunk fed in 64 KiB pieces reaches the sink piece by piece.
  const std::string payload(4 << 20, 'z');
  const std::string body = EncodeAwsChunked(payload, payload.size(), PayloadMode::kStreamingUnsignedTrailer, {});
  AwsChunkedDecoder decoder(PayloadMode::kStreamingUnsignedTrailer, {});
  size_t calls = 0;
  size_t largest = 0;
  auto sink = [&](std::string_view piece) {
    ++calls;
    largest = std::max(largest, piece.size());
  };
  for (size_t at = 0; at < body.size(); at += 65536) {
    ASSERT_FALSE(decoder.Feed(std::string_view(body).substr(at, 65536), sink));
    if (at == 0) {
      EXPECT_EQ(decoder.decoded_bytes(), 65536u - body.find('\n') - 1);
    }
  }
  EXPECT_FALSE(decoder.Finish());
  EXPECT_EQ(decoder.decoded_bytes(), payload.size());
  EXPECT_GE(calls, 64u);
  EXPECT_LE(largest, 65536u);
}

}  // namespace
}  // namespace strata::http
