// Schema version 3: the system headers S3 keeps with an object
// (cache-control, content-disposition, ...) round trip through every path
// that writes or reads object and upload rows (commits, packs, repointing,
// listings, completion, reopening); text that is not UTF-8 is refused with
// nothing changed; a version 2 catalog migrates with its objects and uploads.
#include <gtest/gtest.h>

#include <map>

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

using StringMap = std::map<std::string, std::string>;

// Every header S3 keeps, with values that need quoting in JSON.
const StringMap kAllHeaders = {
    {"cache-control", "max-age=60, must-revalidate"},
    {"content-disposition", "attachment; filename=\"r\xC3\xA9sum\xC3\xA9 \\ 1.pdf\""},
    {"content-encoding", "gzip"},
    {"content-language", "de-CH"},
    {"expires", "Thu, 01 Dec 2094 16:00:00 GMT"},
};

class CatalogHeadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
  }

  void Reopen() {
    catalog_.reset();
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(path_));
  }

  StringMap HeadersOf(const std::string& key) {
    auto object = catalog_->GetObject("data", key);
    EXPECT_TRUE(object.ok()) << key << ": " << object.status().ToString();
    return object.ok() ? object->headers : StringMap{{"missing", key}};
  }

  BlobState StateOf(const std::string& blob_id) {
    auto blob = catalog_->GetBlob(blob_id);
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    return blob.ok() ? blob->state : BlobState::kPending;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("catalog.db");
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogHeadersTest, ObjectHeadersRoundTripThroughCommitListingsAndReopen) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)));
  ObjectRecord object = MakeObject("data", "report.pdf", "v1", "b1", 5);
  object.headers = kAllHeaders;
  object.checksums = {{"CRC32", "NSRBwg=="}};
  ASSERT_OK(catalog_->CommitObject(object).status());
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b2", BlobKind::kObject, 5)));
  ASSERT_OK(catalog_->CommitObject(MakeObject("data", "plain", "v1", "b2", 5)).status());

  ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", "report.pdf"));
  EXPECT_EQ(read.headers, kAllHeaders);
  EXPECT_EQ(read.checksums, object.checksums);  // the columns beside it are not shifted
  EXPECT_EQ(read.content_type, object.content_type);
  EXPECT_TRUE(read.parts.empty());
  EXPECT_TRUE(HeadersOf("plain").empty());
  EXPECT_EQ(QueryText(path_, "SELECT headers FROM objects WHERE key = 'plain'"), "{}");

  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_TRUE(page.objects[0].headers.empty());  // "plain" sorts first
  EXPECT_EQ(page.objects[1].headers, kAllHeaders);
  ASSERT_OK_AND_ASSIGN(auto in_blob, catalog_->ListObjectsInBlob("b1"));
  ASSERT_EQ(in_blob.size(), 1u);
  EXPECT_EQ(in_blob[0].headers, kAllHeaders);

  Reopen();
  EXPECT_EQ(HeadersOf("report.pdf"), kAllHeaders);

  // An overwrite replaces the headers, and hands back the replaced version's.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b3", BlobKind::kObject, 5)));
  ObjectRecord second = MakeObject("data", "report.pdf", "v2", "b3", 5);
  second.headers = {{"cache-control", "no-store"}};
  ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitObject(second));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->headers, kAllHeaders);
  EXPECT_EQ(HeadersOf("report.pdf"), second.headers);
  ASSERT_OK_AND_ASSIGN(ObjectRecord gone, catalog_->DeleteObject("data", "report.pdf"));
  EXPECT_EQ(gone.headers, second.headers);
}

TEST_F(CatalogHeadersTest, PackedObjectsKeepTheirHeadersWhenRepointed) {
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("old", BlobKind::kPack, 600)));
  std::vector<ObjectRecord> packed = {MakeObject("data", "a", "va", "old", 100, 0),
                                      MakeObject("data", "b", "vb", "old", 200, 100),
                                      MakeObject("data", "c", "vc", "old", 300, 300)};
  packed[0].headers = kAllHeaders;
  packed[2].headers = {{"content-encoding", "br"}};
  ASSERT_OK(catalog_->CommitPack("old", packed).status());
  for (const ObjectRecord& object : packed) EXPECT_EQ(HeadersOf(object.key), object.headers) << object.key;

  // As compaction does: read the pack's objects, move them, repoint them.
  ASSERT_OK_AND_ASSIGN(std::vector<ObjectRecord> moved, catalog_->ListObjectsInBlob("old"));
  ASSERT_EQ(moved.size(), 3u);
  for (size_t i = 0; i < moved.size(); ++i) EXPECT_EQ(moved[i].headers, packed[i].headers) << moved[i].key;
  uint64_t offset = 0;
  for (ObjectRecord& object : moved) {
    object.blob_offset = offset;
    offset += object.size;
  }
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("new", BlobKind::kPack, offset)));
  ASSERT_OK(catalog_->RepointPackedObjects("old", "new", moved));
  EXPECT_EQ(StateOf("old"), BlobState::kDeleting);

  Reopen();
  for (const ObjectRecord& object : packed) {
    ASSERT_OK_AND_ASSIGN(ObjectRecord read, catalog_->GetObject("data", object.key));
    EXPECT_EQ(read.blob_id, "new");
    EXPECT_EQ(read.headers, object.headers) << object.key;
  }
  ASSERT_OK_AND_ASSIGN(auto in_new, catalog_->ListObjectsInBlob("new"));
  ASSERT_EQ(in_new.size(), 3u);
  EXPECT_EQ(in_new[0].headers, kAllHeaders);
}

TEST_F(CatalogHeadersTest, UploadHeadersRoundTripAndCompleteIntoTheObject) {
  MultipartUpload upload;
  upload.upload_id = "u1";
  upload.bucket = "data";
  upload.key = "movie.mp4";
  upload.content_type = "video/mp4";
  upload.user_metadata = {{"camera", "3"}};
  upload.headers = kAllHeaders;
  upload.checksum_algorithm = "CRC32C";
  upload.created_ms = 100;
  ASSERT_OK(catalog_->CreateUpload(upload));
  MultipartUpload bare = upload;
  bare.upload_id = "u2";
  bare.headers.clear();
  ASSERT_OK(catalog_->CreateUpload(bare));

  ASSERT_OK_AND_ASSIGN(MultipartUpload read, catalog_->GetUpload("u1"));
  EXPECT_EQ(read.headers, kAllHeaders);
  EXPECT_EQ(read.checksum_algorithm, "CRC32C");  // the columns beside it are not shifted
  EXPECT_EQ(read.created_ms, 100);
  EXPECT_EQ(read.user_metadata, upload.user_metadata);
  ASSERT_OK_AND_ASSIGN(MultipartUpload read_bare, catalog_->GetUpload("u2"));
  EXPECT_TRUE(read_bare.headers.empty());
  EXPECT_EQ(QueryText(path_, "SELECT headers FROM uploads WHERE upload_id = 'u2'"), "{}");
  ASSERT_OK_AND_ASSIGN(UploadListing listing, catalog_->ListUploads("data", UploadListOptions{}));
  ASSERT_EQ(listing.uploads.size(), 2u);
  EXPECT_EQ(listing.uploads[0].headers, kAllHeaders);
  EXPECT_TRUE(listing.uploads[1].headers.empty());
  ASSERT_OK_AND_ASSIGN(auto old, catalog_->ListUploadsCreatedBefore(1000, 10));
  ASSERT_EQ(old.size(), 2u);
  EXPECT_EQ(old[0].headers, kAllHeaders);

  Reopen();
  ASSERT_OK_AND_ASSIGN(read, catalog_->GetUpload("u1"));
  EXPECT_EQ(read.headers, kAllHeaders);

  // The store gives the object its upload's headers; the catalog keeps them
  // with the parts.
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("part1", BlobKind::kObject, 0)));
  UploadPart part = MakeUploadPart(1, "part1", 10);
  ASSERT_OK(catalog_->CommitUploadPart("u1", part, BlobCompletion{10, MakeBlob("", BlobKind::kObject, 0).placement})
                .status());
  ObjectRecord object = MakeObject("data", "movie.mp4", "v1", "", 10);
  object.parts.push_back(ObjectPart{1, "part1", 10, part.etag, {}});
  object.headers = read.headers;
  ASSERT_OK(catalog_->CompleteUpload("u1", object).status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord completed, catalog_->GetObject("data", "movie.mp4"));
  EXPECT_EQ(completed.headers, kAllHeaders);
  EXPECT_EQ(completed.parts, object.parts);
  Reopen();
  EXPECT_EQ(HeadersOf("movie.mp4"), kAllHeaders);
}

TEST_F(CatalogHeadersTest, HeadersThatAreNotUtf8AreRefusedAndNothingChanges) {
  const StringMap bad_value = {{"content-disposition", "attachment; filename=\"\xFF.txt\""}};
  const StringMap bad_name = {{"cache-\xC3", "max-age=1"}};
  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("b1", BlobKind::kObject, 5)));
  for (const StringMap& headers : {bad_value, bad_name}) {
    ObjectRecord object = MakeObject("data", "k", "v1", "b1", 5);
    object.headers = headers;
    Status refused = catalog_->CommitObject(object).status();
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
    EXPECT_NE(refused.message().find("object data/k"), std::string::npos) << refused.message();
  }
  EXPECT_EQ(catalog_->GetObject("data", "k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StateOf("b1"), BlobState::kPending);

  ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob("p1", BlobKind::kPack, 10)));
  ObjectRecord good = MakeObject("data", "a", "va", "p1", 5, 0);
  ObjectRecord bad = MakeObject("data", "b", "vb", "p1", 5, 5);
  bad.headers = bad_value;
  EXPECT_EQ(catalog_->CommitPack("p1", {good, bad}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_->GetObject("data", "a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(StateOf("p1"), BlobState::kPending);

  MultipartUpload upload;
  upload.upload_id = "u1";
  upload.bucket = "data";
  upload.key = "k";
  upload.headers = bad_value;
  Status refused = catalog_->CreateUpload(upload);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_NE(refused.message().find("upload u1"), std::string::npos) << refused.message();
  EXPECT_EQ(catalog_->GetUpload("u1").status().code(), StatusCode::kNotFound);
}

TEST(CatalogMigrationTest, AVersion2CatalogMigratesWithItsObjectsAndUploads) {
  TempDir dir;
  const std::string path = dir.Sub("v2.db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open(path));
    ASSERT_OK(MigrateSchema(*db, 2));
  }
  ASSERT_EQ(QueryText(path, "PRAGMA user_version"), "2");
  const std::string placement = "'[{\"node\":\"n1\",\"drives\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}]'";
  RunSql(path,
         "INSERT INTO buckets (name, created_ms, owner, public_read) VALUES ('old', 11, 'alice', 1);"
         "INSERT INTO blobs VALUES ('b1', 'object', 'committed', 300, 65536, 1, 0, 4, 2, " + placement + ", 0, 12);"
         "INSERT INTO blobs VALUES ('p1', 'pack', 'committed', 50, 65536, 1, 0, 4, 2, " + placement + ", 30, 12);"
         "INSERT INTO blobs VALUES ('m1', 'object', 'committed', 7, 65536, 1, 0, 4, 2, " + placement + ", 0, 12);"
         "INSERT INTO blobs VALUES ('m2', 'object', 'committed', 8, 65536, 1, 0, 4, 2, " + placement + ", 0, 12);"
         "INSERT INTO blobs VALUES ('u1p1', 'object', 'committed', 9, 65536, 1, 0, 4, 2, " + placement + ", 0, 12);"
         "INSERT INTO objects (bucket, key, version_id, blob_id, blob_offset, size, etag, content_type,"
         " user_metadata, created_ms, modified_ms, checksums, part_count) VALUES"
         " ('old', 'photo.jpg', 'v1', 'b1', 0, 300, 'abc', 'image/jpeg', '{\"who\":\"me\"}', 13, 14,"
         "  '{\"CRC32\":\"NSRBwg==\"}', 0),"
         " ('old', 'small.txt', 'v2', 'p1', 20, 30, 'def', 'text/plain', '{}', 15, 16, '{}', 0),"
         " ('old', 'movie.mp4', 'v3', 'm1', 0, 15, 'ghi-2', 'video/mp4', '{}', 17, 18, '{}', 2);"
         "INSERT INTO object_parts (bucket, key, part_number, blob_id, size, etag, checksums) VALUES"
         " ('old', 'movie.mp4', 1, 'm1', 7, 'e1', '{}'), ('old', 'movie.mp4', 2, 'm2', 8, 'e2', '{}');"
         "INSERT INTO uploads (upload_id, bucket, key, owner, content_type, user_metadata,"
         " checksum_algorithm, created_ms) VALUES"
         " ('u1', 'old', 'clip.mp4', 'alice', 'video/mp4', '{\"take\":\"2\"}', 'CRC32C', 19);"
         "INSERT INTO upload_parts (upload_id, part_number, blob_id, size, etag, checksums, modified_ms)"
         " VALUES ('u1', 1, 'u1p1', 9, 'e9', '{\"CRC32C\":\"AAAAAA==\"}', 20);");

  ASSERT_OK_AND_ASSIGN(auto catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(int version, catalog->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
  EXPECT_EQ(QueryText(path, "SELECT COUNT(*) FROM objects WHERE headers = '{}'"), "3");
  EXPECT_EQ(QueryText(path, "SELECT headers FROM uploads WHERE upload_id = 'u1'"), "{}");

  ASSERT_OK_AND_ASSIGN(ObjectRecord photo, catalog->GetObject("old", "photo.jpg"));
  EXPECT_EQ(photo.version_id, "v1");
  EXPECT_EQ(photo.blob_id, "b1");
  EXPECT_EQ(photo.size, 300u);
  EXPECT_EQ(photo.etag, "abc");
  EXPECT_EQ(photo.content_type, "image/jpeg");
  EXPECT_EQ(photo.user_metadata, (StringMap{{"who", "me"}}));
  EXPECT_EQ(photo.created_ms, 13);
  EXPECT_EQ(photo.modified_ms, 14);
  EXPECT_EQ(photo.checksums, (StringMap{{"CRC32", "NSRBwg=="}}));
  EXPECT_TRUE(photo.headers.empty());
  EXPECT_TRUE(photo.parts.empty());
  ASSERT_OK_AND_ASSIGN(ObjectRecord small, catalog->GetObject("old", "small.txt"));
  EXPECT_EQ(small.blob_id, "p1");
  EXPECT_EQ(small.blob_offset, 20u);
  EXPECT_TRUE(small.headers.empty());
  ASSERT_OK_AND_ASSIGN(ObjectRecord movie, catalog->GetObject("old", "movie.mp4"));
  ASSERT_EQ(movie.parts.size(), 2u);
  EXPECT_EQ(movie.parts[1], (ObjectPart{2, "m2", 8, "e2", {}}));
  EXPECT_TRUE(movie.headers.empty());
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog->ListObjects("old", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 3u);
  for (const ObjectRecord& object : page.objects) EXPECT_TRUE(object.headers.empty()) << object.key;

  ASSERT_OK_AND_ASSIGN(MultipartUpload upload, catalog->GetUpload("u1"));
  EXPECT_EQ(upload.key, "clip.mp4");
  EXPECT_EQ(upload.owner, "alice");
  EXPECT_EQ(upload.content_type, "video/mp4");
  EXPECT_EQ(upload.user_metadata, (StringMap{{"take", "2"}}));
  EXPECT_EQ(upload.checksum_algorithm, "CRC32C");
  EXPECT_EQ(upload.created_ms, 19);
  EXPECT_TRUE(upload.headers.empty());
  ASSERT_OK_AND_ASSIGN(UploadPartPage parts, catalog->ListUploadParts("u1", 0, 10));
  ASSERT_EQ(parts.parts.size(), 1u);
  EXPECT_EQ(parts.parts[0].blob_id, "u1p1");
  EXPECT_EQ(parts.parts[0].checksums, (StringMap{{"CRC32C", "AAAAAA=="}}));

  // The migrated catalog takes headers like a new one: the old upload
  // completes into an object with headers, and an old object is overwritten.
  ObjectRecord clip = MakeObject("old", "clip.mp4", "v4", "", 9);
  clip.parts.push_back(ObjectPart{1, "u1p1", 9, "e9", {}});
  clip.headers = {{"content-language", "fr"}};
  ASSERT_OK(catalog->CompleteUpload("u1", clip).status());
  ASSERT_OK(catalog->InsertPendingBlob(MakeBlob("b2", BlobKind::kObject, 1)));
  ObjectRecord photo2 = MakeObject("old", "photo.jpg", "v5", "b2", 1);
  photo2.headers = {{"cache-control", "no-cache"}};
  ASSERT_OK(catalog->CommitObject(photo2).status());
  catalog.reset();
  ASSERT_OK_AND_ASSIGN(catalog, Catalog::OpenSqlite(path));
  ASSERT_OK_AND_ASSIGN(ObjectRecord read_clip, catalog->GetObject("old", "clip.mp4"));
  EXPECT_EQ(read_clip.headers, clip.headers);
  ASSERT_OK_AND_ASSIGN(ObjectRecord read_photo, catalog->GetObject("old", "photo.jpg"));
  EXPECT_EQ(read_photo.headers, photo2.headers);
  ASSERT_OK_AND_ASSIGN(BlobRecord old_blob, catalog->GetBlob("b1"));
  EXPECT_EQ(old_blob.state, BlobState::kDeleting);
}

}  // namespace
}  // namespace strata
