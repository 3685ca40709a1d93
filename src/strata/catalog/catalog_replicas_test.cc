// Replicas (schema version 5): AddReplica commits a pending copy of a
// committed blob and ListReplicas returns it; a copy of a blob that is not
// committed goes to kDeleting instead; overwriting, deleting or moving the
// object a blob holds takes its replicas with it; DropReplica; and the
// copies TierUsageUnder counts.
#include <gtest/gtest.h>

#include "strata/catalog/catalog.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::MakeBlob;
using testing::MakeObject;
using testing::MakeUploadPart;
using testing::TempDir;

class CatalogReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
  }

  void InsertBlob(const std::string& blob_id, BlobKind kind, uint64_t size, const std::string& tier = "hot") {
    BlobRecord blob = MakeBlob(blob_id, kind, size);
    blob.tier = tier;
    Status inserted = catalog_->InsertPendingBlob(blob);
    ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  }

  // Commits `key` at `version` into a blob of its own, "blob-<key>-<version>".
  ObjectRecord Put(const std::string& key, const std::string& version, uint64_t size,
                   const std::string& tier = "hot") {
    const std::string blob_id = "blob-" + key + "-" + version;
    InsertBlob(blob_id, BlobKind::kObject, size, tier);
    ObjectRecord object = MakeObject("data", key, version, blob_id, size);
    auto replaced = catalog_->CommitObject(object);
    EXPECT_TRUE(replaced.ok()) << replaced.status().ToString();
    return object;
  }

  // Where a copy lands: a node other than the blob's ("node-1").
  static BlobCompletion Landed(uint64_t size, const std::string& node = "node-2") {
    Placement placement;
    placement.nodes.push_back(NodePlacement{node, {"e1", "e2", "e3"}});
    return BlobCompletion{size, placement};
  }

  // Inserts `replica_id` pending (size unknown, as a streamed copy is) and
  // adds it as a replica of `blob_id`.
  Status Replicate(const std::string& blob_id, const std::string& replica_id, uint64_t size) {
    InsertBlob(replica_id, BlobKind::kObject, 0);
    return catalog_->AddReplica(blob_id, replica_id, Landed(size));
  }

  BlobRecord BlobOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob_id << ": " << blob.status().ToString();
    return blob.ok() ? *blob : BlobRecord{};
  }

  std::vector<std::string> ReplicaIds(const std::string& blob_id) {
    auto replicas = catalog_->ListReplicas(blob_id);
    EXPECT_TRUE(replicas.ok()) << blob_id << ": " << replicas.status().ToString();
    std::vector<std::string> ids;
    if (replicas.ok()) {
      for (const BlobRecord& r : *replicas) ids.push_back(r.blob_id);
    }
    return ids;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("catalog.db");
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogReplicasTest, AddReplicaCommitsAPendingCopyThatListReplicasReturns) {
  Put("a", "v1", 300);
  EXPECT_TRUE(ReplicaIds("blob-a-v1").empty());
  InsertBlob("copy-1", BlobKind::kObject, 0);
  ASSERT_EQ(BlobOf("copy-1").state, BlobState::kPending);
  ASSERT_OK(catalog_->AddReplica("blob-a-v1", "copy-1", Landed(300)));

  ASSERT_OK_AND_ASSIGN(auto replicas, catalog_->ListReplicas("blob-a-v1"));
  ASSERT_EQ(replicas.size(), 1u);
  EXPECT_EQ(replicas[0].blob_id, "copy-1");
  EXPECT_EQ(replicas[0].state, BlobState::kCommitted);
  EXPECT_EQ(replicas[0].size, 300u) << "the writer's completion is recorded";
  EXPECT_EQ(replicas[0].placement, Landed(300).placement);
  EXPECT_EQ(BlobOf("blob-a-v1").state, BlobState::kCommitted);
  EXPECT_TRUE(ReplicaIds("copy-1").empty()) << "a copy has no replicas of its own";

  // A second copy; they list in id order and survive a reopen.
  ASSERT_OK(Replicate("blob-a-v1", "copy-0", 300));
  catalog_.reset();
  ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
  EXPECT_EQ(ReplicaIds("blob-a-v1"), (std::vector<std::string>{"copy-0", "copy-1"}));

  // A copy already committed is refused; unknown blobs are NotFound.
  Status again = catalog_->AddReplica("blob-a-v1", "copy-1", Landed(300));
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition) << again.ToString();
  EXPECT_EQ(ReplicaIds("blob-a-v1").size(), 2u);
  InsertBlob("copy-2", BlobKind::kObject, 0);
  EXPECT_EQ(catalog_->AddReplica("nope", "copy-2", Landed(1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->AddReplica("blob-a-v1", "nope", Landed(1)).code(), StatusCode::kNotFound);
  EXPECT_TRUE(ReplicaIds("nope").empty());
}

TEST_F(CatalogReplicasTest, ACopyOfABlobThatIsNotCommittedGoesToDeleting) {
  // The blob is still pending.
  InsertBlob("pending", BlobKind::kObject, 10);
  Status st = Replicate("pending", "copy-p", 10);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_EQ(BlobOf("copy-p").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-p").size, 10u) << "its completion is recorded all the same";
  EXPECT_EQ(BlobOf("pending").state, BlobState::kPending);
  EXPECT_TRUE(ReplicaIds("pending").empty());

  // The blob was released by an overwrite while the copy was made.
  Put("a", "v1", 20);
  Put("a", "v2", 30);
  ASSERT_EQ(BlobOf("blob-a-v1").state, BlobState::kDeleting);
  st = Replicate("blob-a-v1", "copy-d", 20);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_EQ(BlobOf("copy-d").state, BlobState::kDeleting);
  EXPECT_TRUE(ReplicaIds("blob-a-v1").empty());

  // Both copies, and the released blob, can be removed.
  for (const char* id : {"copy-p", "copy-d", "blob-a-v1"}) {
    ASSERT_OK(catalog_->RemoveBlob(id));
    EXPECT_TRUE(catalog_->GetBlob(id).status().IsNotFound()) << id;
  }
}

TEST_F(CatalogReplicasTest, OverwritingOrDeletingTheObjectTakesItsReplicas) {
  Put("a", "v1", 100);
  ASSERT_OK(Replicate("blob-a-v1", "copy-a1", 100));
  ASSERT_OK(Replicate("blob-a-v1", "copy-a2", 100));
  Put("b", "v1", 50);
  ASSERT_OK(Replicate("blob-b-v1", "copy-b", 50));
  Put("c", "v1", 70);
  ASSERT_OK(Replicate("blob-c-v1", "copy-c", 70));

  Put("a", "v2", 120);  // overwrite
  EXPECT_EQ(BlobOf("blob-a-v1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-a1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-a2").state, BlobState::kDeleting);
  EXPECT_TRUE(ReplicaIds("blob-a-v1").empty());
  EXPECT_TRUE(ReplicaIds("blob-a-v2").empty());

  ASSERT_OK(catalog_->DeleteObject("data", "b").status());
  EXPECT_EQ(BlobOf("blob-b-v1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-b").state, BlobState::kDeleting);
  EXPECT_TRUE(ReplicaIds("blob-b-v1").empty());

  // A tier move releases the old blob as an overwrite does.
  InsertBlob("moved-c", BlobKind::kObject, 70, "capacity");
  ASSERT_OK_AND_ASSIGN(ObjectRecord c, catalog_->GetObject("data", "c"));
  c.blob_id = "moved-c";
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({c}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(BlobOf("copy-c").state, BlobState::kDeleting);
  EXPECT_TRUE(ReplicaIds("blob-c-v1").empty());
  EXPECT_TRUE(ReplicaIds("moved-c").empty());

  // Everything released can be removed: no replica row holds it back.
  ASSERT_OK_AND_ASSIGN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
  EXPECT_EQ(deleting.size(), 7u);
  for (const BlobRecord& blob : deleting) ASSERT_OK(catalog_->RemoveBlob(blob.blob_id));
}

TEST_F(CatalogReplicasTest, APackKeepsItsReplicasWhileAnyObjectLivesInIt) {
  InsertBlob("pack-1", BlobKind::kPack, 30);
  ObjectRecord x = MakeObject("data", "x", "vx", "pack-1", 10, 0);
  ObjectRecord y = MakeObject("data", "y", "vy", "pack-1", 20, 10);
  ASSERT_OK(catalog_->CommitPack("pack-1", {x, y}).status());
  ASSERT_OK(Replicate("pack-1", "copy-pack", 30));

  Put("x", "vx2", 5);
  EXPECT_EQ(BlobOf("pack-1").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("copy-pack").state, BlobState::kCommitted);
  EXPECT_EQ(ReplicaIds("pack-1"), (std::vector<std::string>{"copy-pack"}));

  ASSERT_OK(catalog_->DeleteObject("data", "y").status());
  EXPECT_EQ(BlobOf("pack-1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-pack").state, BlobState::kDeleting);
  EXPECT_TRUE(ReplicaIds("pack-1").empty());
}

TEST_F(CatalogReplicasTest, ReplicasOfMultipartPartsGoWithTheObject) {
  MultipartUpload upload;
  upload.upload_id = "u1";
  upload.bucket = "data";
  upload.key = "movie";
  ASSERT_OK(catalog_->CreateUpload(upload));
  ObjectRecord object = MakeObject("data", "movie", "v-u1", "", 0);
  for (int number = 1; number <= 2; ++number) {
    const std::string blob_id = "part-" + std::to_string(number);
    InsertBlob(blob_id, BlobKind::kObject, 0);
    UploadPart part = MakeUploadPart(number, blob_id, 100 * number);
    ASSERT_OK(catalog_->CommitUploadPart("u1", part, BlobCompletion{part.size, Landed(0, "node-1").placement})
                  .status());
    object.parts.push_back(ObjectPart{number, blob_id, part.size, part.etag, {}});
    object.size += part.size;
  }
  ASSERT_OK(catalog_->CompleteUpload("u1", object).status());
  ASSERT_OK(Replicate("part-1", "copy-1", 100));
  ASSERT_OK(Replicate("part-2", "copy-2", 200));

  ASSERT_OK(catalog_->DeleteObject("data", "movie").status());
  for (const char* id : {"part-1", "part-2", "copy-1", "copy-2"}) {
    EXPECT_EQ(BlobOf(id).state, BlobState::kDeleting) << id;
  }
  EXPECT_TRUE(ReplicaIds("part-1").empty());
  EXPECT_TRUE(ReplicaIds("part-2").empty());
}

TEST_F(CatalogReplicasTest, DropReplicaReleasesOneCopy) {
  Put("a", "v1", 100);
  ASSERT_OK(Replicate("blob-a-v1", "copy-1", 100));
  ASSERT_OK(Replicate("blob-a-v1", "copy-2", 100));

  ASSERT_OK(catalog_->DropReplica("blob-a-v1", "copy-1"));
  EXPECT_EQ(BlobOf("copy-1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("copy-2").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("blob-a-v1").state, BlobState::kCommitted);
  EXPECT_EQ(ReplicaIds("blob-a-v1"), (std::vector<std::string>{"copy-2"}));
  ASSERT_OK(catalog_->RemoveBlob("copy-1"));

  // Unknown pairs: a copy dropped already, a copy of another blob, no such blobs.
  Put("b", "v1", 5);
  for (const auto& [blob, copy] : std::vector<std::pair<std::string, std::string>>{
           {"blob-a-v1", "copy-1"}, {"blob-b-v1", "copy-2"}, {"blob-a-v1", "blob-b-v1"}, {"nope", "nada"}}) {
    Status st = catalog_->DropReplica(blob, copy);
    EXPECT_EQ(st.code(), StatusCode::kNotFound) << blob << "/" << copy << ": " << st.ToString();
  }
  EXPECT_EQ(BlobOf("copy-2").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("blob-b-v1").state, BlobState::kCommitted);

  ASSERT_OK(catalog_->DropReplica("blob-a-v1", "copy-2"));
  EXPECT_TRUE(ReplicaIds("blob-a-v1").empty());
  EXPECT_EQ(BlobOf("blob-a-v1").state, BlobState::kCommitted) << "the blob itself stays";
  ASSERT_OK_AND_ASSIGN(ObjectRecord a, catalog_->GetObject("data", "a"));
  EXPECT_EQ(a.blob_id, "blob-a-v1");
}

TEST_F(CatalogReplicasTest, TierUsageCountsTheCopiesOfEachObjectsFirstBlob) {
  Put("ds/a", "v", 100);
  Put("ds/b", "v", 200);
  Put("ds/c", "v", 400, "capacity");
  Put("other/d", "v", 8);
  ASSERT_OK_AND_ASSIGN(auto usage, catalog_->TierUsageUnder("data", "ds/"));
  ASSERT_EQ(usage.size(), 2u);
  for (const TierUsage& u : usage) {
    EXPECT_EQ(u.min_copies, 1) << u.tier;
    EXPECT_EQ(u.max_copies, 1) << u.tier;
  }

  ASSERT_OK(Replicate("blob-ds/a-v", "copy-a1", 100));
  ASSERT_OK(Replicate("blob-ds/a-v", "copy-a2", 100));
  ASSERT_OK(Replicate("blob-ds/c-v", "copy-c", 400));
  ASSERT_OK(Replicate("blob-other/d-v", "copy-d", 8));
  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "ds/"));
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].tier, "capacity");
  EXPECT_EQ(usage[0].objects, 1u);
  EXPECT_EQ(usage[0].bytes, 400u) << "copies add no bytes of the objects";
  EXPECT_EQ(usage[0].min_copies, 2);
  EXPECT_EQ(usage[0].max_copies, 2);
  EXPECT_EQ(usage[1].tier, "hot");
  EXPECT_EQ(usage[1].objects, 2u) << "replica blobs are not objects";
  EXPECT_EQ(usage[1].bytes, 300u);
  EXPECT_EQ(usage[1].min_copies, 1);
  EXPECT_EQ(usage[1].max_copies, 3);

  // Excluded keys do not count; dropped copies no longer do.
  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "ds/", {"ds/b"}));
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[1].min_copies, 3);
  ASSERT_OK(catalog_->DropReplica("blob-ds/a-v", "copy-a1"));
  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "ds/"));
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[1].max_copies, 2);
  EXPECT_EQ(usage[1].min_copies, 1);
  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "other/"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].min_copies, 2);
  EXPECT_EQ(usage[0].max_copies, 2);
}

}  // namespace
}  // namespace strata
