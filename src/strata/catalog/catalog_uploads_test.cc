// Schema version 2: bucket owners and ACL, object checksums, multipart
// uploads (parts committed, replaced, listed, completed into objects of
// parts, aborted) and the blob references they hold; the migration of a
// version 1 catalog with its objects.
#include <gtest/gtest.h>

#include <set>

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

class CatalogUploadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
  }

  MultipartUpload Upload(const std::string& upload_id, const std::string& key, int64_t created_ms = 0) {
    MultipartUpload upload;
    upload.upload_id = upload_id;
    upload.bucket = "data";
    upload.key = key;
    upload.owner = "alice";
    upload.content_type = "video/mp4";
    upload.user_metadata = {{"camera", "3"}};
    upload.checksum_algorithm = "CRC32C";
    upload.created_ms = created_ms;
    Status created = catalog_->CreateUpload(upload);
    EXPECT_TRUE(created.ok()) << created.ToString();
    return upload;
  }

  // Writes (in the catalog) a part blob and commits it as part `number`.
  UploadPart AddPart(const std::string& upload_id, int number, uint64_t size) {
    const std::string blob_id = "blob-" + upload_id + "-" + std::to_string(number) + "-" + std::to_string(++blobs_);
    EXPECT_TRUE(catalog_->InsertPendingBlob(MakeBlob(blob_id, BlobKind::kObject, 0)).ok());
    UploadPart part = MakeUploadPart(number, blob_id, size);
    part.checksums = {{"CRC32C", "AAAAAA=="}};
    const Placement landed = MakeBlob("", BlobKind::kObject, 0).placement;
    auto replaced = catalog_->CommitUploadPart(upload_id, part, BlobCompletion{size, landed});
    EXPECT_TRUE(replaced.ok()) << replaced.status().ToString();
    return part;
  }

  // The object a completion of `parts` makes.
  ObjectRecord ObjectOf(const MultipartUpload& upload, const std::vector<UploadPart>& parts) {
    ObjectRecord object = MakeObject(upload.bucket, upload.key, "v-" + upload.upload_id, "", 0);
    for (const UploadPart& part : parts) {
      object.parts.push_back(ObjectPart{part.part_number, part.blob_id, part.size, part.etag, part.checksums});
      object.size += part.size;
    }
    object.etag = "multipart-" + std::to_string(parts.size());
    object.checksums = {{"CRC32C", "AAAAAA==-" + std::to_string(parts.size())}};
    return object;
  }

  BlobState StateOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    return blob.ok() ? blob->state : BlobState::kPending;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("catalog.db");
  std::unique_ptr<Catalog> catalog_;
  int blobs_ = 0;
};

// ---- Buckets and checksums ----

TEST_F(CatalogUploadsTest, BucketOwnerAndPublicReadPersist) {
  ASSERT_OK(catalog_->CreateBucket(BucketRecord{"photos", 7, "alice", true}));
  ASSERT_OK(catalog_->SetBucketPublicRead("data", true));
  ASSERT_OK(catalog_->SetBucketPublicRead("photos", false));
  EXPECT_EQ(catalog_->SetBucketPublicRead("nope", true).code(), StatusCode::kNotFound);
  catalog_.reset();

  ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
  ASSERT_OK_AND_ASSIGN(BucketRecord photos, catalog_->GetBucket("photos"));
  EXPECT_EQ(photos.owner, "alice");
  EXPECT_FALSE(photos.public_read);
  EXPECT_EQ(photos.created_ms, 7);
  ASSERT_OK_AND_ASSIGN(auto buckets, catalog_->ListBuckets());
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].name, "data");
  EXPECT_EQ(buckets[0].owner, "");
  EXPECT_TRUE(buckets[0].public_read);
}

TEST_F(CatalogUploadsTest, ObjectChecksumsRoundTripAndWholeCommitsRefuseParts) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)));
  ObjectRecord object = MakeObject("data", "k", "v1", "b1", 5);
  object.checksums = {{"CRC32", "NSRBwg=="}, {"SHA256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}};
  ASSERT_OK(catalog_->CommitObject(object).status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "k"));
  EXPECT_EQ(read.checksums, object.checksums);
  EXPECT_TRUE(read.parts.empty());
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].checksums, object.checksums);

  ObjectRecord with_parts = MakeObject("data", "k2", "v2", "b1", 5);
  with_parts.parts.push_back(ObjectPart{1, "b1", 5, "e", {}});
  EXPECT_EQ(catalog_->CommitObject(with_parts).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->CommitPack("b1", {with_parts}).status().code(), StatusCode::kInvalidArgument);
}

// ---- Migration ----

TEST(CatalogMigrationTest, AVersion1CatalogMigratesWithItsObjects) {
  TempDir dir;
  const std::string path = dir.Sub("v1.db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open(path));
    ASSERT_OK(MigrateSchema(*db, 1));
  }
  ASSERT_EQ(QueryText(path, "PRAGMA user_version"), "1");
  RunSql(path,
         "INSERT INTO buckets (name, created_ms) VALUES ('old', 11);"
         "INSERT INTO blobs VALUES ('b1', 'object', 'committed', 300, 65536, 1, 0, 4, 2,"
         " '[{\"node\":\"n1\",\"drives\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}]', 0, 12);"
         "INSERT INTO objects VALUES ('old', 'photo.jpg', 'v1', 'b1', 0, 300, 'abc', 'image/jpeg',"
         " '{\"who\":\"me\"}', 13, 14);");

  ASSERT_OK_AND_ASSIGN(auto catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(int version, catalog->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
  ASSERT_OK_AND_ASSIGN(BucketRecord bucket, catalog->GetBucket("old"));
  EXPECT_EQ(bucket.created_ms, 11);
  EXPECT_EQ(bucket.owner, "");
  EXPECT_FALSE(bucket.public_read);
  ASSERT_OK_AND_ASSIGN(ObjectRecord object, catalog->GetObject("old", "photo.jpg"));
  EXPECT_EQ(object.blob_id, "b1");
  EXPECT_EQ(object.size, 300u);
  EXPECT_EQ(object.etag, "abc");
  EXPECT_EQ(object.content_type, "image/jpeg");
  EXPECT_EQ(object.user_metadata, (std::map<std::string, std::string>{{"who", "me"}}));
  EXPECT_EQ(object.modified_ms, 14);
  EXPECT_TRUE(object.checksums.empty());
  EXPECT_TRUE(object.headers.empty());
  EXPECT_TRUE(object.parts.empty());

  // The migrated catalog works as a new one: the old object is released by
  // an overwrite, and uploads can start.
  ASSERT_OK(catalog->InsertPendingBlob(MakeBlob("b2", BlobKind::kObject, 1)));
  ASSERT_OK(catalog->CommitObject(MakeObject("old", "photo.jpg", "v2", "b2", 1)).status());
  ASSERT_OK_AND_ASSIGN(BlobRecord old_blob, catalog->GetBlob("b1"));
  EXPECT_EQ(old_blob.state, BlobState::kDeleting);
  MultipartUpload upload;
  upload.upload_id = "u1";
  upload.bucket = "old";
  upload.key = "movie";
  ASSERT_OK(catalog->CreateUpload(upload));
}

// ---- Uploads ----

TEST_F(CatalogUploadsTest, CreateAndGetUploads) {
  MultipartUpload upload = Upload("u1", "movie.mp4", 1234);
  EXPECT_EQ(catalog_->CreateUpload(upload).code(), StatusCode::kAlreadyExists);
  MultipartUpload elsewhere = upload;
  elsewhere.upload_id = "u2";
  elsewhere.bucket = "gone";
  EXPECT_EQ(catalog_->CreateUpload(elsewhere).code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(MultipartUpload read, catalog_->GetUpload("u1"));
  EXPECT_EQ(read.bucket, "data");
  EXPECT_EQ(read.key, "movie.mp4");
  EXPECT_EQ(read.owner, "alice");
  EXPECT_EQ(read.content_type, "video/mp4");
  EXPECT_EQ(read.user_metadata, upload.user_metadata);
  EXPECT_EQ(read.checksum_algorithm, "CRC32C");
  EXPECT_EQ(read.created_ms, 1234);
  auto missing = catalog_->GetUpload("u9");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "upload u9 not found");
}

TEST_F(CatalogUploadsTest, PartsCommitReplaceAndPage) {
  Upload("u1", "movie");
  std::vector<UploadPart> parts;
  for (int n : {3, 1, 2, 7}) parts.push_back(AddPart("u1", n, 100 * n));
  for (const UploadPart& part : parts) EXPECT_EQ(StateOf(part.blob_id), BlobState::kCommitted);
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, catalog_->GetBlob(parts[0].blob_id));
  EXPECT_EQ(blob.size, 300u);  // the completion's size

  // A new part 2 replaces the old one, whose blob is released.
  UploadPart again = AddPart("u1", 2, 55);
  EXPECT_EQ(StateOf(parts[2].blob_id), BlobState::kDeleting);

  ASSERT_OK_AND_ASSIGN(UploadPartPage page, catalog_->ListUploadParts("u1", 0, 2));
  ASSERT_EQ(page.parts.size(), 2u);
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.parts[0].part_number, 1);
  EXPECT_EQ(page.parts[1].part_number, 2);
  EXPECT_EQ(page.parts[1].blob_id, again.blob_id);
  EXPECT_EQ(page.parts[1].size, 55u);
  EXPECT_EQ(page.parts[1].etag, again.etag);
  EXPECT_EQ(page.parts[1].checksums, again.checksums);
  EXPECT_NE(page.parts[1].modified_ms, 0);
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploadParts("u1", 2, 2));
  ASSERT_EQ(page.parts.size(), 2u);
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.parts[0].part_number, 3);
  EXPECT_EQ(page.parts[1].part_number, 7);
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploadParts("u1", 7, 10));
  EXPECT_TRUE(page.parts.empty());
  EXPECT_FALSE(page.truncated);

  // Bad numbers, unknown uploads and packs are refused; the blob stays pending.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p", BlobKind::kPack, 0)));
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("x", BlobKind::kObject, 0)));
  const BlobCompletion done{1, {}};
  EXPECT_EQ(catalog_->CommitUploadPart("u1", MakeUploadPart(0, "x", 1), done).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->CommitUploadPart("u1", MakeUploadPart(10001, "x", 1), done).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->CommitUploadPart("u9", MakeUploadPart(1, "x", 1), done).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->CommitUploadPart("u1", MakeUploadPart(1, "p", 1), done).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StateOf("x"), BlobState::kPending);
  EXPECT_EQ(catalog_->ListUploadParts("u9", 0, 10).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogUploadsTest, CompletionMakesAnObjectOfTheListedParts) {
  MultipartUpload upload = Upload("u1", "movie");
  UploadPart p1 = AddPart("u1", 1, 100);
  UploadPart p2 = AddPart("u1", 2, 200);
  UploadPart p3 = AddPart("u1", 3, 300);
  ObjectRecord v1 = MakeObject("data", "movie", "v0", "", 9);
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("old", BlobKind::kObject, 9)));
  v1.blob_id = "old";
  ASSERT_OK(catalog_->CommitObject(v1).status());

  ObjectRecord object = ObjectOf(upload, {p1, p3});  // part 2 left out
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CompleteUpload("u1", object));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->version_id, "v0");
  EXPECT_EQ(StateOf("old"), BlobState::kDeleting);
  EXPECT_EQ(StateOf(p2.blob_id), BlobState::kDeleting);
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kCommitted);
  EXPECT_EQ(StateOf(p3.blob_id), BlobState::kCommitted);
  EXPECT_EQ(catalog_->GetUpload("u1").status().code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "movie"));
  EXPECT_EQ(read.blob_id, p1.blob_id);  // the first part's blob
  EXPECT_EQ(read.size, 400u);
  EXPECT_EQ(read.etag, "multipart-2");
  EXPECT_EQ(read.checksums, object.checksums);
  EXPECT_EQ(read.parts, object.parts);
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].parts, object.parts);
  ASSERT_OK_AND_ASSIGN(auto in_blob, catalog_->ListObjectsInBlob(p1.blob_id));
  ASSERT_EQ(in_blob.size(), 1u);
  EXPECT_EQ(in_blob[0].parts.size(), 2u);
  ASSERT_OK_AND_ASSIGN(CatalogStats stats, catalog_->Stats());
  EXPECT_EQ(stats.objects, 1u);
  EXPECT_EQ(stats.object_bytes, 400u);

  // Completing again: the upload is gone.
  EXPECT_EQ(catalog_->CompleteUpload("u1", object).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogUploadsTest, CompletionRefusesChangedPartsAndForeignObjects) {
  MultipartUpload upload = Upload("u1", "movie");
  UploadPart p1 = AddPart("u1", 1, 100);
  UploadPart p2 = AddPart("u1", 2, 200);
  ObjectRecord object = ObjectOf(upload, {p1, p2});
  AddPart("u1", 2, 250);  // replaced after the caller read the parts
  EXPECT_EQ(catalog_->CompleteUpload("u1", object).status().code(), StatusCode::kBusy);
  ObjectRecord missing = ObjectOf(upload, {p1, MakeUploadPart(5, "nope", 1)});
  EXPECT_EQ(catalog_->CompleteUpload("u1", missing).status().code(), StatusCode::kBusy);
  ObjectRecord elsewhere = ObjectOf(upload, {p1});
  elsewhere.key = "other";
  EXPECT_EQ(catalog_->CompleteUpload("u1", elsewhere).status().code(), StatusCode::kInvalidArgument);
  ObjectRecord empty = ObjectOf(upload, {});
  EXPECT_EQ(catalog_->CompleteUpload("u1", empty).status().code(), StatusCode::kInvalidArgument);
  // Nothing changed: the upload and its parts are all there.
  ASSERT_OK_AND_ASSIGN(UploadPartPage page, catalog_->ListUploadParts("u1", 0, 100));
  EXPECT_EQ(page.parts.size(), 2u);
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kCommitted);
  EXPECT_EQ(catalog_->GetObject("data", "movie").status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogUploadsTest, OverwriteAndDeleteReleaseEveryPartBlob) {
  MultipartUpload upload = Upload("u1", "movie");
  UploadPart p1 = AddPart("u1", 1, 100);
  UploadPart p2 = AddPart("u1", 2, 200);
  ASSERT_OK(catalog_->CompleteUpload("u1", ObjectOf(upload, {p1, p2})).status());
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("whole", BlobKind::kObject, 5)));
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(MakeObject("data", "movie", "v2", "whole", 5)));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->parts.size(), 2u);
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kDeleting);
  EXPECT_EQ(StateOf(p2.blob_id), BlobState::kDeleting);
  ASSERT_OK_AND_ASSIGN(ObjectRecord whole, catalog_->GetObject("data", "movie"));
  EXPECT_TRUE(whole.parts.empty());

  // A multipart object over a multipart object, then a delete.
  MultipartUpload second = Upload("u2", "movie");
  UploadPart q1 = AddPart("u2", 1, 10);
  ASSERT_OK(catalog_->CompleteUpload("u2", ObjectOf(second, {q1})).status());
  EXPECT_EQ(StateOf("whole"), BlobState::kDeleting);
  MultipartUpload third = Upload("u3", "movie");
  UploadPart r1 = AddPart("u3", 1, 10);
  UploadPart r2 = AddPart("u3", 2, 20);
  ASSERT_OK(catalog_->CompleteUpload("u3", ObjectOf(third, {r1, r2})).status());
  EXPECT_EQ(StateOf(q1.blob_id), BlobState::kDeleting);
  ASSERT_OK_AND_ASSIGN(ObjectRecord gone, catalog_->DeleteObject("data", "movie"));
  EXPECT_EQ(gone.parts.size(), 2u);
  EXPECT_EQ(StateOf(r1.blob_id), BlobState::kDeleting);
  EXPECT_EQ(StateOf(r2.blob_id), BlobState::kDeleting);
  EXPECT_EQ(QueryText(path_, "SELECT COUNT(*) FROM object_parts"), "0");
  // Deleting blobs can go: nothing refers to them.
  ASSERT_OK(catalog_->RemoveBlob(r1.blob_id));
  ASSERT_OK(catalog_->RemoveBlob(p1.blob_id));
}

TEST_F(CatalogUploadsTest, AbortReleasesEveryPart) {
  Upload("u1", "movie");
  UploadPart p1 = AddPart("u1", 1, 100);
  UploadPart p2 = AddPart("u1", 2, 200);
  ASSERT_OK_AND_ASSIGN(MultipartUpload aborted, catalog_->AbortUpload("u1"));
  EXPECT_EQ(aborted.key, "movie");
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kDeleting);
  EXPECT_EQ(StateOf(p2.blob_id), BlobState::kDeleting);
  EXPECT_EQ(catalog_->AbortUpload("u1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->GetUpload("u1").status().code(), StatusCode::kNotFound);
}

// As S3: uploads in progress do not keep a bucket; objects do.
TEST_F(CatalogUploadsTest, DeletingABucketAbortsItsUploads) {
  Upload("u1", "movie");
  UploadPart p1 = AddPart("u1", 1, 100);
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b", BlobKind::kObject, 5)));
  ASSERT_OK(catalog_->CommitObject(MakeObject("data", "k", "v1", "b", 5)).status());
  EXPECT_EQ(catalog_->DeleteBucket("data").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kCommitted);
  ASSERT_OK(catalog_->DeleteObject("data", "k").status());
  ASSERT_OK(catalog_->DeleteBucket("data"));
  EXPECT_EQ(StateOf(p1.blob_id), BlobState::kDeleting);
  EXPECT_EQ(catalog_->GetUpload("u1").status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogUploadsTest, UploadsCreatedBeforeACutoff) {
  Upload("a", "k1", 100);
  Upload("b", "k2", 300);
  Upload("c", "k3", 200);
  ASSERT_OK_AND_ASSIGN(auto old, catalog_->ListUploadsCreatedBefore(300, 10));
  ASSERT_EQ(old.size(), 2u);
  EXPECT_EQ(old[0].upload_id, "a");
  EXPECT_EQ(old[1].upload_id, "c");
  ASSERT_OK_AND_ASSIGN(old, catalog_->ListUploadsCreatedBefore(1000, 1));
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].upload_id, "a");
}

}  // namespace
}  // namespace strata
