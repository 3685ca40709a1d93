#include "strata/catalog/catalog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "strata/catalog/catalog_test_util.h"
#include "strata/catalog/sqlite_schema.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::MakeBlob;
using testing::MakeObject;
using testing::QueryText;
using testing::RunSql;
using testing::TempDir;

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::OpenSqlite(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
  }

  // Inserts a pending blob and commits one object into it.
  ObjectRecord Put(const std::string& key, const std::string& version, uint64_t size) {
    const std::string blob_id = "blob-" + key + "-" + version;
    Status inserted = catalog_->InsertPendingBlob(MakeBlob(blob_id, BlobKind::kObject, size));
    EXPECT_TRUE(inserted.ok()) << inserted.ToString();
    ObjectRecord object = MakeObject("data", key, version, blob_id, size);
    auto replaced = catalog_->CommitObject(object);
    EXPECT_TRUE(replaced.ok()) << replaced.status().ToString();
    return object;
  }

  BlobState StateOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    return blob.ok() ? blob->state : BlobState::kPending;
  }
  uint64_t LiveBytesOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    return blob.ok() ? blob->live_bytes : 0;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("catalog.db");
  std::unique_ptr<Catalog> catalog_;
};

// ---- Opening and schema ----

TEST_F(CatalogTest, NewCatalogIsAtLatestVersionInWalMode) {
  ASSERT_OK_AND_ASSIGN(int version, catalog_->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
  EXPECT_EQ(QueryText(path_, "PRAGMA journal_mode"), "wal");
}

TEST_F(CatalogTest, ReopenKeepsEverything) {
  ASSERT_OK(catalog_->SetMeta("cluster_id", "c0ffee"));
  ObjectRecord object = Put("big.bin", "v1", 123);
  object.user_metadata = {{"owner", "lab"}, {"run", "7"}};
  object.content_type = "text/csv";
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(object));
  catalog_.reset();

  ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
  ASSERT_OK_AND_ASSIGN(auto cluster_id, catalog_->GetMeta("cluster_id"));
  EXPECT_EQ(cluster_id, std::optional<std::string>("c0ffee"));
  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "big.bin"));
  EXPECT_EQ(read.version_id, "v1");
  EXPECT_EQ(read.size, 123u);
  EXPECT_EQ(read.content_type, "text/csv");
  EXPECT_EQ(read.user_metadata, object.user_metadata);
  EXPECT_NE(read.created_ms, 0);
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, catalog_->GetBlob(object.blob_id));
  EXPECT_EQ(blob.state, BlobState::kCommitted);
}

TEST(CatalogSchemaTest, MigratesAnEmptyDatabase) {
  TempDir dir;
  const std::string path = dir.Sub("empty.db");
  RunSql(path, "PRAGMA user_version = 0");  // creates an empty SQLite file
  ASSERT_OK_AND_ASSIGN(auto catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(int version, catalog->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
  for (const char* table : {"meta", "buckets", "nodes", "drives", "blobs", "objects", "repairs", "object_parts",
                            "uploads", "upload_parts"}) {
    EXPECT_EQ(
        QueryText(path, std::string("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '") +
                            table + "'"),
        table);
  }
  // Opening again applies nothing and changes nothing.
  catalog.reset();
  ASSERT_OK_AND_ASSIGN(catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(version, catalog->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
}

TEST(CatalogSchemaTest, RefusesNewerSchema) {
  TempDir dir;
  const std::string path = dir.Sub("future.db");
  { ASSERT_OK_AND_ASSIGN(auto catalog, Catalog::OpenSqlite(path)); }
  RunSql(path, "PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  auto refused = Catalog::OpenSqlite(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("newer than this Strata knows"), std::string::npos)
      << refused.status().message();
}

TEST(CatalogSchemaTest, ReportsAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.Sub("garbage.db");
  FILE* file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  const std::string text(4096, 'x');
  fwrite(text.data(), 1, text.size(), file);
  fclose(file);
  auto refused = Catalog::OpenSqlite(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find(path), std::string::npos);
}

TEST_F(CatalogTest, MetaSetGetOverwrite) {
  ASSERT_OK_AND_ASSIGN(auto missing, catalog_->GetMeta("nothing"));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK(catalog_->SetMeta("k", "one"));
  ASSERT_OK(catalog_->SetMeta("k", "two"));
  ASSERT_OK_AND_ASSIGN(auto value, catalog_->GetMeta("k"));
  EXPECT_EQ(value, std::optional<std::string>("two"));
}

// ---- Buckets ----

TEST_F(CatalogTest, BucketsCreateGetListDelete) {
  ASSERT_OK(catalog_->CreateBucket(BucketRecord{"alpha", 42, "", false}));
  Status duplicate = catalog_->CreateBucket(BucketRecord{"alpha", 0, "", false});
  EXPECT_EQ(duplicate.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(duplicate.message(), "bucket 'alpha' already exists");

  ASSERT_OK_AND_ASSIGN(BucketRecord alpha, catalog_->GetBucket("alpha"));
  EXPECT_EQ(alpha.created_ms, 42);
  ASSERT_OK_AND_ASSIGN(auto buckets, catalog_->ListBuckets());
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].name, "alpha");
  EXPECT_EQ(buckets[1].name, "data");
  EXPECT_NE(buckets[1].created_ms, 0);

  auto missing = catalog_->GetBucket("nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "bucket 'nope' does not exist");

  Put("a.txt", "v1", 10);
  Status not_empty = catalog_->DeleteBucket("data");
  EXPECT_EQ(not_empty.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(not_empty.message(), "bucket 'data' is not empty");
  ASSERT_OK_AND_ASSIGN(auto deleted, catalog_->DeleteObject("data", "a.txt"));
  ASSERT_OK(catalog_->DeleteBucket("data"));
  EXPECT_EQ(catalog_->DeleteBucket("data").code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(buckets, catalog_->ListBuckets());
  EXPECT_EQ(buckets.size(), 1u);
}

// ---- Objects and blobs ----

TEST_F(CatalogTest, PendingBlobIsInvisibleUntilCommitted) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)));
  EXPECT_EQ(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)).code(),
            StatusCode::kAlreadyExists);
  auto missing = catalog_->GetObject("data", "big.bin");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "object data/big.bin not found");
  ASSERT_OK_AND_ASSIGN(auto pending, catalog_->ListBlobs(BlobState::kPending));
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].blob_id, "b1");

  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(MakeObject("data", "big.bin", "v1", "b1", 5)));
  EXPECT_FALSE(replaced.has_value());
  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "big.bin"));
  EXPECT_EQ(read.blob_id, "b1");
  EXPECT_EQ(StateOf("b1"), BlobState::kCommitted);

  // A new version being written leaves the current one visible.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b2", BlobKind::kObject, 9)));
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetObject("data", "big.bin"));
  EXPECT_EQ(read.version_id, "v1");
}

TEST_F(CatalogTest, BlobLayoutAndPlacementRoundTrip) {
  BlobRecord blob = MakeBlob("b1", BlobKind::kObject, 1 << 20);
  blob.layout = Layout{1u << 16, CodeSpec{2, 1}, CodeSpec{8, 2}};
  blob.placement.nodes = {NodePlacement{"n1", {"a", "", "c"}}, NodePlacement{"n2", {"d", "e", "f"}}};
  blob.live_bytes = 99;  // ignored: nothing refers to a new blob
  ASSERT_OK(catalog_->InsertPendingBlob(blob));
  ASSERT_OK_AND_ASSIGN(BlobRecord read, catalog_->GetBlob("b1"));
  EXPECT_EQ(read.layout, blob.layout);
  EXPECT_EQ(read.placement, blob.placement);
  EXPECT_EQ(read.size, blob.size);
  EXPECT_EQ(read.live_bytes, 0u);
  EXPECT_EQ(read.state, BlobState::kPending);

  blob.placement.nodes[0].drive_ids[1] = "g";
  ASSERT_OK(catalog_->UpdatePlacement("b1", blob.placement));
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetBlob("b1"));
  EXPECT_EQ(read.placement, blob.placement);
  EXPECT_EQ(catalog_->UpdatePlacement("zz", blob.placement).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->GetBlob("zz").status().message(), "blob zz not found");
}

TEST_F(CatalogTest, FinishingAPendingBlobRecordsSizeAndPlacement) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 0)));
  Placement landed{{NodePlacement{"node-1", {"d1", "", "d3", "d4", "d5", "d6"}}}};
  ASSERT_OK(catalog_->FinishPendingBlob("b1", 12345, landed));
  ASSERT_OK_AND_ASSIGN(BlobRecord read, catalog_->GetBlob("b1"));
  EXPECT_EQ(read.size, 12345u);
  EXPECT_EQ(read.placement, landed);
  EXPECT_EQ(read.state, BlobState::kPending);
  EXPECT_EQ(catalog_->FinishPendingBlob("zz", 1, landed).code(), StatusCode::kNotFound);

  // Once committed, a blob's size is settled.
  ASSERT_OK(catalog_->CommitObject(MakeObject("data", "k", "v1", "b1", 12345)).status());
  EXPECT_EQ(catalog_->FinishPendingBlob("b1", 1, landed).code(), StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetBlob("b1"));
  EXPECT_EQ(read.size, 12345u);
}

TEST_F(CatalogTest, CommitWithCompletionFinishesTheBlobInTheSameTransaction) {
  Placement landed{{NodePlacement{"node-1", {"d6", "d5", "d4", "d3", "d2", ""}}}};
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 0)));
  ASSERT_OK(catalog_->CommitObject(MakeObject("data", "k", "v1", "b1", 777), BlobCompletion{777, landed}).status());
  ASSERT_OK_AND_ASSIGN(BlobRecord read, catalog_->GetBlob("b1"));
  EXPECT_EQ(read.size, 777u);
  EXPECT_EQ(read.placement, landed);
  EXPECT_EQ(read.state, BlobState::kCommitted);

  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p1", BlobKind::kPack, 0)));
  ASSERT_OK(catalog_->CommitPack("p1", {MakeObject("data", "a", "va", "p1", 10), MakeObject("data", "b", "vb", "p1", 20, 10)},
                                 BlobCompletion{30, landed})
                .status());
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetBlob("p1"));
  EXPECT_EQ(read.size, 30u);
  EXPECT_EQ(read.live_bytes, 30u);
  EXPECT_EQ(read.placement, landed);

  // A failed commit (no such bucket) leaves the pending blob as it was.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b2", BlobKind::kObject, 0)));
  EXPECT_EQ(catalog_->CommitObject(MakeObject("gone", "k", "v2", "b2", 5), BlobCompletion{5, landed}).status().code(),
            StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetBlob("b2"));
  EXPECT_EQ(read.size, 0u);
  EXPECT_EQ(read.state, BlobState::kPending);
}

TEST_F(CatalogTest, CommitRefusesMissingBucketOrBlob) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)));
  auto no_bucket = catalog_->CommitObject(MakeObject("gone", "k", "v1", "b1", 5));
  EXPECT_EQ(no_bucket.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_bucket.status().message(), "bucket 'gone' does not exist");
  auto no_blob = catalog_->CommitObject(MakeObject("data", "k", "v1", "missing", 5));
  EXPECT_EQ(no_blob.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_blob.status().message(), "blob missing not found");
  // Neither failure committed the blob.
  EXPECT_EQ(StateOf("b1"), BlobState::kPending);
}

TEST_F(CatalogTest, OverwriteAndDeleteReleaseObjectBlobs) {
  ObjectRecord v1 = Put("k", "v1", 100);
  ObjectRecord v2 = MakeObject("data", "k", "v2", "blob-v2", 200);
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("blob-v2", BlobKind::kObject, 200)));
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(v2));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->version_id, "v1");
  EXPECT_EQ(StateOf(v1.blob_id), BlobState::kDeleting);
  EXPECT_EQ(StateOf("blob-v2"), BlobState::kCommitted);

  // A deleting blob cannot take a new object.
  auto late = catalog_->CommitObject(MakeObject("data", "other", "v9", v1.blob_id, 100));
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);

  // A committed blob cannot be removed; a deleting one can.
  EXPECT_EQ(catalog_->RemoveBlob("blob-v2").code(), StatusCode::kFailedPrecondition);
  ASSERT_OK(catalog_->RemoveBlob(v1.blob_id));
  EXPECT_EQ(catalog_->GetBlob(v1.blob_id).status().code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(ObjectRecord deleted, catalog_->DeleteObject("data", "k"));
  EXPECT_EQ(deleted.version_id, "v2");
  EXPECT_EQ(StateOf("blob-v2"), BlobState::kDeleting);
  EXPECT_EQ(catalog_->GetObject("data", "k").status().code(), StatusCode::kNotFound);
  auto again = catalog_->DeleteObject("data", "k");
  EXPECT_EQ(again.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(again.status().message(), "object data/k not found");
  EXPECT_EQ(catalog_->DeleteObject("gone", "k").status().message(), "bucket 'gone' does not exist");

  ASSERT_OK_AND_ASSIGN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
  ASSERT_EQ(deleting.size(), 1u);
  EXPECT_EQ(deleting[0].blob_id, "blob-v2");
}

TEST_F(CatalogTest, RecommittingTheSameVersionKeepsItsBlob) {
  ObjectRecord v1 = Put("k", "v1", 100);
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(v1));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(StateOf(v1.blob_id), BlobState::kCommitted);
}

TEST_F(CatalogTest, PackLiveBytesFollowCommitsOverwritesAndDeletes) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p1", BlobKind::kPack, 1000)));
  ASSERT_OK_AND_ASSIGN(auto replaced,
                       catalog_->CommitPack("p1", {MakeObject("data", "a", "va", "p1", 100, 0),
                                                   MakeObject("data", "b", "vb", "p1", 200, 100),
                                                   MakeObject("data", "c", "vc", "", 300, 300)}));
  EXPECT_TRUE(replaced.empty());
  EXPECT_EQ(StateOf("p1"), BlobState::kCommitted);
  EXPECT_EQ(LiveBytesOf("p1"), 600u);
  ASSERT_OK_AND_ASSIGN(auto in_pack, catalog_->ListObjectsInBlob("p1"));
  EXPECT_EQ(in_pack.size(), 3u);

  // "a" moves to its own blob: the pack loses its 100 bytes.
  Put("a", "va2", 50);
  EXPECT_EQ(LiveBytesOf("p1"), 500u);

  // "b" is overwritten by a new version inside the same pack.
  ASSERT_OK_AND_ASSIGN(auto replaced_b,
                       catalog_->CommitObject(MakeObject("data", "b", "vb2", "p1", 150, 600)));
  ASSERT_TRUE(replaced_b.has_value());
  EXPECT_EQ(replaced_b->version_id, "vb");
  EXPECT_EQ(LiveBytesOf("p1"), 450u);
  EXPECT_EQ(StateOf("p1"), BlobState::kCommitted);

  ASSERT_OK_AND_ASSIGN(ObjectRecord c, catalog_->DeleteObject("data", "c"));
  EXPECT_EQ(LiveBytesOf("p1"), 150u);
  ASSERT_OK_AND_ASSIGN(auto sparse, catalog_->ListSparsePacks(0.5));
  ASSERT_EQ(sparse.size(), 1u);
  EXPECT_EQ(sparse[0].blob_id, "p1");
  ASSERT_OK_AND_ASSIGN(sparse, catalog_->ListSparsePacks(0.1));
  EXPECT_TRUE(sparse.empty());

  ASSERT_OK_AND_ASSIGN(CatalogStats stats, catalog_->Stats());
  EXPECT_EQ(stats.buckets, 1u);
  EXPECT_EQ(stats.objects, 2u);
  EXPECT_EQ(stats.object_bytes, 200u);
  EXPECT_EQ(stats.blobs, 2u);
  EXPECT_EQ(stats.packs, 1u);
  EXPECT_EQ(stats.pack_bytes, 1000u);
  EXPECT_EQ(stats.pack_live_bytes, 150u);

  ASSERT_OK_AND_ASSIGN(ObjectRecord b, catalog_->DeleteObject("data", "b"));
  EXPECT_EQ(LiveBytesOf("p1"), 0u);
  EXPECT_EQ(StateOf("p1"), BlobState::kDeleting);
  ASSERT_OK_AND_ASSIGN(sparse, catalog_->ListSparsePacks(1.0));
  EXPECT_TRUE(sparse.empty());  // deleting packs are not compacted
}

TEST_F(CatalogTest, CommitPackWithTheSameKeyTwiceKeepsTheLast) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p1", BlobKind::kPack, 30)));
  ASSERT_OK_AND_ASSIGN(auto replaced,
                       catalog_->CommitPack("p1", {MakeObject("data", "k", "v1", "p1", 10, 0),
                                                   MakeObject("data", "k", "v2", "p1", 20, 10)}));
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0].version_id, "v1");
  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "k"));
  EXPECT_EQ(read.version_id, "v2");
  EXPECT_EQ(LiveBytesOf("p1"), 20u);
  EXPECT_EQ(StateOf("p1"), BlobState::kCommitted);
}

TEST_F(CatalogTest, CommitPackRefusesForeignBlobs) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p1", BlobKind::kPack, 30)));
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("o1", BlobKind::kObject, 30)));
  EXPECT_EQ(catalog_->CommitPack("o1", {MakeObject("data", "k", "v1", "o1", 10)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->CommitPack("p1", {MakeObject("data", "k", "v1", "o1", 10)}).status().code(),
            StatusCode::kInvalidArgument);
  // The whole pack is one transaction: a bad record leaves nothing behind.
  EXPECT_EQ(catalog_
                ->CommitPack(
                    "p1", {MakeObject("data", "k", "v1", "p1", 10), MakeObject("gone", "k", "v1", "p1", 10)})
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(catalog_->GetObject("data", "k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StateOf("p1"), BlobState::kPending);
  EXPECT_EQ(LiveBytesOf("p1"), 0u);
}

TEST_F(CatalogTest, RepointSkipsObjectsThatChangedMeanwhile) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("old", BlobKind::kPack, 1000)));
  std::vector<ObjectRecord> packed = {MakeObject("data", "a", "va", "old", 100, 0),
                                      MakeObject("data", "b", "vb", "old", 200, 100),
                                      MakeObject("data", "c", "vc", "old", 300, 300)};
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitPack("old", packed));
  // Compaction reads the pack; meanwhile "b" gets a new version and "c" is deleted.
  Put("b", "vb2", 7);
  ASSERT_OK_AND_ASSIGN(ObjectRecord c, catalog_->DeleteObject("data", "c"));
  EXPECT_EQ(LiveBytesOf("old"), 100u);

  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("new", BlobKind::kPack, 600)));
  std::vector<ObjectRecord> moved = packed;
  moved[0].blob_offset = 0;
  moved[1].blob_offset = 100;
  moved[2].blob_offset = 300;
  ASSERT_OK(catalog_->RepointPackedObjects("old", "new", moved));

  ASSERT_OK_AND_ASSIGN(ObjectRecord a, catalog_->GetObject("data", "a"));
  EXPECT_EQ(a.blob_id, "new");
  EXPECT_EQ(a.version_id, "va");
  ASSERT_OK_AND_ASSIGN(ObjectRecord b, catalog_->GetObject("data", "b"));
  EXPECT_EQ(b.version_id, "vb2");
  EXPECT_EQ(b.blob_id, "blob-b-vb2");
  EXPECT_EQ(catalog_->GetObject("data", "c").status().code(), StatusCode::kNotFound);

  EXPECT_EQ(StateOf("new"), BlobState::kCommitted);
  EXPECT_EQ(LiveBytesOf("new"), 100u);
  EXPECT_EQ(StateOf("old"), BlobState::kDeleting);
  EXPECT_EQ(LiveBytesOf("old"), 0u);
}

TEST_F(CatalogTest, RepointKeepsAPackThatStillHoldsObjects) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("old", BlobKind::kPack, 300)));
  ASSERT_OK_AND_ASSIGN(auto replaced,
                       catalog_->CommitPack("old", {MakeObject("data", "a", "va", "old", 100, 0),
                                                    MakeObject("data", "b", "vb", "old", 200, 100)}));
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("new", BlobKind::kPack, 100)));
  ASSERT_OK(catalog_->RepointPackedObjects("old", "new", {MakeObject("data", "a", "va", "old", 100, 0)}));
  EXPECT_EQ(StateOf("old"), BlobState::kCommitted);
  EXPECT_EQ(LiveBytesOf("old"), 200u);
  EXPECT_EQ(LiveBytesOf("new"), 100u);

  // Nothing left to move: the new pack is never committed.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("empty", BlobKind::kPack, 100)));
  ASSERT_OK(catalog_->RepointPackedObjects("old", "empty", {MakeObject("data", "a", "va", "old", 100, 0)}));
  EXPECT_EQ(StateOf("empty"), BlobState::kDeleting);
  EXPECT_EQ(StateOf("old"), BlobState::kCommitted);
}

// ---- Repairs ----

TEST_F(CatalogTest, RepairsRecordListClear) {
  ObjectRecord a = Put("a", "v1", 10);
  ObjectRecord b = Put("b", "v1", 10);
  ASSERT_OK(catalog_->RecordRepair(RepairRecord{a.blob_id, 0, 3, "missing", 100}));
  ASSERT_OK(catalog_->RecordRepair(RepairRecord{a.blob_id, 0, 3, "checksum mismatch", 200}));  // same block
  ASSERT_OK(catalog_->RecordRepair(RepairRecord{a.blob_id, 1, kWholeFragment, "node unreachable", 150}));
  ASSERT_OK(catalog_->RecordRepair(RepairRecord{b.blob_id, 0, 1, "missing", 0}));
  Status unknown = catalog_->RecordRepair(RepairRecord{"nope", 0, 0, "missing", 1});
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto repairs, catalog_->ListRepairs());
  ASSERT_EQ(repairs.size(), 3u);
  EXPECT_EQ(repairs[0].blob_id, a.blob_id);
  EXPECT_EQ(repairs[0].reason, "checksum mismatch");
  EXPECT_EQ(repairs[0].recorded_ms, 100);  // first seen
  EXPECT_EQ(repairs[1].level2_position, kWholeFragment);
  EXPECT_EQ(repairs[2].blob_id, b.blob_id);
  EXPECT_NE(repairs[2].recorded_ms, 0);
  ASSERT_OK_AND_ASSIGN(CatalogStats stats, catalog_->Stats());
  EXPECT_EQ(stats.pending_repairs, 3u);

  ASSERT_OK(catalog_->ClearRepairs(a.blob_id));
  ASSERT_OK_AND_ASSIGN(repairs, catalog_->ListRepairs());
  ASSERT_EQ(repairs.size(), 1u);
  EXPECT_EQ(repairs[0].blob_id, b.blob_id);

  // Removing a blob removes its repairs.
  ASSERT_OK_AND_ASSIGN(ObjectRecord gone, catalog_->DeleteObject("data", "b"));
  ASSERT_OK(catalog_->RemoveBlob(b.blob_id));
  ASSERT_OK_AND_ASSIGN(repairs, catalog_->ListRepairs());
  EXPECT_TRUE(repairs.empty());
}

// ---- Topology ----

TEST_F(CatalogTest, NodesAndDrives) {
  ASSERT_OK(catalog_->PutNode(NodeRecord{"n1", "node one", "local"}));
  ASSERT_OK(catalog_->PutNode(NodeRecord{"n1", "node 1", "local"}));
  ASSERT_OK_AND_ASSIGN(auto nodes, catalog_->ListNodes());
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, "node 1");

  DriveRecord d1{"id1", "n1", "d1", "drives/d1", DriveState::kUp, "", 1000, 900, 5};
  DriveRecord d2{"id2", "n1", "d2", "drives/d2", DriveState::kUp, "", 2000, 100, 0};
  ASSERT_OK(catalog_->PutDrive(d1));
  ASSERT_OK(catalog_->PutDrive(d2));
  ASSERT_OK(catalog_->SetDriveState("id2", DriveState::kDown, "read /srv/d2/x: Input/output error"));
  EXPECT_EQ(catalog_->SetDriveState("id9", DriveState::kDown, "").code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto drives, catalog_->ListDrives());
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_EQ(drives[0].drive_id, "id1");
  EXPECT_EQ(drives[0].path, "drives/d1");
  EXPECT_EQ(drives[0].capacity_bytes, 1000u);
  EXPECT_EQ(drives[0].available_bytes, 900u);
  EXPECT_EQ(drives[0].updated_ms, 5);
  EXPECT_EQ(drives[1].state, DriveState::kDown);
  EXPECT_EQ(drives[1].last_error, "read /srv/d2/x: Input/output error");
  EXPECT_NE(drives[1].updated_ms, 0);

  d1.state = DriveState::kRemoved;
  ASSERT_OK(catalog_->PutDrive(d1));  // replaces
  ASSERT_OK_AND_ASSIGN(drives, catalog_->ListDrives());
  EXPECT_EQ(drives[0].state, DriveState::kRemoved);
  EXPECT_EQ(DriveStateName(DriveState::kUp), "up");
  EXPECT_EQ(DriveStateName(DriveState::kDown), "down");
  EXPECT_EQ(DriveStateName(DriveState::kRemoved), "removed");
}

// ---- Concurrency ----

// Four threads commit, overwrite and delete a small set of shared keys, two
// through this catalog and two through a second connection to the same file.
// Afterwards every committed object blob is referenced exactly once and every
// other blob is deleting.
TEST_F(CatalogTest, ConcurrentCommitsStayConsistent) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Catalog> second, Catalog::OpenSqlite(path_));
  constexpr int kThreads = 4;
  constexpr int kRounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Catalog* catalog = (t % 2 == 0) ? catalog_.get() : second.get();
    threads.emplace_back([catalog, t, &failures] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string key = "key-" + std::to_string((i * 7 + t) % 5);
        const std::string version = "t" + std::to_string(t) + "-" + std::to_string(i);
        const std::string blob_id = "blob-" + version;
        if (!catalog->InsertPendingBlob(MakeBlob(blob_id, BlobKind::kObject, 10)).ok()) ++failures;
        if (!catalog->CommitObject(MakeObject("data", key, version, blob_id, 10 + i)).ok()) ++failures;
        if (i % 9 == 8) {
          auto deleted = catalog->DeleteObject("data", key);
          if (!deleted.ok() && !deleted.status().IsNotFound()) ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", ListOptions{}));
  std::set<std::string> live_blobs;
  uint64_t live_bytes = 0;
  for (const ObjectRecord& object : page.objects) {
    EXPECT_TRUE(live_blobs.insert(object.blob_id).second);
    live_bytes += object.size;
  }
  ASSERT_OK_AND_ASSIGN(auto committed, catalog_->ListBlobs(BlobState::kCommitted));
  std::set<std::string> committed_ids;
  for (const BlobRecord& blob : committed) committed_ids.insert(blob.blob_id);
  EXPECT_EQ(committed_ids, live_blobs);
  ASSERT_OK_AND_ASSIGN(auto deleting, catalog_->ListBlobs(BlobState::kDeleting));
  ASSERT_OK_AND_ASSIGN(auto pending, catalog_->ListBlobs(BlobState::kPending));
  EXPECT_TRUE(pending.empty());
  EXPECT_EQ(committed.size() + deleting.size(), static_cast<size_t>(kThreads * kRounds));
  ASSERT_OK_AND_ASSIGN(CatalogStats stats, second->Stats());
  EXPECT_EQ(stats.objects, page.objects.size());
  EXPECT_EQ(stats.object_bytes, live_bytes);
}

}  // namespace
}  // namespace strata
