// Shared fixture for the ObjectStore tests: a store initialised in a TempDir
// (one node, six drives by default, 4+2 with 64 KiB units), opened through a
// FaultInjectingFileSystem that has no rules until a test adds some, with a
// bucket "data"; helpers put objects in random chunks, read them back, and
// count block files on the drives.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "strata/base/fault_injection.h"
#include "strata/node/local_node_test_util.h"
#include "strata/objects/object_store.h"

namespace strata::testing {

// MD5 hex computed straight with OpenSSL, independent of strata::Md5.
inline std::string Md5Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

class ObjectStoreTest : public ::testing::Test {
 public:
  static constexpr uint64_t kUnit = 64 << 10;
  static constexpr uint64_t kStripe = 4 * kUnit;

 protected:
  ObjectStoreTest() : faults_(PosixFileSystem::Default()) {}

  // Tests may change these before calling Create().
  virtual void Configure(InitOptions& options) {}

  void SetUp() override { Create(); }

  void Create() {
    InitOptions options;
    options.config.unit_size = kUnit;
    options.config.level1 = CodeSpec{1, 0};
    options.config.level2 = CodeSpec{4, 2};
    options.nodes = 1;
    options.drives_per_node = 6;
    Configure(options);
    drives_ = options.drives_per_node;
    root_ = dir_.Sub("store");
    ASSERT_OK(ObjectStore::Init(root_, options));
    Reopen();
    ASSERT_OK(store_->CreateBucket("data"));
  }

  void Reopen() {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(store_, ObjectStore::Open(root_, &faults_));
  }

  // Puts `data` under `key`, writing it in chunks of random size.
  Result<ObjectRecord> Put(const std::string& key, const std::string& data, const std::string& bucket = "data") {
    ASSIGN_OR_RETURN(auto writer, store_->NewObject(bucket, key));
    RETURN_IF_ERROR(WriteInChunks(*writer, data));
    return writer->Commit();
  }

  // Writes `data` in chunks of random size.
  Status WriteInChunks(StreamingWriter& writer, const std::string& data) {
    std::uniform_int_distribution<size_t> chunk(1, std::max<size_t>(1, data.size() / 3 + 1));
    for (size_t at = 0; at < data.size();) {
      const size_t take = std::min(chunk(rng_), data.size() - at);
      RETURN_IF_ERROR(writer.Write(AsBytes(data).subspan(at, take)));
      at += take;
    }
    return Status::OK();
  }

  // Puts and remembers the bytes in `files_`, for CheckAllFiles().
  void PutFile(const std::string& key, const std::string& data) {
    auto put = Put(key, data);
    ASSERT_TRUE(put.ok()) << key << ": " << put.status().ToString();
    files_[key] = data;
  }

  Result<std::string> Get(const std::string& key, const std::string& bucket = "data") {
    ASSIGN_OR_RETURN(auto reader, store_->OpenObject(bucket, key));
    std::string out(reader->record().size, '\0');
    RETURN_IF_ERROR(reader->Read(0, std::as_writable_bytes(std::span(out.data(), out.size()))));
    RETURN_IF_ERROR(reader->Close());
    return out;
  }

  // Every file put through PutFile reads back identical, with a matching ETag.
  void CheckAllFiles() {
    for (const auto& [key, data] : files_) {
      auto got = Get(key);
      ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
      EXPECT_TRUE(*got == data) << key << " differs";
      auto head = store_->Head("data", key);
      ASSERT_TRUE(head.ok()) << key;
      EXPECT_EQ(head->etag, Md5Hex(data)) << key;
    }
  }

  std::string DrivePath(int drive) const { return root_ + "/drives/d" + std::to_string(drive + 1); }
  int BlockFiles(int drive) const { return CountFiles(DrivePath(drive) + "/blocks"); }
  int AllBlockFiles() const {
    int n = 0;
    for (int d = 0; d < drives_; ++d) n += BlockFiles(d);
    return n;
  }
  int AllTemporaries() const {
    int n = 0;
    for (int d = 0; d < drives_; ++d) n += CountFiles(DrivePath(d) + "/tmp");
    return n;
  }
  uint64_t AllBlockBytes() const {
    uint64_t n = 0;
    for (int d = 0; d < drives_; ++d) {
      std::error_code ec;
      if (!fs::exists(DrivePath(d) + "/blocks", ec)) continue;
      for (const auto& entry : fs::recursive_directory_iterator(DrivePath(d) + "/blocks")) {
        if (entry.is_regular_file()) n += entry.file_size();
      }
    }
    return n;
  }
  // Block files of one blob on every drive.
  int BlockFilesOf(const std::string& blob_id) const {
    int n = 0;
    for (int d = 0; d < drives_; ++d) {
      const std::string shard = DrivePath(d) + "/blocks/" + blob_id.substr(0, 2);
      std::error_code ec;
      if (!fs::exists(shard, ec)) continue;
      for (const auto& entry : fs::directory_iterator(shard)) {
        n += entry.path().filename().string().rfind(blob_id, 0) == 0 ? 1 : 0;
      }
    }
    return n;
  }
  std::vector<std::string> AllBlockPaths() const {
    std::vector<std::string> out;
    for (int d = 0; d < drives_; ++d) {
      std::error_code ec;
      if (!fs::exists(DrivePath(d) + "/blocks", ec)) continue;
      for (const auto& entry : fs::recursive_directory_iterator(DrivePath(d) + "/blocks")) {
        if (entry.is_regular_file()) out.push_back(entry.path().string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  size_t BlobCount(BlobState state) {
    auto blobs = store_->catalog().ListBlobs(state);
    EXPECT_TRUE(blobs.ok());
    return blobs.ok() ? blobs->size() : 0;
  }

  TempDir dir_;
  FaultInjectingFileSystem faults_;  // outlives store_
  std::string root_;
  int drives_ = 6;
  std::mt19937_64 rng_{1234};
  std::map<std::string, std::string> files_;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace strata::testing
