// Multipart uploads: exact bytes across part boundaries, S3's ETag computed
// independently, system headers passed from the upload to the object, part
// replacement, each completion error told apart, abort and expiry giving every
// block back, paging of parts and uploads, uploads surviving a restart and a
// crash in the middle of a part, buckets deleted with uploads in progress, and
// scrub seeing part blobs.
#include "strata/objects/object_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "strata/base/clock.h"
#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::AsBytes;
using testing::Md5Hex;
using testing::RandomBytes;

// The raw 16-byte MD5, computed with OpenSSL.
std::string Md5Raw(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// S3's multipart ETag, from the parts' bytes.
std::string ExpectedEtag(const std::vector<std::string>& parts) {
  std::string digests;
  for (const std::string& part : parts) digests += Md5Raw(part);
  return Md5Hex(digests) + "-" + std::to_string(parts.size());
}

class ObjectStoreMultipartTest : public testing::ObjectStoreTest {
 protected:
  static constexpr uint64_t kMiB = 1 << 20;

  MultipartUpload Create(const std::string& key, const std::string& checksum_algorithm = "") {
    PutOptions options;
    options.content_type = "video/mp4";
    options.user_metadata = {{"camera", "7"}};
    auto upload = store_->CreateMultipartUpload("data", key, options, "alice", checksum_algorithm);
    EXPECT_TRUE(upload.ok()) << upload.status().ToString();
    return upload.ok() ? *upload : MultipartUpload{};
  }

  // Uploads `data` as part `number`, in chunks of random size.
  Result<UploadPart> PutPart(const MultipartUpload& upload, int number, const std::string& data) {
    ASSIGN_OR_RETURN(auto writer, store_->NewPart(upload, number));
    RETURN_IF_ERROR(WriteInChunks(*writer, data));
    return writer->Commit();
  }

  static std::vector<CompletePart> List(const std::vector<UploadPart>& parts) {
    std::vector<CompletePart> listed;
    for (const UploadPart& part : parts) listed.push_back(CompletePart{part.part_number, part.etag});
    return listed;
  }

  std::string ReadRange(const std::string& key, uint64_t offset, uint64_t length) {
    auto reader = store_->OpenObject("data", key);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return "";
    std::string out(length, '\0');
    Status st = (*reader)->Read(offset, std::as_writable_bytes(std::span(out.data(), out.size())));
    EXPECT_TRUE(st.ok()) << length << " at " << offset << ": " << st.ToString();
    return out;
  }

  void ExpectNoSuchUpload(const Status& status) {
    EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
    EXPECT_EQ(MultipartErrorOf(status), MultipartError::kNoSuchUpload) << status.ToString();
  }
};

TEST_F(ObjectStoreMultipartTest, ThreePartsReadBackExactlyAcrossPartBoundaries) {
  const std::vector<std::string> data = {RandomBytes(5 * kMiB, 1), RandomBytes(5 * kMiB, 2), RandomBytes(1, 3)};
  const std::string whole = data[0] + data[1] + data[2];
  MultipartUpload upload = Create("movie.mp4");
  std::vector<UploadPart> parts(3);
  for (int n : {2, 3, 1}) {  // parts may arrive in any order
    ASSERT_OK_AND_ASSIGN(parts[n - 1], PutPart(upload, n, data[n - 1]));
    EXPECT_EQ(parts[n - 1].etag, Md5Hex(data[n - 1]));
    EXPECT_EQ(parts[n - 1].size, data[n - 1].size());
  }
  // Not visible before completion.
  EXPECT_TRUE(store_->Head("data", "movie.mp4").status().IsNotFound());

  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(upload, List(parts)));
  EXPECT_EQ(object.size, whole.size());
  EXPECT_EQ(object.etag, ExpectedEtag(data));
  EXPECT_EQ(object.content_type, "video/mp4");
  EXPECT_EQ(object.user_metadata, (std::map<std::string, std::string>{{"camera", "7"}}));
  ASSERT_EQ(object.parts.size(), 3u);
  ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "movie.mp4"));
  EXPECT_EQ(head.etag, object.etag);
  EXPECT_EQ(head.parts, object.parts);
  EXPECT_EQ(head.version_id, object.version_id);

  ASSERT_OK_AND_ASSIGN(std::string read, Get("movie.mp4"));
  EXPECT_TRUE(read == whole);
  const uint64_t first = 5 * kMiB, second = 10 * kMiB;
  for (auto [offset, length] : std::vector<std::pair<uint64_t, uint64_t>>{
           {first - 3, 6}, {first - 1, 1}, {first, 1}, {first, 0}, {second - 1, 2}, {second, 1},
           {first - 1, 5 * kMiB + 2}, {kUnit - 1, second - kUnit + 2}, {0, whole.size()}, {whole.size(), 0}}) {
    EXPECT_TRUE(ReadRange("movie.mp4", offset, length) == whole.substr(offset, length)) << length << " at " << offset;
  }
  // One reader, reads in an order that goes back and forth between parts.
  ASSERT_OK_AND_ASSIGN(auto reader, store_->OpenObject("data", "movie.mp4"));
  for (uint64_t offset : {second, uint64_t{0}, first + 7, first - 9, uint64_t{12345}}) {
    std::string out(10, '\0');
    const uint64_t length = std::min<uint64_t>(10, whole.size() - offset);
    ASSERT_OK(reader->Read(offset, std::as_writable_bytes(std::span(out.data(), length))));
    EXPECT_TRUE(out.substr(0, length) == whole.substr(offset, length)) << offset;
  }
  std::byte past[2];
  EXPECT_EQ(reader->Read(whole.size() - 1, past).code(), StatusCode::kInvalidArgument);
  ASSERT_OK(reader->Close());

  ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].etag, object.etag);
  ASSERT_OK_AND_ASSIGN(UploadListing uploads, store_->ListMultipartUploads("data", "", "", "", "", 1000));
  EXPECT_TRUE(uploads.uploads.empty());
  EXPECT_EQ(BlobCount(BlobState::kCommitted), 3u);  // the part blobs, nothing copied
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);

  Reopen();
  ASSERT_OK_AND_ASSIGN(read, Get("movie.mp4"));
  EXPECT_TRUE(read == whole);
  EXPECT_TRUE(ReadRange("movie.mp4", first - 2, 4) == whole.substr(first - 2, 4));
}

TEST_F(ObjectStoreMultipartTest, AReplacedPartGivesBackItsBlocks) {
  MultipartUpload upload = Create("k");
  ASSERT_OK_AND_ASSIGN(UploadPart old_part, PutPart(upload, 1, RandomBytes(3 * kStripe, 1)));
  EXPECT_GT(BlockFilesOf(old_part.blob_id), 0);
  const std::string data = RandomBytes(1000, 2);  // small: still a blob of its own
  ASSERT_OK_AND_ASSIGN(UploadPart part, PutPart(upload, 1, data));
  EXPECT_NE(part.blob_id, old_part.blob_id);
  EXPECT_EQ(BlockFilesOf(old_part.blob_id), 0);
  ASSERT_OK_AND_ASSIGN(BlobRecord blob, store_->catalog().GetBlob(part.blob_id));
  EXPECT_EQ(blob.kind, BlobKind::kObject);
  bool truncated = true;
  ASSERT_OK_AND_ASSIGN(auto listed, store_->ListParts(upload, 0, 100, &truncated));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(truncated);
  EXPECT_EQ(listed[0].etag, Md5Hex(data));
  EXPECT_EQ(listed[0].blob_id, part.blob_id);

  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(upload, {{1, part.etag}}));
  EXPECT_EQ(object.etag, ExpectedEtag({data}));
  ASSERT_OK_AND_ASSIGN(std::string read, Get("k"));
  EXPECT_TRUE(read == data);
}

TEST_F(ObjectStoreMultipartTest, CompletionErrorsAreToldApartAndChangeNothing) {
  MultipartUpload upload = Create("k");
  const std::string big1 = RandomBytes(5 * kMiB, 1), small = RandomBytes(100, 2), big3 = RandomBytes(5 * kMiB, 3);
  ASSERT_OK_AND_ASSIGN(UploadPart p1, PutPart(upload, 1, big1));
  ASSERT_OK_AND_ASSIGN(UploadPart p2, PutPart(upload, 2, small));
  ASSERT_OK_AND_ASSIGN(UploadPart p3, PutPart(upload, 3, big3));
  const int blocks = AllBlockFiles();

  auto expect = [&](const std::vector<CompletePart>& listed, std::optional<MultipartError> error) {
    auto completed = store_->CompleteMultipartUpload(upload, listed);
    ASSERT_FALSE(completed.ok());
    EXPECT_EQ(MultipartErrorOf(completed.status()), error) << completed.status().ToString();
    EXPECT_FALSE(IsDigestMismatch(completed.status()));
  };
  expect({{2, p2.etag}, {1, p1.etag}}, MultipartError::kInvalidPartOrder);
  expect({{1, p1.etag}, {1, p1.etag}}, MultipartError::kInvalidPartOrder);
  expect({{1, p1.etag}, {4, p2.etag}}, MultipartError::kInvalidPart);
  expect({{1, p2.etag}}, MultipartError::kInvalidPart);
  expect({{1, p1.etag}, {2, p2.etag}, {3, p3.etag}}, MultipartError::kEntityTooSmall);
  expect({}, std::nullopt);
  auto too_small = store_->CompleteMultipartUpload(upload, {{1, p1.etag}, {2, p2.etag}, {3, p3.etag}});
  EXPECT_EQ(too_small.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_small.status().message().rfind("EntityTooSmall: ", 0), 0u) << too_small.status().message();
  EXPECT_EQ(MultipartErrorCode(MultipartError::kEntityTooSmall), "EntityTooSmall");

  // Nothing changed: every part is still there, nothing became visible.
  ASSERT_OK_AND_ASSIGN(auto listed, store_->ListParts(upload, 0, 100, nullptr));
  EXPECT_EQ(listed.size(), 3u);
  EXPECT_TRUE(store_->Head("data", "k").status().IsNotFound());
  EXPECT_EQ(AllBlockFiles(), blocks);

  // Quoted, upper-case ETags as clients send them back; part 2 may be small as the last part.
  std::string quoted = "\"" + p1.etag + "\"";
  std::transform(quoted.begin(), quoted.end(), quoted.begin(), ::toupper);
  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(upload, {{1, quoted}, {2, p2.etag}}));
  EXPECT_EQ(object.etag, ExpectedEtag({big1, small}));
  EXPECT_EQ(BlockFilesOf(p3.blob_id), 0) << "the part left out keeps its blocks";
  ASSERT_OK_AND_ASSIGN(std::string read, Get("k"));
  EXPECT_TRUE(read == big1 + small);

  // The upload is gone for every call.
  ExpectNoSuchUpload(store_->CompleteMultipartUpload(upload, {{1, p1.etag}}).status());
  ExpectNoSuchUpload(store_->ListParts(upload, 0, 10, nullptr).status());
  ExpectNoSuchUpload(store_->NewPart(upload, 4).status());
  ExpectNoSuchUpload(store_->AbortMultipartUpload(upload));
  ExpectNoSuchUpload(store_->GetMultipartUpload("data", "k", upload.upload_id).status());
  ExpectNoSuchUpload(store_->GetMultipartUpload("data", "k", "made-up").status());
  auto no_bucket = store_->GetMultipartUpload("nope", "k", upload.upload_id);
  EXPECT_TRUE(no_bucket.status().IsNotFound());
  EXPECT_FALSE(MultipartErrorOf(no_bucket.status()).has_value());
  EXPECT_EQ(store_->NewPart(Create("k2"), 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->NewPart(Create("k3"), 10001).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ObjectStoreMultipartTest, AbortGivesBackEveryBlock) {
  ASSERT_OK(Put("keep", RandomBytes(2 * kStripe, 9)).status());
  const int blocks = AllBlockFiles();
  MultipartUpload upload = Create("k");
  for (int n = 1; n <= 3; ++n) ASSERT_OK(PutPart(upload, n, RandomBytes(n * kStripe + 5, n)).status());
  EXPECT_GT(AllBlockFiles(), blocks);
  ASSERT_OK(store_->AbortMultipartUpload(upload));
  EXPECT_EQ(AllBlockFiles(), blocks);
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(BlobCount(BlobState::kCommitted), 1u);
  ExpectNoSuchUpload(store_->GetMultipartUpload("data", "k", upload.upload_id).status());
  // A part still being written when the upload is aborted is refused at commit, and leaves nothing.
  MultipartUpload second = Create("k");
  ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(second, 1));
  ASSERT_OK(writer->Write(AsBytes(RandomBytes(2 * kStripe, 4))));
  ASSERT_OK(store_->AbortMultipartUpload(second));
  ExpectNoSuchUpload(writer->Commit().status());
  EXPECT_EQ(AllBlockFiles(), blocks);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
}

TEST_F(ObjectStoreMultipartTest, AbandonedUploadsExpire) {
  MultipartUpload old_upload = Create("old");
  ASSERT_OK_AND_ASSIGN(UploadPart part, PutPart(old_upload, 1, RandomBytes(kStripe, 1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  MultipartUpload recent = Create("recent");
  ASSERT_GT(recent.created_ms, old_upload.created_ms);
  ASSERT_OK_AND_ASSIGN(int aborted, store_->AbortMultipartUploadsBefore(recent.created_ms));
  EXPECT_EQ(aborted, 1);
  EXPECT_EQ(BlockFilesOf(part.blob_id), 0);
  ExpectNoSuchUpload(store_->GetMultipartUpload("data", "old", old_upload.upload_id).status());
  ASSERT_OK(store_->GetMultipartUpload("data", "recent", recent.upload_id).status());
  ASSERT_OK_AND_ASSIGN(aborted, store_->AbortMultipartUploadsBefore(recent.created_ms));
  EXPECT_EQ(aborted, 0);
  ASSERT_OK_AND_ASSIGN(aborted, store_->AbortMultipartUploadsBefore(NowMillis() + 1));
  EXPECT_EQ(aborted, 1);
}

TEST_F(ObjectStoreMultipartTest, PartsAndUploadsListInPages) {
  MultipartUpload upload = Create("k");
  for (int n : {5, 1, 9, 3, 7}) ASSERT_OK(PutPart(upload, n, RandomBytes(10 * n, n)).status());
  std::vector<int> numbers;
  int after = 0;
  for (int pages = 0; pages < 10; ++pages) {
    bool truncated = false;
    ASSERT_OK_AND_ASSIGN(auto parts, store_->ListParts(upload, after, 2, &truncated));
    for (const UploadPart& part : parts) {
      numbers.push_back(part.part_number);
      EXPECT_EQ(part.size, 10u * part.part_number);
    }
    if (!truncated) break;
    after = parts.back().part_number;
  }
  EXPECT_EQ(numbers, (std::vector<int>{1, 3, 5, 7, 9}));

  // Uploads: by key, then by creation.
  std::vector<std::string> expected;
  for (const char* key : {"b", "a/2", "b", "a/1", "c"}) {
    MultipartUpload created = Create(key);
    expected.push_back(std::string(key) + " " + created.upload_id);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  expected.push_back(std::string("k ") + upload.upload_id);
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> seen;
  std::string key_marker, id_marker;
  for (int pages = 0; pages < 20; ++pages) {
    ASSERT_OK_AND_ASSIGN(UploadListing page, store_->ListMultipartUploads("data", "", "", key_marker, id_marker, 1));
    for (const MultipartUpload& u : page.uploads) seen.push_back(u.key + " " + u.upload_id);
    if (!page.truncated) break;
    key_marker = page.next_key_marker;
    id_marker = page.next_upload_id_marker;
  }
  EXPECT_EQ(seen, expected);
  ASSERT_OK_AND_ASSIGN(UploadListing top, store_->ListMultipartUploads("data", "", "/", "", "", 100));
  EXPECT_EQ(top.common_prefixes, std::vector<std::string>{"a/"});
  EXPECT_EQ(top.uploads.size(), 4u);
  EXPECT_EQ(top.uploads[0].owner, "alice");
  EXPECT_TRUE(store_->ListMultipartUploads("nope", "", "", "", "", 10).status().IsNotFound());
}

TEST_F(ObjectStoreMultipartTest, UploadsSurviveARestartBetweenParts) {
  const std::string first = RandomBytes(5 * kMiB, 1), second = RandomBytes(77777, 2);
  MultipartUpload upload = Create("k", "CRC32");
  ASSERT_OK_AND_ASSIGN(UploadPart p1, PutPart(upload, 1, first));
  Reopen();
  EXPECT_EQ(store_->recovery().pending_blobs_removed, 0);
  ASSERT_OK_AND_ASSIGN(MultipartUpload again, store_->GetMultipartUpload("data", "k", upload.upload_id));
  EXPECT_EQ(again.owner, "alice");
  EXPECT_EQ(again.checksum_algorithm, "CRC32");
  EXPECT_EQ(again.created_ms, upload.created_ms);
  ASSERT_OK_AND_ASSIGN(UploadPart p2, PutPart(again, 2, second));
  Reopen();
  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(again, List({p1, p2})));
  EXPECT_EQ(object.etag, ExpectedEtag({first, second}));
  ASSERT_OK_AND_ASSIGN(std::string read, Get("k"));
  EXPECT_TRUE(read == first + second);
}

// The system headers given at creation are kept with the upload (across a
// restart) and given to the completed object, as content type and user
// metadata are.
TEST_F(ObjectStoreMultipartTest, SystemHeadersGoFromTheUploadToTheObject) {
  PutOptions options;
  options.content_type = "application/gzip";
  options.headers = {{"cache-control", "no-cache"},
                     {"content-disposition", "attachment; filename=\"logs.tar.gz\""},
                     {"content-encoding", "identity"},
                     {"content-language", "fr"},
                     {"expires", "Fri, 01 Jan 2100 00:00:00 GMT"}};
  ASSERT_OK_AND_ASSIGN(MultipartUpload upload,
                       store_->CreateMultipartUpload("data", "logs.tar.gz", options, "alice", ""));
  EXPECT_EQ(upload.headers, options.headers);
  const std::vector<std::string> data = {RandomBytes(5 * kMiB, 1), RandomBytes(1000, 2)};
  ASSERT_OK_AND_ASSIGN(UploadPart p1, PutPart(upload, 1, data[0]));
  Reopen();
  ASSERT_OK_AND_ASSIGN(MultipartUpload again, store_->GetMultipartUpload("data", "logs.tar.gz", upload.upload_id));
  EXPECT_EQ(again.headers, options.headers);
  ASSERT_OK_AND_ASSIGN(UploadListing listing, store_->ListMultipartUploads("data", "", "", "", "", 10));
  ASSERT_EQ(listing.uploads.size(), 1u);
  EXPECT_EQ(listing.uploads[0].headers, options.headers);
  ASSERT_OK_AND_ASSIGN(UploadPart p2, PutPart(again, 2, data[1]));

  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(again, List({p1, p2})));
  EXPECT_EQ(object.headers, options.headers);
  EXPECT_EQ(object.content_type, "application/gzip");
  ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "logs.tar.gz"));
  EXPECT_EQ(head.headers, options.headers);
  EXPECT_EQ(head.parts.size(), 2u);
  Reopen();
  ASSERT_OK_AND_ASSIGN(head, store_->Head("data", "logs.tar.gz"));
  EXPECT_EQ(head.headers, options.headers);
  ASSERT_OK_AND_ASSIGN(std::string read, Get("logs.tar.gz"));
  EXPECT_TRUE(read == data[0] + data[1]);

  // An upload created without headers completes into an object without them.
  MultipartUpload plain = Create("logs.tar.gz");
  EXPECT_TRUE(plain.headers.empty());
  ASSERT_OK_AND_ASSIGN(UploadPart only, PutPart(plain, 1, data[1]));
  ASSERT_OK_AND_ASSIGN(ObjectRecord replaced, store_->CompleteMultipartUpload(plain, List({only})));
  EXPECT_TRUE(replaced.headers.empty());
  ASSERT_OK_AND_ASSIGN(head, store_->Head("data", "logs.tar.gz"));
  EXPECT_TRUE(head.headers.empty());
}

// The process dies while it streams part 2: its blob is pending with blocks
// and temporaries on the drives. Reopening removes all of that and keeps the
// upload with part 1.
TEST_F(ObjectStoreMultipartTest, ACrashWhileAPartIsWrittenLeavesNothingAfterReopen) {
  const std::string first = RandomBytes(5 * kMiB, 1);
  MultipartUpload upload = Create("k");
  ASSERT_OK_AND_ASSIGN(UploadPart p1, PutPart(upload, 1, first));
  const int blocks = AllBlockFiles();
  store_.reset();

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No gtest assertions here: exit codes say how far it got.
    auto store = ObjectStore::Open(root_);
    if (!store.ok()) _exit(2);
    auto writer = (*store)->NewPart(upload, 2);
    if (!writer.ok()) _exit(3);
    const std::string data = RandomBytes(3 * kStripe + 11, 2);
    if (!(*writer)->Write(AsBytes(data)).ok()) _exit(4);
    _exit(0);  // the crash: no destructor, no abort
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  ASSERT_EQ(WEXITSTATUS(wait_status), 0);
  EXPECT_GT(AllBlockFiles() + AllTemporaries(), blocks) << "the crashed writer left nothing to recover";

  Reopen();
  EXPECT_EQ(store_->recovery().pending_blobs_removed, 1);
  EXPECT_EQ(AllBlockFiles(), blocks);
  EXPECT_EQ(AllTemporaries(), 0);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
  ASSERT_OK_AND_ASSIGN(auto parts, store_->ListParts(upload, 0, 100, nullptr));
  ASSERT_EQ(parts.size(), 1u);
  ASSERT_OK(store_->CompleteMultipartUpload(upload, List(parts)).status());
  ASSERT_OK_AND_ASSIGN(std::string read, Get("k"));
  EXPECT_TRUE(read == first);
}

// As S3: uploads in progress do not keep a bucket; they go with it.
TEST_F(ObjectStoreMultipartTest, DeletingABucketAbortsItsUploads) {
  ASSERT_OK(store_->CreateBucket("scratch"));
  ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("scratch", "k", {}, "", ""));
  ASSERT_OK_AND_ASSIGN(UploadPart part, PutPart(upload, 1, RandomBytes(2 * kStripe, 1)));
  ASSERT_OK(Put("k", "x", "scratch").status());
  EXPECT_EQ(store_->DeleteBucket("scratch").code(), StatusCode::kFailedPrecondition);
  ASSERT_OK(store_->Delete("scratch", "k").status());
  ASSERT_OK(store_->DeleteBucket("scratch"));
  EXPECT_EQ(BlockFilesOf(part.blob_id), 0);
  EXPECT_EQ(AllBlockFiles(), 0);
  ExpectNoSuchUpload(store_->ListParts(upload, 0, 10, nullptr).status());
}

TEST_F(ObjectStoreMultipartTest, ScrubChecksPartBlobsAndLeavesThemAlone) {
  MultipartUpload upload = Create("k");
  const std::string data = RandomBytes(2 * kStripe + 3, 1);
  ASSERT_OK_AND_ASSIGN(UploadPart part, PutPart(upload, 1, data));
  const int blocks = BlockFilesOf(part.blob_id);
  ASSERT_OK_AND_ASSIGN(ScrubReport scrub, store_->maintenance().Scrub(nullptr));
  EXPECT_EQ(scrub.blobs_checked, 1u);
  EXPECT_EQ(scrub.orphans_removed, 0u);
  EXPECT_EQ(scrub.blocks_damaged, 0u);
  EXPECT_EQ(BlockFilesOf(part.blob_id), blocks);

  // A lost block of a part is found and repaired like any other.
  testing::fs::remove_all(DrivePath(0));
  ASSERT_OK_AND_ASSIGN(RepairReport repair, store_->maintenance().Repair(nullptr));
  EXPECT_EQ(repair.blocks_unrepairable, 0u);
  ASSERT_OK(store_->CompleteMultipartUpload(upload, List({part})).status());
  ASSERT_OK_AND_ASSIGN(std::string read, Get("k"));
  EXPECT_TRUE(read == data);
  ASSERT_OK_AND_ASSIGN(scrub, store_->maintenance().Scrub(nullptr));
  EXPECT_EQ(scrub.blocks_damaged, 0u);
}

}  // namespace
}  // namespace strata
