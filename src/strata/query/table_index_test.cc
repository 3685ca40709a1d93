// IndexTables and BackgroundIndexer over a real store (one node, 4+2, 64 KiB
// units): an aligned table gets one index file per data drive and queries
// answer the same with and without it, counting the row groups it answered;
// a prefix skips a table that is not aligned and names it; the background
// indexer takes only Parquet keys, survives missing ones and stops cleanly.
#include "strata/query/table_index.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "strata/parquet/aligned_writer.h"
#include "strata/query/background_indexer.h"
#include "strata/query/query_engine.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata::query {
namespace {

constexpr uint32_t kUnit = 64 << 10;

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

// Rows of id int64 and ke double, aligned for `unit_size`.
std::string MakeTable(uint32_t unit_size, size_t rows) {
  std::vector<parquet::ColumnVector> columns = {parquet::ColumnVector(parquet::Type::kInt64),
                                                parquet::ColumnVector(parquet::Type::kDouble)};
  for (size_t r = 0; r < rows; ++r) {
    columns[0].int64s.push_back(static_cast<int64_t>(r));
    columns[1].doubles.push_back(static_cast<double>((r * 2654435761u) % 100000) / 1e5);
  }
  StringSink sink;
  parquet::AlignedWriterOptions options;
  options.unit_size = unit_size;
  options.codec = parquet::Codec::kUncompressed;
  parquet::AlignedWriter writer({{"id", parquet::Type::kInt64, false}, {"ke", parquet::Type::kDouble, false}},
                                options, &sink);
  EXPECT_TRUE(writer.Append(columns).ok());
  EXPECT_TRUE(writer.Finish().ok());
  return std::move(sink.data);
}

class CollectingSink : public ResultSink {
 public:
  Status Begin(const std::vector<std::string>&, const std::vector<table::Type>&) override { return Status::OK(); }
  Status Rows(const std::vector<table::ColumnVector>& columns) override {
    for (int64_t id : columns[0].int64s) ids.push_back(id);
    return Status::OK();
  }
  Status End(const QueryStats&) override { return Status::OK(); }
  std::vector<int64_t> ids;
};

class TableIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitOptions options;
    options.config.unit_size = kUnit;
    options.config.level1 = CodeSpec{1, 0};
    options.config.level2 = CodeSpec{4, 2};
    options.drives_per_node = 6;
    root_ = dir_.Sub("store");
    ASSERT_OK(ObjectStore::Init(root_, options));
    ASSERT_OK_AND_ASSIGN(store_, ObjectStore::Open(root_));
    ASSERT_OK(store_->CreateBucket("data"));
    const std::string table = MakeTable(kUnit, 60000);
    ASSERT_OK(store_->PutBytes("data", "t.parquet", testing::AsBytes(table)).status());
  }

  int IndexFiles() const {
    int n = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root_ + "/drives")) {
      n += entry.path().string().ends_with(".blk.sidx") ? 1 : 0;
    }
    return n;
  }

  Result<std::vector<int64_t>> Query(bool use_index, QueryStats* stats) {
    QueryEngine engine(store_.get());
    QueryOptions options;
    options.use_index = use_index;
    CollectingSink sink;
    RETURN_IF_ERROR(engine.Run("SELECT id FROM data/t.parquet WHERE ke > 0.9995", options, &sink, stats));
    return sink.ids;
  }

  testing::TempDir dir_;
  std::string root_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(TableIndexTest, AnAlignedTableIsIndexedAndQueriesUseIt) {
  QueryStats before;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> expected, Query(true, &before));
  EXPECT_EQ(before.row_groups_indexed, 0u);
  ASSERT_FALSE(expected.empty());

  ASSERT_OK_AND_ASSIGN(IndexReport report, IndexTables(*store_, "data/t.parquet"));
  EXPECT_EQ(report.files_indexed, 1u);
  EXPECT_GE(report.row_groups_indexed, 8u);
  EXPECT_EQ(report.row_groups_skipped, 0u);
  EXPECT_TRUE(report.skipped_files.empty());
  EXPECT_TRUE(report.problems.empty());
  EXPECT_EQ(IndexFiles(), 4);

  QueryStats with, without;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, Query(true, &with));
  EXPECT_EQ(ids, expected);
  EXPECT_GT(with.row_groups_indexed, 0u);
  ASSERT_OK_AND_ASSIGN(ids, Query(false, &without));
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(without.row_groups_indexed, 0u);
}

TEST_F(TableIndexTest, APrefixSkipsTablesThatAreNotAligned) {
  // Row groups of 128 KiB units cross this store's 64 KiB units.
  const std::string wide = MakeTable(2 * kUnit, 30000);
  ASSERT_OK(store_->PutBytes("data", "wide.parquet", testing::AsBytes(wide)).status());
  ASSERT_OK(store_->PutBytes("data", "notes.txt", testing::AsBytes(std::string("not a table"))).status());
  ASSERT_OK_AND_ASSIGN(IndexReport report, IndexTables(*store_, "data/"));
  EXPECT_EQ(report.files_indexed, 1u);
  ASSERT_EQ(report.skipped_files.size(), 1u);
  EXPECT_NE(report.skipped_files[0].find("data/wide.parquet: not aligned"), std::string::npos)
      << report.skipped_files[0];
  EXPECT_EQ(IndexFiles(), 4);
  EXPECT_TRUE(IndexTables(*store_, "data/missing.parquet").status().IsNotFound());
  EXPECT_TRUE(IndexTables(*store_, "nobucket/t.parquet").status().IsNotFound());
}

TEST_F(TableIndexTest, TheBackgroundIndexerTakesParquetKeysOnly) {
  BackgroundIndexer indexer(*store_);
  indexer.Offer("data", "notes.txt");
  indexer.Offer("data", "missing.parquet");
  for (int i = 0; i < 5; ++i) indexer.Offer("data", "t.parquet");
  indexer.WaitIdle();
  EXPECT_EQ(indexer.tables_indexed(), 1u);
  EXPECT_EQ(IndexFiles(), 4);

  ASSERT_OK(store_->PutBytes("data", "T2.PARQUET", testing::AsBytes(MakeTable(kUnit, 20000))).status());
  indexer.Offer("data", "T2.PARQUET");
  indexer.WaitIdle();
  EXPECT_EQ(indexer.tables_indexed(), 2u);
  EXPECT_GT(IndexFiles(), 4);

  indexer.Stop();
  indexer.Offer("data", "t.parquet");  // after Stop: ignored
  indexer.WaitIdle();
  EXPECT_EQ(indexer.tables_indexed(), 2u);
}

TEST_F(TableIndexTest, StopDropsWhatIsQueued) {
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back("copy" + std::to_string(i) + ".parquet");
  const std::string table = MakeTable(kUnit, 20000);
  for (const std::string& key : keys) ASSERT_OK(store_->PutBytes("data", key, testing::AsBytes(table)).status());
  {
    BackgroundIndexer indexer(*store_, /*queue_limit=*/4);
    for (const std::string& key : keys) indexer.Offer("data", key);  // most are dropped: the queue holds 4
    indexer.Stop();
    EXPECT_LE(indexer.tables_indexed(), 5u);
  }
  // A destructor after Stop, and one without it, both return.
  BackgroundIndexer another(*store_);
  another.Offer("data", "t.parquet");
}

}  // namespace
}  // namespace strata::query
