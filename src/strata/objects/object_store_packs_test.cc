// Small-object packing: objects below the threshold share pack blobs, so a
// bulk load of hundreds of them leaves a handful of block files per drive;
// compaction rewrites sparse packs and merges small ones, returning the space
// of deleted objects while every live object keeps reading back exactly,
// with its system headers.
#include "strata/objects/object_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::RandomBytes;

class ObjectStorePackTest : public testing::ObjectStoreTest {
 protected:
  static std::string Key(int i) {
    char key[32];
    std::snprintf(key, sizeof(key), "small/%04d", i);
    return key;
  }

  uint64_t PackBytes() {
    auto blobs = store_->catalog().ListBlobs(BlobState::kCommitted);
    EXPECT_TRUE(blobs.ok());
    uint64_t total = 0;
    for (const BlobRecord& blob : *blobs) total += blob.kind == BlobKind::kPack ? blob.size : 0;
    return total;
  }
  size_t PackCount() {
    auto blobs = store_->catalog().ListBlobs(BlobState::kCommitted);
    EXPECT_TRUE(blobs.ok());
    return std::count_if(blobs->begin(), blobs->end(), [](const BlobRecord& b) { return b.kind == BlobKind::kPack; });
  }
};

TEST_F(ObjectStorePackTest, BatchedSmallObjectsShareAFewBlockFiles) {
  constexpr int kObjects = 500;
  std::uniform_int_distribution<size_t> size(1, 4000);
  store_->SetBatching(true);
  for (int i = 0; i < kObjects; ++i) PutFile(Key(i), RandomBytes(size(rng_), i));
  EXPECT_EQ(AllBlockFiles(), 0) << "batched objects were written before the pack filled";
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);

  // One object per pack would be 3 block files each; packed, each drive holds one or two.
  for (int d = 0; d < drives_; ++d) {
    EXPECT_GE(BlockFiles(d), 1) << "drive " << d;
    EXPECT_LE(BlockFiles(d), 2) << "drive " << d;
  }
  EXPECT_LE(PackCount(), 2u);
  CheckAllFiles();
  ASSERT_OK_AND_ASSIGN(CatalogStats stats, store_->catalog().Stats());
  EXPECT_EQ(stats.objects, static_cast<uint64_t>(kObjects));
  EXPECT_EQ(stats.pack_live_bytes, stats.pack_bytes);

  // Delete nine in ten: the pack is now mostly dead.
  const uint64_t pack_bytes = PackBytes();
  const uint64_t block_bytes = AllBlockBytes();
  for (int i = 0; i < kObjects; ++i) {
    if (i % 10 == 0) continue;
    ASSERT_OK(store_->Delete("data", Key(i)).status());
    files_.erase(Key(i));
  }
  EXPECT_EQ(AllBlockBytes(), block_bytes) << "a pack with live objects lost blocks";
  ASSERT_OK_AND_ASSIGN(CompactReport report, store_->CompactPacks());
  EXPECT_GE(report.packs_rewritten, 1u);
  EXPECT_EQ(report.objects_moved, files_.size());
  uint64_t live = 0;
  for (const auto& [key, data] : files_) live += data.size();
  EXPECT_EQ(report.bytes_reclaimed, pack_bytes - live);
  EXPECT_EQ(PackBytes(), live);
  EXPECT_LT(AllBlockBytes(), block_bytes / 3);
  for (int d = 0; d < drives_; ++d) EXPECT_LE(BlockFiles(d), 1) << "drive " << d;
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);

  CheckAllFiles();
  for (int i = 1; i < 10; ++i) EXPECT_TRUE(store_->Head("data", Key(i)).status().IsNotFound());
  Reopen();
  CheckAllFiles();
  // Nothing left to do: a second compaction rewrites nothing.
  ASSERT_OK_AND_ASSIGN(report, store_->CompactPacks());
  EXPECT_EQ(report.packs_rewritten, 0u);
}

TEST_F(ObjectStorePackTest, ConcurrentDurablePutsAreCommittedTogetherAndIntact) {
  // Threads putting small objects durably at once: while one pack is being
  // written, the others' objects gather for the next (group commit). Every
  // put must come back with its own stored record and read back exactly.
  constexpr int kThreads = 8;
  constexpr int kEach = 15;
  std::vector<std::string> datas(kThreads * kEach);
  for (size_t i = 0; i < datas.size(); ++i) datas[i] = RandomBytes(100 + i * 7, 1000 + i);
  std::vector<Result<ObjectRecord>> results(datas.size(), Status::Unavailable("not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < kEach; ++j) {
        const int i = t * kEach + j;
        auto writer = store_->NewObject("data", Key(i));
        if (!writer.ok()) {
          results[i] = writer.status();
          continue;
        }
        Status written = (*writer)->Write(testing::AsBytes(datas[i]));
        results[i] = written.ok() ? (*writer)->Commit() : Result<ObjectRecord>(written);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < datas.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << Key(i) << ": " << results[i].status().ToString();
    EXPECT_EQ(results[i]->key, Key(i));
    EXPECT_FALSE(results[i]->blob_id.empty()) << Key(i) << " came back without its pack";
    EXPECT_EQ(results[i]->etag, testing::Md5Hex(datas[i]));
    files_[Key(i)] = datas[i];
  }
  EXPECT_LE(PackCount(), datas.size());
  std::cout << "[ info ] " << datas.size() << " concurrent durable puts went into " << PackCount() << " pack(s)\n";
  CheckAllFiles();
  Reopen();
  CheckAllFiles();
}

TEST_F(ObjectStorePackTest, CompactionMergesManySmallPacks) {
  // Without batching every small put is its own pack.
  std::uniform_int_distribution<size_t> size(100, 3000);
  for (int i = 0; i < 40; ++i) PutFile(Key(i), RandomBytes(size(rng_), i + 7));
  EXPECT_EQ(PackCount(), 40u);
  EXPECT_GE(AllBlockFiles(), 40 * 3);
  ASSERT_OK_AND_ASSIGN(CompactReport report, store_->CompactPacks());
  EXPECT_EQ(report.packs_rewritten, 40u);
  EXPECT_EQ(report.objects_moved, 40u);
  EXPECT_EQ(report.bytes_reclaimed, 0u);  // nothing was dead, only scattered
  EXPECT_EQ(PackCount(), 1u);
  EXPECT_LE(AllBlockFiles(), drives_);
  CheckAllFiles();
}

TEST_F(ObjectStorePackTest, DensePacksAreLeftAlone) {
  store_->SetBatching(true);
  for (int i = 0; i < 200; ++i) PutFile(Key(i), RandomBytes(2000, i));
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(store_->Delete("data", Key(i)).status());
    files_.erase(Key(i));
  }
  const auto before = AllBlockPaths();
  ASSERT_OK_AND_ASSIGN(CompactReport report, store_->CompactPacks());
  EXPECT_EQ(report.packs_rewritten, 0u);
  EXPECT_EQ(AllBlockPaths(), before);
  CheckAllFiles();
}

TEST_F(ObjectStorePackTest, TheThresholdDecidesWhatIsPacked) {
  const uint64_t threshold = store_->config().small_object_threshold;
  ASSERT_GT(threshold, 1u);
  PutFile("below", RandomBytes(threshold - 1, 1));
  PutFile("at", RandomBytes(threshold, 2));
  // Written one byte at a time, an object still spills once it reaches the threshold.
  const std::string dribbled = RandomBytes(threshold + 10, 3);
  {
    ASSERT_OK_AND_ASSIGN(auto writer, store_->NewObject("data", "dribbled"));
    for (size_t i = 0; i < dribbled.size(); i += 97) {
      ASSERT_OK(writer->Write(testing::AsBytes(dribbled).subspan(i, std::min<size_t>(97, dribbled.size() - i))));
    }
    ASSERT_OK(writer->Commit().status());
    files_["dribbled"] = dribbled;
  }
  auto kind = [&](const std::string& key) {
    auto head = store_->Head("data", key);
    EXPECT_TRUE(head.ok());
    auto blob = store_->catalog().GetBlob(head->blob_id);
    EXPECT_TRUE(blob.ok());
    return blob->kind;
  };
  EXPECT_EQ(kind("below"), BlobKind::kPack);
  EXPECT_EQ(kind("at"), BlobKind::kObject);
  EXPECT_EQ(kind("dribbled"), BlobKind::kObject);
  CheckAllFiles();
}

TEST_F(ObjectStorePackTest, OverwritingPackedObjectsReleasesTheirBytes) {
  store_->SetBatching(true);
  for (int i = 0; i < 50; ++i) PutFile(Key(i), RandomBytes(1000, i));
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);
  ASSERT_OK_AND_ASSIGN(CatalogStats before, store_->catalog().Stats());
  EXPECT_EQ(before.pack_live_bytes, 50u * 1000);
  for (int i = 0; i < 30; ++i) PutFile(Key(i), RandomBytes(10, i + 1000));  // new small versions
  ASSERT_OK_AND_ASSIGN(CatalogStats after, store_->catalog().Stats());
  EXPECT_EQ(after.pack_live_bytes, 20u * 1000 + 30u * 10);
  CheckAllFiles();
  ASSERT_OK_AND_ASSIGN(CompactReport report, store_->CompactPacks());
  EXPECT_GE(report.packs_rewritten, 1u);
  ASSERT_OK_AND_ASSIGN(after, store_->catalog().Stats());
  EXPECT_EQ(after.pack_bytes, after.pack_live_bytes);
  CheckAllFiles();
}

TEST_F(ObjectStorePackTest, CompactionKeepsEachObjectsSystemHeaders) {
  constexpr int kObjects = 60;
  std::map<std::string, std::map<std::string, std::string>> headers;
  store_->SetBatching(true);
  for (int i = 0; i < kObjects; ++i) {
    PutOptions options;
    if (i % 3 != 0) {  // every third object has none
      options.headers = {{"cache-control", "max-age=" + std::to_string(i)},
                         {"content-language", i % 2 ? "en" : "de"}};
    }
    const std::string data = RandomBytes(1000 + i, i);
    ASSERT_OK(store_->PutBytes("data", Key(i), testing::AsBytes(data), options).status());
    files_[Key(i)] = data;
    headers[Key(i)] = options.headers;
  }
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);
  std::map<std::string, std::string> old_pack;
  for (int i = 0; i < kObjects; i += 4) {
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", Key(i)));
    EXPECT_EQ(head.headers, headers[Key(i)]) << Key(i);
    old_pack[Key(i)] = head.blob_id;
  }

  // Delete three in four: the pack is mostly dead and gets rewritten.
  for (int i = 0; i < kObjects; ++i) {
    if (i % 4 == 0) continue;
    ASSERT_OK(store_->Delete("data", Key(i)).status());
    files_.erase(Key(i));
    headers.erase(Key(i));
  }
  ASSERT_OK_AND_ASSIGN(CompactReport report, store_->CompactPacks());
  EXPECT_GE(report.packs_rewritten, 1u);
  EXPECT_EQ(report.objects_moved, files_.size());

  auto check = [&] {
    for (const auto& [key, expected] : headers) {
      ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
      EXPECT_NE(head.blob_id, old_pack[key]) << key << " was not moved";
      EXPECT_EQ(head.headers, expected) << key;
    }
    ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", ListOptions{}));
    ASSERT_EQ(page.objects.size(), headers.size());
    for (const ObjectRecord& object : page.objects) EXPECT_EQ(object.headers, headers[object.key]) << object.key;
  };
  check();
  CheckAllFiles();
  Reopen();
  check();
  CheckAllFiles();
}

}  // namespace
}  // namespace strata
