// ObjectStore basics: exact round trips of every awkward size, ranged reads at
// unit and stripe edges, ETags, system headers, overwrite and delete (old
// version visible until commit, then its blocks gone), listing, buckets and
// keys, the store lock, and recovery of interrupted writes on open.
#include "strata/objects/object_store.h"

#include <gtest/gtest.h>

#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::Md5Hex;
using testing::RandomBytes;

class ObjectStoreBasicsTest : public testing::ObjectStoreTest {};


TEST_F(ObjectStoreBasicsTest, RoundTripsEverySizeByContent) {
  std::vector<uint64_t> sizes = {0, 1, kUnit - 1, kUnit, kUnit + 1, kStripe - 1, kStripe, kStripe + 1,
                                 10 * kStripe + 7};
  std::uniform_int_distribution<uint64_t> small(0, 3 * kUnit), large(0, 6 * kStripe);
  for (int i = 0; i < 20; ++i) sizes.push_back(i % 2 ? small(rng_) : large(rng_));
  for (size_t i = 0; i < sizes.size(); ++i) {
    const std::string key = "objects/" + std::to_string(i);
    PutFile(key, RandomBytes(sizes[i], i + 100));
  }
  CheckAllFiles();
  for (size_t i = 0; i < sizes.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "objects/" + std::to_string(i)));
    EXPECT_EQ(head.size, sizes[i]);
    EXPECT_EQ(head.content_type, "application/octet-stream");
    // Small objects share packs; the rest get a blob of their own.
    ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(head.blob_id));
    EXPECT_EQ(blob.kind, sizes[i] < store_->config().small_object_threshold ? BlobKind::kPack : BlobKind::kObject)
        << sizes[i];
    if (blob.kind == BlobKind::kObject) {
      EXPECT_EQ(blob.size, sizes[i]);
      EXPECT_EQ(head.blob_offset, 0u);
    }
  }
  // Everything survives a reopen.
  Reopen();
  CheckAllFiles();
  EXPECT_EQ(AllTemporaries(), 0);
}

TEST_F(ObjectStoreBasicsTest, RangedReadsAtEveryUnitAndStripeEdge) {
  const std::string data = RandomBytes(10 * kStripe + 7, 5);
  PutFile("big", data);
  const std::string small = RandomBytes(5000, 6);
  PutFile("small", small);
  for (const auto& [key, bytes] : files_) {
    SCOPED_TRACE(key);
    ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenObject("data", key));
    auto check = [&, &bytes = bytes](uint64_t offset, uint64_t length) {
      std::string out(length, '\0');
      Status st = reader->Read(offset, std::as_writable_bytes(std::span(out.data(), out.size())));
      ASSERT_TRUE(st.ok()) << length << " at " << offset << ": " << st.ToString();
      ASSERT_TRUE(out == bytes.substr(offset, length)) << length << " at " << offset;
    };
    const uint64_t size = bytes.size();
    for (uint64_t edge = 0; edge <= size; edge += (key == "big" ? kUnit : 1000)) {
      for (uint64_t offset : {edge - 1, edge, edge + 1}) {
        if (offset > size) continue;  // also edge - 1 at edge 0
        for (uint64_t length : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{kUnit + 1}, kStripe + 3}) {
          check(offset, std::min(length, size - offset));
        }
      }
    }
    check(size, 0);
    std::byte one[1];
    EXPECT_EQ(reader->Read(size, one).code(), StatusCode::kInvalidArgument);
    std::vector<std::byte> past(2);
    EXPECT_EQ(reader->Read(size - 1, past).code(), StatusCode::kInvalidArgument);
    ASSERT_OK(reader->Close());
  }
}

TEST_F(ObjectStoreBasicsTest, EtagIsTheMd5OfTheContent) {
  ASSERT_OK_AND_ASSIGN(ObjectRecord empty, Put("empty", ""));
  EXPECT_EQ(empty.etag, "d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_OK_AND_ASSIGN(ObjectRecord fox, Put("fox", "The quick brown fox jumps over the lazy dog"));
  EXPECT_EQ(fox.etag, "9e107d9d372bb6826bd81d3542a419d6");
  for (uint64_t size : {uint64_t{1000}, kUnit, 3 * kStripe + 11}) {
    const std::string data = RandomBytes(size, size);
    ASSERT_OK_AND_ASSIGN(ObjectRecord put, Put("k" + std::to_string(size), data));
    EXPECT_EQ(put.etag, Md5Hex(data));
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "k" + std::to_string(size)));
    EXPECT_EQ(head.etag, put.etag);
    EXPECT_EQ(head.version_id, put.version_id);
  }
  PutOptions options;
  options.content_type = "text/plain";
  options.user_metadata = {{"origin", "microscope-3"}};
  ASSERT_OK(store_->PutBytes("data", "typed", testing::AsBytes(std::string("hello")), options).status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord typed, store_->Head("data", "typed"));
  EXPECT_EQ(typed.content_type, "text/plain");
  EXPECT_EQ(typed.user_metadata, options.user_metadata);
}

// The system headers S3 keeps (Cache-Control, Content-Disposition, ...) are
// stored as given with the object, packed or whole, and read back by Head,
// readers and listings, before and after a reopen.
TEST_F(ObjectStoreBasicsTest, DeleteKeysReportsEachKeyAndFreesTheirBlocks) {
  const int empty = AllBlockFiles();
  PutFile("a", RandomBytes(3 * kStripe, 1));
  PutFile("b", RandomBytes(2 * kStripe + 5, 2));
  PutFile("c", RandomBytes(kStripe, 3));
  ASSERT_OK_AND_ASSIGN(auto results, store_->DeleteKeys("data", {"a", "missing", "b"}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0]->key, "a");
  EXPECT_TRUE(results[1].status().IsNotFound());
  EXPECT_TRUE(results[2].ok());
  EXPECT_TRUE(store_->Head("data", "a").status().IsNotFound());
  EXPECT_TRUE(store_->Head("data", "b").status().IsNotFound());
  files_.erase("a");
  files_.erase("b");
  CheckAllFiles();
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_GT(AllBlockFiles(), empty);
  EXPECT_TRUE(store_->DeleteKeys("nobucket", {"a"}).status().IsNotFound());
}

TEST_F(ObjectStoreBasicsTest, SystemHeadersSurvivePutHeadListAndReopen) {
  PutOptions options;
  options.content_type = "text/html";
  options.headers = {{"cache-control", "max-age=3600"},
                     {"content-disposition", "attachment; filename=\"index.html\""},
                     {"content-encoding", "gzip"},
                     {"content-language", "en-GB"},
                     {"expires", "Wed, 21 Oct 2093 07:28:00 GMT"}};
  const uint64_t threshold = store_->config().small_object_threshold;
  // Below the threshold the object goes into a pack; at it and above, a blob of its own.
  for (const auto& [key, size] : std::vector<std::pair<std::string, uint64_t>>{
           {"small", threshold / 2}, {"large", threshold + kStripe + 3}}) {
    const std::string data = RandomBytes(size, size);
    ASSERT_OK_AND_ASSIGN(auto writer, store_->NewObject("data", key, options));
    ASSERT_OK(WriteInChunks(*writer, data));
    ASSERT_OK_AND_ASSIGN(ObjectRecord put, writer->Commit());
    EXPECT_EQ(put.headers, options.headers) << key;
    files_[key] = data;
  }
  // Batched small puts wait in memory for their pack.
  store_->SetBatching(true);
  const std::string batched = RandomBytes(100, 7);
  ASSERT_OK(store_->PutBytes("data", "batched", testing::AsBytes(batched), options).status());
  ASSERT_OK(store_->FlushPacks());
  store_->SetBatching(false);
  files_["batched"] = batched;
  ASSERT_OK(store_->PutBytes("data", "bare", testing::AsBytes(std::string("x"))).status());

  auto check = [&] {
    for (const std::string key : {"small", "large", "batched"}) {
      SCOPED_TRACE(key);
      ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
      EXPECT_EQ(head.headers, options.headers);
      EXPECT_EQ(head.content_type, "text/html");
      ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenObject("data", key));
      EXPECT_EQ(reader->record().headers, options.headers);
      ASSERT_OK(reader->Close());
    }
    ASSERT_OK_AND_ASSIGN(ObjectRecord bare, store_->Head("data", "bare"));
    EXPECT_TRUE(bare.headers.empty());
    ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", ListOptions{}));
    ASSERT_EQ(page.objects.size(), 4u);
    const std::map<std::string, std::string> none;
    for (const ObjectRecord& object : page.objects) {
      EXPECT_EQ(object.headers, object.key == "bare" ? none : options.headers) << object.key;
    }
  };
  check();
  ASSERT_OK_AND_ASSIGN(ObjectRecord small, store_->Head("data", "small"));
  ASSERT_OK_AND_ASSIGN(BlobRecord pack, store_->catalog().GetBlob(small.blob_id));
  EXPECT_EQ(pack.kind, BlobKind::kPack);
  ASSERT_OK_AND_ASSIGN(ObjectRecord large, store_->Head("data", "large"));
  ASSERT_OK_AND_ASSIGN(BlobRecord own, store_->catalog().GetBlob(large.blob_id));
  EXPECT_EQ(own.kind, BlobKind::kObject);
  Reopen();
  check();
  CheckAllFiles();

  // An overwrite without headers leaves none behind.
  ASSERT_OK(store_->PutBytes("data", "small", testing::AsBytes(std::string("y"))).status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord overwritten, store_->Head("data", "small"));
  EXPECT_TRUE(overwritten.headers.empty());
}

TEST_F(ObjectStoreBasicsTest, CommitReturnsTheRecordAsStored) {
  for (uint64_t size : {uint64_t{0}, uint64_t{10}, kUnit - 1, kUnit, 2 * kStripe + 3}) {
    SCOPED_TRACE(size);
    const std::string key = "k" + std::to_string(size);
    ASSERT_OK_AND_ASSIGN(ObjectRecord put, Put(key, RandomBytes(size, size)));
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
    EXPECT_EQ(put.version_id, head.version_id);
    EXPECT_EQ(put.blob_id, head.blob_id) << "the returned record does not name the blob that holds the object";
    EXPECT_EQ(put.blob_offset, head.blob_offset);
    EXPECT_EQ(put.size, head.size);
    EXPECT_EQ(put.etag, head.etag);
  }
}

TEST_F(ObjectStoreBasicsTest, OverwriteKeepsTheOldVersionUntilCommitThenRemovesIt) {
  const std::string v1 = RandomBytes(3 * kStripe + 5, 1);
  const std::string v2 = RandomBytes(2 * kStripe + 9, 2);
  ASSERT_OK_AND_ASSIGN(ObjectRecord first, Put("k", v1));
  const std::string old_blob = first.blob_id;
  EXPECT_GT(BlockFilesOf(old_blob), 0);

  ASSERT_OK_AND_ASSIGN(auto writer, store_->NewObject("data", "k"));
  ASSERT_OK(writer->Write(testing::AsBytes(v2)));
  // Written but not committed: the old version is still the one served.
  ASSERT_OK_AND_ASSIGN(ObjectRecord during, store_->Head("data", "k"));
  EXPECT_EQ(during.version_id, first.version_id);
  ASSERT_OK_AND_ASSIGN(std::string still, Get("k"));
  EXPECT_TRUE(still == v1);
  ASSERT_OK_AND_ASSIGN(ObjectRecord second, writer->Commit());
  EXPECT_NE(second.version_id, first.version_id);

  ASSERT_OK_AND_ASSIGN(std::string now, Get("k"));
  EXPECT_TRUE(now == v2);
  EXPECT_EQ(BlockFilesOf(old_blob), 0) << "the replaced version's blocks are still on the drives";
  EXPECT_TRUE(store_->catalog().GetBlob(old_blob).status().IsNotFound());

  // Small to large and large to small replace each other too.
  const std::string tiny = RandomBytes(10, 3);
  ASSERT_OK(Put("k", tiny).status());
  EXPECT_EQ(BlockFilesOf(second.blob_id), 0);
  ASSERT_OK_AND_ASSIGN(now, Get("k"));
  EXPECT_TRUE(now == tiny);
  ASSERT_OK(Put("k", v1).status());
  ASSERT_OK_AND_ASSIGN(now, Get("k"));
  EXPECT_TRUE(now == v1);

  // An abandoned writer leaves nothing and changes nothing.
  const int blocks = AllBlockFiles();
  {
    ASSERT_OK_AND_ASSIGN(auto abandoned, store_->NewObject("data", "k"));
    ASSERT_OK(abandoned->Write(testing::AsBytes(v2)));
  }
  EXPECT_EQ(AllBlockFiles(), blocks);
  EXPECT_EQ(AllTemporaries(), 0);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  ASSERT_OK_AND_ASSIGN(now, Get("k"));
  EXPECT_TRUE(now == v1);
}

TEST_F(ObjectStoreBasicsTest, DeleteRemovesTheObjectAndItsBlocks) {
  ASSERT_OK_AND_ASSIGN(ObjectRecord big, Put("big", RandomBytes(2 * kStripe, 1)));
  ASSERT_OK(Put("small", "x").status());
  ASSERT_OK_AND_ASSIGN(ObjectRecord gone, store_->Delete("data", "big"));
  EXPECT_EQ(gone.version_id, big.version_id);
  EXPECT_TRUE(store_->Head("data", "big").status().IsNotFound());
  EXPECT_TRUE(store_->OpenObject("data", "big").status().IsNotFound());
  EXPECT_EQ(BlockFilesOf(big.blob_id), 0);
  EXPECT_TRUE(store_->Delete("data", "big").status().IsNotFound());
  ASSERT_OK(store_->Delete("data", "small").status());
  EXPECT_TRUE(store_->Head("data", "small").status().IsNotFound());
  EXPECT_EQ(AllBlockFiles(), 0);  // the pack held only "small"
  EXPECT_TRUE(store_->Delete("nope", "big").status().IsNotFound());
}

TEST_F(ObjectStoreBasicsTest, ListsWithPrefixDelimiterAndPaging) {
  const std::vector<std::string> keys = {"a/1", "a/2", "a/b/3", "a/b/4", "b/5", "c", "d/6", "d/7/8"};
  for (const std::string& key : keys) ASSERT_OK(Put(key, key).status());

  // Flat listing in pages of 3: every key exactly once, in order.
  std::vector<std::string> seen;
  ListOptions options;
  options.max_keys = 3;
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", options));
    for (const ObjectRecord& o : page.objects) seen.push_back(o.key);
    if (!page.truncated) break;
    options.start_after = page.next_start_after;
  }
  EXPECT_EQ(seen, keys);

  // Top level with a delimiter, one entry per page.
  options = ListOptions{};
  options.delimiter = "/";
  options.max_keys = 1;
  std::vector<std::string> entries;
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", options));
    for (const ObjectRecord& o : page.objects) entries.push_back(o.key);
    for (const std::string& p : page.common_prefixes) entries.push_back(p);
    if (!page.truncated) break;
    options.start_after = page.next_start_after;
  }
  EXPECT_EQ(entries, (std::vector<std::string>{"a/", "b/", "c", "d/"}));

  options = ListOptions{};
  options.prefix = "a/";
  options.delimiter = "/";
  ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", options));
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "a/1");
  EXPECT_EQ(page.objects[1].key, "a/2");
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a/b/"});
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.objects[0].size, 3u);

  options.prefix = "zzz";
  ASSERT_OK_AND_ASSIGN(page, store_->List("data", options));
  EXPECT_TRUE(page.objects.empty() && page.common_prefixes.empty());
  EXPECT_TRUE(store_->List("missing", ListOptions{}).status().IsNotFound());
}

TEST_F(ObjectStoreBasicsTest, BucketNamesAndKeysAreValidated) {
  for (const std::string& bad : std::vector<std::string>{"ab", "AB-upper", "-starts", "ends-", "a..b", "192.168.1.1", "under_score",
                                 std::string(64, 'a'), std::string("sp ace")}) {
    EXPECT_EQ(store_->CreateBucket(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  for (const std::string& good : std::vector<std::string>{"abc", "my.bucket-1", std::string(63, 'z'), std::string("1.2.3")}) {
    EXPECT_TRUE(store_->CreateBucket(good).ok()) << good;
  }
  EXPECT_EQ(store_->CreateBucket("abc").code(), StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto buckets, store_->ListBuckets());
  EXPECT_EQ(buckets.size(), 5u);

  ASSERT_OK(Put("k", "v", "abc").status());
  EXPECT_EQ(store_->DeleteBucket("abc").code(), StatusCode::kFailedPrecondition);
  ASSERT_OK(store_->Delete("abc", "k").status());
  ASSERT_OK(store_->DeleteBucket("abc"));
  EXPECT_TRUE(store_->DeleteBucket("abc").IsNotFound());
  EXPECT_TRUE(store_->NewObject("abc", "k").status().IsNotFound());

  EXPECT_EQ(store_->NewObject("data", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->NewObject("data", std::string(1025, 'k')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->NewObject("data", "bad\xff utf8").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->NewObject("data", std::string(1024, 'k')).ok());
  EXPECT_TRUE(store_->NewObject("data", "caf\xc3\xa9/\xe2\x82\xac").ok());
}

TEST_F(ObjectStoreBasicsTest, ASecondOpenOfTheSameStoreIsBusy) {
  auto second = ObjectStore::Open(root_);
  EXPECT_EQ(second.status().code(), StatusCode::kBusy) << second.status().ToString();
  store_.reset();
  ASSERT_OK_AND_ASSIGN(auto third, ObjectStore::Open(root_));
  EXPECT_EQ(ObjectStore::Open(root_).status().code(), StatusCode::kBusy);
  // And Init refuses a root that already holds a store.
  InitOptions options;
  options.drives_per_node = 6;
  EXPECT_EQ(ObjectStore::Init(root_, options).code(), StatusCode::kAlreadyExists);
}

TEST_F(ObjectStoreBasicsTest, InitRefusesTooFewDrivesAndLeavesNothing) {
  InitOptions options;
  options.config.unit_size = kUnit;
  options.drives_per_node = 5;  // 4+2 needs six
  const std::string root = dir_.Sub("small-store");
  EXPECT_EQ(ObjectStore::Init(root, options).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(testing::fs::exists(root + "/strata.toml"));
  EXPECT_EQ(testing::CountFiles(root), 0);
  EXPECT_TRUE(ObjectStore::Open(root).status().IsNotFound());
}

// Leaves what a crash leaves: a pending blob whose blocks were all published,
// a deleting blob whose blocks were never removed, and temporaries.
TEST_F(ObjectStoreBasicsTest, OpenRecoversFromInterruptedWrites) {
  PutFile("keep-small", RandomBytes(300, 1));
  PutFile("keep-big", RandomBytes(2 * kStripe + 1, 2));
  const int blocks_before = AllBlockFiles();
  const Layout layout{kUnit, CodeSpec{1, 0}, CodeSpec{4, 2}};
  const std::string data = RandomBytes(kStripe + 3, 3);

  auto write_blob = [&](BlobRecord& blob) -> Status {
    blob.blob_id = NewRandomId();
    blob.layout = layout;
    ASSIGN_OR_RETURN(blob.placement, store_->cluster().Place(blob.blob_id, layout, "default"));
    RETURN_IF_ERROR(store_->catalog().InsertPendingBlob(blob));
    ASSIGN_OR_RETURN(auto writer, store_->cluster().WriteBlob(blob));
    RETURN_IF_ERROR(writer->Write(testing::AsBytes(data)));
    ASSIGN_OR_RETURN(blob.placement, writer->Finish());
    blob.size = data.size();
    return Status::OK();
  };
  BlobRecord pending, deleting;
  ASSERT_OK(write_blob(pending));
  ASSERT_OK(write_blob(deleting));
  ASSERT_OK(store_->catalog().FinishPendingBlob(deleting.blob_id, deleting.size, deleting.placement));
  ObjectRecord object;
  object.bucket = "data";
  object.key = "vanishing";
  object.version_id = NewRandomId();
  object.blob_id = deleting.blob_id;
  object.size = data.size();
  ASSERT_OK(store_->catalog().CommitObject(object).status());
  ASSERT_OK(store_->catalog().DeleteObject("data", "vanishing").status());  // blob now deleting, blocks remain
  EXPECT_EQ(BlockFilesOf(pending.blob_id), 6);
  EXPECT_EQ(BlockFilesOf(deleting.blob_id), 6);

  // Temporaries of a writer that never finished, saved before it cleans up.
  int crashed = 0;
  {
    BlobRecord unfinished;
    unfinished.blob_id = NewRandomId();
    unfinished.layout = layout;
    ASSERT_OK_AND_ASSIGN(unfinished.placement, store_->cluster().Place(unfinished.blob_id, layout, "default"));
    ASSERT_OK_AND_ASSIGN(auto writer, store_->cluster().WriteBlob(unfinished));
    ASSERT_OK(writer->Write(testing::AsBytes(data)));
    std::vector<testing::fs::path> temporaries;
    for (int d = 0; d < drives_; ++d) {
      for (const auto& entry : testing::fs::directory_iterator(DrivePath(d) + "/tmp")) temporaries.push_back(entry);
    }
    for (const auto& path : temporaries) testing::fs::copy_file(path, path.string() + ".crashed");
    crashed = static_cast<int>(temporaries.size());
  }
  ASSERT_EQ(crashed, 6);
  ASSERT_EQ(AllTemporaries(), crashed);

  Reopen();
  const RecoveryReport& report = store_->recovery();
  EXPECT_EQ(report.pending_blobs_removed, 1);
  EXPECT_EQ(report.deleted_blobs_removed, 1);
  EXPECT_EQ(report.temporaries_removed, crashed);
  EXPECT_EQ(BlockFilesOf(pending.blob_id), 0);
  EXPECT_EQ(BlockFilesOf(deleting.blob_id), 0);
  EXPECT_EQ(AllTemporaries(), 0);
  EXPECT_EQ(AllBlockFiles(), blocks_before);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  CheckAllFiles();
  // A clean reopen has nothing to recover.
  Reopen();
  EXPECT_EQ(store_->recovery().pending_blobs_removed + store_->recovery().deleted_blobs_removed +
                store_->recovery().temporaries_removed,
            0);
}

}  // namespace
}  // namespace strata
