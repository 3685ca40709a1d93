#include "strata/http/sigv4.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::http {
namespace {

// The example credentials and time of the AWS SigV4 documentation for S3
// ("Examples: Signature Calculations"), whose signatures are facts of the spec.
constexpr std::string_view kDocKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kDocSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr int64_t kDocTime = 1369353600;  // 20130524T000000Z
constexpr std::string_view kDocHost = "examplebucket.s3.amazonaws.com";

// Credentials and time of the requests botocore 1.43 signed (see BotocoreSigned).
constexpr int64_t kBotoTime = 1709294400;  // 20240301T120000Z

class Sigv4Test : public ::testing::Test {
 protected:
  Credentials doc_{"alice", std::string(kDocKey), std::string(kDocSecret)};
  Credentials boto_{"bob", "AKIDSTRATA", "strata/secret+key"};
  CredentialLookup lookup_ = [this](std::string_view key) -> const Credentials* {
    if (key == doc_.access_key) return &doc_;
    if (key == boto_.access_key) return &boto_;
    return nullptr;
  };

  S3Result<AuthResult> Verify(const SignedRequest& request, int64_t now = kDocTime, std::string region = "us-east-1") {
    VerifyOptions options;
    options.region = std::move(region);
    options.now_seconds = now;
    return VerifyRequest(request, lookup_, options);
  }

  static void ExpectError(const S3Result<AuthResult>& result, int status, std::string_view code,
                          std::string_view message_part = "") {
    ASSERT_FALSE(result.ok()) << "expected " << code;
    EXPECT_EQ(result.error().http_status, status) << result.error().message;
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
  }

  // GET Object from the documentation, unsigned so far.
  static SignedRequest DocGetObject() {
    return SignedRequest{"GET",
                         "/test.txt",
                         "",
                         {{"host", std::string(kDocHost)},
                          {"range", "bytes=0-9"},
                          {"x-amz-content-sha256", std::string(kEmptySha256)},
                          {"x-amz-date", "20130524T000000Z"}}};
  }

  SignedRequest Signed(SignedRequest request, const Credentials& creds, std::string_view amz_date) {
    request.headers.emplace_back("authorization", SignRequestHeader(request, creds, "us-east-1", amz_date));
    return request;
  }

  static void SetHeader(SignedRequest& request, std::string_view name, std::string value) {
    for (auto& [n, v] : request.headers) {
      if (n == name) v = value;
    }
  }
};

std::string DocAuthorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

TEST_F(Sigv4Test, SigningReproducesTheDocumentedExamples) {
  EXPECT_EQ(SignRequestHeader(DocGetObject(), doc_, "us-east-1", "20130524T000000Z"),
            DocAuthorization("host;range;x-amz-content-sha256;x-amz-date",
                             "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));

  const std::string body_sha = Sha256Hex("Welcome to Amazon S3.");
  EXPECT_EQ(body_sha, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SignedRequest put{"PUT",
                    "/test%24file.text",
                    "",
                    {{"host", std::string(kDocHost)},
                     {"date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-date", "20130524T000000Z"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"x-amz-content-sha256", body_sha}}};
  EXPECT_EQ(SignRequestHeader(put, doc_, "us-east-1", "20130524T000000Z"),
            DocAuthorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                             "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));

  SignedRequest lifecycle{"GET",
                          "/",
                          "lifecycle",
                          {{"host", std::string(kDocHost)},
                           {"x-amz-date", "20130524T000000Z"},
                           {"x-amz-content-sha256", std::string(kEmptySha256)}}};
  EXPECT_EQ(SignRequestHeader(lifecycle, doc_, "us-east-1", "20130524T000000Z"),
            DocAuthorization("host;x-amz-content-sha256;x-amz-date",
                             "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));

  SignedRequest list = lifecycle;
  list.raw_query = "max-keys=2&prefix=J";
  EXPECT_EQ(SignRequestHeader(list, doc_, "us-east-1", "20130524T000000Z"),
            DocAuthorization("host;x-amz-content-sha256;x-amz-date",
                             "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_F(Sigv4Test, VerifiesTheDocumentedGetObject) {
  SignedRequest request = DocGetObject();
  request.headers.emplace_back("authorization",
                               "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                               "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                               "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  auto result = Verify(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->anonymous);
  EXPECT_EQ(result->credentials, &doc_);
  EXPECT_EQ(result->payload, PayloadMode::kSha256);
  EXPECT_EQ(result->payload_sha256, kEmptySha256);
  EXPECT_EQ(result->region, "us-east-1");
  EXPECT_FALSE(result->presigned);
}

TEST_F(Sigv4Test, PresignReproducesAndVerifiesTheDocumentedUrl) {
  SignedRequest request{"GET", "/test.txt", "", {{"host", std::string(kDocHost)}}};
  const std::string query = PresignQuery(request, doc_, "us-east-1", "20130524T000000Z", 86400);
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  request.raw_query = query;
  auto result = Verify(request, kDocTime + 3600);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->presigned);
  EXPECT_EQ(result->payload, PayloadMode::kUnsigned);
  // Valid to the second X-Amz-Date + X-Amz-Expires, then expired.
  EXPECT_TRUE(Verify(request, kDocTime + 86400).ok());
  ExpectError(Verify(request, kDocTime + 86401), 403, "AccessDenied", "Request has expired");
  ExpectError(Verify(request, kDocTime - 16 * 60), 403, "AccessDenied", "not valid yet");
  // Tampering with the URL or the host breaks it; other headers may be added.
  SignedRequest tampered = request;
  tampered.raw_path = "/test2.txt";
  ExpectError(Verify(tampered), 403, "SignatureDoesNotMatch");
  tampered = request;
  tampered.raw_query = "versionId=1&" + query;
  ExpectError(Verify(tampered), 403, "SignatureDoesNotMatch");
  tampered = request;
  tampered.raw_query.replace(tampered.raw_query.find("86400"), 5, "86401");
  ExpectError(Verify(tampered), 403, "SignatureDoesNotMatch");
  tampered = request;
  tampered.headers[0].second = "otherbucket.s3.amazonaws.com";
  ExpectError(Verify(tampered), 403, "SignatureDoesNotMatch");
  tampered = request;
  tampered.headers.emplace_back("user-agent", "curl/8");
  EXPECT_TRUE(Verify(tampered).ok());
  tampered.headers.emplace_back("x-amz-acl", "public-read");
  ExpectError(Verify(tampered), 403, "AccessDenied", "x-amz-acl");
}

TEST_F(Sigv4Test, PresignedParametersAreChecked) {
  SignedRequest request{"GET", "/k", "", {{"host", "h"}}};
  auto presign = [&](int expires) {
    SignedRequest r = request;
    r.raw_query = PresignQuery(request, doc_, "us-east-1", "20130524T000000Z", expires);
    return r;
  };
  EXPECT_TRUE(Verify(presign(604800)).ok());
  ExpectError(Verify(presign(604801)), 400, "AuthorizationQueryParametersError", "604800");
  ExpectError(Verify(presign(0)), 400, "AuthorizationQueryParametersError", "X-Amz-Expires");
  SignedRequest missing = presign(60);
  missing.raw_query.erase(missing.raw_query.find("&X-Amz-Date="), 28);
  ExpectError(Verify(missing), 400, "AuthorizationQueryParametersError", "requires");
  SignedRequest algorithm = presign(60);
  algorithm.raw_query.replace(algorithm.raw_query.find("HMAC"), 4, "HMAX");
  ExpectError(Verify(algorithm), 400, "AuthorizationQueryParametersError", "X-Amz-Algorithm");
  SignedRequest date = presign(60);
  date.raw_query.replace(date.raw_query.find("X-Amz-Date=20130524T"), 20, "X-Amz-Date=20130524X");
  ExpectError(Verify(date), 400, "AuthorizationQueryParametersError", "ISO8601");
  ExpectError(Verify(presign(60), kDocTime, "eu-west-1"), 400, "AuthorizationQueryParametersError",
              "expecting 'eu-west-1'");
  SignedRequest both = presign(60);
  both.headers.emplace_back("authorization", DocAuthorization("host", std::string(64, '0')));
  ExpectError(Verify(both), 400, "InvalidArgument", "Only one auth mechanism");
  SignedRequest chunked = presign(60);
  chunked.headers.emplace_back("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  ExpectError(Verify(chunked), 400, "InvalidRequest", "aws-chunked");
}

// Requests signed by botocore 1.43 (aws CLI's signer), path-style, captured
// before sending: keys with spaces, '+', '=', unicode and sub-delimiters,
// metadata with runs of spaces, a listing with encoded query values.
constexpr std::string_view kBotoKeyPath = "/bkt/dir/a%20b%2Bc%3Dd%26%C3%A9%21%27%28%29%2A%3A%40%2C%3B%24.txt";

TEST_F(Sigv4Test, VerifiesBotocoreSignedRequests) {
  SignedRequest put{"PUT",
                    std::string(kBotoKeyPath),
                    "",
                    {{"host", "127.0.0.1:9000"},
                     {"x-amz-meta-note", "  hello   world  "},
                     {"content-type", "text/plain"},
                     {"user-agent", "Botocore/1.43.11"},
                     {"expect", "100-continue"},
                     {"x-amz-date", "20240301T120000Z"},
                     {"x-amz-content-sha256", Sha256Hex("hello")},
                     {"authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIDSTRATA/20240301/us-east-1/s3/aws4_request, "
                      "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-note, "
                      "Signature=9a119bfe7037545af0ae8eec637dbcfb48ba5676617af38eb1c7cf88b4d42fa5"},
                     {"content-length", "5"}}};
  auto result = Verify(put, kBotoTime);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->credentials, &boto_);
  EXPECT_EQ(result->payload_sha256, Sha256Hex("hello"));

  // The same key with sub-delimiters left unescaped on the wire, as other
  // clients send it: the canonical path is re-encoded, so it still verifies.
  SignedRequest loose = put;
  loose.raw_path = "/bkt/dir/a%20b%2Bc%3Dd%26%C3%A9!'()*:@,;$.txt";
  EXPECT_TRUE(Verify(loose, kBotoTime).ok());
  // But another key does not.
  loose.raw_path = "/bkt/dir/a+b%2Bc%3Dd%26%C3%A9!'()*:@,;$.txt";
  ExpectError(Verify(loose, kBotoTime), 403, "SignatureDoesNotMatch");

  SignedRequest list{"GET",
                     "/bkt",
                     "list-type=2&prefix=a%20b%2F%2B&delimiter=%2F&continuation-token=xyz%2B%2F%3D&encoding-type=url",
                     {{"host", "127.0.0.1:9000"},
                      {"x-amz-date", "20240301T120000Z"},
                      {"x-amz-content-sha256", std::string(kEmptySha256)},
                      {"authorization",
                       "AWS4-HMAC-SHA256 Credential=AKIDSTRATA/20240301/us-east-1/s3/aws4_request, "
                       "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                       "Signature=6311366b4bdded9dd425f817fe2ca71d50f43d7473bf5d0c6e46567a2e2f367f"}}};
  EXPECT_TRUE(Verify(list, kBotoTime).ok());

  SignedRequest presigned{"GET",
                          std::string(kBotoKeyPath),
                          "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDSTRATA%2F20240301%2Fus-east-1%2Fs3%2F"
                          "aws4_request&X-Amz-Date=20240301T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
                          "X-Amz-Signature=3c2b65caec5ce262d173c6a55c1632dc6cf7be5f310a8daef998755739368d2b",
                          {{"host", "127.0.0.1:9000"}}};
  EXPECT_TRUE(Verify(presigned, kBotoTime + 600).ok());
}

TEST_F(Sigv4Test, TamperingWithAnythingSignedIsRefused) {
  const SignedRequest good = Signed(DocGetObject(), doc_, "20130524T000000Z");
  ASSERT_TRUE(Verify(good).ok());
  for (const char* header : {"host", "range", "x-amz-date"}) {
    SignedRequest r = good;
    SetHeader(r, header, header == std::string("x-amz-date") ? "20130524T000001Z" : "changed");
    ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
  }
  SignedRequest r = good;
  SetHeader(r, "x-amz-content-sha256", Sha256Hex("other body"));
  ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
  r = good;
  r.raw_path = "/test.txu";
  ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
  r = good;
  r.raw_query = "versionId=2";
  ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
  r = good;
  r.method = "DELETE";
  ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
  r = good;
  r.headers.emplace_back("range", "bytes=10-19");  // a repeat joins the signed value
  ExpectError(Verify(r), 403, "SignatureDoesNotMatch");
}

TEST_F(Sigv4Test, WrongKeysAreRefused) {
  Credentials wrong_secret = doc_;
  wrong_secret.secret_key = "not-the-secret";
  ExpectError(Verify(Signed(DocGetObject(), wrong_secret, "20130524T000000Z")), 403, "SignatureDoesNotMatch");
  Credentials unknown = doc_;
  unknown.access_key = "AKIDUNKNOWN";
  ExpectError(Verify(Signed(DocGetObject(), unknown, "20130524T000000Z")), 403, "InvalidAccessKeyId", "AKIDUNKNOWN");
}

TEST_F(Sigv4Test, AccessKeysMayContainSlashes) {
  const Credentials slashed{"carol", "team/AKID", "s3cr3t"};
  const CredentialLookup lookup = [&](std::string_view key) -> const Credentials* {
    return key == slashed.access_key ? &slashed : nullptr;
  };
  VerifyOptions options;
  options.now_seconds = kDocTime;
  auto result = VerifyRequest(Signed(DocGetObject(), slashed, "20130524T000000Z"), lookup, options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->credentials, &slashed);
}

TEST_F(Sigv4Test, UnsignedHeadersAddedAfterSigning) {
  SignedRequest r = Signed(DocGetObject(), doc_, "20130524T000000Z");
  r.headers.emplace_back("user-agent", "aws-cli/2");
  r.headers.emplace_back("x-amzn-trace-id", "Root=1");
  r.headers.emplace_back("content-length", "0");
  EXPECT_TRUE(Verify(r).ok());
  r.headers.emplace_back("x-amz-meta-late", "1");
  ExpectError(Verify(r), 403, "AccessDenied", "x-amz-meta-late");
}

TEST_F(Sigv4Test, RequestTimeMustBeNearNow) {
  const SignedRequest r = Signed(DocGetObject(), doc_, "20130524T000000Z");
  EXPECT_TRUE(Verify(r, kDocTime + 15 * 60).ok());
  EXPECT_TRUE(Verify(r, kDocTime - 15 * 60).ok());
  ExpectError(Verify(r, kDocTime + 15 * 60 + 1), 403, "RequestTimeTooSkewed");
  ExpectError(Verify(r, kDocTime - 15 * 60 - 1), 403, "RequestTimeTooSkewed");
}

TEST_F(Sigv4Test, DateHeaderServesWhenThereIsNoXAmzDate) {
  SignedRequest r = DocGetObject();
  r.headers.pop_back();  // x-amz-date
  r.headers.emplace_back("date", "Fri, 24 May 2013 00:00:00 GMT");
  EXPECT_TRUE(Verify(Signed(r, doc_, "20130524T000000Z")).ok());
  r.headers.pop_back();
  ExpectError(Verify(Signed(r, doc_, "20130524T000000Z")), 403, "AccessDenied", "Date or x-amz-date");
}

TEST_F(Sigv4Test, MalformedAuthorizationHeaders) {
  auto with_authorization = [&](std::string value) {
    SignedRequest r = DocGetObject();
    r.headers.emplace_back("authorization", std::move(value));
    return Verify(r);
  };
  const std::string sig = "Signature=" + std::string(64, 'a');
  const std::string headers = "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date";
  auto credential = [](std::string scope) { return "AWS4-HMAC-SHA256 Credential=" + scope + ", "; };
  ExpectError(with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request") + headers), 400,
              "AuthorizationHeaderMalformed", "three components");
  ExpectError(with_authorization("AWS4-HMAC-SHA256"), 400, "AuthorizationHeaderMalformed");
  ExpectError(with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3") + headers + ", " + sig), 400,
              "AuthorizationHeaderMalformed", "Credential is mal-formed");
  ExpectError(
      with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/eu-west-1/s3/aws4_request") + headers + ", " + sig),
      400, "AuthorizationHeaderMalformed", "expecting 'us-east-1'");
  ExpectError(
      with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/ec2/aws4_request") + headers + ", " + sig),
      400, "AuthorizationHeaderMalformed", "service");
  ExpectError(
      with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws5_request") + headers + ", " + sig),
      400, "AuthorizationHeaderMalformed", "terminal");
  ExpectError(
      with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130523/us-east-1/s3/aws4_request") + headers + ", " + sig),
      400, "AuthorizationHeaderMalformed", "credential date");
  ExpectError(with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request") +
                                 "SignedHeaders=range;x-amz-content-sha256;x-amz-date, " + sig),
              400, "AuthorizationHeaderMalformed", "host");
  ExpectError(with_authorization(credential("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request") + headers +
                                 ", " + sig + ", Extra=1"),
              400, "AuthorizationHeaderMalformed", "Extra");
}

TEST_F(Sigv4Test, OtherAuthenticationSchemesAreRefusedClearly) {
  SignedRequest v2 = DocGetObject();
  v2.headers.emplace_back("authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  ExpectError(Verify(v2), 400, "InvalidRequest", "Please use AWS4-HMAC-SHA256");
  SignedRequest v4a = DocGetObject();
  v4a.headers.emplace_back("authorization",
                           "AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/s3/"
                           "aws4_request, SignedHeaders=host, Signature=00");
  ExpectError(Verify(v4a), 400, "InvalidRequest", "Please use AWS4-HMAC-SHA256");
  SignedRequest v2_query{"GET", "/k", "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1369357200&Signature=abc", {}};
  ExpectError(Verify(v2_query), 400, "InvalidRequest", "Please use AWS4-HMAC-SHA256");
}

TEST_F(Sigv4Test, PayloadHashHeader) {
  SignedRequest r = DocGetObject();
  r.headers.erase(r.headers.begin() + 2);  // x-amz-content-sha256
  ExpectError(Verify(Signed(r, doc_, "20130524T000000Z")), 400, "InvalidRequest", "x-amz-content-sha256");
  r.headers.emplace_back("x-amz-content-sha256", "not-a-digest");
  ExpectError(Verify(Signed(r, doc_, "20130524T000000Z")), 400, "InvalidArgument", "x-amz-content-sha256");
  const std::pair<std::string_view, PayloadMode> modes[] = {
      {"UNSIGNED-PAYLOAD", PayloadMode::kUnsigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadMode::kStreamingSigned},
      {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadMode::kStreamingUnsignedTrailer},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadMode::kStreamingSignedTrailer}};
  for (const auto& [value, mode] : modes) {
    r.headers.back().second = std::string(value);
    auto result = Verify(Signed(r, doc_, "20130524T000000Z"));
    ASSERT_TRUE(result.ok()) << value << ": " << result.error().message;
    EXPECT_EQ(result->payload, mode) << value;
  }
}

// The chunked upload examples of the documentation: their seed signatures.
TEST_F(Sigv4Test, StreamingUploadsCarryTheChunkContext) {
  SignedRequest r{"PUT",
                  "/examplebucket/chunkObject.txt",
                  "",
                  {{"host", "s3.amazonaws.com"},
                   {"x-amz-date", "20130524T000000Z"},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                   {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                   {"content-encoding", "aws-chunked"},
                   {"x-amz-decoded-content-length", "66560"},
                   {"content-length", "66824"}}};
  r.headers.emplace_back("authorization",
                         DocAuthorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                                          "x-amz-decoded-content-length;x-amz-storage-class",
                                          "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
  auto result = Verify(r);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->payload, PayloadMode::kStreamingSigned);
  EXPECT_EQ(result->chunks.seed_signature, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  EXPECT_EQ(result->chunks.scope, "20130524/us-east-1/s3/aws4_request");
  EXPECT_EQ(result->chunks.amz_date, "20130524T000000Z");
  EXPECT_EQ(result->chunks.signing_key, SigningKey(kDocSecret, "20130524", "us-east-1", "s3"));

  SignedRequest trailer{"PUT",
                        "/examplebucket/chunkObject.txt",
                        "",
                        {{"host", "s3.amazonaws.com"},
                         {"x-amz-date", "20130524T000000Z"},
                         {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                         {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
                         {"content-encoding", "aws-chunked"},
                         {"x-amz-decoded-content-length", "66560"},
                         {"x-amz-trailer", "x-amz-checksum-crc32c"}}};
  trailer.headers.emplace_back("authorization",
                               DocAuthorization("content-encoding;host;x-amz-content-sha256;x-amz-date;"
                                                "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
                                                "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"));
  result = Verify(trailer);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->payload, PayloadMode::kStreamingSignedTrailer);
  EXPECT_EQ(result->chunks.seed_signature, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");
}

TEST_F(Sigv4Test, AnonymousRequests) {
  SignedRequest r{"GET", "/bucket/key", "prefix=a", {{"host", "h"}}};
  auto result = Verify(r);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->anonymous);
  EXPECT_EQ(result->credentials, nullptr);
  r.headers.emplace_back("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  EXPECT_EQ(Verify(r)->payload, PayloadMode::kStreamingUnsignedTrailer);
  r.headers.back().second = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
  ExpectError(Verify(r), 403, "AccessDenied");
}

TEST_F(Sigv4Test, RegionIsCheckedUnlessAnyIsAccepted) {
  SignedRequest r = DocGetObject();
  r.headers.emplace_back("authorization", SignRequestHeader(r, doc_, "eu-west-1", "20130524T000000Z"));
  ExpectError(Verify(r), 400, "AuthorizationHeaderMalformed", "the region 'eu-west-1' is wrong; expecting 'us-east-1'");
  EXPECT_EQ(Verify(r, kDocTime, "eu-west-1")->region, "eu-west-1");
  EXPECT_EQ(Verify(r, kDocTime, "")->region, "eu-west-1");
}

TEST_F(Sigv4Test, MalformedEscapesAreInvalidUri) {
  SignedRequest r = Signed(DocGetObject(), doc_, "20130524T000000Z");
  r.raw_path = "/test%2.txt";
  ExpectError(Verify(r), 400, "InvalidURI");
  r = DocGetObject();
  r.raw_query = "prefix=%zz";
  ExpectError(Verify(r), 400, "InvalidURI");
}

TEST(CanonicalRequestTest, HeadersAndQueryAreCanonicalised) {
  SignedRequest r{
      "GET",
      "/b/a b",
      "z=1&uploads&a=2&a=1&X-Amz-Signature=ff&k=a%2fb%20c+d",
      {{"host", "h"}, {"x-amz-meta-a", "  one   two\t three "}, {"x-amz-meta-a", "four"}, {"unsigned", "x"}}};
  auto canonical = CanonicalRequest(r, "host;x-amz-meta-a;absent", "UNSIGNED-PAYLOAD", true);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical,
            "GET\n/b/a%20b\na=1&a=2&k=a%2Fb%20c%2Bd&uploads=&z=1\n"
            "host:h\nx-amz-meta-a:one two three,four\n\n"
            "host;x-amz-meta-a;absent\nUNSIGNED-PAYLOAD");
  // Header auth keeps X-Amz-Signature in the query (it means nothing there).
  EXPECT_NE(CanonicalRequest(r, "host", "UNSIGNED-PAYLOAD", false)->find("X-Amz-Signature=ff"), std::string::npos);
  // S3 does not normalise paths.
  r.raw_path = "/b/./x//y/../z";
  EXPECT_EQ(CanonicalRequest(r, "host", "", true)->substr(0, 18), "GET\n/b/./x//y/../z");
}

TEST(AmzDateTest, FormatsAndParses) {
  EXPECT_EQ(FormatAmzDate(kDocTime), "20130524T000000Z");
  EXPECT_EQ(FormatAmzDate(0), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(951827696), "20000229T123456Z");
  EXPECT_EQ(ParseAmzDate("20130524T000000Z"), kDocTime);
  EXPECT_EQ(ParseAmzDate("20000229T123456Z"), 951827696);
  for (std::string_view bad : {"", "20130524T000000", "20130524 000000Z", "20131324T000000Z", "20130230T000000Z",
                               "20130524T240000Z", "20130524T006000Z", "2013052AT000000Z", "20130524T000000ZZ"}) {
    EXPECT_FALSE(ParseAmzDate(bad).has_value()) << bad;
  }
}

TEST(SigningPrimitivesTest, KnownValues) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_EQ(SigningKey(kDocSecret, "20130524", "us-east-1", "s3").size(), 32u);
}

}  // namespace
}  // namespace strata::http
