// ListObjects against a brute-force model of S3 listing: for many random
// combinations of prefix, delimiter, start_after and max_keys, every page
// must equal the model's page, and paging with next_start_after must visit
// every entry exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "strata/catalog/catalog.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::MakeBlob;
using testing::MakeObject;
using testing::TempDir;

// One listing entry: a key, or a common prefix.
struct Entry {
  std::string name;
  bool is_prefix = false;
  bool operator==(const Entry&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Entry& entry) {
  return out << (entry.is_prefix ? "prefix " : "key ") << ::testing::PrintToString(entry.name);
}

struct ModelPage {
  std::vector<Entry> entries;
  bool truncated = false;
  std::string next_start_after;
};

// The model: every key after start_after with the prefix, rolled up at the
// first delimiter after the prefix, a common prefix equal to start_after
// dropped; then the first max_keys entries.
ModelPage ModelList(const std::vector<std::string>& sorted_keys, const ListOptions& options) {
  std::vector<Entry> all;
  for (const std::string& key : sorted_keys) {
    if (key.compare(0, options.prefix.size(), options.prefix) != 0) continue;
    if (key <= options.start_after) continue;
    size_t at =
        options.delimiter.empty() ? std::string::npos : key.find(options.delimiter, options.prefix.size());
    if (at == std::string::npos) {
      all.push_back(Entry{key, false});
      continue;
    }
    std::string group = key.substr(0, at + options.delimiter.size());
    if (group == options.start_after) continue;
    if (!all.empty() && all.back().is_prefix && all.back().name == group) continue;
    all.push_back(Entry{group, true});
  }
  ModelPage page;
  const size_t limit = static_cast<size_t>(std::max(options.max_keys, 0));
  page.truncated = all.size() > limit;
  all.resize(std::min(all.size(), limit));
  page.entries = std::move(all);
  if (page.truncated) page.next_start_after = page.entries.back().name;
  return page;
}

// A page's keys and common prefixes merged back into one ordered list.
std::vector<Entry> Entries(const ListPage& page) {
  std::vector<Entry> entries;
  for (const ObjectRecord& object : page.objects) entries.push_back(Entry{object.key, false});
  for (const std::string& prefix : page.common_prefixes) entries.push_back(Entry{prefix, true});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

// About 2,000 keys: nested "directories", keys that equal a directory name
// or end in the delimiter, neighbours of '/' in byte order ('-', '.', '0'),
// repeated delimiters, UTF-8 and bytes 0xFF.
std::vector<std::string> MakeKeys() {
  std::vector<std::string> keys;
  for (int d = 0; d < 10; ++d) {
    for (int s = 0; s < 10; ++s) {
      for (int f = 0; f < 15; ++f) {
        keys.push_back("dir" + std::to_string(d) + "/sub" + std::to_string(s) + "/file" + std::to_string(f) +
                       ".bin");
      }
    }
  }
  for (int i = 0; i < 100; ++i) keys.push_back("top" + std::to_string(i));
  for (int i = 0; i < 40; ++i) keys.push_back("dir3-extra/" + std::to_string(i));
  for (int i = 0; i < 40; ++i) keys.push_back("dir3.x/" + std::to_string(i) + "/leaf");
  for (const char* key : {"dir3", "dir3/", "dir3/sub1/", "dir30", "dir3//double", "dir3/sub1//x", "a", "a/",
                          "a//", "a/b", "a-b", "sub/sub/sub", "\xc3\xa9t\xc3\xa9/juin",
                          "\xe6\x97\xa5/\xe6\x9c\xac", "\xff", "\xff/x", "\xff\xff/y", "z\xff", "z\xff/q"}) {
    keys.push_back(key);
  }
  std::set<std::string> unique(keys.begin(), keys.end());
  std::mt19937 rng(7);
  while (unique.size() < 2100) {
    std::string key = "misc/";
    int depth = 1 + static_cast<int>(rng() % 4);
    for (int level = 0; level < depth; ++level) {
      if (level > 0) key += "/";
      key += static_cast<char>('a' + rng() % 4);
      key += std::to_string(rng() % 6);
    }
    unique.insert(key);
  }
  keys.assign(unique.begin(), unique.end());  // sorted bytewise
  return keys;
}

class CatalogListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(catalog_, Catalog::OpenSqlite(dir_.Sub("catalog.db")));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"data", 0, "", false}));
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"other", 0, "", false}));
  }

  // Commits `keys` into one pack, in one transaction.
  void Fill(const std::string& bucket, const std::vector<std::string>& keys) {
    const std::string pack = "pack-" + bucket;
    ASSERT_OK(catalog_->InsertPendingBlob(MakeBlob(pack, BlobKind::kPack, keys.size())));
    std::vector<ObjectRecord> objects;
    for (size_t i = 0; i < keys.size(); ++i) objects.push_back(MakeObject(bucket, keys[i], "v", pack, 1, i));
    ASSERT_OK_AND_ASSIGN(auto replaced, catalog_->CommitPack(pack, objects));
  }

  // Lists page by page, checking each page against the model, and returns
  // every entry seen.
  std::vector<Entry> ListAll(const ListOptions& first, size_t page_limit) {
    std::vector<Entry> seen;
    ListOptions options = first;
    for (size_t pages = 0; pages < page_limit; ++pages) {
      auto page = catalog_->ListObjects("data", options);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      ModelPage expected = ModelList(keys_, options);
      std::vector<Entry> entries = Entries(*page);
      EXPECT_EQ(entries, expected.entries);
      EXPECT_EQ(page->truncated, expected.truncated);
      EXPECT_EQ(page->next_start_after, expected.next_start_after);
      if (entries != expected.entries) break;
      seen.insert(seen.end(), entries.begin(), entries.end());
      if (!page->truncated) return seen;
      options.start_after = page->next_start_after;
    }
    ADD_FAILURE() << "listing did not finish within " << page_limit << " pages";
    return seen;
  }

  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  std::vector<std::string> keys_ = MakeKeys();
};

TEST_F(CatalogListTest, SmallExample) {
  keys_ = {"a/1", "a/2", "b", "c/1", "c/2/3"};
  Fill("data", keys_);
  ListOptions options;
  options.delimiter = "/";
  options.max_keys = 1;
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", options));
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"a/"});
  EXPECT_TRUE(page.objects.empty());
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_start_after, "a/");

  options.start_after = "a/";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListObjects("data", options));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "b");
  EXPECT_EQ(page.objects[0].etag, "etag-v");
  EXPECT_TRUE(page.truncated);

  options.start_after = "b";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListObjects("data", options));
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"c/"});
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.next_start_after, "");

  options = ListOptions{};
  options.prefix = "c/";
  options.delimiter = "/";
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListObjects("data", options));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "c/1");
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"c/2/"});

  options.max_keys = 0;
  ASSERT_OK_AND_ASSIGN(page, catalog_->ListObjects("data", options));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.truncated);

  EXPECT_EQ(catalog_->ListObjects("nope", ListOptions{}).status().code(), StatusCode::kNotFound);
}

TEST_F(CatalogListTest, ExactlyOnePageIsNotTruncated) {
  keys_ = {"a", "b", "c"};
  Fill("data", keys_);
  ListOptions options;
  options.max_keys = 3;
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", options));
  EXPECT_EQ(page.objects.size(), 3u);
  EXPECT_FALSE(page.truncated);
}

TEST_F(CatalogListTest, OtherBucketsDoNotLeakIn) {
  Fill("data", {"k1", "k2"});
  Fill("other", {"k0", "k3", "k9"});
  ASSERT_OK_AND_ASSIGN(ListPage page, catalog_->ListObjects("data", ListOptions{}));
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].bucket, "data");
  EXPECT_EQ(page.objects[1].key, "k2");
}

TEST_F(CatalogListTest, MatchesModelOverRandomOptions) {
  ASSERT_GE(keys_.size(), 2000u);
  Fill("data", keys_);
  Fill("other", {"dir3/sub1/file1.bin", "top5", "zzz"});

  std::mt19937 rng(20240611);
  auto pick = [&rng](const std::vector<std::string>& choices) { return choices[rng() % choices.size()]; };
  auto random_key = [&] { return keys_[rng() % keys_.size()]; };
  const std::vector<std::string> prefixes = {"",          "",           "dir",   "dir3",  "dir3/",
                                             "dir3/sub1", "dir3/sub1/", "top",   "misc/", "a",
                                             "nope",      "\xff",       "z\xff", "\xc3"};
  const std::vector<std::string> delimiters = {"", "/", "/", "/", "-", "sub", "/sub", "e", "//"};
  const std::vector<int> page_sizes = {1, 2, 3, 7, 50, 1000, 5000};

  for (int round = 0; round < 250; ++round) {
    ListOptions options;
    options.prefix = pick(prefixes);
    if (rng() % 4 == 0) options.prefix = random_key().substr(0, rng() % 8);
    options.delimiter = pick(delimiters);
    switch (rng() % 5) {
      case 0:
        break;  // no start_after
      case 1:
        options.start_after = random_key();
        break;
      case 2:
        options.start_after = random_key().substr(0, 1 + rng() % 10);
        break;
      case 3:
        options.start_after = pick({"dir3/", "dir3/sub1/", "misc/a1/", "a/", "top", "\xff", "dir3-"});
        break;
      case 4:
        options.start_after = random_key() + "\x01";
        break;
    }
    options.max_keys = page_sizes[rng() % page_sizes.size()];
    SCOPED_TRACE("round " + std::to_string(round) + ": prefix '" + options.prefix + "' delimiter '" +
                 options.delimiter + "' start_after '" + options.start_after + "' max_keys " +
                 std::to_string(options.max_keys));

    ListOptions everything = options;
    everything.max_keys = 1 << 30;
    std::vector<Entry> expected = ModelList(keys_, everything).entries;
    std::vector<Entry> seen = ListAll(options, keys_.size() + 2);
    ASSERT_EQ(seen, expected);
  }
}

}  // namespace
}  // namespace strata
