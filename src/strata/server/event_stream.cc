#include "strata/server/event_stream.h"

#include "strata/base/checksum.h"
#include "strata/http/s3_xml.h"

namespace strata::server {

namespace {

void PutU32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift & 0xff));
}
void PutU16(uint16_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}
uint32_t GetU32(std::string_view data, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(data[at + i]);
  return v;
}
uint16_t GetU16(std::string_view data, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(data[at]) << 8 | static_cast<uint8_t>(data[at + 1]));
}

// Value sizes of the fixed-size header types; -1 for the length-prefixed
// ones (6: bytes, 7: string), -2 for unknown types.
int FixedValueSize(uint8_t type) {
  switch (type) {
    case 0:
    case 1: return 0;  // true, false
    case 2: return 1;  // byte
    case 3: return 2;  // short
    case 4: return 4;  // integer
    case 5: return 8;  // long
    case 6:
    case 7: return -1;
    case 8: return 8;   // timestamp
    case 9: return 16;  // uuid
    default: return -2;
  }
}

std::string Event(std::string_view type, std::string_view content_type, std::string_view payload) {
  std::vector<EventHeader> headers = {{":event-type", std::string(type)}};
  if (!content_type.empty()) headers.push_back({":content-type", std::string(content_type)});
  headers.push_back({":message-type", "event"});
  return EncodeEventMessage(headers, payload);
}

std::string Figures(std::string_view root, uint64_t scanned, uint64_t processed, uint64_t returned) {
  http::XmlWriter xml(root, /*with_namespace=*/false);
  xml.Element("BytesScanned", scanned).Element("BytesProcessed", processed).Element("BytesReturned", returned);
  return xml.Finish();
}

}  // namespace

std::string EncodeEventMessage(const std::vector<EventHeader>& headers, std::string_view payload) {
  std::string encoded_headers;
  for (const EventHeader& header : headers) {
    encoded_headers.push_back(static_cast<char>(header.name.size()));
    encoded_headers += header.name;
    encoded_headers.push_back(7);
    PutU16(static_cast<uint16_t>(header.value.size()), &encoded_headers);
    encoded_headers += header.value;
  }
  const size_t total = kEventPreludeSize + encoded_headers.size() + payload.size() + 4;
  std::string message;
  message.reserve(total);
  PutU32(static_cast<uint32_t>(total), &message);
  PutU32(static_cast<uint32_t>(encoded_headers.size()), &message);
  PutU32(Crc32(message), &message);
  message += encoded_headers;
  message += payload;
  PutU32(Crc32(message), &message);
  return message;
}

std::string EventMessage::Header(std::string_view name) const {
  for (const EventHeader& header : headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

Result<EventMessage> DecodeEventMessage(std::string_view data, size_t* consumed) {
  if (data.size() < kEventPreludeSize) return Status::InvalidArgument("event stream: a partial prelude");
  const uint32_t total = GetU32(data, 0);
  const uint32_t headers_length = GetU32(data, 4);
  if (GetU32(data, 8) != Crc32(data.substr(0, 8))) return Status::Corruption("event stream: prelude CRC mismatch");
  if (total < kEventPreludeSize + 4 || total > kMaxEventMessageSize ||
      headers_length > total - kEventPreludeSize - 4) {
    return Status::Corruption("event stream: lengths " + std::to_string(total) + " and " +
                              std::to_string(headers_length) + " do not add up");
  }
  if (data.size() < total) return Status::InvalidArgument("event stream: a partial message");
  if (GetU32(data, total - 4) != Crc32(data.substr(0, total - 4))) {
    return Status::Corruption("event stream: message CRC mismatch");
  }
  EventMessage message;
  const std::string_view headers = data.substr(kEventPreludeSize, headers_length);
  size_t at = 0;
  while (at < headers.size()) {
    EventHeader header;
    const size_t name_length = static_cast<uint8_t>(headers[at++]);
    if (name_length == 0 || at + name_length + 1 > headers.size()) {
      return Status::Corruption("event stream: a header name runs past the headers");
    }
    header.name = std::string(headers.substr(at, name_length));
    at += name_length;
    header.type = static_cast<uint8_t>(headers[at++]);
    int size = FixedValueSize(header.type);
    if (size == -2) return Status::Corruption("event stream: header '" + header.name + "' has unknown type " +
                                              std::to_string(header.type));
    if (size == -1) {
      if (at + 2 > headers.size()) return Status::Corruption("event stream: header '" + header.name + "' is cut");
      size = GetU16(headers, at);
      at += 2;
    }
    if (at + static_cast<size_t>(size) > headers.size()) {
      return Status::Corruption("event stream: header '" + header.name + "' runs past the headers");
    }
    header.value = std::string(headers.substr(at, static_cast<size_t>(size)));
    at += static_cast<size_t>(size);
    message.headers.push_back(std::move(header));
  }
  const size_t payload_start = kEventPreludeSize + headers_length;
  message.payload = std::string(data.substr(payload_start, total - 4 - payload_start));
  *consumed = total;
  return message;
}

std::string SelectRecordsMessage(std::string_view records) {
  return Event("Records", "application/octet-stream", records);
}
std::string SelectProgressMessage(uint64_t scanned, uint64_t processed, uint64_t returned) {
  return Event("Progress", "text/xml", Figures("Progress", scanned, processed, returned));
}
std::string SelectStatsMessage(uint64_t scanned, uint64_t processed, uint64_t returned) {
  return Event("Stats", "text/xml", Figures("Stats", scanned, processed, returned));
}
std::string SelectContinuationMessage() { return Event("Cont", "", ""); }
std::string SelectEndMessage() { return Event("End", "", ""); }

std::string SelectErrorMessage(std::string_view code, std::string_view message) {
  constexpr size_t kMaxValue = 65535;
  return EncodeEventMessage({{":error-code", std::string(code.substr(0, kMaxValue))},
                             {":error-message", std::string(message.substr(0, kMaxValue))},
                             {":message-type", "error"}},
                            "");
}

}  // namespace strata::server
