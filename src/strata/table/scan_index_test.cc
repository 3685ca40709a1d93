// Scans that read less than whole column chunks: only the pages that hold
// selected rows (through the chunk's OffsetIndex), and only an index's
// candidate rows. Every variant must return what a plain scan returns, read
// fewer bytes when the predicate is selective, and survive damaged bytes,
// a damaged OffsetIndex and a stale index.
#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/column_chunk.h"
#include "strata/parquet/file_reader.h"
#include "strata/table/row_group_index.h"
#include "strata/table/scan_test_util.h"
#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

constexpr size_t kRows = 40000;

const std::vector<parquet::ColumnSchema> kSchema = {{"id", Type::kInt64, false},
                                                    {"ke", Type::kFloat, false},
                                                    {"x", Type::kDouble, true},
                                                    {"name", Type::kByteArray, true}};

struct Table {
  std::string file;
  std::vector<ScanColumn> columns;
  std::vector<RowGroupTask> tasks;            // with the chunks' OffsetIndex
  std::vector<RowGroupTask> whole_chunks;     // the same without it
};

Table MakeTable(parquet::Codec codec) {
  std::vector<ColumnVector> columns;
  for (const auto& c : kSchema) columns.emplace_back(c.type);
  std::mt19937 rng(7);
  std::exponential_distribution<float> energy(4.0f);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (size_t r = 0; r < kRows; ++r) {
    columns[0].int64s.push_back(static_cast<int64_t>(r));
    columns[1].floats.push_back(energy(rng));
    columns[2].doubles.push_back(unit(rng));
    columns[2].validity.push_back(r % 9 != 0);
    columns[3].strings.Append("particle-" + std::to_string(r % 1000));
    columns[3].validity.push_back(r % 13 != 0);
  }
  Table t;
  StringSink sink;
  parquet::AlignedWriterOptions options;
  options.unit_size = 128 * 1024;
  options.codec = codec;
  options.page_size = 2048;
  parquet::AlignedWriter writer(kSchema, options, &sink);
  EXPECT_TRUE(writer.Append(columns).ok());
  EXPECT_TRUE(writer.Finish().ok());
  t.file = std::move(sink.data);
  const parquet::FileMetaData& metadata = writer.metadata();
  for (const auto& c : kSchema) t.columns.push_back({c.name, c.type, c.optional});
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    Result<RowGroupTask> made = RowGroupTaskOf(metadata, g, kSchema.size(), t.file.size());
    EXPECT_TRUE(made.ok());
    RowGroupTask task = *std::move(made);
    for (const ChunkLocation& c : task.chunks) EXPECT_GT(c.page_index_length, 0u);
    t.tasks.push_back(task);
    for (ChunkLocation& c : task.chunks) c.page_index_offset = c.page_index_length = 0;
    t.whole_chunks.push_back(task);
  }
  return t;
}

const Table& TestTable() {
  static const Table* table = new Table(MakeTable(parquet::Codec::kSnappy));
  return *table;
}

// Indexes built from the file's decoded chunks, served from memory.
class MemoryIndexes : public IndexSource {
 public:
  explicit MemoryIndexes(const Table& t) {
    for (const RowGroupTask& task : t.tasks) {
      std::vector<ColumnVector> decoded(t.columns.size());
      for (size_t c = 0; c < t.columns.size(); ++c) {
        parquet::ChunkDecodeOptions options;
        options.type = t.columns[c].type;
        options.optional = t.columns[c].optional;
        options.codec = task.chunks[c].codec;
        options.num_values = task.num_rows;
        parquet::ChunkDecodeInfo info;
        const std::string_view bytes(t.file.data() + task.chunks[c].offset, task.chunks[c].length);
        EXPECT_TRUE(parquet::DecodeColumnChunk(bytes, options, &decoded[c], &info).ok());
      }
      stored[task.row_group] = SerializeRowGroupIndex(BuildRowGroupIndex(t.columns, decoded, task));
    }
  }
  std::optional<RowGroupIndex> Find(const RowGroupTask& task) override {
    auto it = stored.find(task.row_group);
    if (it == stored.end()) return std::nullopt;
    read_ += it->second.size();
    Result<RowGroupIndex> index = ParseRowGroupIndex(it->second);
    if (!index.ok()) return std::nullopt;
    return *std::move(index);
  }
  uint64_t bytes_read() const override { return read_; }

  std::map<uint64_t, std::string> stored;

 private:
  uint64_t read_ = 0;
};

Expr Col(int c) { return Expr::Column(c, kSchema[c].type); }
Expr Flt(double v) { return Expr::Constant(Value::Double(static_cast<float>(v))); }
Expr Dbl(double v) { return Expr::Constant(Value::Double(v)); }
Expr Cmp(ExprOp op, Expr a, Expr b) { return Expr::Binary(op, std::move(a), std::move(b)); }

ScanSpec SelectAll(Expr filter) {
  ScanSpec spec;
  spec.columns = TestTable().columns;
  spec.filter = std::move(filter);
  for (int c = 0; c < 4; ++c) spec.outputs.push_back(Col(c));
  return spec;
}

ScanResult Scan(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks, ChunkSource& source,
               IndexSource* indexes = nullptr) {
  ScanResult result = EmptyResult(spec);
  EXPECT_TRUE(ValidateSpec(spec).ok());
  const Status status = ScanRowGroups(spec, tasks, source, &result, indexes);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result;
}

ScanResult Scan(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks, IndexSource* indexes = nullptr) {
  MemorySource source(TestTable().file);
  source.hands_out_verified = false;  // as a node's ranged reads are
  return Scan(spec, tasks, source, indexes);
}

TEST(ScanIndexTest, TableHasSeveralRowGroupsOfSeveralPages) {
  EXPECT_GE(TestTable().tasks.size(), 4u);
  const ChunkLocation& ke = TestTable().tasks[0].chunks[1];
  EXPECT_GT(ke.page_index_length, 0u);
  EXPECT_GT(ke.length, 8 * 2048u);  // many pages of 2 KiB
}

TEST(ScanIndexTest, SelectedRowsReadOnlyTheirPages) {
  const ScanSpec spec = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(2.0)));  // e^-8: a dozen rows
  const ScanResult pages = Scan(spec, TestTable().tasks);
  const ScanResult whole = Scan(spec, TestTable().whole_chunks);
  EXPECT_EQ(pages.columns, whole.columns);
  ASSERT_GT(pages.rows(), 0u);
  EXPECT_LT(pages.rows(), 40u);
  EXPECT_GT(pages.counters.pages_read, 0u);
  EXPECT_EQ(whole.counters.pages_read, 0u);
  EXPECT_LT(pages.counters.bytes_read, whole.counters.bytes_read * 6 / 10);
  EXPECT_EQ(pages.counters.reread_chunks, 0u);
}

TEST(ScanIndexTest, IndexAnswersSelectiveFiltersWithTheSameRows) {
  MemoryIndexes indexes(TestTable());
  const std::vector<Expr> filters = {
      Cmp(ExprOp::kGt, Col(1), Flt(0.9)),  // 2.7%: beyond the tails, scanned as before
      Cmp(ExprOp::kGt, Col(1), Flt(1.2)),
      Cmp(ExprOp::kGt, Col(1), Flt(2.0)),
      Cmp(ExprOp::kGt, Col(1), Flt(9.0)),  // nothing
      Cmp(ExprOp::kAnd, Cmp(ExprOp::kGt, Col(1), Flt(1.3)), Cmp(ExprOp::kLt, Col(2), Dbl(0.5))),
      Cmp(ExprOp::kLt, Col(2), Dbl(0.002)),
      Cmp(ExprOp::kOr, Cmp(ExprOp::kLt, Col(2), Dbl(0.001)), Cmp(ExprOp::kGt, Col(2), Dbl(0.999))),
  };
  for (size_t i = 0; i < filters.size(); ++i) {
    const ScanSpec spec = SelectAll(filters[i]);
    const ScanResult plain = Scan(spec, TestTable().whole_chunks);
    const ScanResult indexed = Scan(spec, TestTable().tasks, &indexes);
    EXPECT_EQ(indexed.columns, plain.columns) << "filter " << i;
    EXPECT_EQ(indexed.counters.rows_matched, plain.counters.rows_matched) << "filter " << i;
    if (i == 0) {
      EXPECT_EQ(indexed.counters.index_row_groups, 0u);
    } else {
      EXPECT_EQ(indexed.counters.index_row_groups, TestTable().tasks.size()) << "filter " << i;
    }
    if (i == 2 || i == 3) {
      EXPECT_LT(indexed.counters.bytes_read, plain.counters.bytes_read / 4) << "filter " << i;
    }
  }
}

TEST(ScanIndexTest, IndexesAreNotReadForFiltersTheyCannotAnswer) {
  MemoryIndexes indexes(TestTable());
  // A string comparison, and arithmetic over two columns: no conjunct reads
  // one numeric column alone.
  const Expr name = Expr::Column(3, Type::kByteArray);
  for (const Expr& filter :
       {Cmp(ExprOp::kEq, name, Expr::Constant(Value::String("particle-7"))),
        Cmp(ExprOp::kGt, Cmp(ExprOp::kAdd, Col(1), Col(2)), Dbl(3.0))}) {
    const ScanSpec spec = SelectAll(filter);
    EXPECT_FALSE(IndexMayAnswer(spec));
    const ScanResult got = Scan(spec, TestTable().tasks, &indexes);
    EXPECT_EQ(got.columns, Scan(spec, TestTable().whole_chunks).columns);
    EXPECT_EQ(indexes.bytes_read(), 0u);
  }
  EXPECT_TRUE(IndexMayAnswer(SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(3.0)))));
}

TEST(ScanIndexTest, AggregatesAndLimitThroughTheIndex) {
  MemoryIndexes indexes(TestTable());
  ScanSpec spec;
  spec.columns = TestTable().columns;
  spec.filter = Cmp(ExprOp::kGt, Col(1), Flt(1.3));
  spec.aggregates = {{AggregateKind::kCountStar, {}}, {AggregateKind::kSum, Col(0)}, {AggregateKind::kMax, Col(2)},
                     {AggregateKind::kCount, Col(3)}};
  EXPECT_EQ(Scan(spec, TestTable().tasks, &indexes).aggregates, Scan(spec, TestTable().whole_chunks).aggregates);
  ScanSpec limited = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(1.3)));
  limited.limit = 5;
  const ScanResult got = Scan(limited, TestTable().tasks, &indexes);
  EXPECT_EQ(got.rows(), 5u);
  EXPECT_EQ(got.columns, Scan(limited, TestTable().whole_chunks).columns);
}

TEST(ScanIndexTest, UseIndexFalseAndStaleIndexesScanAsBefore) {
  MemoryIndexes indexes(TestTable());
  ScanSpec spec = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(2.0)));
  const ScanResult plain = Scan(spec, TestTable().whole_chunks);
  spec.use_index = false;
  ScanResult off = Scan(spec, TestTable().tasks, &indexes);
  EXPECT_EQ(off.columns, plain.columns);
  EXPECT_EQ(off.counters.index_row_groups, 0u);
  // Each row group's index swapped for another's: fingerprints differ.
  spec.use_index = true;
  MemoryIndexes swapped(TestTable());
  for (auto& [group, bytes] : swapped.stored) bytes = indexes.stored.at((group + 1) % indexes.stored.size());
  ScanResult stale = Scan(spec, TestTable().tasks, &swapped);
  EXPECT_EQ(stale.columns, plain.columns);
  EXPECT_EQ(stale.counters.index_row_groups, 0u);
  // A damaged index is not found at all.
  for (auto& [group, bytes] : swapped.stored) bytes[bytes.size() / 2] ^= 0x10;
  EXPECT_EQ(Scan(spec, TestTable().tasks, &swapped).columns, plain.columns);
}

TEST(ScanIndexTest, DamagedUnverifiedBytesAreReadAgainVerified) {
  MemoryIndexes indexes(TestTable());
  for (const Expr& filter : {Cmp(ExprOp::kGt, Col(1), Flt(2.0)), Cmp(ExprOp::kGt, Col(1), Flt(0.9))}) {
    const ScanSpec spec = SelectAll(filter);
    const ScanResult plain = Scan(spec, TestTable().whole_chunks);
    for (IndexSource* index : {static_cast<IndexSource*>(nullptr), static_cast<IndexSource*>(&indexes)}) {
      MemorySource damaged(TestTable().file);
      damaged.hands_out_verified = false;
      damaged.corrupt_unverified = true;  // pages and OffsetIndexes alike
      const ScanResult got = Scan(spec, TestTable().tasks, damaged, index);
      EXPECT_EQ(got.columns, plain.columns);
      EXPECT_GT(got.counters.reread_chunks, 0u);
      EXPECT_GT(damaged.verified_reads, 0);
    }
  }
}

// An OffsetIndex that points at the wrong bytes but still parses: the page
// path must notice (CRC, value counts) and fall back to the whole chunk.
class MisleadingIndexSource : public ChunkSource {
 public:
  MisleadingIndexSource(const std::string& file, const std::vector<RowGroupTask>& tasks) : inner_(file) {
    inner_.hands_out_verified = false;
    for (const RowGroupTask& t : tasks) {
      for (const ChunkLocation& c : t.chunks) index_ranges_[c.page_index_offset] = c.page_index_length;
    }
  }
  Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) override {
    RETURN_IF_ERROR(inner_.Read(offset, length, verified, out, out_verified));
    auto it = index_ranges_.find(offset);
    if (!verified && it != index_ranges_.end() && it->second == length) {
      Result<parquet::OffsetIndex> index = parquet::ParseOffsetIndex(*out);
      if (index.ok() && index->page_locations.size() > 2) {
        // Every page but the first starts 3 bytes late.
        for (size_t p = 1; p < index->page_locations.size(); ++p) index->page_locations[p].offset += 3;
        *out = parquet::SerializeOffsetIndex(*index);
      }
    }
    return Status::OK();
  }
  uint64_t bytes_read() const override { return inner_.bytes_read(); }

 private:
  MemorySource inner_;
  std::map<uint64_t, uint64_t> index_ranges_;
};

TEST(ScanIndexTest, MisleadingOffsetIndexFallsBackToTheChunk) {
  const ScanSpec spec = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(2.0)));
  MisleadingIndexSource source(TestTable().file, TestTable().tasks);
  EXPECT_EQ(Scan(spec, TestTable().tasks, source).columns, Scan(spec, TestTable().whole_chunks).columns);
}

// Offsets rebased as a node sees them (its fragment's bytes, not the file's).
class ShiftedSource : public ChunkSource {
 public:
  ShiftedSource(const std::string& file, uint64_t shift) : inner_(file), shift_(shift) {
    inner_.hands_out_verified = false;
  }
  Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) override {
    if (offset < shift_) return Status::InvalidArgument("read before the shifted start");
    return inner_.Read(offset - shift_, length, verified, out, out_verified);
  }
  uint64_t bytes_read() const override { return inner_.bytes_read(); }

 private:
  MemorySource inner_;
  uint64_t shift_;
};

TEST(ScanIndexTest, RebasedChunksStillReadTheirPages) {
  constexpr uint64_t kShift = 3 * 1024 * 1024;
  std::vector<RowGroupTask> rebased = TestTable().tasks;
  for (RowGroupTask& task : rebased) {
    for (ChunkLocation& c : task.chunks) {
      c.offset += kShift;
      c.page_index_offset += kShift;
    }
  }
  const ScanSpec spec = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(2.0)));
  ShiftedSource source(TestTable().file, kShift);
  const ScanResult got = Scan(spec, rebased, source);
  EXPECT_EQ(got.columns, Scan(spec, TestTable().whole_chunks).columns);
  EXPECT_GT(got.counters.pages_read, 0u);
}

TEST(ScanIndexTest, EveryCodecAndPageSizeAgrees) {
  for (parquet::Codec codec : {parquet::Codec::kUncompressed, parquet::Codec::kZstd}) {
    const Table t = MakeTable(codec);
    ScanSpec spec = SelectAll(Cmp(ExprOp::kGt, Col(1), Flt(1.5)));
    spec.columns = t.columns;
    MemorySource a(t.file), b(t.file);
    a.hands_out_verified = b.hands_out_verified = false;
    MemoryIndexes indexes(t);
    const ScanResult pages = Scan(spec, t.tasks, a, &indexes);
    const ScanResult whole = Scan(spec, t.whole_chunks, b);
    EXPECT_EQ(pages.columns, whole.columns);
    EXPECT_GT(pages.counters.pages_read, 0u);
  }
}

}  // namespace
}  // namespace strata::table
