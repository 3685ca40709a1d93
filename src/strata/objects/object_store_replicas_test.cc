// Replicas on the embedded default store over two nodes (every tier's drives
// on both): SetReplicas copies whole, packed and multipart objects' blobs to
// the other node, reads spread over the copies, a third copy is refused,
// dropping copies frees their blocks (after the readers of a copy close),
// and overwrites and tier moves take the copies with the old blobs.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "strata/objects/object_store.h"
#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using testing::RandomBytes;

constexpr uint64_t kMiB = 1 << 20;

class ObjectStoreReplicasTest : public testing::ObjectStoreTest {
 protected:
  void Configure(InitOptions& options) override {
    options = EmbeddedDefault();
    options.nodes = 2;
  }

  // A 3 MiB object, a small packed one and a multipart one under "ds/".
  void PutDataset() {
    PutFile("ds/big", RandomBytes(3 * kMiB, 1));
    PutFile("ds/small", RandomBytes(1000, 2));
    ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("data", "ds/multi", PutOptions{}, "", ""));
    std::vector<CompletePart> listed;
    const std::vector<std::string> parts = {RandomBytes(5 * kMiB, 3), RandomBytes(1000, 4)};
    for (size_t i = 0; i < parts.size(); ++i) {
      ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(upload, static_cast<int>(i + 1)));
      ASSERT_OK(WriteInChunks(*writer, parts[i]));
      ASSERT_OK_AND_ASSIGN(UploadPart part, writer->Commit());
      listed.push_back(CompletePart{part.part_number, part.etag});
    }
    ASSERT_OK(store_->CompleteMultipartUpload(upload, listed).status());
    multi_ = parts[0] + parts[1];
    ASSERT_OK_AND_ASSIGN(BlobRecord pack, store_->catalog().GetBlob(BlobsOf("ds/small").at(0)));
    ASSERT_EQ(pack.kind, BlobKind::kPack);
  }

  std::string Data(const std::string& key) { return key == "ds/multi" ? multi_ : files_[key]; }

  // Every object put reads back identical (ETags checked but the multipart one's).
  void ExpectAllReadBack() {
    CheckAllFiles();
    if (multi_.empty()) return;
    auto got = Get("ds/multi");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == multi_) << "ds/multi differs";
  }

  std::vector<std::string> BlobsOf(const std::string& key) {
    auto head = store_->Head("data", key);
    EXPECT_TRUE(head.ok()) << key << ": " << head.status().ToString();
    if (!head.ok()) return {};
    return BlobIdsOf(*head);
  }

  std::vector<BlobRecord> Replicas(const std::string& blob_id) {
    auto replicas = store_->catalog().ListReplicas(blob_id);
    EXPECT_TRUE(replicas.ok()) << replicas.status().ToString();
    return replicas.ok() ? *replicas : std::vector<BlobRecord>{};
  }

  static std::set<std::string> NodesOf(const BlobRecord& blob) {
    std::set<std::string> nodes;
    for (const NodePlacement& n : blob.placement.nodes) nodes.insert(n.node_id);
    return nodes;
  }

  // Block files of a blob on any drive of any node.
  int BlockFilesOf(const std::string& blob_id) const {
    int n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_ + "/drives")) {
      if (entry.is_regular_file() && entry.path().filename().string().rfind(blob_id, 0) == 0) ++n;
    }
    return n;
  }

  // The bytes of a blob, read straight from the cluster.
  std::string ReadBlob(const BlobRecord& blob) {
    std::string out(blob.size, '\0');
    auto reader = store_->cluster().ReadBlob(blob);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (reader.ok()) {
      Status st = (*reader)->Read(0, std::as_writable_bytes(std::span(out.data(), out.size())));
      EXPECT_TRUE(st.ok()) << blob.blob_id << ": " << st.ToString();
    }
    return out;
  }

  // The ids of every replica of the objects under ds/.
  std::vector<std::string> AllReplicaIds() {
    std::vector<std::string> ids;
    for (const char* key : {"ds/big", "ds/small", "ds/multi"}) {
      for (const std::string& blob : BlobsOf(key)) {
        for (const BlobRecord& r : Replicas(blob)) ids.push_back(r.blob_id);
      }
    }
    return ids;
  }

  std::string multi_;  // the bytes of ds/multi

  // An open reader of `key` that has read its first byte from a replica.
  std::unique_ptr<ObjectReader> ReaderOnAReplica(const std::string& key) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto reader = store_->OpenObject("data", key);
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      if (!reader.ok()) return nullptr;
      std::byte first;
      EXPECT_TRUE((*reader)->Read(0, std::span(&first, 1)).ok());
      const std::vector<std::string> sources = (*reader)->sources();
      if (!sources.empty() && sources[0] != (*reader)->record().blob_id) return std::move(*reader);
      EXPECT_TRUE((*reader)->Close().ok());
    }
    ADD_FAILURE() << "no read of " << key << " came from a replica";
    return nullptr;
  }
};

TEST_F(ObjectStoreReplicasTest, EveryBlobOfItsOwnGetsACopyOnTheOtherNode) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK_AND_ASSIGN(auto nodes, store_->catalog().ListNodes());
  ASSERT_EQ(nodes.size(), 2u);
  uint64_t blob_bytes = 0;
  for (const char* key : {"ds/big", "ds/small", "ds/multi"}) {
    for (const std::string& id : BlobsOf(key)) {
      ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(id));
      if (blob.kind != BlobKind::kPack) blob_bytes += blob.size;
    }
  }

  ASSERT_OK_AND_ASSIGN(ReplicaReport report, store_->SetReplicas("data", "ds/", 2));
  EXPECT_EQ(report.blobs, 3u) << "a whole blob and two parts";
  EXPECT_EQ(report.packs_skipped, 1u) << "the small object's pack is not replicated";
  EXPECT_EQ(report.replicas_added, 3u);
  EXPECT_EQ(report.replicas_dropped, 0u);
  EXPECT_EQ(report.bytes_copied, blob_bytes);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);

  for (const char* key : {"ds/big", "ds/small", "ds/multi"}) {
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
    uint64_t object_offset = 0;
    for (const std::string& id : BlobsOf(key)) {
      ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(id));
      const std::vector<BlobRecord> replicas = Replicas(id);
      if (blob.kind == BlobKind::kPack) {
        EXPECT_TRUE(replicas.empty()) << key << ": a pack got a replica";
        continue;
      }
      ASSERT_EQ(replicas.size(), 1u) << key << " blob " << id;
      const BlobRecord& copy = replicas[0];
      EXPECT_NE(copy.blob_id, id);
      EXPECT_EQ(copy.state, BlobState::kCommitted);
      EXPECT_EQ(copy.size, blob.size);
      EXPECT_EQ(copy.tier, blob.tier);
      EXPECT_FALSE(NodesOf(blob).empty());
      EXPECT_FALSE(NodesOf(copy).empty());
      for (const std::string& node : NodesOf(copy)) EXPECT_EQ(NodesOf(blob).count(node), 0u) << key << " " << node;
      EXPECT_GT(BlockFilesOf(copy.blob_id), 0) << key;
      // The copy holds the blob's bytes exactly.
      const std::string want = ReadBlob(blob);
      EXPECT_TRUE(ReadBlob(copy) == want) << key << " copy " << copy.blob_id << " differs";
      const uint64_t at = head.parts.empty() ? head.blob_offset : 0;
      const uint64_t size = head.parts.empty() ? head.size : blob.size;
      EXPECT_TRUE(want.substr(at, size) == Data(key).substr(object_offset, size)) << key;
      object_offset += size;
    }
  }
  // Whichever copy each read comes from, the objects read back identical.
  for (int round = 0; round < 3; ++round) ExpectAllReadBack();

  // Asked again, nothing changes.
  ASSERT_OK_AND_ASSIGN(report, store_->SetReplicas("data", "ds/", 2));
  EXPECT_EQ(report.blobs, 3u);
  EXPECT_EQ(report.replicas_added, 0u);
  EXPECT_EQ(report.bytes_copied, 0u);
  ASSERT_OK_AND_ASSIGN(auto usage, store_->catalog().TierUsageUnder("data", "ds/"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].min_copies, 2);
  EXPECT_EQ(usage[0].max_copies, 2);
}

TEST_F(ObjectStoreReplicasTest, ReadsSpreadOverTheBlobAndItsReplica) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  const std::string primary = BlobsOf("ds/big").at(0);
  const std::vector<BlobRecord> replicas = Replicas(primary);
  ASSERT_EQ(replicas.size(), 1u);

  std::set<std::string> firsts;
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenObject("data", "ds/big"));
    std::string got(reader->record().size, '\0');
    ASSERT_OK(reader->Read(0, std::as_writable_bytes(std::span(got.data(), got.size()))));
    EXPECT_TRUE(got == files_["ds/big"]) << "read " << i;
    const std::vector<std::string> sources = reader->sources();
    ASSERT_EQ(sources.size(), 1u);
    firsts.insert(sources[0]);
    ASSERT_OK(reader->Close());
  }
  EXPECT_EQ(firsts, (std::set<std::string>{primary, replicas[0].blob_id}));
}

// A two-part object read whole, twice in a row: each part comes from both
// copies across the two reads, and the parts of one read from different ones.
TEST_F(ObjectStoreReplicasTest, ThePartsOfOneObjectSpreadToo) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  std::set<std::string> first_part, second_part;
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenObject("data", "ds/multi"));
    ASSERT_EQ(reader->record().parts.size(), 2u);
    std::string got(reader->record().size, '\0');
    ASSERT_OK(reader->Read(0, std::as_writable_bytes(std::span(got.data(), got.size()))));
    EXPECT_TRUE(got == multi_) << "read " << i;
    const std::vector<std::string> sources = reader->sources();
    ASSERT_EQ(sources.size(), 2u);
    const bool first_from_replica = sources[0] != reader->record().parts[0].blob_id;
    const bool second_from_replica = sources[1] != reader->record().parts[1].blob_id;
    EXPECT_NE(first_from_replica, second_from_replica) << "read " << i << ": both parts from the same side";
    first_part.insert(sources[0]);
    second_part.insert(sources[1]);
    ASSERT_OK(reader->Close());
  }
  EXPECT_EQ(first_part.size(), 2u);
  EXPECT_EQ(second_part.size(), 2u);
}

TEST_F(ObjectStoreReplicasTest, ACopyMoreThanTheNodesIsRefused) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  const size_t committed = BlobCount(BlobState::kCommitted);
  auto third = store_->SetReplicas("data", "ds/", 3);
  EXPECT_EQ(third.status().code(), StatusCode::kFailedPrecondition) << third.status().ToString();
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  EXPECT_EQ(BlobCount(BlobState::kCommitted), committed);
  EXPECT_EQ(AllReplicaIds().size(), 3u);

  // From one copy, the second is made and the third refused.
  PutFile("solo/x", RandomBytes(300 * 1024, 9));
  auto solo = store_->SetReplicas("data", "solo/", 3);
  EXPECT_EQ(solo.status().code(), StatusCode::kFailedPrecondition) << solo.status().ToString();
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  EXPECT_LE(Replicas(BlobsOf("solo/x").at(0)).size(), 1u);
  for (int copies : {0, 9}) {
    EXPECT_EQ(store_->SetReplicas("data", "ds/", copies).status().code(), StatusCode::kInvalidArgument) << copies;
  }
  ExpectAllReadBack();
}

TEST_F(ObjectStoreReplicasTest, OneCopyDropsTheReplicasAndTheirBlocks) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  const std::vector<std::string> copies = AllReplicaIds();
  ASSERT_EQ(copies.size(), 3u);

  ASSERT_OK_AND_ASSIGN(ReplicaReport report, store_->SetReplicas("data", "ds/", 1));
  EXPECT_EQ(report.replicas_dropped, 3u);
  EXPECT_EQ(report.replicas_added, 0u);
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  EXPECT_TRUE(AllReplicaIds().empty());
  for (const std::string& id : copies) {
    EXPECT_TRUE(store_->catalog().GetBlob(id).status().IsNotFound()) << id;
    EXPECT_EQ(BlockFilesOf(id), 0) << id;
  }
  ExpectAllReadBack();
}

TEST_F(ObjectStoreReplicasTest, AReaderOfADroppedReplicaReadsOnAndItsCloseFreesIt) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  std::unique_ptr<ObjectReader> reader = ReaderOnAReplica("ds/big");
  ASSERT_NE(reader, nullptr);
  const std::string copy = reader->sources().at(0);

  ASSERT_OK(store_->SetReplicas("data", "ds/", 1).status());
  ASSERT_OK_AND_ASSIGN(BlobRecord dropped, store_->catalog().GetBlob(copy));
  EXPECT_EQ(dropped.state, BlobState::kDeleting) << "pinned by the reader";
  EXPECT_GT(BlockFilesOf(copy), 0);

  const std::string& want = files_["ds/big"];
  std::string got(want.size(), '\0');
  ASSERT_OK(reader->Read(0, std::as_writable_bytes(std::span(got.data(), got.size()))));
  EXPECT_TRUE(got == want);
  ASSERT_OK(reader->Close());
  EXPECT_TRUE(store_->catalog().GetBlob(copy).status().IsNotFound());
  EXPECT_EQ(BlockFilesOf(copy), 0);
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
}

TEST_F(ObjectStoreReplicasTest, AnOverwriteTakesTheReplicasOfTheOldBlob) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  const std::string old_blob = BlobsOf("ds/big").at(0);
  const std::vector<BlobRecord> replicas = Replicas(old_blob);
  ASSERT_EQ(replicas.size(), 1u);

  PutFile("ds/big", RandomBytes(2 * kMiB, 7));
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_TRUE(store_->catalog().GetBlob(old_blob).status().IsNotFound());
  EXPECT_TRUE(store_->catalog().GetBlob(replicas[0].blob_id).status().IsNotFound());
  EXPECT_EQ(BlockFilesOf(replicas[0].blob_id), 0);
  EXPECT_TRUE(Replicas(BlobsOf("ds/big").at(0)).empty()) << "a new version starts with one copy";
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(AllReplicaIds().size(), 2u) << "the multipart object keeps its two";
  ExpectAllReadBack();
}

TEST_F(ObjectStoreReplicasTest, AMovedObjectLeavesItsReplicasBehind) {
  ASSERT_NO_FATAL_FAILURE(PutDataset());
  ASSERT_OK(store_->SetReplicas("data", "ds/", 2).status());
  const std::vector<std::string> copies = AllReplicaIds();
  ASSERT_EQ(copies.size(), 3u);

  ASSERT_OK_AND_ASSIGN(MoveReport moved, store_->MoveObjects("data", "ds/", MoveOptions{"capacity", 0, {}}));
  EXPECT_EQ(moved.objects_moved, 3u);
  ASSERT_OK(store_->CollectGarbage());
  for (const char* key : {"ds/big", "ds/small", "ds/multi"}) {
    for (const std::string& id : BlobsOf(key)) {
      ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(id));
      EXPECT_EQ(blob.tier, "capacity") << key;
      EXPECT_TRUE(Replicas(id).empty()) << key;
    }
  }
  for (const std::string& id : copies) {
    EXPECT_TRUE(store_->catalog().GetBlob(id).status().IsNotFound()) << id;
    EXPECT_EQ(BlockFilesOf(id), 0) << id;
  }
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  ExpectAllReadBack();
}

}  // namespace
}  // namespace strata
