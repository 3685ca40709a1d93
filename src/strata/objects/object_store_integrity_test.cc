// Integrity at the edges of the object store: a Content-MD5 checked at commit
// (a mismatch commits nothing and leaves the previous version), checksums
// stored and returned (the composite of a multipart object computed here
// independently), bucket owners and ACL kept across restarts, and readers
// that keep their blocks while the object is overwritten, deleted and
// collected under them.
#include "strata/objects/object_store.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

#include "strata/objects/object_store_test_util.h"

namespace strata {
namespace {

using testing::AsBytes;
using testing::Md5Hex;
using testing::RandomBytes;

std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(n);
  return out;
}

std::array<std::byte, 16> Md5Of(const std::string& data) {
  const std::string raw = Digest(EVP_md5(), data);
  std::array<std::byte, 16> md5;
  std::memcpy(md5.data(), raw.data(), md5.size());
  return md5;
}

class ObjectStoreIntegrityTest : public testing::ObjectStoreTest {
 protected:
  Result<ObjectRecord> PutWith(const std::string& key, const std::string& data,
                               const std::function<void(StreamingWriter&)>& prepare) {
    ASSIGN_OR_RETURN(auto writer, store_->NewObject("data", key));
    prepare(*writer);
    RETURN_IF_ERROR(writer->Write(AsBytes(data)));
    return writer->Commit();
  }
};

TEST_F(ObjectStoreIntegrityTest, AContentMd5MismatchCommitsNothing) {
  for (uint64_t size : {uint64_t{100}, 3 * kStripe + 1}) {
    SCOPED_TRACE(size);
    const std::string key = "k" + std::to_string(size);
    const std::string v1 = RandomBytes(size, 1), v2 = RandomBytes(size, 2);
    ASSERT_OK_AND_ASSIGN(ObjectRecord first, Put(key, v1));
    const int blocks = AllBlockFiles();

    auto refused = PutWith(key, v2, [&](StreamingWriter& w) { w.ExpectMd5(Md5Of(v1)); });
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(IsDigestMismatch(refused.status())) << refused.status().ToString();
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("Content-MD5 mismatch"), std::string::npos);
    EXPECT_FALSE(MultipartErrorOf(refused.status()).has_value());
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
    EXPECT_EQ(head.version_id, first.version_id);
    ASSERT_OK_AND_ASSIGN(std::string read, Get(key));
    EXPECT_TRUE(read == v1);
    EXPECT_EQ(AllBlockFiles(), blocks);
    EXPECT_EQ(AllTemporaries(), 0);
    EXPECT_EQ(BlobCount(BlobState::kPending), 0u);

    ASSERT_OK_AND_ASSIGN(ObjectRecord second, PutWith(key, v2, [&](StreamingWriter& w) { w.ExpectMd5(Md5Of(v2)); }));
    EXPECT_EQ(second.etag, Md5Hex(v2));
    ASSERT_OK_AND_ASSIGN(read, Get(key));
    EXPECT_TRUE(read == v2);
  }

  // A part with a mismatch is not uploaded.
  ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("data", "mp", {}, "", ""));
  const int blocks = AllBlockFiles();
  ASSERT_OK_AND_ASSIGN(auto part, store_->NewPart(upload, 1));
  part->ExpectMd5(Md5Of("something else"));
  ASSERT_OK(part->Write(AsBytes(RandomBytes(2 * kStripe, 3))));
  EXPECT_TRUE(IsDigestMismatch(part->Commit().status()));
  ASSERT_OK_AND_ASSIGN(auto parts, store_->ListParts(upload, 0, 10, nullptr));
  EXPECT_TRUE(parts.empty());
  EXPECT_EQ(AllBlockFiles(), blocks);
  EXPECT_EQ(BlobCount(BlobState::kPending), 0u);
}

TEST_F(ObjectStoreIntegrityTest, ChecksumsAreStoredAndReturned) {
  for (uint64_t size : {uint64_t{10}, 2 * kStripe + 5}) {
    SCOPED_TRACE(size);
    const std::string key = "k" + std::to_string(size);
    const std::string data = RandomBytes(size, size);
    const std::string sha256 = Base64(Digest(EVP_sha256(), data));
    ASSERT_OK_AND_ASSIGN(ObjectRecord put, PutWith(key, data, [&](StreamingWriter& w) {
                           w.SetChecksum("sha256", sha256);
                           w.SetChecksum("CRC32C", "yZRlqg==");
                         }));
    const std::map<std::string, std::string> expected = {{"CRC32C", "yZRlqg=="}, {"SHA256", sha256}};
    EXPECT_EQ(put.checksums, expected);
    ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", key));
    EXPECT_EQ(head.checksums, expected);
  }
  Reopen();
  ListOptions options;
  options.prefix = "k";
  ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("data", options));
  ASSERT_EQ(page.objects.size(), 2u);
  for (const ObjectRecord& object : page.objects) EXPECT_EQ(object.checksums.size(), 2u) << object.key;

  // Refused at commit, committing nothing.
  for (auto [algorithm, value] : std::vector<std::pair<std::string, std::string>>{
           {"MD5", "AAAAAA=="}, {"CRC32", "not base64!"}, {"CRC32", "AAAAAAAA"}, {"SHA1", "AAAAAA=="}}) {
    SCOPED_TRACE(algorithm + " " + value);
    auto refused = PutWith("bad", "bytes", [&](StreamingWriter& w) { w.SetChecksum(algorithm, value); });
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(IsDigestMismatch(refused.status()));
    EXPECT_TRUE(store_->Head("data", "bad").status().IsNotFound());
  }
}

TEST_F(ObjectStoreIntegrityTest, MultipartObjectsGetTheCompositeChecksum) {
  const std::vector<std::string> data = {RandomBytes(5 << 20, 1), RandomBytes(1000, 2)};
  ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("data", "k", {}, "", "sha256"));
  EXPECT_EQ(upload.checksum_algorithm, "SHA256");
  std::vector<CompletePart> listed;
  std::string raw_digests;
  for (int n = 1; n <= 2; ++n) {
    const std::string digest = Digest(EVP_sha256(), data[n - 1]);
    raw_digests += digest;
    ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(upload, n));
    writer->SetChecksum("SHA256", Base64(digest));
    ASSERT_OK(writer->Write(AsBytes(data[n - 1])));
    ASSERT_OK_AND_ASSIGN(UploadPart part, writer->Commit());
    EXPECT_EQ(part.checksums.at("SHA256"), Base64(digest));
    listed.push_back(CompletePart{n, part.etag});
  }
  ASSERT_OK_AND_ASSIGN(auto parts, store_->ListParts(upload, 0, 10, nullptr));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].checksums.at("SHA256"), Base64(Digest(EVP_sha256(), data[1])));

  ASSERT_OK_AND_ASSIGN(ObjectRecord object, store_->CompleteMultipartUpload(upload, listed));
  const std::string composite = Base64(Digest(EVP_sha256(), raw_digests)) + "-2";
  EXPECT_EQ(object.checksums, (std::map<std::string, std::string>{{"SHA256", composite}}));
  ASSERT_OK_AND_ASSIGN(ObjectRecord head, store_->Head("data", "k"));
  EXPECT_EQ(head.checksums, object.checksums);
  EXPECT_EQ(head.parts[0].checksums.at("SHA256"), Base64(Digest(EVP_sha256(), data[0])));

  // Without a checksum on every part there is no composite.
  ASSERT_OK_AND_ASSIGN(MultipartUpload second, store_->CreateMultipartUpload("data", "k2", {}, "", "CRC32"));
  ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(second, 1));
  ASSERT_OK(writer->Write(AsBytes(data[1])));
  ASSERT_OK_AND_ASSIGN(UploadPart bare, writer->Commit());
  ASSERT_OK_AND_ASSIGN(object, store_->CompleteMultipartUpload(second, {{1, bare.etag}}));
  EXPECT_TRUE(object.checksums.empty());

  EXPECT_EQ(store_->CreateMultipartUpload("data", "k3", {}, "", "MD5").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ObjectStoreIntegrityTest, BucketOwnerAndAclSurviveARestart) {
  ASSERT_OK(store_->CreateBucket("alice-photos", BucketOptions{"alice", true}));
  ASSERT_OK(store_->CreateBucket("admin-stuff"));
  ASSERT_OK(store_->SetBucketPublicRead("data", true));
  EXPECT_TRUE(store_->SetBucketPublicRead("nope", true).IsNotFound());
  EXPECT_EQ(store_->CreateBucket("Bad_Name", BucketOptions{"alice", false}).code(), StatusCode::kInvalidArgument);
  Reopen();
  ASSERT_OK_AND_ASSIGN(BucketRecord photos, store_->GetBucket("alice-photos"));
  EXPECT_EQ(photos.owner, "alice");
  EXPECT_TRUE(photos.public_read);
  ASSERT_OK_AND_ASSIGN(BucketRecord admin, store_->GetBucket("admin-stuff"));
  EXPECT_EQ(admin.owner, "");
  EXPECT_FALSE(admin.public_read);
  ASSERT_OK_AND_ASSIGN(BucketRecord data, store_->GetBucket("data"));
  EXPECT_TRUE(data.public_read);
  EXPECT_TRUE(store_->GetBucket("nope").status().IsNotFound());
}

// Open, overwrite or delete, collect: the reader still reads every old byte.
// Its close lets the next collection (which the close itself runs) take the
// blocks.
TEST_F(ObjectStoreIntegrityTest, AReaderKeepsItsBlocksUntilItCloses) {
  const std::string big = RandomBytes(4 * kStripe + 3, 1), small = RandomBytes(300, 2);
  ASSERT_OK_AND_ASSIGN(ObjectRecord big_record, Put("big", big));
  ASSERT_OK_AND_ASSIGN(ObjectRecord small_record, Put("small", small));  // alone in its pack
  ASSERT_OK_AND_ASSIGN(auto big_reader, store_->OpenObject("data", "big"));
  ASSERT_OK_AND_ASSIGN(auto second_reader, store_->OpenObject("data", "big"));
  ASSERT_OK_AND_ASSIGN(auto small_reader, store_->OpenObject("data", "small"));

  ASSERT_OK(Put("big", RandomBytes(kStripe, 3)).status());
  ASSERT_OK(store_->Delete("data", "small").status());
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_GT(BlockFilesOf(big_record.blob_id), 0);
  EXPECT_GT(BlockFilesOf(small_record.blob_id), 0);
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 2u);

  std::string out(big.size(), '\0');
  ASSERT_OK(big_reader->Read(0, std::as_writable_bytes(std::span(out.data(), out.size()))));
  EXPECT_TRUE(out == big);
  out.assign(small.size(), '\0');
  ASSERT_OK(small_reader->Read(0, std::as_writable_bytes(std::span(out.data(), out.size()))));
  EXPECT_TRUE(out == small);

  ASSERT_OK(big_reader->Close());
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_GT(BlockFilesOf(big_record.blob_id), 0) << "another reader still holds the blob";
  out.assign(big.size(), '\0');
  ASSERT_OK(second_reader->Read(0, std::as_writable_bytes(std::span(out.data(), out.size()))));
  EXPECT_TRUE(out == big);
  second_reader.reset();  // closes
  small_reader.reset();
  EXPECT_EQ(BlockFilesOf(big_record.blob_id), 0);
  EXPECT_EQ(BlockFilesOf(small_record.blob_id), 0);
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_TRUE(store_->catalog().GetBlob(big_record.blob_id).status().IsNotFound());

  // The same for the part blobs of a multipart object.
  const int blocks_before = AllBlockFiles();
  ASSERT_OK_AND_ASSIGN(MultipartUpload upload, store_->CreateMultipartUpload("data", "mp", {}, "", ""));
  const std::string p1 = RandomBytes(5 << 20, 4), p2 = RandomBytes(kStripe, 5);
  std::vector<CompletePart> listed;
  for (int n = 1; n <= 2; ++n) {
    ASSERT_OK_AND_ASSIGN(auto writer, store_->NewPart(upload, n));
    ASSERT_OK(writer->Write(AsBytes(n == 1 ? p1 : p2)));
    ASSERT_OK_AND_ASSIGN(UploadPart part, writer->Commit());
    listed.push_back(CompletePart{n, part.etag});
  }
  ASSERT_OK(store_->CompleteMultipartUpload(upload, listed).status());
  const int blocks = AllBlockFiles();
  ASSERT_OK_AND_ASSIGN(auto mp_reader, store_->OpenObject("data", "mp"));
  ASSERT_OK(store_->Delete("data", "mp").status());
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_EQ(AllBlockFiles(), blocks);
  out.assign(p1.size() + p2.size(), '\0');
  ASSERT_OK(mp_reader->Read(0, std::as_writable_bytes(std::span(out.data(), out.size()))));
  EXPECT_TRUE(out == p1 + p2);
  ASSERT_OK(mp_reader->Close());
  EXPECT_EQ(AllBlockFiles(), blocks_before);
}

// One thread overwrites a key again and again while two others open and read
// it whole: every read succeeds and returns exactly the version it opened.
TEST_F(ObjectStoreIntegrityTest, ConcurrentReadersAlwaysSeeAWholeVersion) {
  ASSERT_OK(Put("k", RandomBytes(2 * kStripe, 0)).status());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failures{0};
  auto read_loop = [&] {
    while (!done.load()) {
      auto reader = store_->OpenObject("data", "k");
      if (!reader.ok()) {
        ++failures;
        continue;
      }
      std::string out((*reader)->record().size, '\0');
      Status st = (*reader)->Read(0, std::as_writable_bytes(std::span(out.data(), out.size())));
      if (!st.ok() || Md5Hex(out) != (*reader)->record().etag || !(*reader)->Close().ok()) ++failures;
      ++reads;
    }
  };
  std::thread first(read_loop), second(read_loop);
  for (int i = 1; i <= 25; ++i) {
    Status put = store_->PutBytes("data", "k", AsBytes(RandomBytes(2 * kStripe + i, i))).status();
    if (!put.ok()) ++failures;
  }
  done = true;
  first.join();
  second.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  ASSERT_OK(store_->CollectGarbage());
  EXPECT_EQ(BlobCount(BlobState::kDeleting), 0u);
  EXPECT_EQ(BlobCount(BlobState::kCommitted), 1u);
}

}  // namespace
}  // namespace strata
