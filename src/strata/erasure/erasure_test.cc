#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "strata/erasure/reed_solomon.h"
#include "strata/erasure/stripe_geometry.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

// ---------------------------------------------------------------------------
// ReedSolomon

std::shared_ptr<const ReedSolomon> MakeCode(int k, int m) {
  Result<std::shared_ptr<const ReedSolomon>> code = ReedSolomon::Create(k, m);
  EXPECT_TRUE(code.ok()) << k << "+" << m << ": " << code.status().ToString();
  return code.ok() ? *code : nullptr;
}

// One encoded stripe: k data units of random bytes and their m parity units.
struct Stripe {
  Stripe(const ReedSolomon& code, size_t length, uint64_t seed) : units(code.k() + code.m()) {
    for (int i = 0; i < code.k(); ++i) {
      std::string bytes = testing::RandomBytes(length, seed * 1000 + i);
      units[i].assign(bytes.begin(), bytes.end());
    }
    for (int i = code.k(); i < code.k() + code.m(); ++i) units[i].assign(length, 0);
    std::vector<const uint8_t*> data;
    std::vector<uint8_t*> parity;
    for (int i = 0; i < code.k(); ++i) data.push_back(units[i].data());
    for (int i = code.k(); i < code.k() + code.m(); ++i) parity.push_back(units[i].data());
    code.Encode(length, data, parity);
  }
  std::vector<std::vector<uint8_t>> units;
};

// Loses the units in `lost` (overwriting them with garbage), reconstructs, and
// returns the status; on success the stripe must equal `original` again.
Status LoseAndReconstruct(const ReedSolomon& code, const Stripe& original, const std::vector<int>& lost) {
  const size_t n = original.units.size();
  const size_t length = original.units[0].size();
  std::vector<std::vector<uint8_t>> units = original.units;
  std::unique_ptr<bool[]> present(new bool[n]);
  for (size_t i = 0; i < n; ++i) present[i] = true;
  for (int i : lost) {
    present[i] = false;
    std::memset(units[i].data(), 0xa5, length);
  }
  std::vector<uint8_t*> pointers;
  for (auto& unit : units) pointers.push_back(unit.data());
  Status status = code.Reconstruct(length, pointers, std::span<const bool>(present.get(), n));
  if (status.ok()) {
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(units[i] == original.units[i]) << code.k() << "+" << code.m() << " length " << length << ": unit "
                                                 << i << " differs after reconstruction";
    }
  }
  return status;
}

std::vector<int> MaskToList(uint32_t mask) {
  std::vector<int> list;
  for (int i = 0; i < 32; ++i) {
    if (mask & (1u << i)) list.push_back(i);
  }
  return list;
}

std::string Describe(const std::vector<int>& lost) {
  std::string text = "lost {";
  for (int i : lost) text += " " + std::to_string(i);
  return text + " }";
}

// Every pattern of up to m lost units rebuilds exactly; every pattern of more
// fails with DataLoss.
void CheckEveryPattern(int k, int m, const std::vector<size_t>& lengths) {
  auto code = MakeCode(k, m);
  ASSERT_NE(code, nullptr);
  const int n = k + m;
  for (size_t length : lengths) {
    Stripe original(*code, length, length + 7);
    for (uint32_t mask = 0; mask < (1u << n); ++mask) {
      std::vector<int> lost = MaskToList(mask);
      Status status = LoseAndReconstruct(*code, original, lost);
      if (static_cast<int>(lost.size()) <= m) {
        EXPECT_TRUE(status.ok()) << k << "+" << m << " length " << length << " " << Describe(lost) << ": "
                                 << status.ToString();
      } else {
        EXPECT_EQ(status.code(), StatusCode::kDataLoss) << k << "+" << m << " " << Describe(lost);
      }
    }
  }
}

const std::vector<size_t> kOddLengths = {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 4096, 4097};

TEST(ReedSolomonTest, EveryPattern4Plus2) { CheckEveryPattern(4, 2, kOddLengths); }
TEST(ReedSolomonTest, EveryPattern2Plus1) { CheckEveryPattern(2, 1, kOddLengths); }
TEST(ReedSolomonTest, EveryPattern3Plus3) { CheckEveryPattern(3, 3, kOddLengths); }
TEST(ReedSolomonTest, EveryPattern1Plus2) { CheckEveryPattern(1, 2, kOddLengths); }
TEST(ReedSolomonTest, EveryPattern6Plus3) { CheckEveryPattern(6, 3, {1, 63, 4097}); }
TEST(ReedSolomonTest, EveryPattern1Plus1) { CheckEveryPattern(1, 1, {1, 63, 4097}); }
TEST(ReedSolomonTest, EveryPattern8Plus4) { CheckEveryPattern(8, 4, {63, 1000}); }

TEST(ReedSolomonTest, ZeroParity) {
  auto code = MakeCode(4, 0);
  ASSERT_NE(code, nullptr);
  Stripe original(*code, 100, 1);  // Encode with no parity units is a no-op
  EXPECT_TRUE(LoseAndReconstruct(*code, original, {}).ok());
  for (int i = 0; i < 4; ++i) {
    Status status = LoseAndReconstruct(*code, original, {i});
    EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  }
  CheckEveryPattern(1, 0, {1, 63});
  CheckEveryPattern(3, 0, {1, 63});
}

TEST(ReedSolomonTest, WidestCodes) {
  struct Shape {
    int k;
    int m;
  };
  std::mt19937 rng(5);
  for (Shape shape : {Shape{20, 12}, Shape{31, 1}, Shape{1, 31}, Shape{16, 16}, Shape{32, 0}}) {
    auto code = MakeCode(shape.k, shape.m);
    ASSERT_NE(code, nullptr);
    const int n = shape.k + shape.m;
    for (size_t length : {size_t{1}, size_t{63}, size_t{4097}}) {
      Stripe original(*code, length, n + length);
      for (int trial = 0; trial < 12; ++trial) {
        std::vector<int> order(n);
        for (int i = 0; i < n; ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        // Trials alternate between losing exactly m units and fewer.
        int losses = trial % 2 == 0 ? shape.m : static_cast<int>(rng() % (shape.m + 1));
        std::vector<int> lost(order.begin(), order.begin() + losses);
        Status status = LoseAndReconstruct(*code, original, lost);
        EXPECT_TRUE(status.ok()) << shape.k << "+" << shape.m << " " << Describe(lost) << ": " << status.ToString();
        if (shape.m < n) {
          std::vector<int> too_many(order.begin(), order.begin() + shape.m + 1);
          EXPECT_EQ(LoseAndReconstruct(*code, original, too_many).code(), StatusCode::kDataLoss);
        }
      }
      // All data units lost at once: rebuilt from parity alone when m >= k.
      if (shape.m >= shape.k) {
        std::vector<int> all_data;
        for (int i = 0; i < shape.k; ++i) all_data.push_back(i);
        EXPECT_TRUE(LoseAndReconstruct(*code, original, all_data).ok());
      }
    }
  }
}

TEST(ReedSolomonTest, RefusesInvalidShapes) {
  struct Shape {
    int k;
    int m;
  };
  for (Shape shape : {Shape{0, 1}, Shape{0, 0}, Shape{-1, 2}, Shape{4, -1}, Shape{33, 0}, Shape{30, 3},
                      Shape{1, 32}, Shape{100, 100}}) {
    Result<std::shared_ptr<const ReedSolomon>> code = ReedSolomon::Create(shape.k, shape.m);
    EXPECT_EQ(code.status().code(), StatusCode::kInvalidArgument) << shape.k << "+" << shape.m;
    EXPECT_NE(code.status().message().find("reed-solomon " + std::to_string(shape.k) + "+" +
                                           std::to_string(shape.m)),
              std::string::npos)
        << code.status().message();
  }
  EXPECT_EQ(ReedSolomon::Create(0, 1).status().message(), "reed-solomon 0+1: k must be at least 1");
  EXPECT_EQ(ReedSolomon::Create(30, 3).status().message(), "reed-solomon 30+3: k+m must be at most 32");
  auto code = MakeCode(4, 2);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->k(), 4);
  EXPECT_EQ(code->m(), 2);
}

TEST(ReedSolomonTest, EncodeIsSystematicAndLinear) {
  auto code = MakeCode(5, 3);
  ASSERT_NE(code, nullptr);
  const size_t length = 777;
  Stripe a(*code, length, 11);
  Stripe b(*code, length, 12);
  // The data units are the first k units, untouched.
  for (int i = 0; i < 5; ++i) {
    std::string expected = testing::RandomBytes(length, 11 * 1000 + i);
    EXPECT_EQ(std::memcmp(a.units[i].data(), expected.data(), length), 0);
  }
  // Over GF(2^8), parity(a xor b) == parity(a) xor parity(b).
  std::vector<std::vector<uint8_t>> sum(8, std::vector<uint8_t>(length));
  for (int i = 0; i < 5; ++i) {
    for (size_t j = 0; j < length; ++j) sum[i][j] = a.units[i][j] ^ b.units[i][j];
  }
  std::vector<const uint8_t*> data;
  std::vector<uint8_t*> parity;
  for (int i = 0; i < 5; ++i) data.push_back(sum[i].data());
  for (int i = 5; i < 8; ++i) parity.push_back(sum[i].data());
  code->Encode(length, data, parity);
  for (int i = 5; i < 8; ++i) {
    for (size_t j = 0; j < length; ++j) {
      ASSERT_EQ(sum[i][j], a.units[i][j] ^ b.units[i][j]) << "parity " << i << " byte " << j;
    }
  }
}

TEST(ReedSolomonTest, EveryDataByteReachesEveryParityUnit) {
  auto code = MakeCode(6, 3);
  ASSERT_NE(code, nullptr);
  Stripe original(*code, 64, 21);
  for (int i = 0; i < 6; ++i) {
    std::vector<std::vector<uint8_t>> units = original.units;
    units[i][10] ^= 0x01;
    std::vector<const uint8_t*> data;
    std::vector<uint8_t*> parity;
    for (int d = 0; d < 6; ++d) data.push_back(units[d].data());
    for (int p = 6; p < 9; ++p) parity.push_back(units[p].data());
    code->Encode(64, data, parity);
    for (int p = 6; p < 9; ++p) {
      EXPECT_NE(units[p][10], original.units[p][10]) << "data " << i << " parity " << p;
      EXPECT_EQ(std::memcmp(units[p].data(), original.units[p].data(), 10), 0);
    }
  }
}

TEST(ReedSolomonTest, ZeroLengthUnits) {
  auto code = MakeCode(4, 2);
  ASSERT_NE(code, nullptr);
  std::vector<uint8_t*> units(6, nullptr);
  bool present[6] = {false, true, true, false, true, true};
  EXPECT_TRUE(code->Reconstruct(0, units, present).ok());
  bool too_few[6] = {false, false, false, true, true, true};
  EXPECT_EQ(code->Reconstruct(0, units, too_few).code(), StatusCode::kDataLoss);
}

TEST(ReedSolomonTest, DataLossMessageSaysWhatIsMissing) {
  auto code = MakeCode(4, 2);
  ASSERT_NE(code, nullptr);
  Stripe original(*code, 10, 3);
  Status status = LoseAndReconstruct(*code, original, {0, 2, 5});
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "reed-solomon 4+2: only 3 of 6 units present, 4 needed");
}

TEST(ReedSolomonTest, SharedBetweenThreads) {
  auto code = MakeCode(6, 3);
  ASSERT_NE(code, nullptr);
  Stripe original(*code, 4097, 99);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t mask = 0; mask < (1u << 9); ++mask) {
        if (std::popcount(mask) > 3 || mask % 4 != static_cast<uint32_t>(t)) continue;
        if (!LoseAndReconstruct(*code, original, MaskToList(mask)).ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0);
}

// ---------------------------------------------------------------------------
// StripeGeometry

StripeGeometry Geometry(uint64_t total_bytes, uint32_t unit_size, int k, int m) {
  StripeGeometry geometry;
  geometry.total_bytes = total_bytes;
  geometry.unit_size = unit_size;
  geometry.code = CodeSpec{k, m};
  return geometry;
}

// The properties every geometry must have, checked stripe by stripe.
void CheckInvariants(const StripeGeometry& g) {
  SCOPED_TRACE("total " + std::to_string(g.total_bytes) + " unit " + std::to_string(g.unit_size) + " code " +
               g.code.ToString());
  const int k = g.code.k;
  const uint64_t stripes = g.stripe_count();
  EXPECT_EQ(g.data_unit_count(), (g.total_bytes + g.unit_size - 1) / g.unit_size);
  EXPECT_GE(stripes * k, g.data_unit_count());
  if (stripes > 0) {
    EXPECT_LT((stripes - 1) * k, g.data_unit_count());
  }

  uint64_t data_bytes = 0;
  uint64_t data_units = 0;
  for (uint64_t unit = 0; unit < g.data_unit_count(); ++unit) {
    uint32_t length = g.DataUnitLength(unit);
    EXPECT_GT(length, 0u);
    EXPECT_LE(length, g.unit_size);
    if (unit + 1 < g.data_unit_count()) {
      EXPECT_EQ(length, g.unit_size);
    }
    data_bytes += length;
  }
  EXPECT_EQ(data_bytes, g.total_bytes);
  EXPECT_EQ(g.DataUnitLength(g.data_unit_count()), 0u);

  data_bytes = 0;
  for (int position = 0; position < g.code.width(); ++position) {
    uint64_t bytes = 0;
    uint64_t units = 0;
    for (uint64_t stripe = 0; stripe < stripes; ++stripe) {
      const uint32_t length = g.PositionLength(stripe, position);
      const uint32_t stripe_length = g.StripeUnitLength(stripe);
      EXPECT_EQ(stripe_length, g.DataUnitLength(stripe * k));
      EXPECT_LE(length, stripe_length);
      if (position < k) {
        EXPECT_EQ(length, g.DataUnitLength(stripe * k + position));
        // Virtual positions only at the end of the last stripe.
        if (length == 0) {
          EXPECT_EQ(stripe, stripes - 1);
        }
      } else {
        EXPECT_EQ(length, stripe_length);
      }
      if (stripe + 1 < stripes) {
        EXPECT_EQ(length, g.unit_size);
      }
      if (length > 0) ++units;
      bytes += length;
    }
    EXPECT_EQ(g.PositionLength(stripes, position), 0u);
    EXPECT_EQ(g.PositionUnitCount(position), units) << "position " << position;
    EXPECT_EQ(g.PositionBytes(position), bytes) << "position " << position;
    if (position < k) {
      data_bytes += bytes;
      data_units += units;
    } else {
      EXPECT_EQ(units, stripes);
    }
  }
  EXPECT_EQ(data_bytes, g.total_bytes);
  EXPECT_EQ(data_units, g.data_unit_count());
  EXPECT_EQ(g.PositionLength(0, g.code.width()), 0u);
  EXPECT_EQ(g.PositionUnitCount(g.code.width()), 0u);
  EXPECT_EQ(g.PositionBytes(g.code.width()), 0u);
}

constexpr uint32_t kUnit = 4096;

TEST(StripeGeometryTest, Empty) {
  StripeGeometry g = Geometry(0, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 0u);
  EXPECT_EQ(g.stripe_count(), 0u);
  EXPECT_EQ(g.StripeUnitLength(0), 0u);
  for (int p = 0; p < 6; ++p) {
    EXPECT_EQ(g.PositionLength(0, p), 0u);
    EXPECT_EQ(g.PositionUnitCount(p), 0u);
    EXPECT_EQ(g.PositionBytes(p), 0u);
  }
  CheckInvariants(g);
}

TEST(StripeGeometryTest, OneShortUnit) {
  for (uint64_t total : {uint64_t{1}, uint64_t{kUnit - 1}}) {
    StripeGeometry g = Geometry(total, kUnit, 4, 2);
    EXPECT_EQ(g.data_unit_count(), 1u);
    EXPECT_EQ(g.stripe_count(), 1u);
    EXPECT_EQ(g.StripeUnitLength(0), total);
    EXPECT_EQ(g.PositionLength(0, 0), total);
    for (int p = 1; p < 4; ++p) {
      EXPECT_EQ(g.PositionLength(0, p), 0u) << "virtual position " << p;
      EXPECT_EQ(g.PositionUnitCount(p), 0u);
      EXPECT_EQ(g.PositionBytes(p), 0u);
    }
    for (int p = 4; p < 6; ++p) {
      EXPECT_EQ(g.PositionLength(0, p), total) << "parity has the stripe unit length";
      EXPECT_EQ(g.PositionUnitCount(p), 1u);
      EXPECT_EQ(g.PositionBytes(p), total);
    }
    CheckInvariants(g);
  }
}

TEST(StripeGeometryTest, ExactlyOneUnit) {
  StripeGeometry g = Geometry(kUnit, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 1u);
  EXPECT_EQ(g.PositionLength(0, 0), kUnit);
  EXPECT_EQ(g.PositionLength(0, 1), 0u);
  EXPECT_EQ(g.PositionLength(0, 5), kUnit);
  CheckInvariants(g);
}

TEST(StripeGeometryTest, UnitPlusOne) {
  StripeGeometry g = Geometry(kUnit + 1, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 2u);
  EXPECT_EQ(g.stripe_count(), 1u);
  EXPECT_EQ(g.DataUnitLength(0), kUnit);
  EXPECT_EQ(g.DataUnitLength(1), 1u);
  EXPECT_EQ(g.StripeUnitLength(0), kUnit);
  EXPECT_EQ(g.PositionLength(0, 0), kUnit);
  EXPECT_EQ(g.PositionLength(0, 1), 1u);  // stored short; padded only when coding
  EXPECT_EQ(g.PositionLength(0, 2), 0u);
  EXPECT_EQ(g.PositionLength(0, 4), kUnit);
  EXPECT_EQ(g.PositionBytes(1), 1u);
  EXPECT_EQ(g.PositionBytes(4), kUnit);
  CheckInvariants(g);
}

TEST(StripeGeometryTest, ExactlyOneStripe) {
  StripeGeometry g = Geometry(4ull * kUnit, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 4u);
  EXPECT_EQ(g.stripe_count(), 1u);
  for (int p = 0; p < 6; ++p) {
    EXPECT_EQ(g.PositionLength(0, p), kUnit);
    EXPECT_EQ(g.PositionUnitCount(p), 1u);
    EXPECT_EQ(g.PositionBytes(p), kUnit);
  }
  CheckInvariants(g);
}

TEST(StripeGeometryTest, OneStripePlusOneByte) {
  StripeGeometry g = Geometry(4ull * kUnit + 1, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 5u);
  EXPECT_EQ(g.stripe_count(), 2u);
  EXPECT_EQ(g.StripeUnitLength(0), kUnit);
  EXPECT_EQ(g.StripeUnitLength(1), 1u);
  EXPECT_EQ(g.PositionLength(1, 0), 1u);
  for (int p = 1; p < 4; ++p) EXPECT_EQ(g.PositionLength(1, p), 0u);
  EXPECT_EQ(g.PositionLength(1, 4), 1u);
  EXPECT_EQ(g.PositionLength(1, 5), 1u);
  EXPECT_EQ(g.PositionUnitCount(0), 2u);
  EXPECT_EQ(g.PositionUnitCount(1), 1u);
  EXPECT_EQ(g.PositionUnitCount(4), 2u);
  EXPECT_EQ(g.PositionBytes(0), kUnit + 1u);
  EXPECT_EQ(g.PositionBytes(1), kUnit);
  EXPECT_EQ(g.PositionBytes(5), kUnit + 1u);
  CheckInvariants(g);
}

TEST(StripeGeometryTest, ManyStripes) {
  // Ten full stripes, then a last stripe of two full units and a 100-byte one.
  StripeGeometry g = Geometry(10ull * 4 * kUnit + 2 * kUnit + 100, kUnit, 4, 2);
  EXPECT_EQ(g.data_unit_count(), 43u);
  EXPECT_EQ(g.stripe_count(), 11u);
  EXPECT_EQ(g.StripeUnitLength(10), kUnit);
  EXPECT_EQ(g.PositionLength(10, 0), kUnit);
  EXPECT_EQ(g.PositionLength(10, 1), kUnit);
  EXPECT_EQ(g.PositionLength(10, 2), 100u);
  EXPECT_EQ(g.PositionLength(10, 3), 0u);
  EXPECT_EQ(g.PositionLength(10, 4), kUnit);
  EXPECT_EQ(g.PositionUnitCount(2), 11u);
  EXPECT_EQ(g.PositionBytes(2), 10ull * kUnit + 100);
  EXPECT_EQ(g.PositionUnitCount(3), 10u);
  EXPECT_EQ(g.PositionBytes(3), 10ull * kUnit);
  EXPECT_EQ(g.PositionBytes(5), 11ull * kUnit);
  CheckInvariants(g);
}

TEST(StripeGeometryTest, NoParityAndSingleDataUnit) {
  CheckInvariants(Geometry(3 * kUnit + 5, kUnit, 1, 0));
  CheckInvariants(Geometry(3 * kUnit + 5, kUnit, 1, 2));
  CheckInvariants(Geometry(3 * kUnit + 5, kUnit, 3, 0));
  StripeGeometry g = Geometry(3 * kUnit + 5, kUnit, 1, 2);
  EXPECT_EQ(g.stripe_count(), 4u);
  EXPECT_EQ(g.PositionLength(3, 0), 5u);
  EXPECT_EQ(g.PositionLength(3, 2), 5u);
  EXPECT_EQ(g.PositionBytes(1), 3ull * kUnit + 5);
}

TEST(StripeGeometryTest, BoundarySweep) {
  for (int k : {1, 2, 3, 4, 6}) {
    for (int m : {0, 1, 2}) {
      for (uint64_t stripes : {0, 1, 2, 5}) {
        const uint64_t base = stripes * k * kUnit;
        const int64_t u = kUnit;
        for (int64_t delta : {-u - 1, -u, -u + 1, int64_t{-1}, int64_t{0}, int64_t{1}, u - 1, u, u + 1}) {
          if (static_cast<int64_t>(base) + delta < 0) continue;
          CheckInvariants(Geometry(base + delta, kUnit, k, m));
        }
      }
    }
  }
}

TEST(StripeGeometryTest, LargeObjects) {
  // 5 TiB and a bit in 1 MiB units over 10+4: counts stay exact in 64 bits.
  const uint32_t unit = 1u << 20;
  StripeGeometry g = Geometry((5ull << 40) + 12345, unit, 10, 4);
  EXPECT_EQ(g.data_unit_count(), (5ull << 20) + 1);
  EXPECT_EQ(g.stripe_count(), ((5ull << 20) + 1 + 9) / 10);
  uint64_t sum = 0;
  for (int p = 0; p < 10; ++p) sum += g.PositionBytes(p);
  EXPECT_EQ(sum, g.total_bytes);
  const uint64_t last = g.stripe_count() - 1;
  EXPECT_EQ(g.StripeUnitLength(last), g.DataUnitLength(last * 10));
  EXPECT_EQ(g.PositionBytes(12), (g.stripe_count() - 1) * unit + g.StripeUnitLength(last));
}

// The geometry and the code together: cut a byte sequence into stripes, pad each
// stored unit to the stripe unit length, encode, lose m positions, rebuild, and
// read back the same bytes.
TEST(StripeGeometryTest, EncodeLoseAndRebuildAnObject) {
  const uint32_t unit = 64;
  for (uint64_t total : {uint64_t{1}, uint64_t{63}, uint64_t{65}, uint64_t{4 * 64 + 1}, uint64_t{1000}}) {
    StripeGeometry g = Geometry(total, unit, 4, 2);
    auto code = MakeCode(4, 2);
    ASSERT_NE(code, nullptr);
    const std::string object = testing::RandomBytes(total, total);
    std::string rebuilt;
    for (uint64_t stripe = 0; stripe < g.stripe_count(); ++stripe) {
      const uint32_t length = g.StripeUnitLength(stripe);
      std::vector<std::vector<uint8_t>> units(6, std::vector<uint8_t>(length, 0));
      for (int p = 0; p < 4; ++p) {
        const uint64_t offset = (stripe * 4 + p) * unit;
        const uint32_t stored = g.PositionLength(stripe, p);
        if (stored > 0) std::memcpy(units[p].data(), object.data() + offset, stored);
      }
      std::vector<const uint8_t*> data = {units[0].data(), units[1].data(), units[2].data(), units[3].data()};
      std::vector<uint8_t*> parity = {units[4].data(), units[5].data()};
      code->Encode(length, data, parity);

      bool present[6] = {true, true, true, true, true, true};
      const int lose_a = static_cast<int>(stripe % 6);
      const int lose_b = static_cast<int>((stripe + 3) % 6);
      present[lose_a] = present[lose_b] = false;
      std::fill(units[lose_a].begin(), units[lose_a].end(), 0xee);
      std::fill(units[lose_b].begin(), units[lose_b].end(), 0xee);
      std::vector<uint8_t*> pointers;
      for (auto& u : units) pointers.push_back(u.data());
      ASSERT_TRUE(code->Reconstruct(length, pointers, present).ok());
      for (int p = 0; p < 4; ++p) {
        rebuilt.append(reinterpret_cast<const char*>(units[p].data()), g.PositionLength(stripe, p));
      }
    }
    EXPECT_EQ(rebuilt, object) << "total " << total;
  }
}

}  // namespace
}  // namespace strata
