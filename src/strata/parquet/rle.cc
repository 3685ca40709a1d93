// The RLE / bit-packing hybrid and the dictionary indices built on it. Levels
// and dictionary indices of every page pass through DecodeRleHybrid, so runs
// are filled and unpacked a whole run at a time, never value by value.
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "strata/parquet/bit_packing.h"
#include "strata/parquet/encoding.h"

namespace strata::parquet {
namespace {

using internal::AppendBitPacked;
using internal::AppendUleb128;
using internal::ReadUleb128;
using internal::UnpackGroups;

// The spec caps both run kinds at 2^31 - 1 values so readers can count in int32.
constexpr size_t kMaxRunValues = (size_t{1} << 31) - 1;
// Shorter repeats cost less bit-packed than as a run of their own.
constexpr size_t kMinRepeatRun = 8;

std::string At(size_t offset) { return " at byte " + std::to_string(offset); }

}  // namespace

int BitWidth(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count, uint32_t* out) {
  if (bit_width < 0 || bit_width > 32) {
    return Status::InvalidArgument("RLE hybrid: bit width " + std::to_string(bit_width) + " is not in 0..32");
  }
  const uint8_t* const begin = reinterpret_cast<const uint8_t*>(data.data());
  const uint8_t* const end = begin + data.size();
  const uint8_t* p = begin;
  const size_t width = static_cast<size_t>(bit_width);
  const size_t value_bytes = (width + 7) / 8;
  size_t done = 0;
  while (done < count) {
    uint64_t header = 0;
    if (!ReadUleb128(&p, end, &header)) {
      return Status::Corruption("RLE hybrid: runs end after " + std::to_string(done) + " of " +
                                std::to_string(count) + " values" + At(p - begin));
    }
    const size_t available = static_cast<size_t>(end - p);
    if (header & 1) {
      const uint64_t groups = header >> 1;
      const size_t wanted = count - done;
      const size_t take = groups > wanted / 8 ? wanted : static_cast<size_t>(groups) * 8;
      // Only the bits of the values used must be present; writers pad the
      // last group, but nothing is lost if they did not.
      const size_t needed = (take * width + 7) / 8;
      if (needed > available) {
        return Status::Corruption("RLE hybrid: bit-packed run" + At(p - begin) + " needs " + std::to_string(needed) +
                                  " bytes, " + std::to_string(available) + " left");
      }
      const size_t whole = take / 8;
      UnpackGroups(p, available, bit_width, whole, out + done);
      if (take % 8 != 0) {
        uint32_t last[8];
        const size_t offset = whole * width;
        UnpackGroups(p + offset, available - offset, bit_width, 1, last);
        std::copy_n(last, take % 8, out + done + whole * 8);
      }
      done += take;
      const uint64_t run_bytes = groups > available ? available : std::min<uint64_t>(groups * width, available);
      p += run_bytes;
    } else {
      if (available < value_bytes) {
        return Status::Corruption("RLE hybrid: run value" + At(p - begin) + " is cut off");
      }
      uint32_t value = 0;
      std::memcpy(&value, p, value_bytes);  // little-endian host, checked in bit_packing.h
      if (width < 32 && (value >> width) != 0) {
        return Status::Corruption("RLE hybrid: run value " + std::to_string(value) + At(p - begin) +
                                  " does not fit in " + std::to_string(width) + " bits");
      }
      p += value_bytes;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(header >> 1, count - done));
      std::fill_n(out + done, take, value);
      done += take;
    }
  }
  return Status::OK();
}

void EncodeRleHybrid(std::span<const uint32_t> values, int bit_width, std::string* out) {
  const size_t n = values.size();
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  // Length of the run of equal values starting at i, looking at most `limit` far.
  auto repeats = [&](size_t i, size_t limit) {
    size_t j = i + 1;
    while (j < n && j - i < limit && values[j] == values[i]) ++j;
    return j - i;
  };
  size_t i = 0;
  while (i < n) {
    const size_t run = repeats(i, kMaxRunValues);
    if (run >= kMinRepeatRun) {
      AppendUleb128(static_cast<uint64_t>(run) << 1, out);
      const uint32_t value = values[i];
      out->append(reinterpret_cast<const char*>(&value), value_bytes);
      i += run;
      continue;
    }
    // Bit-pack whole groups until one would start a repeat worth a run.
    size_t stop = std::min(n, i + 8);
    while (stop < n && stop - i < kMaxRunValues - 8 && repeats(stop, kMinRepeatRun) < kMinRepeatRun) {
      stop = std::min(n, stop + 8);
    }
    const uint64_t groups = (stop - i + 7) / 8;
    AppendUleb128(groups << 1 | 1, out);
    AppendBitPacked(values.data() + i, stop - i, bit_width, out);
    i = stop;
  }
}

Status DecodeDictionaryIndices(std::string_view data, size_t count, uint32_t* out) {
  if (count == 0) return Status::OK();
  if (data.empty()) return Status::Corruption("dictionary indices: no bit width byte");
  const int bit_width = static_cast<uint8_t>(data[0]);
  if (bit_width > 32) {
    return Status::Corruption("dictionary indices: bit width " + std::to_string(bit_width) + " exceeds 32");
  }
  Status status = DecodeRleHybrid(data.substr(1), bit_width, count, out);
  if (!status.ok()) return status.WithContext("dictionary indices");
  return Status::OK();
}

}  // namespace strata::parquet
