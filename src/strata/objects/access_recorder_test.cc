#include "strata/objects/access_recorder.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

class AccessRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::OpenSqlite(dir_.Sub("catalog.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"sim", 0, "", false}));
    ASSERT_OK(catalog_->PutDataset({"all", "sim", "", 0}));
    ASSERT_OK(catalog_->PutDataset({"run1", "sim", "run1/", 0}));
    ASSERT_OK(catalog_->PutDataset({"run1-raw", "sim", "run1/raw/", 0}));
  }
  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  int64_t now_ms_ = 20000 * 86'400'000LL + 5;  // day 20000
};

TEST_F(AccessRecorderTest, CountsGoToTheLongestPrefixPerDay) {
  AccessRecorder recorder(catalog_.get(), std::chrono::hours(1), [this] { return now_ms_; });
  ASSERT_OK(recorder.Reload());
  EXPECT_EQ(recorder.DatasetOf("sim", "run1/raw/x"), "run1-raw");
  EXPECT_EQ(recorder.DatasetOf("sim", "run1/y"), "run1");
  EXPECT_EQ(recorder.DatasetOf("sim", "run2/y"), "all");
  EXPECT_EQ(recorder.DatasetOf("other", "run1/y"), "");
  recorder.Record("sim", "run1/a", AccessKind::kRead);
  recorder.Record("sim", "run1/a", AccessKind::kQuery);
  recorder.Record("sim", "run1/raw/b", AccessKind::kRead);
  recorder.Record("other", "x", AccessKind::kRead);
  recorder.Record("sim", "run1/a", AccessKind::kInternal);  // indexing, planning: not counted
  now_ms_ += 86'400'000;
  recorder.Record("sim", "run1/a", AccessKind::kRead);
  // Nothing reaches the catalog before a flush.
  ASSERT_OK_AND_ASSIGN(auto rows, catalog_->ListDatasetAccess(0, 100000));
  EXPECT_TRUE(rows.empty());
  ASSERT_OK(recorder.Flush());
  ASSERT_OK_AND_ASSIGN(rows, catalog_->ListDatasetAccess(0, 100000));
  EXPECT_EQ(rows, (std::vector<DatasetAccess>{{"run1", 20000, 1, 1}, {"run1", 20001, 1, 0}, {"run1-raw", 20000, 1, 0}}));
}

TEST_F(AccessRecorderTest, FlushesOnItsOwnOnceTheIntervalPassed) {
  AccessRecorder recorder(catalog_.get(), std::chrono::seconds(0), [this] { return now_ms_; });
  ASSERT_OK(recorder.Reload());
  recorder.Record("sim", "run1/a", AccessKind::kRead);
  ASSERT_OK_AND_ASSIGN(auto rows, catalog_->ListDatasetAccess(0, 100000));
  EXPECT_EQ(rows, (std::vector<DatasetAccess>{{"run1", 20000, 1, 0}}));
}

// A failed flush keeps its counts; the next one writes them with the new.
TEST_F(AccessRecorderTest, FailedFlushKeepsTheCounts) {
  AccessRecorder recorder(catalog_.get(), std::chrono::hours(1), [this] { return now_ms_; });
  ASSERT_OK(recorder.Reload());
  recorder.Record("sim", "run1/a", AccessKind::kRead);
  // Another program makes the table refuse writes for a moment.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.Sub("catalog.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER refuse BEFORE INSERT ON dataset_access BEGIN SELECT RAISE(ABORT, 'full'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_FALSE(recorder.Flush().ok());
  ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER refuse", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  recorder.Record("sim", "run1/a", AccessKind::kQuery);
  ASSERT_OK(recorder.Flush());
  ASSERT_OK_AND_ASSIGN(auto rows, catalog_->ListDatasetAccess(0, 100000));
  EXPECT_EQ(rows, (std::vector<DatasetAccess>{{"run1", 20000, 1, 1}}));
}

}  // namespace
}  // namespace strata
