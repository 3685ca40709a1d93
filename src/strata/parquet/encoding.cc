// PLAIN, BYTE_STREAM_SPLIT and dictionary lookups: the encodings that are
// copies and gathers. Each loop is kept free of per-value checks; bounds are
// settled for the whole batch first.
#include "strata/parquet/encoding.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace strata::parquet {
namespace {

std::string Str(size_t n) { return std::to_string(n); }

// Byte b expanded to eight 0/1 bytes, LSB first, as one little-endian word.
constexpr std::array<uint64_t, 256> MakeBitExpansion() {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    for (int bit = 0; bit < 8; ++bit) table[b] |= static_cast<uint64_t>((b >> bit) & 1) << (8 * bit);
  }
  return table;
}
constexpr std::array<uint64_t, 256> kBitExpansion = MakeBitExpansion();

uint32_t LoadU32(const char* p) {
  uint32_t value;
  std::memcpy(&value, p, sizeof(value));
  return value;
}

template <size_t kWidth>
void GatherOfWidth(const uint8_t* dictionary, std::span<const uint32_t> indices, uint8_t* out) {
  for (size_t i = 0; i < indices.size(); ++i) {
    std::memcpy(out + i * kWidth, dictionary + static_cast<size_t>(indices[i]) * kWidth, kWidth);
  }
}

Status CheckIndices(std::span<const uint32_t> indices, size_t dictionary_count) {
  uint32_t max_index = 0;
  for (uint32_t index : indices) max_index = std::max(max_index, index);
  if (!indices.empty() && max_index >= dictionary_count) {
    return Status::Corruption("dictionary index " + Str(max_index) + " is out of range for a dictionary of " +
                              Str(dictionary_count) + " entries");
  }
  return Status::OK();
}

// Stream k holds byte k of every value; `stride` is the stream length. Values
// are joined a block at a time: reading all streams at once for each value
// thrashes the cache when the stride is a multiple of 4 KiB, as every stream
// then maps to the same cache set.
template <size_t kWidth>
void JoinStreams(const uint8_t* streams, size_t stride, size_t count, size_t width, uint8_t* out) {
  if constexpr (kWidth != 0) width = kWidth;
  constexpr size_t kBlock = 512;
  for (size_t start = 0; start < count; start += kBlock) {
    const size_t n = std::min(kBlock, count - start);
    uint8_t* block = out + start * width;
    for (size_t k = 0; k < width; ++k) {
      const uint8_t* stream = streams + k * stride + start;
      for (size_t i = 0; i < n; ++i) block[i * width + k] = stream[i];
    }
  }
}

}  // namespace

Status GatherDictionaryFixed(const void* dictionary, size_t dictionary_count, size_t width,
                             std::span<const uint32_t> indices, void* out) {
  RETURN_IF_ERROR(CheckIndices(indices, dictionary_count));
  const auto* from = static_cast<const uint8_t*>(dictionary);
  auto* to = static_cast<uint8_t*>(out);
  switch (width) {
    case 1: GatherOfWidth<1>(from, indices, to); break;
    case 2: GatherOfWidth<2>(from, indices, to); break;
    case 4: GatherOfWidth<4>(from, indices, to); break;
    case 8: GatherOfWidth<8>(from, indices, to); break;
    case 12: GatherOfWidth<12>(from, indices, to); break;
    case 16: GatherOfWidth<16>(from, indices, to); break;
    default:
      for (size_t i = 0; i < indices.size(); ++i) {
        std::memcpy(to + i * width, from + static_cast<size_t>(indices[i]) * width, width);
      }
  }
  return Status::OK();
}

Status GatherDictionaryByteArrays(const ByteArrayValues& dictionary, std::span<const uint32_t> indices,
                                  ByteArrayValues* out) {
  RETURN_IF_ERROR(CheckIndices(indices, dictionary.size()));
  const uint32_t* entry = dictionary.offsets.data();
  uint64_t total = 0;
  for (uint32_t index : indices) total += entry[index + 1] - entry[index];
  if (out->bytes.size() + total > ByteArrayValues::kMaxBytes) {
    return Status::Corruption("dictionary lookup: " + Str(total) + " bytes of strings exceed the batch limit");
  }
  size_t position = out->bytes.size();
  const size_t first_offset = out->offsets.size();
  out->bytes.resize(position + total);
  out->offsets.resize(first_offset + indices.size());
  char* bytes = out->bytes.data();
  uint32_t* offsets = out->offsets.data() + first_offset;
  for (size_t i = 0; i < indices.size(); ++i) {
    const uint32_t start = entry[indices[i]];
    const uint32_t length = entry[indices[i] + 1] - start;
    std::memcpy(bytes + position, dictionary.bytes.data() + start, length);
    position += length;
    offsets[i] = static_cast<uint32_t>(position);
  }
  return Status::OK();
}

Status DecodePlainFixed(std::string_view data, size_t count, size_t width, void* out, size_t* consumed) {
  if (width != 0 && count > data.size() / width) {
    return Status::Corruption("PLAIN: " + Str(count) + " values of " + Str(width) + " bytes need more than the " +
                              Str(data.size()) + " bytes present");
  }
  const size_t size = count * width;
  if (size != 0) std::memcpy(out, data.data(), size);
  *consumed = size;
  return Status::OK();
}

Status DecodePlainBooleans(std::string_view data, size_t count, uint8_t* out, size_t* consumed) {
  const size_t bytes = count / 8 + (count % 8 != 0);
  if (bytes > data.size()) {
    return Status::Corruption("PLAIN: " + Str(count) + " booleans need " + Str(bytes) + " bytes, " +
                              Str(data.size()) + " present");
  }
  const auto* in = reinterpret_cast<const uint8_t*>(data.data());
  const size_t whole = count / 8;
  for (size_t i = 0; i < whole; ++i) std::memcpy(out + 8 * i, &kBitExpansion[in[i]], 8);
  for (size_t i = whole * 8; i < count; ++i) out[i] = (in[i / 8] >> (i % 8)) & 1;
  *consumed = bytes;
  return Status::OK();
}

Status DecodePlainByteArrays(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed) {
  // Every value carries a 4-byte length, which bounds what may be reserved.
  if (count > data.size() / 4) {
    return Status::Corruption("PLAIN: " + Str(count) + " byte arrays cannot fit in " + Str(data.size()) + " bytes");
  }
  const size_t first_offset = out->offsets.size();
  const size_t first_byte = out->bytes.size();
  const size_t most_bytes = data.size() - 4 * count;
  if (first_byte + most_bytes > ByteArrayValues::kMaxBytes) {
    return Status::InvalidArgument("PLAIN: page of " + Str(data.size()) + " bytes exceeds the batch limit");
  }
  // Sized for the most the values can hold and trimmed after, so each value
  // is one memcpy; on failure *out is left as it was.
  out->offsets.resize(first_offset + count);
  out->bytes.resize(first_byte + most_bytes);
  auto refuse = [&](Status status) {
    out->offsets.resize(first_offset);
    out->bytes.resize(first_byte);
    return status;
  };
  uint32_t* offsets = out->offsets.data() + first_offset;
  char* bytes = out->bytes.data();
  size_t end = first_byte;
  size_t position = 0;
  for (size_t i = 0; i < count; ++i) {
    if (data.size() - position < 4) {
      return refuse(Status::Corruption("PLAIN: byte array " + Str(i) + " of " + Str(count) +
                                       ": length cut off at byte " + Str(position)));
    }
    const uint32_t length = LoadU32(data.data() + position);
    position += 4;
    // What is left must also hold the lengths of the values still to come.
    const size_t room = most_bytes - (end - first_byte);
    if (length > room) {
      return refuse(Status::Corruption("PLAIN: byte array " + Str(i) + " of " + Str(count) + " at byte " +
                                       Str(position - 4) + " claims " + Str(length) + " bytes, room for " +
                                       Str(room)));
    }
    std::memcpy(bytes + end, data.data() + position, length);
    position += length;
    end += length;
    offsets[i] = static_cast<uint32_t>(end);
  }
  out->bytes.resize(end);
  *consumed = position;
  return Status::OK();
}

void EncodePlainBooleans(std::span<const uint8_t> values, std::string* out) {
  const size_t start = out->size();
  out->resize(start + (values.size() + 7) / 8);
  auto* bytes = reinterpret_cast<uint8_t*>(out->data()) + start;
  for (size_t i = 0; i < values.size(); ++i) {
    bytes[i / 8] |= static_cast<uint8_t>((values[i] != 0 ? 1 : 0) << (i % 8));
  }
}

void EncodePlainByteArrays(const ByteArrayValues& values, size_t first, size_t count, std::string* out) {
  for (size_t i = first; i < first + count; ++i) {
    const std::string_view value = values[i];
    const auto length = static_cast<uint32_t>(value.size());
    out->append(reinterpret_cast<const char*>(&length), 4);
    out->append(value);
  }
}

Status DecodeByteStreamSplit(std::string_view data, size_t count, size_t width, void* out, size_t* consumed) {
  if (width == 0) return Status::InvalidArgument("BYTE_STREAM_SPLIT: value width 0");
  if (data.size() % width != 0) {
    return Status::Corruption("BYTE_STREAM_SPLIT: " + Str(data.size()) + " bytes are not whole values of " +
                              Str(width) + " bytes");
  }
  const size_t stride = data.size() / width;
  if (count > stride) {
    return Status::Corruption("BYTE_STREAM_SPLIT: " + Str(count) + " values requested, " + Str(stride) + " present");
  }
  const auto* streams = reinterpret_cast<const uint8_t*>(data.data());
  auto* to = static_cast<uint8_t*>(out);
  switch (width) {
    case 2: JoinStreams<2>(streams, stride, count, width, to); break;
    case 4: JoinStreams<4>(streams, stride, count, width, to); break;
    case 8: JoinStreams<8>(streams, stride, count, width, to); break;
    default: JoinStreams<0>(streams, stride, count, width, to);
  }
  *consumed = data.size();
  return Status::OK();
}

void EncodeByteStreamSplit(const void* values, size_t count, size_t width, std::string* out) {
  const size_t start = out->size();
  out->resize(start + count * width);
  const auto* from = static_cast<const uint8_t*>(values);
  auto* streams = reinterpret_cast<uint8_t*>(out->data()) + start;
  for (size_t k = 0; k < width; ++k) {
    for (size_t i = 0; i < count; ++i) streams[k * count + i] = from[i * width + k];
  }
}

}  // namespace strata::parquet
