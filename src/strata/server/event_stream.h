// The AWS event stream (application/vnd.amazon.eventstream), the framing of
// S3 SelectObjectContent responses. A message is
//
//   total length   u32 big-endian, the whole message
//   headers length u32 big-endian
//   prelude CRC    u32 big-endian, CRC-32 (zlib's) of the 8 bytes above
//   headers        each: name length u8, name, value type u8, value
//   payload
//   message CRC    u32 big-endian, CRC-32 of everything before it
//
// The encoder writes string headers (type 7: u16 big-endian length, bytes);
// the decoder reads every header type, for tests and tools. The S3 Select
// messages (Records, Progress, Stats, Cont, End, and the error message) are
// built here too. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::server {

struct EventHeader {
  std::string name;
  std::string value;  // a string header's text; for other types, the raw value bytes
  uint8_t type = 7;   // 7: string
  bool operator==(const EventHeader&) const = default;
};

// Limits from the format: a u8 name length, a u16 value length, and the
// 16 MiB that readers accept for a whole message.
inline constexpr size_t kMaxEventMessageSize = 16u << 20;
inline constexpr size_t kEventPreludeSize = 12;

// One message with string headers. Header names must be 1..255 bytes and
// values at most 65535 bytes; the payload must keep the message within
// kMaxEventMessageSize (callers cut payloads far smaller).
std::string EncodeEventMessage(const std::vector<EventHeader>& headers, std::string_view payload);

struct EventMessage {
  std::vector<EventHeader> headers;
  std::string payload;
  // The value of the first header with this name; "" when there is none.
  std::string Header(std::string_view name) const;
};

// Decodes the message at the start of `data` and sets *consumed to its
// length. Corruption when a CRC does not match or a length does not add up;
// InvalidArgument (more needed) when `data` holds only part of a message.
Result<EventMessage> DecodeEventMessage(std::string_view data, size_t* consumed);

// S3 Select's messages, as AWS sends them.
std::string SelectRecordsMessage(std::string_view records);
std::string SelectProgressMessage(uint64_t scanned, uint64_t processed, uint64_t returned);
std::string SelectStatsMessage(uint64_t scanned, uint64_t processed, uint64_t returned);
std::string SelectContinuationMessage();
std::string SelectEndMessage();
// An error after the response started: the stream ends with it, no End.
std::string SelectErrorMessage(std::string_view code, std::string_view message);

}  // namespace strata::server
