#include "strata/parquet/bit_packing.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace strata::parquet::internal {
namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  return word;
}

// Value kIndex of a group starts at bit kIndex * kWidth. One unaligned word
// load covers it unless it starts late in a byte and is wider than 56 bits;
// with the width a template constant every shift and mask is folded.
template <typename T, int kWidth, int kIndex>
inline void UnpackOne(const uint8_t* in, T* out) {
  constexpr int kBit = kIndex * kWidth;
  constexpr int kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  constexpr uint64_t kMask = kWidth == 64 ? ~uint64_t{0} : (uint64_t{1} << kWidth) - 1;
  uint64_t value = Load64(in + kByte) >> kShift;
  if constexpr (kShift + kWidth > 64) value |= static_cast<uint64_t>(in[kByte + 8]) << (64 - kShift);
  out[kIndex] = static_cast<T>(value & kMask);
}

template <typename T, int kWidth, size_t... kIndex>
inline void UnpackGroup(const uint8_t* in, T* out, std::index_sequence<kIndex...>) {
  (UnpackOne<T, kWidth, static_cast<int>(kIndex)>(in, out), ...);
}

// How far past a group's first byte its word loads reach.
template <int kWidth>
constexpr size_t ReachOf() {
  size_t reach = 0;
  for (int i = 0; i < 8; ++i) {
    const int bit = i * kWidth;
    const size_t end = static_cast<size_t>(bit / 8) + 8 + ((bit % 8) + kWidth > 64 ? 1 : 0);
    reach = std::max(reach, end);
  }
  return reach;
}

template <typename T, int kWidth>
void UnpackGroupsOfWidth(const uint8_t* in, size_t in_size, size_t groups, T* out) {
  if constexpr (kWidth == 0) {
    std::fill_n(out, groups * 8, T{0});
  } else {
    constexpr size_t kReach = ReachOf<kWidth>();
    const size_t direct = in_size >= kReach ? std::min(groups, (in_size - kReach) / kWidth + 1) : 0;
    size_t g = 0;
    for (; g < direct; ++g) UnpackGroup<T, kWidth>(in + g * kWidth, out + 8 * g, std::make_index_sequence<8>{});
    // The last groups would load past the input: go through a zeroed copy.
    for (; g < groups; ++g) {
      uint8_t padded[kReach] = {};
      const size_t start = g * kWidth;
      if (start < in_size) std::memcpy(padded, in + start, std::min<size_t>(kWidth, in_size - start));
      UnpackGroup<T, kWidth>(padded, out + 8 * g, std::make_index_sequence<8>{});
    }
  }
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, size_t, T*);

template <typename T, size_t... kWidth>
constexpr std::array<UnpackFn<T>, sizeof...(kWidth)> MakeUnpackTable(std::index_sequence<kWidth...>) {
  return {&UnpackGroupsOfWidth<T, static_cast<int>(kWidth)>...};
}

constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_index_sequence<33>{});
constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_index_sequence<65>{});

template <typename T>
void AppendBitPackedImpl(const T* values, size_t count, int width, std::string* out) {
  if (width <= 0 || width > 64) return;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const size_t start = out->size();
  out->resize(start + (count + 7) / 8 * static_cast<size_t>(width));  // zero fill is the padding
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + start;
  uint64_t pending = 0;
  int pending_bits = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t value = static_cast<uint64_t>(values[i]) & mask;
    pending |= value << pending_bits;
    if (pending_bits + width < 64) {
      pending_bits += width;
      continue;
    }
    std::memcpy(dst, &pending, 8);
    dst += 8;
    pending = pending_bits == 0 ? 0 : value >> (64 - pending_bits);
    pending_bits = pending_bits + width - 64;
  }
  std::memcpy(dst, &pending, static_cast<size_t>(pending_bits + 7) / 8);
}

}  // namespace

void UnpackGroups(const uint8_t* in, size_t in_size, int width, size_t groups, uint32_t* out) {
  if (width < 0 || width > 32) return;
  kUnpack32[static_cast<size_t>(width)](in, in_size, groups, out);
}

void UnpackGroups(const uint8_t* in, size_t in_size, int width, size_t groups, uint64_t* out) {
  if (width < 0 || width > 64) return;
  kUnpack64[static_cast<size_t>(width)](in, in_size, groups, out);
}

void AppendBitPacked(const uint64_t* values, size_t count, int width, std::string* out) {
  AppendBitPackedImpl(values, count, width, out);
}

void AppendBitPacked(const uint32_t* values, size_t count, int width, std::string* out) {
  AppendBitPackedImpl(values, count, width, out);
}

}  // namespace strata::parquet::internal
