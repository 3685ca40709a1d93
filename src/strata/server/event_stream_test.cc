// The event stream encoder against the published test vectors of the AWS
// event stream format (the empty message, a payload without headers, and one
// string header, as the AWS SDKs test their decoders), the decoder against
// the encoder, and the decoder's refusal of damaged or cut messages.
#include "strata/server/event_stream.h"

#include <string>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::server {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(EventStreamTest, EmptyMessageVector) {
  // total 16, headers 0, prelude CRC 05c248eb, message CRC 7d98c8ff.
  const std::string expected =
      Bytes({0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff});
  EXPECT_EQ(EncodeEventMessage({}, ""), expected);
}

TEST(EventStreamTest, PayloadWithoutHeadersVector) {
  const std::string expected = Bytes({0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a}) +
                               "{'foo':'bar'}" + Bytes({0xc3, 0x65, 0x39, 0x36});
  EXPECT_EQ(EncodeEventMessage({}, "{'foo':'bar'}"), expected);
}

TEST(EventStreamTest, OneStringHeaderVector) {
  const std::string expected = Bytes({0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x20, 0x07, 0xfd, 0x83, 0x96}) +
                               "\x0c" "content-type" + Bytes({0x07, 0x00, 0x10}) + "application/json{'foo':'bar'}" +
                               Bytes({0x8d, 0x9c, 0x08, 0xb1});
  EXPECT_EQ(EncodeEventMessage({{"content-type", "application/json"}}, "{'foo':'bar'}"), expected);
  size_t consumed = 0;
  ASSERT_OK_AND_ASSIGN(EventMessage decoded, DecodeEventMessage(expected, &consumed));
  EXPECT_EQ(consumed, expected.size());
  EXPECT_EQ(decoded.Header("content-type"), "application/json");
  EXPECT_EQ(decoded.payload, "{'foo':'bar'}");
}

TEST(EventStreamTest, SelectMessagesDecode) {
  std::string stream = SelectRecordsMessage("1,a\n2,b\n") + SelectStatsMessage(100, 100, 8) + SelectEndMessage();
  std::vector<EventMessage> messages;
  while (!stream.empty()) {
    size_t consumed = 0;
    ASSERT_OK_AND_ASSIGN(EventMessage m, DecodeEventMessage(stream, &consumed));
    messages.push_back(std::move(m));
    stream.erase(0, consumed);
  }
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].Header(":event-type"), "Records");
  EXPECT_EQ(messages[0].Header(":content-type"), "application/octet-stream");
  EXPECT_EQ(messages[0].Header(":message-type"), "event");
  EXPECT_EQ(messages[0].payload, "1,a\n2,b\n");
  EXPECT_EQ(messages[1].Header(":event-type"), "Stats");
  EXPECT_EQ(messages[1].Header(":content-type"), "text/xml");
  EXPECT_NE(messages[1].payload.find("<Stats><BytesScanned>100</BytesScanned><BytesProcessed>100</BytesProcessed>"
                                     "<BytesReturned>8</BytesReturned></Stats>"),
            std::string::npos)
      << messages[1].payload;
  EXPECT_EQ(messages[2].Header(":event-type"), "End");
  EXPECT_TRUE(messages[2].payload.empty());

  size_t consumed = 0;
  ASSERT_OK_AND_ASSIGN(EventMessage error,
                       DecodeEventMessage(SelectErrorMessage("CastFailed", "line 3: cannot cast"), &consumed));
  EXPECT_EQ(error.Header(":message-type"), "error");
  EXPECT_EQ(error.Header(":error-code"), "CastFailed");
  EXPECT_EQ(error.Header(":error-message"), "line 3: cannot cast");
}

TEST(EventStreamTest, DecoderRefusesDamageAndWaitsForTheRest) {
  const std::string message = SelectRecordsMessage("payload");
  size_t consumed = 0;
  for (size_t cut : {size_t{0}, size_t{5}, size_t{12}, message.size() - 1}) {
    Result<EventMessage> partial = DecodeEventMessage(std::string_view(message).substr(0, cut), &consumed);
    EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument) << cut;
  }
  for (size_t at : {size_t{2}, size_t{9}, size_t{20}, message.size() - 9, message.size() - 1}) {
    std::string damaged = message;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    Result<EventMessage> decoded = DecodeEventMessage(damaged, &consumed);
    EXPECT_FALSE(decoded.ok()) << "flip at " << at;
  }
}

}  // namespace
}  // namespace strata::server
