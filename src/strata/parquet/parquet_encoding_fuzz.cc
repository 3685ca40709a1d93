// Fuzz target: the Parquet value decoders and page codecs take any bytes and
// return a Status; they never crash, read outside their input or write past
// `count` values. Whatever decodes is encoded again and must decode to the
// same values, which checks each encoder against its decoder.
//
// Input: byte 0 picks the decoder, byte 1 a parameter (bit width, value width
// or codec), bytes 2-3 the count (little-endian), the rest is the data.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "strata/parquet/compression.h"
#include "strata/parquet/encoding.h"

namespace {

using namespace strata::parquet;

constexpr uint32_t kGuard = 0x5a5a5a5a;

void Check(bool condition) {
  if (!condition) std::abort();
}

// A buffer of `count` values followed by guard values a decoder must not touch.
template <typename T>
struct Guarded {
  explicit Guarded(size_t count) : count(count), values(count + 4, static_cast<T>(kGuard)) {}
  T* data() { return values.data(); }
  void CheckGuard() const {
    for (size_t i = count; i < values.size(); ++i) Check(values[i] == static_cast<T>(kGuard));
  }
  std::vector<T> Decoded() const { return std::vector<T>(values.begin(), values.begin() + count); }
  size_t count;
  std::vector<T> values;
};

void FuzzRle(std::string_view data, int bit_width, size_t count) {
  Guarded<uint32_t> out(count);
  if (!DecodeRleHybrid(data, bit_width, count, out.data()).ok()) return;
  out.CheckGuard();
  const std::vector<uint32_t> values = out.Decoded();
  for (uint32_t v : values) Check(bit_width == 32 || (v >> bit_width) == 0);
  std::string encoded;
  EncodeRleHybrid(values, bit_width, &encoded);
  std::vector<uint32_t> again(count);
  Check(DecodeRleHybrid(encoded, bit_width, count, again.data()).ok() && again == values);
}

void FuzzDictionary(std::string_view data, size_t dictionary_count, size_t count) {
  Guarded<uint32_t> indices(count);
  if (!DecodeDictionaryIndices(data, count, indices.data()).ok()) return;
  indices.CheckGuard();
  // Gather from a dictionary of 8-byte entries whose bytes name their index.
  std::vector<uint64_t> dictionary(dictionary_count);
  for (size_t i = 0; i < dictionary_count; ++i) dictionary[i] = i;
  Guarded<uint64_t> gathered(count);
  const std::vector<uint32_t> decoded = indices.Decoded();
  const strata::Status status = GatherDictionaryFixed(dictionary.data(), dictionary_count, 8, decoded, gathered.data());
  gathered.CheckGuard();
  bool in_range = true;
  for (uint32_t index : decoded) in_range = in_range && index < dictionary_count;
  Check(status.ok() == in_range);
  for (size_t i = 0; status.ok() && i < count; ++i) Check(gathered.values[i] == decoded[i]);
}

void FuzzPlainFixed(std::string_view data, size_t width, size_t count) {
  std::vector<uint8_t> out(count * width + 16, 0xa5);
  size_t consumed = 0;
  if (!DecodePlainFixed(data, count, width, out.data(), &consumed).ok()) return;
  Check(consumed == count * width && consumed <= data.size());
  Check(std::memcmp(out.data(), data.data(), consumed) == 0);
  for (size_t i = consumed; i < out.size(); ++i) Check(out[i] == 0xa5);
}

void FuzzPlainBooleans(std::string_view data, size_t count) {
  Guarded<uint8_t> out(count);
  size_t consumed = 0;
  if (!DecodePlainBooleans(data, count, out.data(), &consumed).ok()) return;
  out.CheckGuard();
  Check(consumed <= data.size());
  const std::vector<uint8_t> values = out.Decoded();
  std::string encoded;
  EncodePlainBooleans(values, &encoded);
  Check(encoded.size() == consumed);
  std::vector<uint8_t> again(count);
  Check(DecodePlainBooleans(encoded, count, again.data(), &consumed).ok() && again == values);
}

// Byte-array decoders append: a value already present must survive.
void FuzzByteArrays(std::string_view data, size_t count, int which) {
  using Decoder = strata::Status (*)(std::string_view, size_t, ByteArrayValues*, size_t*);
  using Encoder = void (*)(const ByteArrayValues&, std::string*);
  static const Decoder kDecoders[] = {DecodePlainByteArrays, DecodeDeltaLengthByteArray, DecodeDeltaByteArray};
  static const Encoder kEncoders[] = {
      [](const ByteArrayValues& v, std::string* out) { EncodePlainByteArrays(v, 0, v.size(), out); },
      EncodeDeltaLengthByteArray, EncodeDeltaByteArray};
  ByteArrayValues out;
  out.Append("kept");
  size_t consumed = 0;
  const strata::Status status = kDecoders[which](data, count, &out, &consumed);
  Check(out[0] == "kept");
  if (!status.ok()) {
    Check(out.size() == 1);
    return;
  }
  Check(out.size() == count + 1 && consumed <= data.size());
  ByteArrayValues values;
  for (size_t i = 1; i < out.size(); ++i) values.Append(out[i]);
  std::string encoded;
  kEncoders[which](values, &encoded);
  ByteArrayValues again;
  Check(kDecoders[which](encoded, count, &again, &consumed).ok() && again == values && consumed == encoded.size());
}

void FuzzDeltaBinaryPacked(std::string_view data, size_t count) {
  Guarded<int64_t> out(count);
  size_t consumed = 0;
  if (!DecodeDeltaBinaryPacked(data, count, out.data(), &consumed).ok()) return;
  out.CheckGuard();
  Check(consumed <= data.size());
  const std::vector<int64_t> values = out.Decoded();
  std::string encoded;
  EncodeDeltaBinaryPacked(values, &encoded);
  std::vector<int64_t> again(count);
  Check(DecodeDeltaBinaryPacked(encoded, count, again.data(), &consumed).ok() && again == values);
}

void FuzzByteStreamSplit(std::string_view data, size_t width, size_t count) {
  std::vector<uint8_t> out(count * width + 16, 0xa5);
  size_t consumed = 0;
  if (!DecodeByteStreamSplit(data, count, width, out.data(), &consumed).ok()) return;
  for (size_t i = count * width; i < out.size(); ++i) Check(out[i] == 0xa5);
  if (count * width != data.size()) return;  // the streams' length is the page's
  std::string encoded;
  EncodeByteStreamSplit(out.data(), count, width, &encoded);
  Check(encoded == data);
}

void FuzzDecompress(std::string_view data, Codec codec, size_t size) {
  std::string out;
  if (!Decompress(codec, data, size, &out).ok()) return;
  Check(out.size() == size);
  std::string compressed, again;
  Check(Compress(codec, out, &compressed).ok());
  Check(Decompress(codec, compressed, size, &again).ok() && again == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 4) return 0;
  const uint8_t which = bytes[0] % 10;
  const uint8_t parameter = bytes[1];
  const size_t count = bytes[2] | static_cast<size_t>(bytes[3]) << 8;
  // An exact-size copy, so a read past the end leaves the allocation.
  const std::string data(reinterpret_cast<const char*>(bytes) + 4, size - 4);
  switch (which) {
    case 0: FuzzRle(data, parameter % 33, count); break;
    case 1: FuzzDictionary(data, parameter, count); break;
    case 2: FuzzPlainFixed(data, parameter % 17, count); break;
    case 3: FuzzPlainBooleans(data, count); break;
    case 4: FuzzByteArrays(data, count, 0); break;
    case 5: FuzzDeltaBinaryPacked(data, count); break;
    case 6: FuzzByteArrays(data, count, 1); break;
    case 7: FuzzByteArrays(data, count, 2); break;
    case 8: FuzzByteStreamSplit(data, 1 + parameter % 16, count); break;
    default: FuzzDecompress(data, static_cast<Codec>(parameter % 8), count * 16);
  }
  return 0;
}
