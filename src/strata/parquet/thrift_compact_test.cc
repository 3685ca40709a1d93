#include "strata/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>

namespace strata::parquet::thrift {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// The bytes one call of `write` appends.
template <typename Fn>
std::string Written(Fn write) {
  std::string out;
  CompactWriter writer(&out);
  write(writer);
  return out;
}

// The Corruption message of the first error, or "" when none.
std::string ErrorOf(const CompactReader& reader) { return reader.ok() ? "" : reader.status().message(); }

// ---- Known bytes, computed by hand from the specification ----

TEST(CompactWriterTest, FieldHeadersUseDeltasThenLongForm) {
  const std::string bytes = Written([](CompactWriter& w) {
    w.BeginStruct();
    w.I32Field(1, 1);    // delta 1, type 5; zigzag(1) = 2
    w.I32Field(3, -1);   // delta 2; zigzag(-1) = 1
    w.I64Field(20, 2);   // delta 17: long form, type 6, zigzag(20) = 40
    w.I8Field(19, -1);   // delta -1: long form, type 3, zigzag(19) = 38
    w.I16Field(34, 5);   // delta 15: still short
    w.EndStruct();
  });
  EXPECT_EQ(bytes, Bytes({0x15, 0x02, 0x25, 0x01, 0x06, 0x28, 0x04, 0x03, 0x26, 0xFF, 0xF4, 0x0A, 0x00}));
}

TEST(CompactWriterTest, BooleanFieldsCarryTheirValueInTheHeader) {
  const std::string bytes = Written([](CompactWriter& w) {
    w.BeginStruct();
    w.BoolField(1, true);
    w.BoolField(2, false);
    w.BoolField(40, true);  // long form: type 1, zigzag(40) = 80
    w.BoolField(-3, false);  // negative id: long form, zigzag(-3) = 5
    w.EndStruct();
  });
  EXPECT_EQ(bytes, Bytes({0x11, 0x12, 0x01, 0x50, 0x02, 0x05, 0x00}));
}

TEST(CompactWriterTest, NestedStructsKeepTheirOwnFieldIds) {
  const std::string bytes = Written([](CompactWriter& w) {
    w.BeginStruct();
    w.I32Field(5, 0);
    w.FieldHeader(6, ThriftType::kStruct);
    w.BeginStruct();
    w.I32Field(1, 0);  // delta from 0 inside the nested struct
    w.EndStruct();
    w.I32Field(7, 0);  // delta from 6 again
    w.EndStruct();
  });
  EXPECT_EQ(bytes, Bytes({0x55, 0x00, 0x1C, 0x15, 0x00, 0x00, 0x15, 0x00, 0x00}));
}

TEST(CompactWriterTest, ZigZagVarints) {
  auto i32 = [](int32_t v) { return Written([v](CompactWriter& w) { w.WriteI32(v); }); };
  EXPECT_EQ(i32(0), Bytes({0x00}));
  EXPECT_EQ(i32(-1), Bytes({0x01}));
  EXPECT_EQ(i32(1), Bytes({0x02}));
  EXPECT_EQ(i32(-2), Bytes({0x03}));
  EXPECT_EQ(i32(63), Bytes({0x7E}));
  EXPECT_EQ(i32(-64), Bytes({0x7F}));
  EXPECT_EQ(i32(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(i32(std::numeric_limits<int32_t>::max()), Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0x0F}));
  EXPECT_EQ(i32(std::numeric_limits<int32_t>::min()), Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteI16(-32768); }), Bytes({0xFF, 0xFF, 0x03}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteI64(std::numeric_limits<int64_t>::max()); }),
            Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteI64(std::numeric_limits<int64_t>::min()); }),
            Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteI8(-2); }), Bytes({0xFE}));
}

TEST(CompactWriterTest, DoublesAreLittleEndian) {
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteDouble(1.0); }), Bytes({0, 0, 0, 0, 0, 0, 0xF0, 0x3F}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteDouble(-2.5); }), Bytes({0, 0, 0, 0, 0, 0, 0x04, 0xC0}));
}

TEST(CompactWriterTest, BinaryHasAVarintLength) {
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteBinary("abc"); }), Bytes({0x03, 'a', 'b', 'c'}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.WriteBinary(""); }), Bytes({0x00}));
  // The specification's varint example: 50399 is DF 89 03.
  const std::string long_value(50399, 'x');
  EXPECT_EQ(Written([&](CompactWriter& w) { w.WriteBinary(long_value); }).substr(0, 3), Bytes({0xDF, 0x89, 0x03}));
}

TEST(CompactWriterTest, ListSetAndMapHeaders) {
  EXPECT_EQ(Written([](CompactWriter& w) { w.ListBegin(ThriftType::kI32, 3); }), Bytes({0x35}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.ListBegin(ThriftType::kBinary, 14); }), Bytes({0xE8}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.ListBegin(ThriftType::kStruct, 15); }), Bytes({0xFC, 0x0F}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.ListBegin(ThriftType::kI64, 300); }), Bytes({0xF6, 0xAC, 0x02}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.SetBegin(ThriftType::kI64, 1); }), Bytes({0x16}));
  EXPECT_EQ(Written([](CompactWriter& w) {
              w.ListBegin(ThriftType::kBool, 2);
              w.WriteBool(true);
              w.WriteBool(false);
            }),
            Bytes({0x22, 0x01, 0x00}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.MapBegin(ThriftType::kBinary, ThriftType::kI32, 0); }), Bytes({0x00}));
  EXPECT_EQ(Written([](CompactWriter& w) { w.MapBegin(ThriftType::kBinary, ThriftType::kI32, 1); }),
            Bytes({0x01, 0x85}));
}

// ---- Reading ----

TEST(CompactReaderTest, ReadsFieldsWrittenByHand) {
  const std::string bytes =
      Bytes({0x15, 0x02, 0x25, 0x01, 0x06, 0x28, 0x04, 0x03, 0x26, 0xFF, 0x11, 0x02, 0x50, 0x00});
  CompactReader r(bytes);
  int16_t id;
  ThriftType type;
  r.BeginStruct();
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(type, ThriftType::kI32);
  EXPECT_EQ(r.ReadI32(), 1);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.ReadI32(), -1);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 20);
  EXPECT_EQ(type, ThriftType::kI64);
  EXPECT_EQ(r.ReadI64(), 2);
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 19);
  EXPECT_EQ(type, ThriftType::kI8);
  EXPECT_EQ(r.ReadI8(), -1);
  ASSERT_TRUE(r.NextField(&id, &type));  // delta 1 from 19
  EXPECT_EQ(id, 20);
  EXPECT_EQ(type, ThriftType::kBool);
  EXPECT_TRUE(r.ReadBool());
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(id, 40);
  EXPECT_FALSE(r.ReadBool());
  EXPECT_FALSE(r.NextField(&id, &type));
  EXPECT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, ValuesRoundTrip) {
  const int64_t i64s[] = {0, 1, -1, 300, -300, std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()};
  const int32_t i32s[] = {0, 1, -1, 1 << 20, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()};
  const int16_t i16s[] = {0, -1, 255, std::numeric_limits<int16_t>::max(), std::numeric_limits<int16_t>::min()};
  const double doubles[] = {0.0, -0.0, 1.5, -1e300, std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min()};
  std::string bytes;
  CompactWriter w(&bytes);
  for (int64_t v : i64s) w.WriteI64(v);
  for (int32_t v : i32s) w.WriteI32(v);
  for (int16_t v : i16s) w.WriteI16(v);
  for (double v : doubles) w.WriteDouble(v);
  w.WriteBinary(std::string("\0\xff", 2));
  w.WriteI8(-128);

  CompactReader r(bytes);
  for (int64_t v : i64s) EXPECT_EQ(r.ReadI64(), v);
  for (int32_t v : i32s) EXPECT_EQ(r.ReadI32(), v);
  for (int16_t v : i16s) EXPECT_EQ(r.ReadI16(), v);
  for (double v : doubles) {
    const double got = r.ReadDouble();
    EXPECT_EQ(std::memcmp(&got, &v, sizeof(v)), 0) << v;
  }
  EXPECT_EQ(r.ReadBinary(), std::string_view("\0\xff", 2));
  EXPECT_EQ(r.ReadI8(), -128);
  EXPECT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, ListAndMapHeaders) {
  // list<i32> [1, 2, 3], then the header of a list of 15 i64 and its values.
  const std::string bytes = Bytes({0x35, 2, 4, 6, 0xF6, 0x0F}) + std::string(15, '\0');
  CompactReader r(bytes);
  ListHeader list = r.ReadListBegin();
  EXPECT_EQ(list.element, ThriftType::kI32);
  ASSERT_EQ(list.size, 3u);
  EXPECT_EQ(r.ReadI32(), 1);
  EXPECT_EQ(r.ReadI32(), 2);
  EXPECT_EQ(r.ReadI32(), 3);
  list = r.ReadListBegin();
  EXPECT_EQ(list.element, ThriftType::kI64);
  EXPECT_EQ(list.size, 15u);
  EXPECT_TRUE(r.ok()) << ErrorOf(r);

  const std::string m_bytes = Bytes({0x00, 0x02, 0x85, 1, 'a', 2, 1, 'b', 4});
  CompactReader m(m_bytes);
  EXPECT_EQ(m.ReadMapBegin().size, 0u);
  const MapHeader map = m.ReadMapBegin();
  EXPECT_EQ(map.size, 2u);
  EXPECT_EQ(map.key, ThriftType::kBinary);
  EXPECT_EQ(map.value, ThriftType::kI32);
  EXPECT_TRUE(m.ok()) << ErrorOf(m);
}

TEST(CompactReaderTest, BooleanListsAcceptBothElementCodes) {
  // Element type 2 is the specification's; 1 is what some writers emit.
  // A false element is 0 in the specification and 2 from some writers.
  const std::string bytes = Bytes({0x32, 1, 0, 2, 0x21, 1, 1});
  CompactReader r(bytes);
  ListHeader list = r.ReadListBegin();
  EXPECT_EQ(list.element, ThriftType::kBool);
  EXPECT_EQ(list.size, 3u);
  EXPECT_TRUE(r.ReadBool());
  EXPECT_FALSE(r.ReadBool());
  EXPECT_FALSE(r.ReadBool());
  list = r.ReadListBegin();
  EXPECT_EQ(list.element, ThriftType::kBool);
  EXPECT_TRUE(r.ReadBool());
  EXPECT_TRUE(r.ReadBool());
  EXPECT_TRUE(r.ok()) << ErrorOf(r);
}

// A struct with a field of every type, then field 200 = 42.
std::string StructWithEveryType() {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.BoolField(1, true);
  w.BoolField(2, false);
  w.I8Field(3, -7);
  w.I16Field(4, 1000);
  w.I32Field(5, -100000);
  w.I64Field(6, int64_t{1} << 50);
  w.DoubleField(7, 3.25);
  w.BinaryField(8, "bytes");
  w.FieldHeader(9, ThriftType::kList);
  w.ListBegin(ThriftType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.WriteI32(i * 1000);
  w.FieldHeader(10, ThriftType::kSet);
  w.SetBegin(ThriftType::kBinary, 2);
  w.WriteBinary("a");
  w.WriteBinary("b");
  w.FieldHeader(11, ThriftType::kMap);
  w.MapBegin(ThriftType::kBinary, ThriftType::kList, 2);
  for (const char* key : {"k1", "k2"}) {
    w.WriteBinary(key);
    w.ListBegin(ThriftType::kDouble, 1);
    w.WriteDouble(1.0);
  }
  w.FieldHeader(12, ThriftType::kStruct);
  w.BeginStruct();
  w.BoolField(1, true);
  w.FieldHeader(2, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginStruct();
    w.BoolField(7, false);
    w.FieldHeader(8, ThriftType::kStruct);
    w.BeginStruct();
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
  w.FieldHeader(13, ThriftType::kUuid);
  out.append(16, '\x5A');
  w.FieldHeader(14, ThriftType::kList);
  w.ListBegin(ThriftType::kBool, 3);
  w.WriteBool(true);
  w.WriteBool(false);
  w.WriteBool(true);
  w.FieldHeader(15, ThriftType::kMap);
  w.MapBegin(ThriftType::kI32, ThriftType::kI32, 0);
  w.FieldHeader(16, ThriftType::kSet);
  w.SetBegin(ThriftType::kStruct, 0);
  w.I32Field(1000, 7);   // long form
  w.BinaryField(-5, "negative id");
  w.I32Field(200, 42);
  w.EndStruct();
  return out;
}

TEST(CompactReaderTest, SkipsFieldsOfEveryType) {
  const std::string bytes = StructWithEveryType();
  CompactReader r(bytes);
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  int32_t answer = 0;
  int fields = 0;
  while (r.NextField(&id, &type)) {
    ++fields;
    if (id == 200) {
      answer = r.ReadI32();
    } else {
      r.Skip(type);
    }
  }
  EXPECT_TRUE(r.ok()) << ErrorOf(r);
  EXPECT_EQ(fields, 19);
  EXPECT_EQ(answer, 42);
  EXPECT_EQ(r.remaining(), 0u);

  CompactReader whole(bytes);
  whole.Skip(ThriftType::kStruct);
  EXPECT_TRUE(whole.ok()) << ErrorOf(whole);
  EXPECT_EQ(whole.remaining(), 0u);
}

TEST(CompactReaderTest, EveryTruncationIsRefused) {
  const std::string bytes = StructWithEveryType();
  for (size_t size = 0; size < bytes.size(); ++size) {
    CompactReader r(std::string_view(bytes).substr(0, size));
    r.Skip(ThriftType::kStruct);
    EXPECT_FALSE(r.ok()) << size;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
}

// ---- Refusals ----

TEST(CompactReaderTest, TruncatedVarintNamesItsOffset) {
  const std::string bytes = Bytes({0x15, 0x80, 0x80});
  CompactReader r(bytes);
  int16_t id;
  ThriftType type;
  r.BeginStruct();
  ASSERT_TRUE(r.NextField(&id, &type));
  EXPECT_EQ(r.ReadI32(), 0);
  EXPECT_EQ(ErrorOf(r), "thrift: truncated varint at byte 1");
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
}

TEST(CompactReaderTest, RefusesOverlongVarints) {
  const std::string i32_bytes = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  CompactReader i32(i32_bytes);
  (void)i32.ReadI32();
  EXPECT_EQ(ErrorOf(i32), "thrift: varint longer than 5 bytes or out of range at byte 0");
  const std::string i32_high_bits_bytes = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x1F});  // 35 bits
  CompactReader i32_high_bits(i32_high_bits_bytes);
  (void)i32_high_bits.ReadI32();
  EXPECT_FALSE(i32_high_bits.ok());
  const std::string i64_bytes = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  CompactReader i64(i64_bytes);
  (void)i64.ReadI64();
  EXPECT_EQ(ErrorOf(i64), "thrift: varint longer than 10 bytes or out of range at byte 0");
  const std::string i16_bytes = Bytes({0x80, 0x80, 0x04});  // zigzag 65536: 32768
  CompactReader i16(i16_bytes);
  (void)i16.ReadI16();
  EXPECT_EQ(ErrorOf(i16), "thrift: i16 value 32768 out of range at byte 0");
}

TEST(CompactReaderTest, RefusesLengthsBeyondTheInput) {
  const std::string binary_bytes = Bytes({0x05, 'a', 'b'});
  CompactReader binary(binary_bytes);
  EXPECT_EQ(binary.ReadBinary(), "");
  EXPECT_EQ(ErrorOf(binary), "thrift: binary length 5 exceeds the 2 bytes left at byte 0");

  const std::string huge_binary_bytes = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CompactReader huge_binary(huge_binary_bytes);
  (void)huge_binary.ReadBinary();
  EXPECT_FALSE(huge_binary.ok());

  const std::string list_bytes = Bytes({0xF5, 0x64, 1, 2, 3});
  CompactReader list(list_bytes);
  EXPECT_EQ(list.ReadListBegin().size, 0u);
  EXPECT_EQ(ErrorOf(list), "thrift: list of 100 elements exceeds the 3 bytes left at byte 0");

  // Two doubles need 16 bytes, not 2.
  const std::string doubles_bytes = Bytes({0x27, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2});
  CompactReader doubles(doubles_bytes);
  EXPECT_EQ(doubles.ReadListBegin().size, 0u);
  EXPECT_FALSE(doubles.ok());

  const std::string map_bytes = Bytes({0x64, 0x55, 1, 2, 3});
  CompactReader map(map_bytes);
  EXPECT_EQ(map.ReadMapBegin().size, 0u);
  EXPECT_EQ(ErrorOf(map), "thrift: map of 100 entries exceeds the 3 bytes left at byte 0");
}

TEST(CompactReaderTest, RefusesInvalidTypes) {
  const std::string field_bytes = Bytes({0x1E});
  CompactReader field(field_bytes);
  int16_t id;
  ThriftType type;
  field.BeginStruct();
  EXPECT_FALSE(field.NextField(&id, &type));
  EXPECT_EQ(ErrorOf(field), "thrift: invalid field type 14 at byte 0");

  const std::string zero_type_bytes = Bytes({0x10});  // a delta with type 0 is not a stop field
  CompactReader zero_type(zero_type_bytes);
  zero_type.BeginStruct();
  EXPECT_FALSE(zero_type.NextField(&id, &type));
  EXPECT_FALSE(zero_type.ok());

  const std::string list_bytes = Bytes({0x10});
  CompactReader list(list_bytes);
  (void)list.ReadListBegin();
  EXPECT_EQ(ErrorOf(list), "thrift: invalid list element type 0 at byte 0");

  const std::string map_bytes = Bytes({0x01, 0xF5, 0, 0});
  CompactReader map(map_bytes);
  (void)map.ReadMapBegin();
  EXPECT_EQ(ErrorOf(map), "thrift: invalid map types 15/5 at byte 0");
}

TEST(CompactReaderTest, RefusesAStructWithoutStopAndFieldIdOverflow) {
  const std::string no_stop_bytes = Bytes({0x15, 0x02});
  CompactReader no_stop(no_stop_bytes);
  no_stop.Skip(ThriftType::kStruct);
  EXPECT_EQ(ErrorOf(no_stop), "thrift: truncated struct (no stop field) at byte 2");

  // Field 32767 in long form, then a delta of 1.
  const std::string overflow_bytes = Bytes({0x05, 0xFE, 0xFF, 0x03, 0x00, 0x15, 0x00, 0x00});
  CompactReader overflow(overflow_bytes);
  overflow.Skip(ThriftType::kStruct);
  EXPECT_EQ(ErrorOf(overflow), "thrift: field id 32768 out of range at byte 5");
}

TEST(CompactReaderTest, ErrorsAreSticky) {
  const std::string bad_bytes = Bytes({0x1E, 0x15, 0x02, 0x00});
  CompactReader bad(bad_bytes);
  int16_t id;
  ThriftType type;
  bad.BeginStruct();
  EXPECT_FALSE(bad.NextField(&id, &type));
  const size_t position = bad.position();
  EXPECT_EQ(bad.ReadI32(), 0);
  EXPECT_EQ(bad.ReadBinary(), "");
  EXPECT_EQ(bad.ReadListBegin().size, 0u);
  bad.Skip(ThriftType::kStruct);
  EXPECT_FALSE(bad.NextField(&id, &type));
  EXPECT_EQ(bad.position(), position);
  bad.Fail("a later problem");
  EXPECT_EQ(ErrorOf(bad), "thrift: invalid field type 14 at byte 0");
}

// `levels` structs, each field 1 of the one around it.
std::string NestedStructs(int levels) {
  std::string out;
  for (int i = 1; i < levels; ++i) out.push_back('\x1C');
  out.append(static_cast<size_t>(levels), '\0');
  return out;
}

TEST(CompactReaderTest, NestingIsLimited) {
  const std::string deepest_bytes = NestedStructs(kMaxNesting);
  CompactReader deepest(deepest_bytes);
  deepest.Skip(ThriftType::kStruct);
  EXPECT_TRUE(deepest.ok()) << ErrorOf(deepest);
  EXPECT_EQ(deepest.remaining(), 0u);

  const std::string too_deep_bytes = NestedStructs(kMaxNesting + 1);
  CompactReader too_deep(too_deep_bytes);
  too_deep.Skip(ThriftType::kStruct);
  EXPECT_EQ(ErrorOf(too_deep), "thrift: nesting deeper than 64 levels at byte 64");

  const std::string custom_bytes = NestedStructs(4);
  CompactReader custom(custom_bytes, 3);
  custom.Skip(ThriftType::kStruct);
  EXPECT_FALSE(custom.ok());
}

TEST(CompactReaderTest, DepthBombsAreRefusedWithoutExhaustingTheStack) {
  const std::string structs_bytes = NestedStructs(1000000);
  CompactReader structs(structs_bytes);
  structs.Skip(ThriftType::kStruct);
  EXPECT_FALSE(structs.ok());

  // Field 1 is a list of one list of one list ...
  std::string lists = "\x19";
  lists.append(1000000, '\x19');
  CompactReader list_bomb(lists);
  list_bomb.Skip(ThriftType::kStruct);
  EXPECT_NE(ErrorOf(list_bomb).find("nesting deeper than 64"), std::string::npos) << ErrorOf(list_bomb);

  // Maps of one entry whose value is a map.
  std::string maps = "\x1B";
  for (int i = 0; i < 100000; ++i) maps += Bytes({0x01, 0x3B, 0x00});
  CompactReader map_bomb(maps);
  map_bomb.Skip(ThriftType::kStruct);
  EXPECT_NE(ErrorOf(map_bomb).find("nesting deeper than 64"), std::string::npos) << ErrorOf(map_bomb);
}

TEST(CompactReaderTest, RandomBytesNeverCrash) {
  std::mt19937_64 rng(7);
  const std::string valid = StructWithEveryType();
  for (int i = 0; i < 20000; ++i) {
    std::string input = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) input[rng() % input.size()] = static_cast<char>(rng());
    CompactReader r(input);
    r.Skip(ThriftType::kStruct);
    EXPECT_LE(r.position(), input.size());
  }
}

TEST(ThriftTypeNameTest, NamesTypes) {
  EXPECT_EQ(ThriftTypeName(ThriftType::kI32), "i32");
  EXPECT_EQ(ThriftTypeName(ThriftType::kStruct), "struct");
  EXPECT_EQ(ThriftTypeName(static_cast<ThriftType>(99)), "unknown");
}

}  // namespace
}  // namespace strata::parquet::thrift
