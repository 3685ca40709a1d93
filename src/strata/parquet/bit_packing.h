// The bit-level pieces the Parquet encodings share: unpacking groups of eight
// values packed LSB first (the RLE hybrid's and DELTA_BINARY_PACKED's order),
// packing them back, and ULEB128 / zigzag varints. Internal to parquet/; the
// public operations are in encoding.h. All functions are pure and thread-safe.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace strata::parquet::internal {

static_assert(std::endian::native == std::endian::little,
              "the unpackers load little-endian words directly");

// Unpacks `groups` groups of eight `width`-bit values (8 * width bits per
// group, LSB first) into out[0, 8 * groups). Reads only in[0, in_size); a
// group that reaches past in_size reads the missing bytes as zeros, so the
// caller decides how much of a short final group it trusts.
// width: 0..32 for uint32_t, 0..64 for uint64_t.
void UnpackGroups(const uint8_t* in, size_t in_size, int width, size_t groups, uint32_t* out);
void UnpackGroups(const uint8_t* in, size_t in_size, int width, size_t groups, uint64_t* out);

// Appends values[0, count) as `width`-bit fields, LSB first, then zero fields up
// to a multiple of eight, so the output is whole groups (count rounded up to 8,
// times width, bits). Each value must fit in `width` bits (width 0..64).
void AppendBitPacked(const uint64_t* values, size_t count, int width, std::string* out);
void AppendBitPacked(const uint32_t* values, size_t count, int width, std::string* out);

// Reads a ULEB128 varint of at most 10 bytes that fits in 64 bits, advancing
// *pos. False when the bytes end first or the value overflows.
inline bool ReadUleb128(const uint8_t** pos, const uint8_t* end, uint64_t* value) {
  uint64_t result = 0;
  const uint8_t* p = *pos;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const uint8_t byte = *p++;
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *pos = p;
      *value = result;
      return true;
    }
  }
  return false;
}

inline void AppendUleb128(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

inline uint64_t ZigZagEncode(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t ZigZagDecode(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

}  // namespace strata::parquet::internal
