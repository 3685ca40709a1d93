// ListUploads against a brute-force model of S3's ListMultipartUploads: for
// random prefixes, delimiters, markers and page sizes every page must equal
// the model's, and paging with the next markers must visit every entry once.
// Keys have several uploads each, so pages also end inside one key's uploads.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "strata/catalog/catalog.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::TempDir;

// An upload (key and id) or a common prefix (key only).
struct Entry {
  std::string key;
  std::string upload_id;
  bool is_prefix = false;
  bool operator==(const Entry&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Entry& entry) {
  if (entry.is_prefix) return out << "prefix " << ::testing::PrintToString(entry.key);
  return out << "upload " << ::testing::PrintToString(entry.key) << " " << entry.upload_id;
}

struct ModelPage {
  std::vector<Entry> entries;
  bool truncated = false;
  std::string next_key_marker, next_upload_id_marker;
};

// `uploads` sorted by (key, upload_id). The model: every upload after the
// markers with the prefix, rolled up at the first delimiter after the prefix,
// a common prefix equal to key_marker dropped; then the first max_uploads.
ModelPage ModelList(const std::vector<Entry>& uploads, const UploadListOptions& options) {
  std::vector<Entry> all;
  for (const Entry& upload : uploads) {
    if (upload.key.compare(0, options.prefix.size(), options.prefix) != 0) continue;
    if (!options.upload_id_marker.empty()) {
      if (std::tie(upload.key, upload.upload_id) <= std::tie(options.key_marker, options.upload_id_marker)) continue;
    } else if (upload.key <= options.key_marker) {
      continue;
    }
    size_t at = options.delimiter.empty() ? std::string::npos
                                          : upload.key.find(options.delimiter, options.prefix.size());
    if (at == std::string::npos) {
      all.push_back(upload);
      continue;
    }
    std::string group = upload.key.substr(0, at + options.delimiter.size());
    if (group == options.key_marker) continue;
    if (!all.empty() && all.back().is_prefix && all.back().key == group) continue;
    all.push_back(Entry{group, "", true});
  }
  ModelPage page;
  const size_t limit = static_cast<size_t>(std::max(options.max_uploads, 0));
  page.truncated = all.size() > limit;
  all.resize(std::min(all.size(), limit));
  page.entries = std::move(all);
  if (page.truncated) {
    page.next_key_marker = page.entries.back().key;
    page.next_upload_id_marker = page.entries.back().upload_id;
  }
  return page;
}

std::vector<Entry> Entries(const UploadListing& page) {
  std::vector<Entry> entries;
  for (const MultipartUpload& upload : page.uploads) entries.push_back(Entry{upload.key, upload.upload_id, false});
  for (const std::string& prefix : page.common_prefixes) entries.push_back(Entry{prefix, "", true});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.key, a.upload_id) < std::tie(b.key, b.upload_id);
  });
  return entries;
}

class CatalogUploadsListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(dir_.Sub("catalog.db")));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"other", 0, "", false}));
  }

  // Creates uploads of `keys` in the given order; ids sort by creation.
  void Fill(const std::string& bucket, const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      char id[16];
      std::snprintf(id, sizeof(id), "u%05d", next_id_++);
      MultipartUpload upload;
      upload.upload_id = id;
      upload.bucket = bucket;
      upload.key = key;
      ASSERT_OK(catalog_->CreateUpload(upload));
      if (bucket == "data") uploads_.push_back(Entry{key, id, false});
    }
    std::sort(uploads_.begin(), uploads_.end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.key, a.upload_id) < std::tie(b.key, b.upload_id);
    });
  }

  std::vector<Entry> ListAll(const UploadListOptions& first, size_t page_limit) {
    std::vector<Entry> seen;
    UploadListOptions options = first;
    for (size_t pages = 0; pages < page_limit; ++pages) {
      auto page = catalog_->ListUploads("data", options);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      ModelPage expected = ModelList(uploads_, options);
      std::vector<Entry> entries = Entries(*page);
      EXPECT_EQ(entries, expected.entries);
      EXPECT_EQ(page->truncated, expected.truncated);
      EXPECT_EQ(page->next_key_marker, expected.next_key_marker);
      EXPECT_EQ(page->next_upload_id_marker, expected.next_upload_id_marker);
      if (entries != expected.entries) break;
      seen.insert(seen.end(), entries.begin(), entries.end());
      if (!page->truncated) return seen;
      options.key_marker = page->next_key_marker;
      options.upload_id_marker = page->next_upload_id_marker;
    }
    ADD_FAILURE() << "listing did not finish within " << page_limit << " pages";
    return seen;
  }

  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  std::vector<Entry> uploads_;  // of bucket "data", sorted
  int next_id_ = 0;
};

TEST_F(CatalogUploadsListTest, SmallExample) {
  Fill("data", {"b", "a/1", "b", "a/2", "c"});  // u00000 .. u00004
  UploadListOptions options;
  options.max_uploads = 2;
  ASSERT_OK_AND_ASSIGN(UploadListing page, catalog_->ListUploads("data", options));
  ASSERT_EQ(page.uploads.size(), 2u);
  EXPECT_EQ(page.uploads[0].key, "a/1");
  EXPECT_EQ(page.uploads[1].key, "a/2");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_key_marker, "a/2");
  EXPECT_EQ(page.next_upload_id_marker, "u00003");

  // Within one key's uploads: oldest first.
  options.key_marker = "a/2";
  options.upload_id_marker = "u00003";
  options.max_uploads = 1;
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploads("data", options));
  ASSERT_EQ(page.uploads.size(), 1u);
  EXPECT_EQ(page.uploads[0].upload_id, "u00000");
  options.key_marker = "b";
  options.upload_id_marker = "u00000";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploads("data", options));
  ASSERT_EQ(page.uploads.size(), 1u);
  EXPECT_EQ(page.uploads[0].upload_id, "u00002");
  // A key marker alone skips every upload of that key.
  options.upload_id_marker = "";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploads("data", options));
  ASSERT_EQ(page.uploads.size(), 1u);
  EXPECT_EQ(page.uploads[0].key, "c");
  EXPECT_FALSE(page.truncated);

  options = UploadListOptions{};
  options.delimiter = "/";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListUploads("data", options));
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a/"});
  EXPECT_EQ(page.uploads.size(), 3u);
  EXPECT_EQ(catalog_->ListUploads("nope", options).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogUploadsListTest, MatchesModelOverRandomOptions) {
  std::mt19937 rng(11);
  std::vector<std::string> keys;
  for (int i = 0; i < 150; ++i) {
    std::string key;
    int depth = 1 + static_cast<int>(rng() % 3);
    for (int level = 0; level < depth; ++level) {
      if (level > 0) key += "/";
      key += static_cast<char>('a' + rng() % 3);
      key += std::to_string(rng() % 3);
    }
    keys.push_back(key);
  }
  for (const char* key : {"a0/", "a0//b", "b1-x", "\xff", "\xff/z", "c2/\xc3\xa9"}) keys.push_back(key);
  std::vector<std::string> order;
  for (const std::string& key : keys) {
    for (int copies = 1 + static_cast<int>(rng() % 3); copies > 0; --copies) order.push_back(key);
  }
  std::shuffle(order.begin(), order.end(), rng);
  Fill("data", order);
  Fill("other", {"a0", "b1/x", "zzz"});

  auto pick = [&rng](const std::vector<std::string>& choices) { return choices[rng() % choices.size()]; };
  const std::vector<std::string> prefixes = {"", "", "a", "a0", "a0/", "b1/", "c", "nope", "\xff"};
  const std::vector<std::string> delimiters = {"", "", "/", "/", "1", "//", "-"};
  const std::vector<int> page_sizes = {1, 2, 3, 10, 1000};
  for (int round = 0; round < 150; ++round) {
    UploadListOptions options;
    options.prefix = pick(prefixes);
    options.delimiter = pick(delimiters);
    const Entry& marker = uploads_[rng() % uploads_.size()];
    switch (rng() % 4) {
      case 0:
        break;
      case 1:
        options.key_marker = marker.key;
        break;
      case 2:
        options.key_marker = marker.key;
        options.upload_id_marker = marker.upload_id;
        break;
      case 3:
        options.key_marker = pick({"a0/", "a", "b1/", "c2/c"});
        break;
    }
    options.max_uploads = page_sizes[rng() % page_sizes.size()];
    SCOPED_TRACE("round " + std::to_string(round) + ": prefix '" + options.prefix + "' delimiter '" +
                 options.delimiter + "' key_marker '" + options.key_marker + "' upload_id_marker '" +
                 options.upload_id_marker + "' max_uploads " + std::to_string(options.max_uploads));
    UploadListOptions everything = options;
    everything.max_uploads = 1 << 30;
    std::vector<Entry> expected = ModelList(uploads_, everything).entries;
    ASSERT_EQ(ListAll(options, uploads_.size() + 2), expected);
  }
}

}  // namespace
}  // namespace strata
