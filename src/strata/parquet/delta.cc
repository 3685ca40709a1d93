// DELTA_BINARY_PACKED and the two byte-array encodings built on it. A
// DeltaStream walks one delta stream block by miniblock, unpacking whole
// groups of eight straight into the caller's buffer; the byte-array decoders
// read their lengths through it in small chunks, so nothing is allocated from
// a declared count before the bytes are known to be able to hold it.
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "strata/parquet/bit_packing.h"
#include "strata/parquet/encoding.h"

namespace strata::parquet {
namespace {

using internal::AppendBitPacked;
using internal::AppendUleb128;
using internal::ReadUleb128;
using internal::UnpackGroups;
using internal::ZigZagDecode;
using internal::ZigZagEncode;

std::string Str(uint64_t n) { return std::to_string(n); }

// How many lengths the byte-array decoders read per step.
constexpr size_t kChunk = 256;
// What writers use (parquet-java, Arrow): blocks of 128 in 4 miniblocks of 32.
constexpr size_t kBlockValues = 128;
constexpr size_t kMiniblocks = 4;
constexpr size_t kMiniblockValues = kBlockValues / kMiniblocks;

class DeltaStream {
 public:
  // Parses the header at the start of `data`.
  Status Init(std::string_view data) {
    begin_ = reinterpret_cast<const uint8_t*>(data.data());
    end_ = begin_ + data.size();
    pos_ = begin_;
    uint64_t block_values = 0, miniblocks = 0, first = 0;
    if (!ReadUleb128(&pos_, end_, &block_values) || !ReadUleb128(&pos_, end_, &miniblocks) ||
        !ReadUleb128(&pos_, end_, &total_) || !ReadUleb128(&pos_, end_, &first)) {
      return Status::Corruption("header cut off");
    }
    if (block_values == 0 || block_values > (uint64_t{1} << 31) || miniblocks == 0 ||
        block_values % miniblocks != 0 || (block_values / miniblocks) % 8 != 0) {
      return Status::Corruption("blocks of " + Str(block_values) + " values in " + Str(miniblocks) +
                                " miniblocks do not make miniblocks of a multiple of 8 values");
    }
    block_values_ = block_values;
    miniblocks_ = miniblocks;
    miniblock_values_ = block_values / miniblocks;
    miniblock_index_ = miniblocks_;
    last_ = static_cast<uint64_t>(ZigZagDecode(first));
    unread_ = total_;
    return Status::OK();
  }

  uint64_t total() const { return total_; }

  // Refuses a count the remaining bytes could not encode even with every
  // miniblock 0 bits wide, so callers may size buffers from it.
  Status CheckCanHold(uint64_t count) const {
    if (count > total_) {
      return Status::Corruption("stream holds " + Str(total_) + " values, " + Str(count) + " needed");
    }
    if (count <= 1) return Status::OK();
    const uint64_t blocks = (count - 1 - 1) / block_values_ + 1;
    const uint64_t available = static_cast<uint64_t>(end_ - pos_);
    if (blocks > available / (1 + miniblocks_)) {
      return Status::Corruption(Str(count) + " values need " + Str(blocks) + " blocks, more than " +
                                Str(available) + " bytes can hold");
    }
    return Status::OK();
  }

  // The next n values (n <= values not yet read).
  Status Read(size_t n, uint64_t* out) {
    if (n == 0) return Status::OK();
    size_t done = 0;
    if (unread_ == total_) {
      out[done++] = last_;
    }
    while (done < n) {
      if (buffered_ < 8) {
        const size_t take = std::min<size_t>(8 - buffered_, n - done);
        uint64_t value = last_;
        for (size_t i = 0; i < take; ++i) {
          value += min_delta_ + buffer_[buffered_++];
          out[done++] = value;
        }
        last_ = value;
        continue;
      }
      if (miniblock_left_ == 0) RETURN_IF_ERROR(NextMiniblock());
      const size_t groups = static_cast<size_t>(std::min<uint64_t>(miniblock_left_, n - done) / 8);
      uint64_t* target = buffer_;
      if (groups > 0) {
        target = out + done;
      } else {
        buffered_ = 0;  // fewer than eight wanted: keep the group for later reads
      }
      const size_t unpacked = groups > 0 ? groups : 1;
      UnpackGroups(miniblock_, static_cast<size_t>(end_ - miniblock_), width_, unpacked, target);
      miniblock_ += unpacked * static_cast<size_t>(width_);
      miniblock_left_ -= unpacked * 8;
      if (groups > 0) {
        uint64_t value = last_;
        for (size_t i = 0; i < groups * 8; ++i) {
          value += min_delta_ + target[i];
          target[i] = value;
        }
        last_ = value;
        done += groups * 8;
      }
    }
    unread_ -= n;
    return Status::OK();
  }

  // Walks the miniblocks holding values not yet read, without decoding them,
  // and gives the offset just past the stream. The stream is spent after this.
  Status SkipRest(size_t* end) {
    uint64_t left = unread_;
    if (unread_ == total_ && left > 0) --left;  // the first value lives in the header
    const uint64_t pending = (8 - buffered_) + miniblock_left_;
    left = left > pending ? left - pending : 0;
    while (left > 0) {
      RETURN_IF_ERROR(NextMiniblock());
      left -= std::min<uint64_t>(left, miniblock_values_);
    }
    unread_ = 0;
    *end = static_cast<size_t>(pos_ - begin_);
    return Status::OK();
  }

 private:
  Status NextMiniblock() {
    if (miniblock_index_ == miniblocks_) {
      uint64_t min_delta = 0;
      if (!ReadUleb128(&pos_, end_, &min_delta)) {
        return Status::Corruption("block header at byte " + Str(pos_ - begin_) + " cut off");
      }
      min_delta_ = static_cast<uint64_t>(ZigZagDecode(min_delta));
      if (static_cast<uint64_t>(end_ - pos_) < miniblocks_) {
        return Status::Corruption("miniblock bit widths at byte " + Str(pos_ - begin_) + " cut off");
      }
      widths_ = pos_;
      pos_ += miniblocks_;
      miniblock_index_ = 0;
    }
    const int width = widths_[miniblock_index_++];
    if (width > 64) {
      return Status::Corruption("miniblock bit width " + Str(width) + " at byte " +
                                Str(widths_ + miniblock_index_ - 1 - begin_) + " exceeds 64");
    }
    // The last miniblock is padded to full size, so every one is whole.
    const uint64_t bytes = miniblock_values_ * static_cast<uint64_t>(width) / 8;
    if (bytes > static_cast<uint64_t>(end_ - pos_)) {
      return Status::Corruption("miniblock at byte " + Str(pos_ - begin_) + " needs " + Str(bytes) + " bytes, " +
                                Str(end_ - pos_) + " left");
    }
    width_ = width;
    miniblock_ = pos_;
    miniblock_left_ = miniblock_values_;
    pos_ += bytes;
    return Status::OK();
  }

  const uint8_t* begin_ = nullptr;
  const uint8_t* end_ = nullptr;
  const uint8_t* pos_ = nullptr;  // next block header or miniblock
  uint64_t block_values_ = 0;
  uint64_t miniblocks_ = 0;
  uint64_t miniblock_values_ = 0;
  uint64_t total_ = 0;
  uint64_t unread_ = 0;
  uint64_t last_ = 0;       // the value before the next one; arithmetic wraps
  uint64_t min_delta_ = 0;
  const uint8_t* widths_ = nullptr;
  uint64_t miniblock_index_ = 0;  // of the next miniblock in the block
  int width_ = 0;
  const uint8_t* miniblock_ = nullptr;  // next unread group of the current miniblock
  uint64_t miniblock_left_ = 0;         // values of it not yet unpacked
  uint64_t buffer_[8] = {};             // one unpacked group, partly handed out
  size_t buffered_ = 8;                 // buffer_ entries handed out
};

Status WithName(Status status, std::string_view name) {
  return status.ok() ? status : status.WithContext(name);
}

// Opens a stream that must hold exactly `count` values and reports where it ends.
Status OpenExact(std::string_view data, uint64_t count, DeltaStream* stream, size_t* end) {
  RETURN_IF_ERROR(stream->Init(data));
  if (stream->total() != count) {
    return Status::Corruption("stream holds " + Str(stream->total()) + " values, page has " + Str(count));
  }
  RETURN_IF_ERROR(stream->CheckCanHold(count));
  DeltaStream walker = *stream;
  return walker.SkipRest(end);
}

// A length read from a file: DELTA_* lengths are INT32 and never negative.
bool ValidLength(uint64_t raw) { return static_cast<int64_t>(raw) >= 0 && raw <= INT32_MAX; }

template <typename Signed>
void EncodeDelta(std::span<const Signed> values, std::string* out) {
  using Unsigned = std::make_unsigned_t<Signed>;
  AppendUleb128(kBlockValues, out);
  AppendUleb128(kMiniblocks, out);
  AppendUleb128(values.size(), out);
  AppendUleb128(ZigZagEncode(values.empty() ? 0 : values[0]), out);
  uint64_t relative[kBlockValues];
  for (size_t start = 1; start < values.size(); start += kBlockValues) {
    const size_t n = std::min(kBlockValues, values.size() - start);
    // Deltas wrap in the column's own width, as readers of that width expect.
    Signed deltas[kBlockValues] = {};
    for (size_t i = 0; i < n; ++i) {
      deltas[i] = static_cast<Signed>(static_cast<Unsigned>(values[start + i]) -
                                      static_cast<Unsigned>(values[start + i - 1]));
    }
    const Signed min_delta = *std::min_element(deltas, deltas + n);
    std::fill(relative, relative + kBlockValues, 0);
    for (size_t i = 0; i < n; ++i) {
      relative[i] = static_cast<Unsigned>(static_cast<Unsigned>(deltas[i]) - static_cast<Unsigned>(min_delta));
    }
    AppendUleb128(ZigZagEncode(min_delta), out);
    int widths[kMiniblocks] = {};
    for (size_t m = 0; m * kMiniblockValues < n; ++m) {
      const uint64_t* first = relative + m * kMiniblockValues;
      widths[m] = BitWidth(*std::max_element(first, first + kMiniblockValues));
    }
    for (int width : widths) out->push_back(static_cast<char>(width));
    for (size_t m = 0; m * kMiniblockValues < n; ++m) {
      AppendBitPacked(relative + m * kMiniblockValues, kMiniblockValues, widths[m], out);
    }
  }
}

// Writers put a header in front of even an empty page; a missing one is
// accepted when no values are wanted.
bool EmptyPage(std::string_view data, size_t count, size_t* consumed) {
  if (count != 0 || !data.empty()) return false;
  *consumed = 0;
  return true;
}

}  // namespace

Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, int64_t* out, size_t* consumed) {
  if (EmptyPage(data, count, consumed)) return Status::OK();
  DeltaStream stream;
  Status status = stream.Init(data);
  if (status.ok()) status = stream.CheckCanHold(count);
  // int64_t and uint64_t may alias; unsigned keeps the wrapping defined.
  if (status.ok()) status = stream.Read(count, reinterpret_cast<uint64_t*>(out));
  if (status.ok()) status = stream.SkipRest(consumed);
  return WithName(status, "DELTA_BINARY_PACKED");
}

void EncodeDeltaBinaryPacked(std::span<const int64_t> values, std::string* out) { EncodeDelta(values, out); }
void EncodeDeltaBinaryPacked(std::span<const int32_t> values, std::string* out) { EncodeDelta(values, out); }

Status DecodeDeltaLengthByteArray(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed) {
  if (EmptyPage(data, count, consumed)) return Status::OK();
  DeltaStream lengths;
  size_t lengths_end = 0;
  RETURN_IF_ERROR(WithName(OpenExact(data, count, &lengths, &lengths_end), "DELTA_LENGTH_BYTE_ARRAY lengths"));
  const std::string_view bytes = data.substr(lengths_end);
  const size_t first_offset = out->offsets.size();
  const uint64_t base = out->bytes.size();
  out->offsets.resize(first_offset + count);
  uint64_t total = 0;
  uint64_t chunk[kChunk];
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(kChunk, count - done);
    Status status = lengths.Read(n, chunk);
    for (size_t i = 0; status.ok() && i < n; ++i) {
      if (!ValidLength(chunk[i]) || chunk[i] > bytes.size() - total) {
        status = Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: value " + Str(done + i) + " of length " +
                                    Str(static_cast<int64_t>(chunk[i])) + " runs past the " + Str(bytes.size()) +
                                    " bytes of data");
      } else if (base + total + chunk[i] > ByteArrayValues::kMaxBytes) {
        status = Status::InvalidArgument("DELTA_LENGTH_BYTE_ARRAY: values exceed the batch limit");
      } else {
        total += chunk[i];
        out->offsets[first_offset + done + i] = static_cast<uint32_t>(base + total);
      }
    }
    if (!status.ok()) {
      out->offsets.resize(first_offset);
      return status;
    }
    done += n;
  }
  out->bytes.append(bytes.data(), total);
  *consumed = lengths_end + total;
  return Status::OK();
}

void EncodeDeltaLengthByteArray(const ByteArrayValues& values, std::string* out) {
  std::vector<int32_t> lengths(values.size());
  for (size_t i = 0; i < values.size(); ++i) lengths[i] = static_cast<int32_t>(values.offsets[i + 1] - values.offsets[i]);
  EncodeDeltaBinaryPacked(std::span<const int32_t>(lengths), out);
  out->append(values.bytes, values.offsets.front(), values.offsets.back() - values.offsets.front());
}

Status DecodeDeltaByteArray(std::string_view data, size_t count, ByteArrayValues* out, size_t* consumed) {
  if (EmptyPage(data, count, consumed)) return Status::OK();
  DeltaStream prefixes, suffixes;
  size_t prefixes_end = 0, suffixes_end = 0;
  RETURN_IF_ERROR(WithName(OpenExact(data, count, &prefixes, &prefixes_end), "DELTA_BYTE_ARRAY prefix lengths"));
  const std::string_view after_prefixes = data.substr(prefixes_end);
  RETURN_IF_ERROR(
      WithName(OpenExact(after_prefixes, count, &suffixes, &suffixes_end), "DELTA_BYTE_ARRAY suffix lengths"));
  const std::string_view suffix_bytes = after_prefixes.substr(suffixes_end);

  // First pass: validate every length and size the output, which prefixes can
  // make much larger than the page, before anything is appended.
  uint64_t output_bytes = 0, suffix_total = 0, previous = 0;
  uint64_t prefix_chunk[kChunk], suffix_chunk[kChunk];
  {
    DeltaStream prefix_walk = prefixes, suffix_walk = suffixes;
    for (size_t done = 0; done < count;) {
      const size_t n = std::min(kChunk, count - done);
      RETURN_IF_ERROR(WithName(prefix_walk.Read(n, prefix_chunk), "DELTA_BYTE_ARRAY prefix lengths"));
      RETURN_IF_ERROR(WithName(suffix_walk.Read(n, suffix_chunk), "DELTA_BYTE_ARRAY suffix lengths"));
      for (size_t i = 0; i < n; ++i) {
        const uint64_t prefix = prefix_chunk[i], suffix = suffix_chunk[i];
        if (!ValidLength(prefix) || prefix > previous) {
          return Status::Corruption("DELTA_BYTE_ARRAY: value " + Str(done + i) + " shares " +
                                    Str(static_cast<int64_t>(prefix)) + " bytes with a previous value of " +
                                    Str(previous));
        }
        if (!ValidLength(suffix) || suffix > suffix_bytes.size() - suffix_total) {
          return Status::Corruption("DELTA_BYTE_ARRAY: value " + Str(done + i) + " has a suffix of " +
                                    Str(static_cast<int64_t>(suffix)) + " bytes, " +
                                    Str(suffix_bytes.size() - suffix_total) + " left");
        }
        suffix_total += suffix;
        previous = prefix + suffix;
        output_bytes += previous;
        if (out->bytes.size() + output_bytes > ByteArrayValues::kMaxBytes) {
          return Status::InvalidArgument("DELTA_BYTE_ARRAY: values expand past the batch limit of " +
                                         Str(ByteArrayValues::kMaxBytes) + " bytes");
        }
      }
      done += n;
    }
  }

  // Second pass cannot fail: the same bytes were just read successfully.
  const size_t first_offset = out->offsets.size();
  size_t end = out->bytes.size();
  out->offsets.resize(first_offset + count);
  out->bytes.resize(end + output_bytes);
  uint32_t* offsets = out->offsets.data() + first_offset;
  char* bytes = out->bytes.data();
  const char* suffix = suffix_bytes.data();
  size_t previous_start = end;
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(kChunk, count - done);
    (void)prefixes.Read(n, prefix_chunk);
    (void)suffixes.Read(n, suffix_chunk);
    for (size_t i = 0; i < n; ++i) {
      const size_t start = end;
      // The shared prefix ends no later than the previous value, where this
      // one starts, so the copy never overlaps itself.
      std::memcpy(bytes + end, bytes + previous_start, prefix_chunk[i]);
      end += prefix_chunk[i];
      std::memcpy(bytes + end, suffix, suffix_chunk[i]);
      end += suffix_chunk[i];
      suffix += suffix_chunk[i];
      offsets[done + i] = static_cast<uint32_t>(end);
      previous_start = start;
    }
    done += n;
  }
  *consumed = prefixes_end + suffixes_end + suffix_total;
  return Status::OK();
}

void EncodeDeltaByteArray(const ByteArrayValues& values, std::string* out) {
  std::vector<int32_t> prefixes(values.size());
  ByteArrayValues suffixes;
  std::string_view previous;
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string_view value = values[i];
    const size_t shared = static_cast<size_t>(
        std::mismatch(value.begin(), value.begin() + std::min(value.size(), previous.size()), previous.begin())
            .first -
        value.begin());
    prefixes[i] = static_cast<int32_t>(shared);
    suffixes.Append(value.substr(shared));
    previous = value;
  }
  EncodeDeltaBinaryPacked(std::span<const int32_t>(prefixes), out);
  EncodeDeltaLengthByteArray(suffixes, out);
}

}  // namespace strata::parquet
