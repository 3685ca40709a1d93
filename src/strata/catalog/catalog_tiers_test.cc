// Schema version 5: tier moves (RelocateObjects) of whole, packed and
// multipart objects, records skipped when their key changed meanwhile, tier
// usage under a prefix, dataset staging, adopting untiered drives and blobs,
// and the migration of a version 4 catalog.
#include <gtest/gtest.h>

#include "strata/catalog/catalog.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/catalog/sqlite_db.h"
#include "strata/catalog/sqlite_schema.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::MakeBlob;
using testing::MakeObject;
using testing::MakeUploadPart;
using testing::QueryText;
using testing::RunSql;
using testing::TempDir;

class CatalogTiersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
  }

  void InsertBlob(const std::string& blob_id, BlobKind kind, uint64_t size, const std::string& tier) {
    BlobRecord blob = MakeBlob(blob_id, kind, size);
    blob.tier = tier;
    Status inserted = catalog_->InsertPendingBlob(blob);
    ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  }

  // Commits `key` at `version` into a blob of its own on `tier`.
  ObjectRecord Put(const std::string& key, const std::string& version, uint64_t size, const std::string& tier,
                   int64_t modified_ms = 2000) {
    const std::string blob_id = "blob-" + key + "-" + version;
    InsertBlob(blob_id, BlobKind::kObject, size, tier);
    ObjectRecord object = MakeObject("data", key, version, blob_id, size);
    object.created_ms = 1000;
    object.modified_ms = modified_ms;
    object.user_metadata = {{"run", "7"}};
    auto replaced = catalog_->CommitObject(object);
    EXPECT_TRUE(replaced.ok()) << replaced.status().ToString();
    return object;
  }

  BlobRecord BlobOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob_id << ": " << blob.status().ToString();
    return blob.ok() ? *blob : BlobRecord{};
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("catalog.db");
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTiersTest, SchemaVersionIsFive) {
  ASSERT_OK_AND_ASSIGN(int version, catalog_->SchemaVersion());
  EXPECT_EQ(version, 5);
  EXPECT_EQ(LatestSchemaVersion(), 5);
  EXPECT_EQ(QueryText(path_, "PRAGMA user_version"), "5");
}

TEST_F(CatalogTiersTest, RelocateMovesAWholeObjectToANewBlob) {
  ObjectRecord old = Put("big.bin", "v1", 300, "hot");
  InsertBlob("moved-1", BlobKind::kObject, 300, "capacity");
  ASSERT_EQ(BlobOf("moved-1").state, BlobState::kPending);

  ObjectRecord moved = old;
  moved.blob_id = "moved-1";
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({moved}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(relocated[0].blob_id, "moved-1");

  ASSERT_OK_AND_ASSIGN(ObjectRecord now, catalog_->GetObject("data", "big.bin"));
  EXPECT_EQ(now.blob_id, "moved-1");
  EXPECT_EQ(now.version_id, "v1");
  EXPECT_EQ(now.size, 300u);
  EXPECT_EQ(now.etag, old.etag);
  EXPECT_EQ(now.user_metadata, old.user_metadata);
  EXPECT_EQ(now.created_ms, 1000);
  EXPECT_EQ(now.modified_ms, 2000) << "a move is not a write";
  EXPECT_EQ(BlobOf("moved-1").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("moved-1").tier, "capacity");
  EXPECT_EQ(BlobOf(old.blob_id).state, BlobState::kDeleting);
}

TEST_F(CatalogTiersTest, RelocateMovesPackedObjectsBetweenPacks) {
  InsertBlob("pack-1", BlobKind::kPack, 30, "hot");
  ObjectRecord x = MakeObject("data", "p/x", "vx", "pack-1", 10, 0);
  ObjectRecord y = MakeObject("data", "p/y", "vy", "pack-1", 20, 10);
  ASSERT_OK(catalog_->CommitPack("pack-1", {x, y}).status());
  ASSERT_EQ(BlobOf("pack-1").live_bytes, 30u);

  // x moves alone: the old pack keeps y's bytes and stays committed.
  InsertBlob("pack-2", BlobKind::kPack, 10, "capacity");
  ASSERT_OK_AND_ASSIGN(ObjectRecord x_now, catalog_->GetObject("data", "p/x"));
  x_now.blob_id = "pack-2";
  x_now.blob_offset = 0;
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({x_now}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(BlobOf("pack-1").live_bytes, 20u);
  EXPECT_EQ(BlobOf("pack-1").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("pack-2").live_bytes, 10u);
  EXPECT_EQ(BlobOf("pack-2").state, BlobState::kCommitted);
  ASSERT_OK_AND_ASSIGN(ObjectRecord x_read, catalog_->GetObject("data", "p/x"));
  EXPECT_EQ(x_read.blob_id, "pack-2");
  EXPECT_EQ(x_read.blob_offset, 0u);

  // y moves to another pack at an offset: the old pack is empty and goes.
  InsertBlob("pack-3", BlobKind::kPack, 25, "capacity");
  ASSERT_OK_AND_ASSIGN(ObjectRecord y_now, catalog_->GetObject("data", "p/y"));
  y_now.blob_id = "pack-3";
  y_now.blob_offset = 5;
  ASSERT_OK_AND_ASSIGN(relocated, catalog_->RelocateObjects({y_now}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(BlobOf("pack-1").live_bytes, 0u);
  EXPECT_EQ(BlobOf("pack-1").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("pack-3").live_bytes, 20u);
  ASSERT_OK_AND_ASSIGN(ObjectRecord y_read, catalog_->GetObject("data", "p/y"));
  EXPECT_EQ(y_read.blob_id, "pack-3");
  EXPECT_EQ(y_read.blob_offset, 5u);
}

TEST_F(CatalogTiersTest, RelocateRepointsEveryPartOfAMultipartObject) {
  MultipartUpload upload;
  upload.upload_id = "u1";
  upload.bucket = "data";
  upload.key = "movie";
  ASSERT_OK(catalog_->CreateUpload(upload));
  ObjectRecord object = MakeObject("data", "movie", "v-u1", "", 0);
  for (int number = 1; number <= 3; ++number) {
    const std::string blob_id = "part-" + std::to_string(number);
    InsertBlob(blob_id, BlobKind::kObject, 0, "hot");
    UploadPart part = MakeUploadPart(number, blob_id, 100 * number);
    const Placement landed = MakeBlob("", BlobKind::kObject, 0).placement;
    ASSERT_OK(catalog_->CommitUploadPart("u1", part, BlobCompletion{part.size, landed}).status());
    object.parts.push_back(ObjectPart{number, blob_id, part.size, part.etag, {}});
    object.size += part.size;
  }
  ASSERT_OK(catalog_->CompleteUpload("u1", object).status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord before, catalog_->GetObject("data", "movie"));
  ASSERT_EQ(before.parts.size(), 3u);

  ObjectRecord moved = before;
  for (int i = 0; i < 3; ++i) {
    const std::string blob_id = "new-part-" + std::to_string(i + 1);
    InsertBlob(blob_id, BlobKind::kObject, moved.parts[i].size, "capacity");
    moved.parts[i].blob_id = blob_id;
  }
  // blob_id must be the first part's.
  EXPECT_EQ(catalog_->RelocateObjects({moved}).status().code(), StatusCode::kInvalidArgument);
  moved.blob_id = "new-part-1";
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({moved}));
  ASSERT_EQ(relocated.size(), 1u);

  ASSERT_OK_AND_ASSIGN(ObjectRecord after, catalog_->GetObject("data", "movie"));
  EXPECT_EQ(after.blob_id, "new-part-1");
  ASSERT_EQ(after.parts.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(after.parts[i].blob_id, "new-part-" + std::to_string(i + 1));
    EXPECT_EQ(after.parts[i].part_number, i + 1);
    EXPECT_EQ(after.parts[i].size, before.parts[i].size);
    EXPECT_EQ(after.parts[i].etag, before.parts[i].etag);
    EXPECT_EQ(BlobOf("new-part-" + std::to_string(i + 1)).state, BlobState::kCommitted);
    EXPECT_EQ(BlobOf("part-" + std::to_string(i + 1)).state, BlobState::kDeleting);
  }
  EXPECT_EQ(after.size, 600u);
}

TEST_F(CatalogTiersTest, RelocateSkipsRecordsWhoseKeyChangedMeanwhile) {
  ObjectRecord a_v1 = Put("a", "v1", 100, "hot");
  ObjectRecord b_v1 = Put("b", "v1", 50, "hot");
  ObjectRecord c_v1 = Put("c", "v1", 70, "hot");
  // While the copies are made, a is rewritten and b deleted.
  Put("a", "v2", 120, "hot");
  ASSERT_OK(catalog_->DeleteObject("data", "b").status());

  InsertBlob("new-a", BlobKind::kObject, 100, "capacity");
  InsertBlob("new-b", BlobKind::kObject, 50, "capacity");
  InsertBlob("new-c", BlobKind::kObject, 70, "capacity");
  ObjectRecord a = a_v1, b = b_v1, c = c_v1;
  a.blob_id = "new-a";
  b.blob_id = "new-b";
  c.blob_id = "new-c";
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({a, b, c}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(relocated[0].key, "c");

  ASSERT_OK_AND_ASSIGN(ObjectRecord a_now, catalog_->GetObject("data", "a"));
  EXPECT_EQ(a_now.version_id, "v2");
  EXPECT_EQ(a_now.blob_id, "blob-a-v2");
  EXPECT_EQ(BlobOf("blob-a-v2").state, BlobState::kCommitted);
  EXPECT_EQ(catalog_->GetObject("data", "b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(BlobOf("new-a").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("new-b").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("new-c").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("blob-c-v1").state, BlobState::kDeleting);
}

TEST_F(CatalogTiersTest, ANewPackKeepsOnlyTheBytesOfObjectsThatMoved) {
  InsertBlob("pack-1", BlobKind::kPack, 30, "hot");
  ObjectRecord x = MakeObject("data", "x", "vx", "pack-1", 10, 0);
  ObjectRecord y = MakeObject("data", "y", "vy", "pack-1", 20, 10);
  ASSERT_OK(catalog_->CommitPack("pack-1", {x, y}).status());
  ASSERT_OK_AND_ASSIGN(x, catalog_->GetObject("data", "x"));
  ASSERT_OK_AND_ASSIGN(y, catalog_->GetObject("data", "y"));
  Put("y", "vy2", 5, "hot");  // y is rewritten during the move

  InsertBlob("pack-2", BlobKind::kPack, 30, "capacity");
  x.blob_id = y.blob_id = "pack-2";
  x.blob_offset = 0;
  y.blob_offset = 10;
  ASSERT_OK_AND_ASSIGN(auto relocated, catalog_->RelocateObjects({x, y}));
  ASSERT_EQ(relocated.size(), 1u);
  EXPECT_EQ(BlobOf("pack-2").state, BlobState::kCommitted);
  EXPECT_EQ(BlobOf("pack-2").live_bytes, 10u);
  EXPECT_EQ(BlobOf("pack-1").state, BlobState::kDeleting);

  // A new pack none of whose objects moved goes straight to deleting.
  InsertBlob("pack-3", BlobKind::kPack, 10, "hot");
  ObjectRecord stale = y;
  stale.blob_id = "pack-3";
  stale.blob_offset = 0;
  ASSERT_OK_AND_ASSIGN(relocated, catalog_->RelocateObjects({stale}));
  EXPECT_TRUE(relocated.empty());
  EXPECT_EQ(BlobOf("pack-3").state, BlobState::kDeleting);
  EXPECT_EQ(BlobOf("pack-3").live_bytes, 0u);
}

TEST_F(CatalogTiersTest, TierUsageGroupsByBlobTierWithinThePrefix) {
  Put("run1/a", "v", 100, "hot", 5000);
  Put("run1/b", "v", 200, "hot", 7000);
  Put("run1/c", "v", 400, "capacity", 6000);
  Put("run1", "v", 1, "hot", 9000);      // the prefix without its slash: outside
  Put("run10/x", "v", 8, "hot", 9000);   // a sibling prefix: outside
  Put("run0/z", "v", 16, "capacity", 9000);
  Put("run2/y", "v", 32, "capacity", 9000);
  InsertBlob("pack-1", BlobKind::kPack, 1000, "capacity");
  ObjectRecord packed = MakeObject("data", "run1/d", "v", "pack-1", 50, 0);
  packed.modified_ms = 6500;
  ASSERT_OK(catalog_->CommitPack("pack-1", {packed}).status());

  ASSERT_OK_AND_ASSIGN(auto usage, catalog_->TierUsageUnder("data", "run1/"));
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].tier, "capacity");
  EXPECT_EQ(usage[0].objects, 2u);
  EXPECT_EQ(usage[0].bytes, 450u) << "an object counts its own bytes, not its pack's";
  EXPECT_EQ(usage[0].last_modified_ms, 6500);
  EXPECT_EQ(usage[1].tier, "hot");
  EXPECT_EQ(usage[1].objects, 2u);
  EXPECT_EQ(usage[1].bytes, 300u);
  EXPECT_EQ(usage[1].last_modified_ms, 7000);

  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", ""));
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].objects + usage[1].objects, 8u);
  EXPECT_EQ(usage[0].bytes, 16u + 32u + 400u + 50u);
  EXPECT_EQ(usage[1].bytes, 100u + 200u + 1u + 8u);

  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "nothing/"));
  EXPECT_TRUE(usage.empty());
  // A prefix ending in 0xFF bytes has no successor: it runs to the end.
  Put("\xff\xff/k", "v", 3, "hot");
  ASSERT_OK_AND_ASSIGN(usage, catalog_->TierUsageUnder("data", "\xff"));
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].bytes, 3u);
  EXPECT_EQ(catalog_->TierUsageUnder("nobucket", "").status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogTiersTest, StagingIsSetClearedAndKept) {
  ASSERT_OK(catalog_->PutDataset({"run1", "data", "run1/", 5, "", 0}));
  ASSERT_OK(catalog_->PutDataset({"run2", "data", "run2/", 6, "", 0}));
  ASSERT_OK(catalog_->SetDatasetStaging("run1", "hot", 123456));
  ASSERT_OK_AND_ASSIGN(auto datasets, catalog_->ListDatasets());
  ASSERT_EQ(datasets.size(), 2u);
  EXPECT_EQ(datasets[0], (DatasetRecord{"run1", "data", "run1/", 5, "hot", 123456}));
  EXPECT_EQ(datasets[1], (DatasetRecord{"run2", "data", "run2/", 6, "", 0}));

  ASSERT_OK(catalog_->SetDatasetStaging("run2", "capacity", 0));  // until unstaged
  catalog_.reset();
  ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
  ASSERT_OK_AND_ASSIGN(datasets, catalog_->ListDatasets());
  EXPECT_EQ(datasets[0], (DatasetRecord{"run1", "data", "run1/", 5, "hot", 123456}));
  EXPECT_EQ(datasets[1], (DatasetRecord{"run2", "data", "run2/", 6, "capacity", 0}));

  // Unstaging clears the end time too, whatever was passed.
  ASSERT_OK(catalog_->SetDatasetStaging("run1", "", 999));
  ASSERT_OK_AND_ASSIGN(datasets, catalog_->ListDatasets());
  EXPECT_EQ(datasets[0], (DatasetRecord{"run1", "data", "run1/", 5, "", 0}));

  Status unknown = catalog_->SetDatasetStaging("nope", "hot", 0);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
}

TEST_F(CatalogTiersTest, AdoptUntieredFillsOnlyEmptyTiers) {
  DriveRecord old_drive;
  old_drive.drive_id = "drive-1";
  old_drive.node_id = "node-1";
  old_drive.name = "d1";
  old_drive.path = "drives/d1";
  DriveRecord tiered_drive = old_drive;
  tiered_drive.drive_id = "drive-2";
  tiered_drive.name = "d2";
  tiered_drive.path = "drives/d2";
  tiered_drive.tier = "capacity";
  ASSERT_OK(catalog_->PutDrive(old_drive));
  ASSERT_OK(catalog_->PutDrive(tiered_drive));
  InsertBlob("untiered", BlobKind::kObject, 1, "");
  InsertBlob("tiered", BlobKind::kObject, 1, "capacity");

  EXPECT_EQ(catalog_->AdoptUntiered("").code(), StatusCode::kInvalidArgument);
  ASSERT_OK(catalog_->AdoptUntiered("hot"));
  ASSERT_OK_AND_ASSIGN(auto drives, catalog_->ListDrives());
  ASSERT_EQ(drives.size(), 2u);
  for (const DriveRecord& drive : drives) {
    EXPECT_EQ(drive.tier, drive.drive_id == "drive-1" ? "hot" : "capacity") << drive.drive_id;
  }
  EXPECT_EQ(BlobOf("untiered").tier, "hot");
  EXPECT_EQ(BlobOf("tiered").tier, "capacity");

  // Nothing is left untiered for a second adoption.
  ASSERT_OK(catalog_->AdoptUntiered("other"));
  EXPECT_EQ(BlobOf("untiered").tier, "hot");
  ASSERT_OK_AND_ASSIGN(drives, catalog_->ListDrives());
  for (const DriveRecord& drive : drives) EXPECT_NE(drive.tier, "other");
}

TEST(CatalogTiersMigrationTest, VersionFourCatalogGainsEmptyTiersAndNoStaging) {
  TempDir dir;
  const std::string path = dir.Sub("v4.db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open(path));
    ASSERT_OK(MigrateSchema(*db, 4));
  }
  ASSERT_EQ(QueryText(path, "PRAGMA user_version"), "4");
  RunSql(path,
         "INSERT INTO buckets (name, created_ms) VALUES ('old', 11);"
         "INSERT INTO drives (drive_id, node_id, name, path, state, last_error, capacity_bytes, available_bytes,"
         " updated_ms) VALUES ('dr1', 'n1', 'd1', 'drives/d1', 'up', '', 0, 0, 0);"
         "INSERT INTO blobs (blob_id, kind, state, size, unit_size, level1_k, level1_m, level2_k, level2_m,"
         " placement, live_bytes, created_ms) VALUES ('b1', 'object', 'committed', 3, 65536, 1, 0, 4, 2, '[]', 0, 1);"
         "INSERT INTO datasets (name, bucket, prefix, created_ms) VALUES ('ds', 'old', 'p/', 7);");

  ASSERT_OK_AND_ASSIGN(auto catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(int version, catalog->SchemaVersion());
  EXPECT_EQ(version, 5);
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, catalog->GetBlob("b1"));
  EXPECT_EQ(blob.tier, "");
  ASSERT_OK_AND_ASSIGN(auto drives, catalog->ListDrives());
  ASSERT_EQ(drives.size(), 1u);
  EXPECT_EQ(drives[0].tier, "");
  ASSERT_OK_AND_ASSIGN(auto datasets, catalog->ListDatasets());
  EXPECT_EQ(datasets, (std::vector<DatasetRecord>{{"ds", "old", "p/", 7, "", 0}}));

  ASSERT_OK(catalog->AdoptUntiered("default"));
  ASSERT_OK_AND_ASSIGN(blob, catalog->GetBlob("b1"));
  EXPECT_EQ(blob.tier, "default");
  ASSERT_OK_AND_ASSIGN(drives, catalog->ListDrives());
  EXPECT_EQ(drives[0].tier, "default");
}

}  // namespace
}  // namespace strata
