// Cluster::IndexBlob over three in-process nodes (2+1 over 2+1) holding an
// aligned table: every node indexes the row groups of its fragment, and a
// pushed-down scan answers from the indexes with the same rows as without;
// with one node's drives gone its row groups are reported skipped and the
// scan (rebuilt across nodes) still answers the same.
#include <gtest/gtest.h>

#include <algorithm>

#include "strata/cluster/cluster.h"
#include "strata/cluster/fragment_tasks.h"
#include "strata/node/local_node.h"
#include "strata/node/local_node_test_util.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"

namespace strata {
namespace {

using table::Expr;
using table::ExprOp;
using table::RowGroupTask;
using table::ScanResult;
using table::ScanSpec;
using testing::AsBytes;
using testing::TempDir;

constexpr uint32_t kUnit = 64 * 1024;  // row groups of a few thousand rows
constexpr size_t kRows = 80000;

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

double Energy(uint64_t row) { return static_cast<double>((row * 2654435761u) % 100000) / 1e5; }

class BlobIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string cluster_id = NewRandomId();
    std::vector<ClusterNode> nodes;
    for (int n = 0; n < 3; ++n) {
      ClusterNode node;
      node.record = NodeRecord{NewRandomId(), "n" + std::to_string(n), "local"};
      std::vector<DriveSpec> specs;
      drive_paths_.emplace_back();
      for (int d = 0; d < 3; ++d) {
        DriveRecord drive;
        drive.drive_id = NewRandomId();
        drive.node_id = node.record.node_id;
        drive.name = "d" + std::to_string(3 * n + d);
        drive.path = dir_.Sub(drive.name);
        ASSERT_OK(Drive::Format(PosixFileSystem::Default(), drive.path,
                                DriveIdentity{drive.drive_id, cluster_id, kDriveFormatVersion})
                      .status());
        specs.push_back(DriveSpec{drive.drive_id, drive.path});
        drive_paths_.back().push_back(drive.path);
        node.drives.push_back(drive);
      }
      node.client = std::make_shared<LocalNode>(node.record.node_id, cluster_id, PosixFileSystem::Default(), specs);
      nodes.push_back(std::move(node));
    }
    cluster_ = std::make_unique<Cluster>(std::move(nodes));
    WriteTable();
  }

  // id int64, ke double; stored as one blob; tasks in blob offsets.
  void WriteTable() {
    std::vector<table::ColumnVector> columns = {table::ColumnVector(table::Type::kInt64),
                                                table::ColumnVector(table::Type::kDouble)};
    for (size_t r = 0; r < kRows; ++r) {
      columns[0].int64s.push_back(static_cast<int64_t>(r));
      columns[1].doubles.push_back(Energy(r));
    }
    StringSink sink;
    parquet::AlignedWriterOptions options;
    options.unit_size = kUnit;
    options.codec = parquet::Codec::kUncompressed;
    parquet::AlignedWriter writer({{"id", table::Type::kInt64, false}, {"ke", table::Type::kDouble, false}}, options,
                                  &sink);
    ASSERT_OK(writer.Append(columns));
    ASSERT_OK(writer.Finish());
    columns_ = {{"id", table::Type::kInt64, false}, {"ke", table::Type::kDouble, false}};
    const parquet::FileMetaData& metadata = writer.metadata();
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      ASSERT_OK_AND_ASSIGN(RowGroupTask task, table::RowGroupTaskOf(metadata, g, 2, sink.data.size()));
      tasks_.push_back(std::move(task));
    }
    blob_.blob_id = NewRandomId();
    blob_.layout = Layout{kUnit, CodeSpec{2, 1}, CodeSpec{2, 1}};
    ASSERT_OK_AND_ASSIGN(blob_.placement, cluster_->Place(blob_.blob_id, blob_.layout, ""));
    ASSERT_OK_AND_ASSIGN(auto blob_writer, cluster_->WriteBlob(blob_));
    ASSERT_OK(blob_writer->Write(AsBytes(sink.data)));
    ASSERT_OK_AND_ASSIGN(blob_.placement, blob_writer->Finish());
    blob_.size = sink.data.size();
    blob_.state = BlobState::kCommitted;
  }

  // SELECT id WHERE ke > 0.9995
  ScanSpec Spec(bool use_index) const {
    ScanSpec spec;
    spec.columns = columns_;
    spec.filter = Expr::Binary(ExprOp::kGt, Expr::Column(1, table::Type::kDouble),
                               Expr::Constant(table::Value::Double(0.9995)));
    spec.outputs = {Expr::Column(0, table::Type::kInt64)};
    spec.use_index = use_index;
    return spec;
  }

  // Rows come back in file order per node; compared as sets.
  static std::vector<int64_t> Sorted(std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static std::vector<int64_t> ExpectedIds() {
    std::vector<int64_t> ids;
    for (size_t r = 0; r < kRows; ++r) {
      if (Energy(r) > 0.9995) ids.push_back(static_cast<int64_t>(r));
    }
    return ids;
  }

  TempDir dir_;
  std::vector<std::vector<std::string>> drive_paths_;
  std::unique_ptr<Cluster> cluster_;
  std::vector<table::ScanColumn> columns_;
  std::vector<RowGroupTask> tasks_;
  BlobRecord blob_;
};

TEST_F(BlobIndexTest, EveryNodeIndexesItsRowGroupsAndScansUseThem) {
  ASSERT_GE(tasks_.size(), 12u);
  ASSERT_OK_AND_ASSIGN(FragmentTasks split, SplitTasksByFragment(blob_, tasks_));
  ASSERT_EQ(split.tasks.size(), 2u);  // the parity node holds no row group
  EXPECT_EQ(split.tasks[0].size() + split.tasks[1].size(), tasks_.size());
  EXPECT_FALSE(split.tasks[0].empty());
  EXPECT_FALSE(split.tasks[1].empty());
  for (const std::vector<RowGroupTask>& tasks : split.tasks) {
    for (const RowGroupTask& task : tasks) {
      for (const table::ChunkLocation& chunk : task.chunks) {
        EXPECT_LT(chunk.offset, blob_.size / 2 + kUnit);  // now a fragment offset
        if (chunk.page_index_length > 0) {
          EXPECT_EQ(chunk.page_index_offset / kUnit, chunk.offset / kUnit);
        }
      }
    }
  }

  ASSERT_OK_AND_ASSIGN(IndexBuildReport report, cluster_->IndexBlob(blob_, columns_, tasks_));
  EXPECT_EQ(report.row_groups_indexed, tasks_.size());
  EXPECT_EQ(report.row_groups_skipped, 0u);
  EXPECT_TRUE(report.problems.empty()) << report.problems[0];
  EXPECT_GT(report.bytes_written, 0u);

  ASSERT_OK_AND_ASSIGN(ScanResult with, cluster_->ScanBlob(blob_, Spec(true), tasks_));
  ASSERT_OK_AND_ASSIGN(ScanResult without, cluster_->ScanBlob(blob_, Spec(false), tasks_));
  ASSERT_EQ(with.columns.size(), 1u);
  EXPECT_EQ(Sorted(with.columns[0].int64s), ExpectedIds());
  EXPECT_EQ(with.columns, without.columns);
  EXPECT_GT(with.counters.index_row_groups, 0u);
  EXPECT_EQ(without.counters.index_row_groups, 0u);
}

TEST_F(BlobIndexTest, ANodeThatCannotIndexIsReported) {
  const int lost = 0;  // level-1 position 0: half the row groups
  const std::string lost_node = blob_.placement.nodes[lost].node_id;
  for (size_t n = 0; n < cluster_->nodes().size(); ++n) {
    if (cluster_->nodes()[n].record.node_id != lost_node) continue;
    for (const std::string& path : drive_paths_[n]) testing::fs::remove_all(path);
  }
  ASSERT_OK_AND_ASSIGN(IndexBuildReport report, cluster_->IndexBlob(blob_, columns_, tasks_));
  EXPECT_GT(report.row_groups_indexed, 0u);
  EXPECT_GT(report.row_groups_skipped, 0u);
  EXPECT_EQ(report.row_groups_indexed + report.row_groups_skipped, tasks_.size());
  ASSERT_FALSE(report.problems.empty());
  EXPECT_NE(report.problems[0].find(blob_.blob_id), std::string::npos) << report.problems[0];

  ASSERT_OK_AND_ASSIGN(ScanResult with, cluster_->ScanBlob(blob_, Spec(true), tasks_));
  ASSERT_EQ(with.columns.size(), 1u);
  EXPECT_EQ(Sorted(with.columns[0].int64s), ExpectedIds());
}

TEST_F(BlobIndexTest, RowGroupsAcrossUnitsAreRefused) {
  std::vector<RowGroupTask> tasks = tasks_;
  tasks[1].chunks[1].offset += kUnit;
  Status st = cluster_->IndexBlob(blob_, columns_, tasks).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("row group 1"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace strata
