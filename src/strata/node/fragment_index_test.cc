// Row-group indexes on a node, over a real aligned table stored as one
// fragment: IndexFragment writes one index file per drive that holds units;
// a selective scan answers from them with exactly the rows of a scan
// without them; deleted or damaged index files, a drive down and a corrupt
// unit change no answer; bad requests are refused before anything is
// written; deleting the fragment removes the index files.
#include "strata/node/fragment_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "strata/node/local_node_test_util.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"

namespace strata {
namespace {

using table::Expr;
using table::ExprOp;
using table::RowGroupTask;
using table::ScanColumn;
using table::ScanResult;
using table::ScanSpec;
using table::Value;
using testing::CountFiles;
using testing::FlipByte;

// Units large enough that a row group has a middle range the index leaves
// out (its tails are at least 64 rows each).
constexpr uint32_t kTableUnit = 64 * 1024;
constexpr size_t kRows = 60000;
constexpr int kId = 0, kKe = 2;

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

// ke is spread over [0, 1) by a hash of the row; one row in a thousand or
// so lies above 0.999, scattered over the row groups.
float KeOf(uint64_t row) {
  uint64_t h = row * 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return static_cast<float>(h % 1000000) / 1e6f;
}

// An aligned table (id int64, x double optional, ke float) for the
// fixture's unit size, and the tasks of its row groups: the fragment holds
// the whole file, so fragment offsets are file offsets.
struct Table {
  std::string file;
  std::vector<ScanColumn> columns;
  std::vector<RowGroupTask> tasks;
};

const Table& TestTable() {
  static const Table* table = [] {
    const std::vector<parquet::ColumnSchema> schema = {
        {"id", parquet::Type::kInt64, false},
        {"x", parquet::Type::kDouble, true},
        {"ke", parquet::Type::kFloat, false}};
    std::vector<table::ColumnVector> columns;
    for (const auto& c : schema) columns.emplace_back(c.type);
    for (size_t r = 0; r < kRows; ++r) {
      columns[0].int64s.push_back(static_cast<int64_t>(r));
      columns[1].doubles.push_back(static_cast<double>(r % 97) / 8);
      columns[1].validity.push_back(r % 5 != 0);
      columns[2].floats.push_back(KeOf(r));
    }
    StringSink sink;
    parquet::AlignedWriterOptions options;
    options.unit_size = kTableUnit;
    options.codec = parquet::Codec::kUncompressed;
    parquet::AlignedWriter writer(schema, options, &sink);
    EXPECT_TRUE(writer.Append(columns).ok());
    EXPECT_TRUE(writer.Finish().ok());
    auto* t = new Table;
    t->file = std::move(sink.data);
    for (const auto& c : schema) t->columns.push_back({c.name, c.type, c.optional});
    const parquet::FileMetaData& metadata = writer.metadata();
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      auto task = table::RowGroupTaskOf(metadata, g, schema.size(), t->file.size());
      EXPECT_TRUE(task.ok());
      t->tasks.push_back(*std::move(task));
    }
    return t;
  }();
  return *table;
}

// SELECT id, ke ... WHERE ke > 0.999
ScanSpec SelectiveSpec(bool use_index) {
  ScanSpec spec;
  spec.columns = TestTable().columns;
  spec.filter = Expr::Binary(ExprOp::kGt, Expr::Column(kKe, table::Type::kFloat), Expr::Constant(Value::Double(0.999)));
  spec.outputs = {Expr::Column(kId, table::Type::kInt64), Expr::Column(kKe, table::Type::kFloat)};
  spec.use_index = use_index;
  return spec;
}

std::vector<int64_t> ExpectedIds() {
  std::vector<int64_t> ids;
  for (size_t r = 0; r < kRows; ++r) {
    if (static_cast<double>(KeOf(r)) > 0.999) ids.push_back(static_cast<int64_t>(r));
  }
  return ids;
}

class FragmentIndexTest : public testing::LocalNodeTest {
 protected:
  void SetUp() override {
    ASSERT_GE(TestTable().tasks.size(), 16u);
    ref_ = Ref(TestTable().file.size());
    ref_.unit_size = kTableUnit;
    ASSERT_OK(Write(ref_, TestTable().file).status());
  }

  Result<ScanResult> Scan(bool use_index) {
    return node_->ScanFragment(ref_, SelectiveSpec(use_index), TestTable().tasks);
  }

  Result<IndexBuildReport> Index() { return node_->IndexFragment(ref_, TestTable().columns, TestTable().tasks); }

  std::string IndexPath(int position) const { return BlockPath(ref_, position) + ".sidx"; }

  int IndexFiles() const {
    int n = 0;
    for (int p = 0; p < kDrives; ++p) n += std::filesystem::exists(IndexPath(p)) ? 1 : 0;
    return n;
  }

  // The scan's rows equal the table's, with and without the index.
  void ExpectRightRows(const ScanResult& result) {
    ASSERT_EQ(result.columns.size(), 2u);
    EXPECT_EQ(result.columns[0].int64s, ExpectedIds());
  }

  FragmentRef ref_;
};

TEST_F(FragmentIndexTest, ScanWithTheIndexReturnsTheSameRows) {
  ASSERT_OK_AND_ASSIGN(ScanResult before, Scan(true));  // no index yet
  EXPECT_EQ(before.counters.index_row_groups, 0u);
  ExpectRightRows(before);

  ASSERT_OK_AND_ASSIGN(IndexBuildReport report, Index());
  EXPECT_EQ(report.row_groups_indexed, TestTable().tasks.size());
  EXPECT_EQ(report.row_groups_skipped, 0u);
  EXPECT_TRUE(report.problems.empty()) << report.problems[0];
  EXPECT_GT(report.bytes_written, 0u);
  // Parity positions hold no row groups, so no index.
  EXPECT_EQ(IndexFiles(), 4);
  EXPECT_LT(report.bytes_written, TestTable().file.size() / 4);

  ASSERT_OK_AND_ASSIGN(ScanResult with, Scan(true));
  ASSERT_OK_AND_ASSIGN(ScanResult without, Scan(false));
  ExpectRightRows(with);
  EXPECT_EQ(with.columns, without.columns);
  EXPECT_GT(with.counters.index_row_groups, 0u);
  EXPECT_EQ(without.counters.index_row_groups, 0u);
  EXPECT_EQ(with.counters.rows_matched, without.counters.rows_matched);

  // Partial aggregates agree too.
  ScanSpec count = SelectiveSpec(true);
  count.outputs.clear();
  count.aggregates = {table::AggregateCall{table::AggregateKind::kCountStar, {}},
                      table::AggregateCall{table::AggregateKind::kMax, Expr::Column(kId, table::Type::kInt64)}};
  ASSERT_OK_AND_ASSIGN(ScanResult counted, node_->ScanFragment(ref_, count, TestTable().tasks));
  count.use_index = false;
  ASSERT_OK_AND_ASSIGN(ScanResult counted_without, node_->ScanFragment(ref_, count, TestTable().tasks));
  EXPECT_EQ(counted.aggregates, counted_without.aggregates);
  EXPECT_EQ(counted.aggregates[0].count, ExpectedIds().size());
}

TEST_F(FragmentIndexTest, TheSourceFindsEachRowGroupsIndex) {
  ASSERT_OK(Index().status());
  FragmentIndexSource source(node_.get(), ref_);
  for (const RowGroupTask& task : TestTable().tasks) {
    std::optional<table::RowGroupIndex> index = source.Find(task);
    ASSERT_TRUE(index.has_value()) << task.row_group;
    EXPECT_EQ(index->row_group, task.row_group);
    EXPECT_EQ(index->num_rows, task.num_rows);
    EXPECT_EQ(index->fingerprint, table::TaskFingerprint(task));
    ASSERT_EQ(index->columns.size(), 3u);
    EXPECT_EQ(index->columns[kKe].name, "ke");
    if (task.num_rows > 1000) {
      EXPECT_GT(index->columns[kKe].middle_rows, 0u) << task.row_group;
    }
  }
  EXPECT_GT(source.bytes_read(), 0u);
  // A row group the file does not list, or a task in another unit, finds nothing.
  RowGroupTask other = TestTable().tasks[5];
  other.row_group = 1000;
  EXPECT_FALSE(source.Find(other).has_value());
  other = TestTable().tasks[5];
  for (table::ChunkLocation& chunk : other.chunks) chunk.offset += kTableUnit;
  EXPECT_FALSE(source.Find(other).has_value());
}

TEST_F(FragmentIndexTest, DeletedOrDamagedIndexFilesAreIgnored) {
  ASSERT_OK(Index().status());
  ASSERT_OK_AND_ASSIGN(ScanResult full, Scan(true));

  // One damaged section: only its row group is read without the index.
  const std::string path = IndexPath(1);
  const uint64_t size = std::filesystem::file_size(path);
  FlipByte(path, size - 1);
  ASSERT_OK_AND_ASSIGN(ScanResult one_less, Scan(true));
  ExpectRightRows(one_less);
  EXPECT_LE(one_less.counters.index_row_groups, full.counters.index_row_groups);

  // Every file gone or damaged: the same rows, nothing from an index.
  std::filesystem::remove(IndexPath(0));
  std::filesystem::remove(IndexPath(1));
  FlipByte(IndexPath(2), 3);   // header magic
  FlipByte(IndexPath(3), 70);  // directory
  testing::WriteWholeFile(IndexPath(1), "not an index");
  ASSERT_OK_AND_ASSIGN(ScanResult none, Scan(true));
  ExpectRightRows(none);
  EXPECT_EQ(none.columns, full.columns);
  EXPECT_EQ(none.counters.index_row_groups, 0u);
  // Damaged index files are hints gone bad, not damaged drives.
  for (const std::string& id : ids_) EXPECT_TRUE(DriveUp(id));

  // Rebuilding replaces them.
  ASSERT_OK(Index().status());
  ASSERT_OK_AND_ASSIGN(ScanResult again, Scan(true));
  EXPECT_EQ(again.counters.index_row_groups, full.counters.index_row_groups);
}

TEST_F(FragmentIndexTest, ACorruptUnitIsIndexedFromParity) {
  FlipByte(BlockPath(ref_, 2), UnitOffset(ref_, 3, 100));
  ASSERT_OK_AND_ASSIGN(IndexBuildReport report, Index());
  EXPECT_EQ(report.row_groups_indexed, TestTable().tasks.size());
  EXPECT_TRUE(report.problems.empty()) << report.problems[0];
  ASSERT_OK_AND_ASSIGN(ScanResult with, Scan(true));
  ExpectRightRows(with);
  EXPECT_GT(with.counters.index_row_groups, 0u);
}

TEST_F(FragmentIndexTest, ADriveDownSkipsItsRowGroups) {
  std::filesystem::rename(paths_[1], paths_[1] + ".away");
  EXPECT_FALSE(DriveUp(ids_[1]));
  ASSERT_OK_AND_ASSIGN(IndexBuildReport report, Index());
  EXPECT_GT(report.row_groups_skipped, 0u);
  EXPECT_EQ(report.row_groups_indexed + report.row_groups_skipped, TestTable().tasks.size());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find("drive " + ids_[1]), std::string::npos) << report.problems[0];
  EXPECT_NE(report.problems[0].find(ref_.blob_id), std::string::npos) << report.problems[0];
  EXPECT_EQ(IndexFiles(), 3);

  ASSERT_OK_AND_ASSIGN(ScanResult with, Scan(true));
  ExpectRightRows(with);
  EXPECT_GT(with.counters.index_row_groups, 0u);
}

TEST_F(FragmentIndexTest, BadRequestsAreRefusedAndWriteNothing) {
  std::vector<RowGroupTask> tasks = TestTable().tasks;
  tasks[3].chunks.pop_back();
  EXPECT_EQ(node_->IndexFragment(ref_, TestTable().columns, tasks).status().code(), StatusCode::kInvalidArgument);
  tasks = TestTable().tasks;
  tasks[4].chunks[1].offset = tasks[4].chunks[1].offset + kTableUnit;  // another unit than its other chunks
  Status st = node_->IndexFragment(ref_, TestTable().columns, tasks).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("row group 4"), std::string::npos) << st.ToString();
  tasks = TestTable().tasks;
  tasks[2].chunks[0].length = 2 * kTableUnit;  // past its unit's end
  EXPECT_EQ(node_->IndexFragment(ref_, TestTable().columns, tasks).status().code(), StatusCode::kInvalidArgument);
  tasks = TestTable().tasks;
  tasks.push_back(tasks[0]);
  EXPECT_EQ(node_->IndexFragment(ref_, TestTable().columns, tasks).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(IndexFiles(), 0);
  EXPECT_EQ(TemporariesEverywhere(), 0);
}

TEST_F(FragmentIndexTest, DeletingTheFragmentRemovesItsIndexFiles) {
  ASSERT_OK(Index().status());
  ASSERT_EQ(IndexFiles(), 4);
  ASSERT_OK_AND_ASSIGN(std::vector<NodeBlock> blocks, node_->ListBlocks());
  EXPECT_EQ(blocks.size(), static_cast<size_t>(kDrives));  // index files are not blocks
  ASSERT_OK(node_->RemoveBlock(ids_[0], ref_.Block(0)));
  EXPECT_FALSE(std::filesystem::exists(IndexPath(0)));
  ASSERT_OK(node_->DeleteFragment(ref_));
  EXPECT_EQ(IndexFiles(), 0);
  EXPECT_EQ(BlockFilesEverywhere(), 0);
}

}  // namespace
}  // namespace strata
