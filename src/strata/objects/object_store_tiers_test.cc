// Tier moves on the embedded default store (hot 2+1 on 3 drives, capacity
// 4+2 on 6): whole, packed and multipart objects move with their bytes
// intact and every blob on the target tier, in the target's code; a second
// move finds them there; a reader opened before a move reads it all after;
// excluded prefixes stay; an unknown tier is refused; the old blobs go.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <set>

#include "strata/objects/object_store.h"
#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::Md5Hex;
using testing::RandomBytes;

constexpr uint64_t kMiB = 1 << 20;

class ObjectStoreTiersTest : public testing::ObjectStoreTest {
 protected:
  void Configure(InitOptions& options) override { options = EmbeddedDefault(); }

  void SetUp() override {
    Create();
    drives_ = 9;  // d1-d3 hot, d4-d9 capacity
  }

  // Completes a multipart object of `data` (one part each).
  void PutMultipart(const std::string& key, const std::vector<std::string>& data) {
    ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("data", key, PutOptions{}, "", ""));
    std::vector<CompletePart> listed;
    for (size_t i = 0; i < data.size(); ++i) {
      ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(upload, static_cast<int>(i + 1)));
      ASSERT_OK(WriteInChunks(*writer, data[i]));
      ASSERT_OK_AND_ASSIGN(UploadPart part, writer->Commit());
      listed.push_back(CompletePart{part.part_number, part.etag});
    }
    ASSERT_OK(store_->CompleteMultipartUpload(upload, listed).status());
    std::string whole;
    for (const std::string& d : data) whole += d;
    multipart_[key] = whole;
  }

  // Every object put reads back identical, with the ETag it had when put.
  void ExpectAllReadBack() {
    CheckAllFiles();
    for (const auto& [key, data] : multipart_) {
      auto got = Get(key);
      ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
      EXPECT_TRUE(*got == data) << key << " differs";
      ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
      EXPECT_EQ(head.etag, multipart_etags_[key]) << key;
    }
  }

  std::string Data(const std::string& key) { return files_.count(key) ? files_[key] : multipart_[key]; }

  // The blob ids an object's bytes are in.
  std::vector<std::string> BlobsOf(const std::string& key) {
    auto head = store_->Head("data", key);
    EXPECT_TRUE(head.ok()) << key << ": " << head.status().ToString();
    if (!head.ok()) return {};
    return BlobIdsOf(*head);
  }

  // Every blob of `key` is committed on `tier`, coded as that tier codes.
  void ExpectOnTier(const std::string& key, const std::string& tier) {
    ASSERT_OK_AND_ASSIGN(Layout layout, store_->TierLayout(tier));
    for (const std::string& blob_id : BlobsOf(key)) {
      ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(blob_id));
      EXPECT_EQ(blob.tier, tier) << key << " blob " << blob_id;
      EXPECT_EQ(blob.state, BlobState::kCommitted) << key;
      EXPECT_EQ(blob.layout.level2, layout.level2) << key;
    }
  }

  // A 3 MiB object, two packed small ones and a multipart one under "ds/",
  // and one object outside it.
  void PutDataset() {
    PutFile("ds/big", RandomBytes(3 * kMiB, 1));
    PutFile("ds/small1", RandomBytes(1000, 2));
    PutFile("ds/small2", RandomBytes(3000, 3));
    PutMultipart("ds/multi", {RandomBytes(5 * kMiB, 4), RandomBytes(1000, 5)});
    auto head = store_->Head("data", "ds/multi");
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    multipart_etags_["ds/multi"] = head->etag;
    PutFile("other/keep", RandomBytes(200 * 1024, 6));
  }

  const std::vector<std::string> kMoved = {"ds/big", "ds/multi", "ds/small1", "ds/small2"};
  std::map<std::string, std::string> multipart_, multipart_etags_;  // key -> bytes, ETag
};

TEST_F(ObjectStoreTiersTest, EmbeddedDefaultHasAHotAndACapacityTier) {
  EXPECT_EQ(store_->write_tier(), "hot");
  ASSERT_OK_AND_ASSIGN(Layout hot, store_->TierLayout("hot"));
  EXPECT_EQ(hot.level2, (CodeSpec{2, 1}));
  ASSERT_OK_AND_ASSIGN(Layout capacity, store_->TierLayout("capacity"));
  EXPECT_EQ(capacity.level2, (CodeSpec{4, 2}));
  ASSERT_OK_AND_ASSIGN(auto drives, store_->catalog().ListDrives());
  std::map<std::string, int> per_tier;
  for (const DriveRecord& drive : drives) ++per_tier[drive.tier];
  EXPECT_EQ(per_tier, (std::map<std::string, int>{{"capacity", 6}, {"hot", 3}}));
}

TEST_F(ObjectStoreTiersTest, MovedObjectsReadBackIdenticalFromTheNewTier) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  std::set<std::string> old_blobs;
  for (const std::string& key : kMoved) {
    ExpectOnTier(key, "hot");
    for (const std::string& id : BlobsOf(key)) old_blobs.insert(id);
  }
  ASSERT_EQ(old_blobs.size(), 5u) << "one blob, two packs, two parts";

  uint64_t bytes = 0;
  for (const std::string& key : kMoved) bytes += Data(key).size();
  ASSERT_OK_AND_ASSIGN(MoveReport report, store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 0, {}}));
  EXPECT_EQ(report.objects_moved, 4u);
  EXPECT_EQ(report.bytes_moved, bytes);
  EXPECT_EQ(report.objects_already, 0u);
  EXPECT_EQ(report.objects_changed, 0u);
  ExpectAllReadBack();
  for (const std::string& key : kMoved) ExpectOnTier(key, "capacity");
  ExpectOnTier("other/keep", "hot");
  EXPECT_EQ(BlobsOf("ds/small1"), BlobsOf("ds/small2")) << "small objects share one new pack";
  ASSERT_OK_AND_ASSIGN(auto usage, store_->catalog().TierUsageUnder("data", "ds/"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].tier, "capacity");
  EXPECT_EQ(usage[0].objects, 4u);
  EXPECT_EQ(usage[0].bytes, bytes);

  // The old blobs are gone, records and blocks.
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  for (const std::string& id : old_blobs) {
    EXPECT_TRUE(store_->catalog().GetBlob(id).status().IsNotFound()) << id;
    EXPECT_EQ(BlockFilesOf(id), 0) << id;
  }
  const std::vector<std::string> kept = BlobsOf("other/keep");
  ASSERT_OK_AND_ASSIGN(auto committed, store_->catalog().ListBlobs(BlobState::kCommitted));
  for (const BlobRecord& blob : committed) {
    if (blob.tier == "hot") {
      EXPECT_EQ(blob.blob_id, kept.at(0)) << "a committed blob left on hot";
    }
  }
  int hot_blocks = 0;
  for (int d = 0; d < 3; ++d) hot_blocks += BlockFiles(d);
  EXPECT_EQ(hot_blocks, BlockFilesOf(kept.at(0))) << "only other/keep has blocks on the hot drives";

  // Moving again finds them all there.
  ASSERT_OK_AND_ASSIGN(report, store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 0, {}}));
  EXPECT_EQ(report.objects_moved, 0u);
  EXPECT_EQ(report.bytes_moved, 0u);
  EXPECT_EQ(report.objects_already, 4u);

  // The blocks are durable: after a restart, and moved back to hot, the bytes are the same.
  Reopen();
  ExpectAllReadBack();
  ASSERT_OK_AND_ASSIGN(report, store_->MoveObjects("data", "ds/", MoveOptions{"hot", 0, {}}));
  EXPECT_EQ(report.objects_moved, 4u);
  for (const std::string& key : kMoved) ExpectOnTier(key, "hot");
  ExpectAllReadBack();
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
}

TEST_F(ObjectStoreTiersTest, AReaderOpenedBeforeAMoveReadsEverythingAfterIt) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  std::map<std::string, std::unique_ptr<ObjectReader>> readers;
  for (const std::string& key : kMoved) {
    ASSERT_OK_AND_ASSIGN(readers[key], store_->OpenObject("data", key));
  }
  ASSERT_OK_AND_ASSIGN(MoveReport report, store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 0, {}}));
  EXPECT_EQ(report.objects_moved, 4u);
  EXPECT_GT(BlobCount(BlobState::kDeleting), 0u) << "the old blobs are pinned by the readers";

  for (auto& [key, reader] : readers) {
    const std::string want = Data(key);
    EXPECT_NE(reader->record().blob_id, BlobsOf(key).front()) << key << ": the reader has the old version";
    std::string got(want.size(), '\0');
    ASSERT_OK(reader->Read(0, std::as_writable_bytes(std::span(got.data(), got.size()))));
    EXPECT_TRUE(got == want) << key << " differs";
    EXPECT_EQ(Md5Hex(got), Md5Hex(want)) << key;
    ASSERT_OK(reader->Close());
  }
  // The last reader to close let the old blobs go.
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  ExpectAllReadBack();
}

TEST_F(ObjectStoreTiersTest, ExcludedPrefixesStayWhereTheyAre) {
  PutFile("ds/a", RandomBytes(100 * 1024, 1));
  PutFile("ds/nested/b", RandomBytes(2000, 2));
  PutFile("ds/nested/c", RandomBytes(300 * 1024, 3));
  PutFile("ds/z", RandomBytes(500, 4));
  ASSERT_OK_AND_ASSIGN(MoveReport report,
                       store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 0, {"ds/nested/", "ds/none/"}}));
  EXPECT_EQ(report.objects_moved, 2u);
  EXPECT_EQ(report.objects_already, 0u);
  ExpectOnTier("ds/a", "capacity");
  ExpectOnTier("ds/z", "capacity");
  ExpectOnTier("ds/nested/b", "hot");
  ExpectOnTier("ds/nested/c", "hot");
  ASSERT_OK_AND_ASSIGN(auto usage, store_->catalog().TierUsageUnder("data", "ds/nested/"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].tier, "hot");
  EXPECT_EQ(usage[0].objects, 2u);
  CheckAllFiles();
}

TEST_F(ObjectStoreTiersTest, MovesMoreObjectsThanAListingPageAndEmptyOnes) {
  constexpr int kObjects = 300;  // more than one listing page (256)
  store_->SetBatching(true);
  for (int i = 0; i < kObjects; ++i) {
    char key[32];
    std::snprintf(key, sizeof(key), "ds/%04d", i);
    PutFile(key, RandomBytes(1 + i * 7, i));
  }
  PutFile("ds/empty", "");
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);
  ASSERT_OK_AND_ASSIGN(MoveReport report, store_->MoveObjects("data", "", MoveOptions{"capacity", 0, {}}));
  EXPECT_EQ(report.objects_moved, kObjects + 1u);
  EXPECT_EQ(report.objects_already, 0u);
  for (const auto& [key, data] : files_) ExpectOnTier(key, "capacity");
  CheckAllFiles();
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  ASSERT_OK_AND_ASSIGN(auto committed, store_->catalog().ListBlobs(BlobState::kCommitted));
  for (const BlobRecord& blob : committed) EXPECT_EQ(blob.tier, "capacity") << blob.blob_id;
}

TEST_F(ObjectStoreTiersTest, AnObjectRewrittenDuringItsCopyIsLeftAsItIsNow) {
  PutFile("ds/big", RandomBytes(3 * kMiB, 1));
  const std::string newer = RandomBytes(2 * kMiB, 2);
  // Once the copy has begun (a pending blob on capacity), the key is rewritten;
  // the throttle keeps the copy going for about 1.5 s.
  std::thread writer([&] {
    for (int i = 0; i < 5000; ++i) {
      auto pending = store_->catalog().ListBlobs(BlobState::kPending);
      if (pending.ok() && std::any_of(pending->begin(), pending->end(),
                                      [](const BlobRecord& b) { return b.tier == "capacity"; })) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(Put("ds/big", newer).ok());
  });
  auto moved = store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 2 * kMiB, {}});
  writer.join();
  ASSERT_OK(moved.status());
  EXPECT_EQ(moved->objects_changed, 1u);
  EXPECT_EQ(moved->objects_moved, 0u);
  files_["ds/big"] = newer;
  CheckAllFiles();
  ExpectOnTier("ds/big", "hot");
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u) << "the unused copy is collected";
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  EXPECT_EQ(BlobCount(BlobState::kCommitted), 1u);
}

TEST_F(ObjectStoreTiersTest, AnUnknownTierIsRefusedAndNothingMoves) {
  PutFile("ds/a", RandomBytes(100 * 1024, 1));
  PutFile("ds/b", RandomBytes(10, 2));
  const size_t committed = BlobCount(BlobState::kCommitted);
  for (const std::string tier : {"tape", ""}) {
    auto moved = store_->MoveObjects("data", "ds/", MoveOptions{tier, 0, {}});
    EXPECT_EQ(moved.status().code(), StatusCode::kNotFound) << "'" << tier << "': " << moved.status().ToString();
  }
  ExpectOnTier("ds/a", "hot");
  ExpectOnTier("ds/b", "hot");
  EXPECT_EQ(BlobCount(BlobState::kCommitted), committed);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  CheckAllFiles();
}

}  // namespace
}  // namespace strata
