// The enumerations of the Parquet format (parquet.thrift), with the numeric
// values files carry. Values read from a file are kept as given even when they
// name something Strata does not handle, so the reader can refuse them with
// the value in the message instead of failing to parse the metadata.
#pragma once

#include <cstdint>
#include <string>

namespace strata::parquet {

// "PAR1": at the start of every file and after the footer length at its end.
inline constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// ConvertedType values Strata interprets (the legacy annotation).
inline constexpr int32_t kConvertedUtf8 = 0;

// The member of the LogicalType union that is set (its Thrift field id).
enum class LogicalKind : int16_t {
  kNone = 0,
  kString = 1,
  kMap = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTime = 7,
  kTimestamp = 8,
  kInteger = 10,
  kUnknown = 11,
  kJson = 12,
  kBson = 13,
  kUuid = 14,
  kFloat16 = 15,
};

// "INT32", "SNAPPY", ... or the number for values outside the enumeration.
std::string TypeName(Type type);
std::string EncodingName(Encoding encoding);
std::string CodecName(Codec codec);

}  // namespace strata::parquet
