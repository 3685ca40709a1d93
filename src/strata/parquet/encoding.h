// The Parquet value encodings (parquet-format Encodings.md): PLAIN, the
// RLE / bit-packing hybrid, dictionary indices, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Decoders take
// untrusted page bytes: they read nothing outside `data`, refuse what is
// malformed with Corruption, and never size an allocation from a count the
// data could not hold. All functions are thread-safe; none keeps state.
//
// Conventions: a decoder writing through a raw pointer fills out[0, count) and
// the caller provides the room; a decoder writing ByteArrayValues appends. Where
// `consumed` is given it receives how many bytes of `data` the values used, so
// the caller can find what follows them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::parquet {

// Decoded BYTE_ARRAY values: value i is bytes[offsets[i], offsets[i+1]). One
// buffer for all values keeps a page's strings in two allocations; the 32-bit
// offsets limit a batch to kMaxBytes, which decoders check (Append does not).
struct ByteArrayValues {
  static constexpr size_t kMaxBytes = UINT32_MAX;

  std::vector<uint32_t> offsets{0};
  std::string bytes;

  size_t size() const { return offsets.size() - 1; }
  bool empty() const { return offsets.size() == 1; }
  std::string_view operator[](size_t i) const {
    return std::string_view(bytes).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
  void Append(std::string_view value) {
    bytes.append(value);
    offsets.push_back(static_cast<uint32_t>(bytes.size()));
  }
  void Clear() {
    offsets.assign(1, 0);
    bytes.clear();
  }
  void Reserve(size_t values, size_t byte_count) {
    offsets.reserve(offsets.size() + values);
    bytes.reserve(bytes.size() + byte_count);
  }
  friend bool operator==(const ByteArrayValues&, const ByteArrayValues&) = default;
};

// Bits needed to represent max_value; 0 for 0.
int BitWidth(uint64_t max_value);

// ---- RLE / bit-packing hybrid and dictionary indices ----

// Decodes exactly `count` values of `bit_width` (0..32) bits, without the
// 4-byte length prefix some pages put in front, into out[0, count). Corruption
// when the runs end before `count` values or an RLE run's value needs more than
// `bit_width` bits. A final bit-packed run may be cut short after the last
// value needed. InvalidArgument for a bit width outside 0..32.
Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count, uint32_t* out);

// Appends values (each below 2^bit_width, bit_width 0..32) as RLE runs where a
// value repeats at least 8 times and bit-packed groups of 8 otherwise; the
// last group is padded with zeros.
void EncodeRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out);

// The indices of a dictionary-encoded data page: one byte of bit width (at
// most 32), then the RLE hybrid. Empty data is accepted only for count 0.
Status DecodeDictionaryIndices(std::string_view data, size_t count, uint32_t* out);

// out[i] = dictionary entry indices[i], entries `width` bytes each, packed.
// Corruption, before anything is written, when an index is not below
// dictionary_count.
Status GatherDictionaryFixed(const void* dictionary, size_t dictionary_count, size_t width,
                             std::span<const uint32_t> indices, void* out);
// The same for BYTE_ARRAY dictionaries; appends to *out.
Status GatherDictionaryByteArrays(const ByteArrayValues& dictionary, std::span<const uint32_t> indices,
                                  ByteArrayValues* out);

// ---- PLAIN ----

// `count` values of `width` bytes each (INT32 4, INT64 8, INT96 12, FLOAT 4,
// DOUBLE 8, FIXED_LEN_BYTE_ARRAY its length), copied as they are.
Status DecodePlainFixed(std::string_view data, size_t count, size_t width, void* out, size_t* consumed);
// Booleans are bits, LSB first; out[i] is 0 or 1. `consumed` rounds up to a
// whole byte, so a page's booleans are decoded in one call.
Status DecodePlainBooleans(std::string_view data, size_t count, uint8_t* out, size_t* consumed);
// Each value is a 4-byte little-endian length and the bytes; appends to *out.
Status DecodePlainByteArrays(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed);

void EncodePlainBooleans(std::span<const uint8_t> values, std::string* out);  // nonzero is true; appends
// Appends values [first, first + count).
void EncodePlainByteArrays(const ByteArrayValues& values, size_t first, size_t count, std::string* out);

// ---- DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY ----

// Decodes the first `count` values of a DELTA_BINARY_PACKED stream into
// out[0, count); the stream may hold more (Corruption if it holds fewer), and
// `consumed` is the end of the whole stream. Arithmetic wraps modulo 2^64, so
// an INT32 column decodes here too: its values are the low 32 bits. Accepts
// miniblocks of any multiple of 8 values (the spec asks for 32; its own
// examples use 8), blocks of up to 2^31 values and bit widths up to 64.
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, int64_t* out, size_t* consumed);
// Blocks of 128 values in 4 miniblocks, as parquet-java and Arrow write them;
// appends. The int32 form wraps deltas modulo 2^32 so no miniblock needs more
// than 32 bits, as the spec requires of INT32 columns.
void EncodeDeltaBinaryPacked(std::span<const int64_t> values, std::string* out);
void EncodeDeltaBinaryPacked(std::span<const int32_t> values, std::string* out);

// The lengths as DELTA_BINARY_PACKED, then all the bytes; appends to *out.
Status DecodeDeltaLengthByteArray(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed);
void EncodeDeltaLengthByteArray(const ByteArrayValues& values, std::string* out);

// Prefix lengths (shared with the previous value) as DELTA_BINARY_PACKED, then
// the suffixes as DELTA_LENGTH_BYTE_ARRAY; appends to *out. Prefixes can make
// the output far larger than the data; it is refused past kMaxBytes.
Status DecodeDeltaByteArray(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed);
void EncodeDeltaByteArray(const ByteArrayValues& values, std::string* out);

// ---- BYTE_STREAM_SPLIT ----

// `width`-byte values (any width; 2, 4 and 8 are fast) whose byte k lives in
// stream k. The streams are as long as `data` holds values, which is the page's
// value count, so `data` must be the whole rest of the page: its size a
// multiple of width, and count at most that many values. consumed = data.size().
Status DecodeByteStreamSplit(std::string_view data, size_t count, size_t width, void* out, size_t* consumed);
// Appends values[0, count * width) split into `width` streams.
void EncodeByteStreamSplit(const void* values, size_t count, size_t width, std::string* out);

}  // namespace strata::parquet
