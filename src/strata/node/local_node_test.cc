// LocalNode reads and writes: fragments of every awkward size round-trip
// exactly, whole and in sub-ranges; lost or corrupt blocks are rebuilt from
// level-2 parity and reported; verification and rebuild find and fix damage.
#include "strata/node/local_node.h"

#include <gtest/gtest.h>

#include <random>

#include "strata/node/local_node_test_util.h"

namespace strata {
namespace {

using testing::CountFiles;
using testing::FlipByte;
using testing::RandomBytes;
using testing::ReadWholeFile;
using testing::WriteWholeFile;

class LocalNodeIoTest : public testing::LocalNodeTest {};

constexpr uint32_t kUnit = testing::LocalNodeTest::kUnit;

const std::vector<uint64_t>& Sizes() {
  static const std::vector<uint64_t> sizes = {0,        1,            kUnit - 1,
                                              kUnit,    kUnit + 1,    4 * kUnit,
                                              4 * kUnit + 1, 37 * kUnit + 123};
  return sizes;
}

TEST_F(LocalNodeIoTest, RoundTripsEverySizeWholeAndInRanges) {
  for (uint64_t size : Sizes()) {
    SCOPED_TRACE("fragment of " + std::to_string(size) + " bytes");
    const std::string data = RandomBytes(size, size + 1);
    FragmentRef ref = Ref(size);
    ASSERT_OK_AND_ASSIGN(auto placed, Write(ref, data));
    EXPECT_EQ(placed, ids_);  // no drive failed

    std::vector<BlockDamage> damage;
    ASSERT_OK_AND_ASSIGN(std::string whole, ReadAll(ref, &damage));
    EXPECT_TRUE(whole == data);
    EXPECT_TRUE(damage.empty());

    // Every single unit, then every range that starts or ends at a stripe edge.
    const uint64_t units = Geometry(ref).data_unit_count();
    for (uint64_t u = 0; u < units; ++u) {
      ASSERT_OK_AND_ASSIGN(std::string one, ReadRange(ref, u, 1));
      EXPECT_TRUE(one == data.substr(u * kUnit, kUnit)) << "unit " << u;
    }
    for (uint64_t first = 0; first < units; first += 3) {
      for (uint64_t count : {uint64_t{2}, uint64_t{4}, uint64_t{5}, units - first}) {
        if (count == 0 || first + count > units) continue;
        ASSERT_OK_AND_ASSIGN(std::string part, ReadRange(ref, first, count));
        EXPECT_TRUE(part == data.substr(first * kUnit, part.size())) << "units " << first << "+" << count;
        EXPECT_EQ(part.size(), std::min<uint64_t>(size, (first + count) * kUnit) - first * kUnit);
      }
    }
    // Only positions that hold units have block files, each of the expected length.
    const StripeGeometry geometry = Geometry(ref);
    for (int p = 0; p < 6; ++p) {
      const uint64_t unit_count = geometry.PositionUnitCount(p);
      std::error_code ec;
      const bool exists = testing::fs::exists(BlockPath(ref, p), ec);
      EXPECT_EQ(exists, unit_count > 0) << "position " << p;
      if (exists) {
        EXPECT_EQ(testing::fs::file_size(BlockPath(ref, p)),
                  kBlockHeaderSize + geometry.PositionBytes(p) + 4 * unit_count + 28);
      }
    }
  }
  EXPECT_EQ(TemporariesEverywhere(), 0);
}

TEST_F(LocalNodeIoTest, ReadsOutsideTheFragmentAreRefused) {
  const std::string data = RandomBytes(5 * kUnit, 7);
  FragmentRef ref = Ref(data.size());
  ASSERT_OK(Write(ref, data).status());
  ASSERT_OK_AND_ASSIGN(auto reader, node_->ReadFragment(ref));
  std::vector<std::byte> buffer(2 * kUnit);
  EXPECT_EQ(reader->ReadUnits(4, 2, buffer).code(), StatusCode::kInvalidArgument);
  // A buffer that does not match the units' length is refused, not overrun.
  EXPECT_FALSE(reader->ReadUnits(0, 1, buffer).ok());
  FragmentRef wrong_width = ref;
  wrong_width.drive_ids.pop_back();
  EXPECT_EQ(node_->ReadFragment(wrong_width).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalNodeIoTest, EverySizeSurvivesOneRemovedAndOneCorruptBlock) {
  for (uint64_t size : Sizes()) {
    if (size == 0) continue;
    SCOPED_TRACE("fragment of " + std::to_string(size) + " bytes");
    const std::string data = RandomBytes(size, size * 3 + 1);
    FragmentRef ref = Ref(size);
    ASSERT_OK(Write(ref, data).status());
    // Damage the first data position and the first parity position.
    ASSERT_TRUE(testing::fs::remove(BlockPath(ref, 0)));
    FlipByte(BlockPath(ref, 4), UnitOffset(ref, 0, 0));
    std::vector<BlockDamage> damage;
    ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref, &damage));
    EXPECT_TRUE(got == data);
    // Position 0 is lost in every stripe, so parity 4 is read and found corrupt.
    EXPECT_EQ(Positions(damage), (std::set<int>{0, 4}));
    for (const BlockDamage& d : damage) {
      EXPECT_EQ(d.drive_id, ids_[d.level2_position]);
      EXPECT_FALSE(d.reason.empty());
    }
  }
}

class LocalNodeDamageTest : public testing::LocalNodeTest {
 protected:
  // 38 units: ten stripes, the last holding two data units and two virtual ones.
  static constexpr uint64_t kSize = 37 * kUnit + 123;

  void SetUp() override {
    data_ = RandomBytes(kSize, 99);
    ref_ = Ref(kSize);
    ASSERT_OK(Write(ref_, data_).status());
    for (int p = 0; p < 6; ++p) originals_.push_back(ReadWholeFile(BlockPath(ref_, p)));
  }

  void Restore() {
    for (int p = 0; p < 6; ++p) WriteWholeFile(BlockPath(ref_, p), originals_[p]);
  }

  // Removes the block, or flips one byte in the unit of stripe 3.
  void Damage(int position, bool remove) {
    if (remove) {
      ASSERT_TRUE(testing::fs::remove(BlockPath(ref_, position)));
    } else {
      FlipByte(BlockPath(ref_, position), UnitOffset(ref_, 3, 17));
    }
  }

  std::string data_;
  FragmentRef ref_;
  std::vector<std::string> originals_;
};

TEST_F(LocalNodeDamageTest, AnySinglePositionLostOrCorruptReadsExactly) {
  for (int p = 0; p < 6; ++p) {
    for (bool remove : {true, false}) {
      SCOPED_TRACE("position " + std::to_string(p) + (remove ? " removed" : " corrupt"));
      Damage(p, remove);
      std::vector<BlockDamage> damage;
      ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref_, &damage));
      EXPECT_TRUE(got == data_);
      // A plain read touches parity only to rebuild, so damaged parity is not seen.
      EXPECT_EQ(Positions(damage), p < 4 ? std::set<int>{p} : std::set<int>{});
      ASSERT_OK_AND_ASSIGN(auto verified, node_->VerifyFragment(ref_));
      EXPECT_EQ(Positions(verified), std::set<int>{p});
      Restore();
    }
  }
}

TEST_F(LocalNodeDamageTest, EveryPairOfPositionsLostOrCorruptReadsExactly) {
  int pairs = 0;
  for (int a = 0; a < 6; ++a) {
    for (int b = a + 1; b < 6; ++b) {
      for (bool mixed : {false, true}) {  // both removed, or a removed and b corrupt
        SCOPED_TRACE("positions " + std::to_string(a) + "," + std::to_string(b) + (mixed ? " mixed" : " removed"));
        Damage(a, true);
        Damage(b, !mixed);
        std::vector<BlockDamage> damage;
        ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref_, &damage));
        EXPECT_TRUE(got == data_);
        const std::set<int> seen = Positions(damage);
        // Every damaged data position is reported, and nothing undamaged is.
        for (int p : {a, b}) {
          if (p < 4) {
            EXPECT_TRUE(seen.count(p)) << "position " << p << " not reported";
          }
        }
        for (int p : seen) EXPECT_TRUE(p == a || p == b) << "position " << p << " reported but intact";
        ASSERT_OK_AND_ASSIGN(auto verified, node_->VerifyFragment(ref_));
        EXPECT_EQ(Positions(verified), (std::set<int>{a, b}));
        // Sub-ranges straddling the damaged stripe are exact too.
        ASSERT_OK_AND_ASSIGN(std::string part, ReadRange(ref_, 11, 7));
        EXPECT_TRUE(part == data_.substr(11 * kUnit, 7 * kUnit));
        Restore();
        ++pairs;
      }
    }
  }
  EXPECT_EQ(pairs, 30);
}

TEST_F(LocalNodeDamageTest, ThreeLostPositionsAreDataLoss) {
  for (int p : {1, 2, 3}) Damage(p, true);
  std::vector<BlockDamage> damage;
  auto got = ReadAll(ref_, &damage);
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
  EXPECT_EQ(Positions(damage), (std::set<int>{1, 2, 3}));
  // The last stripe's positions 2 and 3 are virtual (zeros, never stored) and
  // count as present, so with 0 and 4 it still has four units: it reads.
  ASSERT_OK_AND_ASSIGN(std::string tail, ReadRange(ref_, 36, 2));
  EXPECT_TRUE(tail == data_.substr(36 * kUnit));
  // Three corrupt units in one stripe are data loss as well, for the units
  // that must be rebuilt; the intact unit of that stripe and other stripes read.
  Restore();
  for (int p : {1, 2, 3}) Damage(p, false);
  EXPECT_EQ(ReadRange(ref_, 13, 1).status().code(), StatusCode::kDataLoss);
  ASSERT_OK_AND_ASSIGN(std::string intact, ReadRange(ref_, 12, 1));
  EXPECT_TRUE(intact == data_.substr(12 * kUnit, kUnit));
  ASSERT_OK_AND_ASSIGN(std::string before, ReadRange(ref_, 0, 12));  // stripes 0-2 are intact
  EXPECT_TRUE(before == data_.substr(0, 12 * kUnit));
}

TEST_F(LocalNodeDamageTest, VerifyFindsFlippedBytesMissingAndTruncatedBlocks) {
  ASSERT_OK_AND_ASSIGN(auto clean, node_->VerifyFragment(ref_));
  EXPECT_TRUE(clean.empty());

  // A flipped byte in a parity unit, in the header, in the checksum table;
  // a truncated block; a missing block.
  FlipByte(BlockPath(ref_, 5), UnitOffset(ref_, 9, kUnit - 1));
  FlipByte(BlockPath(ref_, 1), 100);  // header padding
  const uint64_t size2 = originals_[2].size();
  FlipByte(BlockPath(ref_, 2), size2 - 28 - 4);  // last unit checksum
  testing::fs::resize_file(BlockPath(ref_, 3), originals_[3].size() - 1000);
  ASSERT_TRUE(testing::fs::remove(BlockPath(ref_, 0)));
  ASSERT_OK_AND_ASSIGN(auto damage, node_->VerifyFragment(ref_));
  EXPECT_EQ(Positions(damage), (std::set<int>{0, 1, 2, 3, 5}));
  for (const BlockDamage& d : damage) {
    EXPECT_EQ(d.drive_id, ids_[d.level2_position]);
    EXPECT_FALSE(d.reason.empty());
  }

  // A block cut right after its second unit (trailer gone) is caught as well.
  Restore();
  testing::fs::resize_file(BlockPath(ref_, 4), kBlockHeaderSize + 2 * kUnit);
  ASSERT_OK_AND_ASSIGN(damage, node_->VerifyFragment(ref_));
  EXPECT_EQ(Positions(damage), std::set<int>{4});
}

TEST_F(LocalNodeDamageTest, VerifyFindsABlockOfTheWrongShape) {
  // The block of another, shorter fragment copied into place: valid on its own,
  // but not what this fragment's geometry says position 2 holds.
  FragmentRef other = ref_;
  const std::string shorter = data_.substr(0, 20 * kUnit);
  other.fragment_bytes = shorter.size();
  ASSERT_OK(Write(other, shorter).status());  // overwrites every position with a 20-unit fragment
  for (int p : {0, 1, 3, 4, 5}) WriteWholeFile(BlockPath(ref_, p), originals_[p]);
  ASSERT_OK_AND_ASSIGN(auto damage, node_->VerifyFragment(ref_));
  EXPECT_EQ(Positions(damage), std::set<int>{2});
  ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(ref_));
  EXPECT_TRUE(got == data_);
}

TEST_F(LocalNodeDamageTest, RebuildOntoTheSameDriveRestoresTheIdenticalBlock) {
  for (int p = 0; p < 6; ++p) {
    SCOPED_TRACE("position " + std::to_string(p));
    Damage(p, /*remove=*/p % 2 == 0);
    ASSERT_OK(node_->RebuildFragment(ref_, {RebuildTarget{p, ids_[p]}}));
    ASSERT_OK_AND_ASSIGN(auto damage, node_->VerifyFragment(ref_));
    EXPECT_TRUE(damage.empty());
    // Encoding is deterministic, so the rebuilt block is the original, byte for byte.
    EXPECT_TRUE(ReadWholeFile(BlockPath(ref_, p)) == originals_[p]);
  }
  EXPECT_EQ(TemporariesEverywhere(), 0);
}

TEST_F(LocalNodeDamageTest, RebuildTwoPositionsOntoASpareDrive) {
  const std::string spare_id = NewRandomId();
  const std::string spare_path = dir_.Sub("spare");
  ASSERT_OK(node_->AttachDrive(spare_id, spare_path, NodeClient::AttachMode::kFormat));
  Damage(1, true);
  Damage(4, false);
  // Rebuild position 1 onto the spare and position 4 in place, in one pass.
  ASSERT_OK(node_->RebuildFragment(ref_, {RebuildTarget{1, spare_id}, RebuildTarget{4, ids_[4]}}));
  FragmentRef moved = ref_;
  moved.drive_ids[1] = spare_id;
  ASSERT_OK_AND_ASSIGN(auto damage, node_->VerifyFragment(moved));
  EXPECT_TRUE(damage.empty());
  const std::string on_spare =
      spare_path + "/blocks/" + ref_.blob_id.substr(0, 2) + "/" + ref_.Block(1).FileName();
  EXPECT_TRUE(ReadWholeFile(on_spare) == originals_[1]);
  EXPECT_TRUE(ReadWholeFile(BlockPath(ref_, 4)) == originals_[4]);
  std::vector<BlockDamage> read_damage;
  ASSERT_OK_AND_ASSIGN(std::string got, ReadAll(moved, &read_damage));
  EXPECT_TRUE(got == data_);
  EXPECT_TRUE(read_damage.empty());
}

TEST_F(LocalNodeDamageTest, RebuildFailsWithoutEnoughSurvivorsOrATarget) {
  Damage(0, true);
  Damage(1, true);
  Damage(2, true);
  Status st = node_->RebuildFragment(ref_, {RebuildTarget{0, ids_[0]}});
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_EQ(TemporariesEverywhere(), 0);
  EXPECT_FALSE(testing::fs::exists(BlockPath(ref_, 0)));  // nothing half-built was published
  Restore();
  st = node_->RebuildFragment(ref_, {RebuildTarget{0, "no-such-drive"}});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
}

TEST_F(LocalNodeIoTest, DeleteListAndRemoveBlocks) {
  const std::string data = RandomBytes(9 * kUnit, 3);
  FragmentRef a = Ref(data.size());
  FragmentRef b = Ref(data.size());
  ASSERT_OK(Write(a, data).status());
  ASSERT_OK(Write(b, data).status());
  ASSERT_OK_AND_ASSIGN(auto listed, node_->ListBlocks());
  EXPECT_EQ(listed.size(), 12u);
  ASSERT_OK(node_->DeleteFragment(a));
  ASSERT_OK(node_->DeleteFragment(a));  // blocks already gone are not an error
  ASSERT_OK_AND_ASSIGN(listed, node_->ListBlocks());
  ASSERT_EQ(listed.size(), 6u);
  for (const NodeBlock& block : listed) {
    EXPECT_EQ(block.name.blob_id, b.blob_id);
    EXPECT_EQ(block.drive_id, ids_[block.name.level2_position]);
    EXPECT_EQ(block.file_bytes, testing::fs::file_size(BlockPath(b, block.name.level2_position)));
  }
  ASSERT_OK(node_->RemoveBlock(ids_[3], b.Block(3)));
  EXPECT_FALSE(testing::fs::exists(BlockPath(b, 3)));
  EXPECT_TRUE(node_->RemoveBlock(ids_[3], b.Block(3)).IsNotFound());

  // With a drive gone, the delete removes what it can and says what remains.
  testing::fs::remove_all(paths_[5]);
  EXPECT_FALSE(DriveUp(ids_[5]));
  Status st = node_->DeleteFragment(b);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find(ids_[5]), std::string::npos) << st.message();
  EXPECT_EQ(BlockFilesEverywhere(), 0);
}

TEST_F(LocalNodeIoTest, RemoveTemporariesCleansInterruptedWrites) {
  const std::string data = RandomBytes(8 * kUnit, 5);
  FragmentRef ref = Ref(data.size());
  {
    ASSERT_OK_AND_ASSIGN(auto writer, node_->WriteFragment(ref));
    for (int u = 0; u < 8; ++u) ASSERT_OK(writer->AppendUnit(testing::AsBytes(data).subspan(u * kUnit, kUnit)));
    EXPECT_EQ(TemporariesEverywhere(), 6);  // being written: temporaries, nothing published
    EXPECT_EQ(BlockFilesEverywhere(), 6);
    // A crash here leaves the temporaries; simulate it by copying them aside.
    std::vector<testing::fs::path> temporaries;
    for (const std::string& path : paths_) {
      for (const auto& entry : testing::fs::directory_iterator(path + "/tmp")) temporaries.push_back(entry.path());
    }
    for (const auto& path : temporaries) testing::fs::copy_file(path, path.string() + ".crashed");
  }  // the writer's destructor abandons its own temporaries
  EXPECT_EQ(TemporariesEverywhere(), 6);
  ASSERT_OK_AND_ASSIGN(int removed, node_->RemoveTemporaries());
  EXPECT_EQ(removed, 6);
  EXPECT_EQ(BlockFilesEverywhere(), 0);
}

}  // namespace
}  // namespace strata
