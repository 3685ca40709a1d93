// Fuzz target: the scan wire format as a node receives it. Any bytes parse as
// a scan request and as a scan result, or are refused; they never crash. A
// request that parses passes ValidateSpec, serializes back to bytes that parse
// to the same request, and, when small, runs against a tiny in-memory table
// without crashing: chunks that point outside the table's bytes must end in an
// error, and what a scan returns has the shape its spec asks for and survives
// the result wire format. The seeds in tests/fuzz/scan_request_fuzz/ are
// requests over the table built here (and results of them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"
#include "strata/table/scan.h"
#include "strata/table/scan_codec.h"

namespace {

using namespace strata;
using namespace strata::table;

void Require(bool condition) {
  if (!condition) std::abort();
}

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

// 1000 rows in 4 KiB units: id INT64, k INT32?, x DOUBLE?, f FLOAT, name
// STRING?, flag BOOLEAN; snappy.
struct TinyTable {
  std::string file;
  std::vector<ScanColumn> columns;
  std::vector<RowGroupTask> tasks;
};

const TinyTable& Table() {
  static const TinyTable* table = [] {
    auto* t = new TinyTable;
    const std::vector<parquet::ColumnSchema> schema = {
        {"id", Type::kInt64, false}, {"k", Type::kInt32, true},         {"x", Type::kDouble, true},
        {"f", Type::kFloat, false},  {"name", Type::kByteArray, true}, {"flag", Type::kBoolean, false}};
    std::vector<ColumnVector> columns;
    for (const auto& c : schema) columns.emplace_back(c.type);
    for (int r = 0; r < 1000; ++r) {
      columns[0].int64s.push_back(r);
      columns[1].int32s.push_back(r * 7919 % 1009 - 500);
      columns[1].validity.push_back(r % 7 != 0);
      columns[2].doubles.push_back((r * 104729 % 2003) * 0.5 - 400);
      columns[2].validity.push_back(r % 5 != 0);
      columns[3].floats.push_back(static_cast<float>(r * 31 % 97) / 4);
      columns[4].strings.Append("name" + std::to_string(r * 13 % 29));
      columns[4].validity.push_back(r % 3 != 0);
      columns[5].bools.push_back(r % 2);
    }
    StringSink sink;
    parquet::AlignedWriterOptions options;
    options.unit_size = 4096;
    options.codec = parquet::Codec::kSnappy;
    parquet::AlignedWriter writer(schema, options, &sink);
    Require(writer.Append(columns).ok() && writer.Finish().ok());
    t->file = std::move(sink.data);
    for (const auto& c : schema) t->columns.push_back({c.name, c.type, c.optional});
    const parquet::FileMetaData& metadata = writer.metadata();
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      auto task = RowGroupTaskOf(metadata, g, schema.size(), t->file.size());
      Require(task.ok());
      t->tasks.push_back(*std::move(task));
    }
    return t;
  }();
  return *table;
}

class TableSource : public ChunkSource {
 public:
  Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) override {
    const std::string& data = Table().file;
    if (offset > data.size() || length > data.size() - offset) {
      // An OffsetIndex is only a hint: reading it outside the table makes
      // the scan read the whole chunk instead, which must then fail.
      if (!page_index_offsets.count(offset)) outside = true;
      return Status::Corruption("chunk outside the table");
    }
    out->assign(data, offset, length);
    read += length;
    *out_verified = verified;  // as a node hands out unit slices
    return Status::OK();
  }
  uint64_t bytes_read() const override { return read; }
  bool outside = false;
  uint64_t read = 0;
  std::set<uint64_t> page_index_offsets;
};

size_t Nodes(const Expr& e) {
  size_t n = 1;
  for (const Expr& arg : e.args) n += Nodes(arg);
  return n;
}

bool Small(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks) {
  if (tasks.size() > 16 || spec.columns.size() > 64) return false;
  size_t nodes = spec.filter ? Nodes(*spec.filter) : 0;
  for (const Expr& e : spec.outputs) nodes += Nodes(e);
  for (const AggregateCall& a : spec.aggregates) nodes += Nodes(a.arg);
  if (nodes > 4000 || spec.outputs.size() + spec.aggregates.size() > 256) return false;
  for (const RowGroupTask& task : tasks) {
    if (task.num_rows > 100000) return false;
    for (const ChunkLocation& c : task.chunks) {
      if (c.num_values < 0 || c.num_values > 100000) return false;
    }
  }
  return true;
}

void CheckResultShape(const ScanSpec& spec, const ScanResult& result) {
  if (spec.aggregating()) {
    Require(result.aggregates.size() == spec.aggregates.size());
    Require(result.columns.empty());
    return;
  }
  Require(result.columns.size() == spec.outputs.size());
  Require(result.rows() <= spec.limit);
  for (const ColumnVector& c : result.columns) {
    Require(c.size() == result.rows());
    Require(c.validity.empty() || c.validity.size() == c.size());
  }
}

void CheckResultBytes(std::string_view bytes) {
  Result<ScanResult> parsed = ParseScanResult(bytes);
  if (!parsed.ok()) return;
  const size_t rows = parsed->rows();
  for (const ColumnVector& c : parsed->columns) {
    Require(c.size() == rows);
    Require(c.validity.empty() || c.validity.size() == c.size());
    if (c.type == Type::kByteArray) Require(!c.strings.offsets.empty() && c.strings.offsets.back() == c.strings.bytes.size());
  }
  const std::string again = SerializeScanResult(*parsed);
  Result<ScanResult> reparsed = ParseScanResult(again);
  Require(reparsed.ok());
  Require(SerializeScanResult(*reparsed) == again);
}

void Run(const ScanSpec& spec, const std::vector<RowGroupTask>& tasks) {
  TableSource source;
  for (const RowGroupTask& task : tasks) {
    for (const ChunkLocation& c : task.chunks) {
      if (c.page_index_length != 0) source.page_index_offsets.insert(c.page_index_offset);
    }
  }
  ScanResult result = EmptyResult(spec);
  const Status st = ScanRowGroups(spec, tasks, source, &result);
  if (source.outside) Require(!st.ok());
  if (!st.ok()) return;
  CheckResultShape(spec, result);
  Require(result.counters.bytes_read == source.read);
  // What a node sends back, the gateway reads and merges.
  const std::string bytes = SerializeScanResult(result);
  Result<ScanResult> parsed = ParseScanResult(bytes);
  Require(parsed.ok());
  Require(SerializeScanResult(*parsed) == bytes);
  ScanResult merged = EmptyResult(spec);
  MergeResult(spec, std::move(parsed).value(), &merged);
  CheckResultShape(spec, merged);
  Require(merged.rows() == result.rows());
}

void CheckRequestBytes(std::string_view bytes) {
  ScanSpec spec;
  std::vector<RowGroupTask> tasks;
  if (!ParseScanRequest(bytes, &spec, &tasks).ok()) return;
  Require(ValidateSpec(spec).ok());
  for (const RowGroupTask& task : tasks) Require(task.chunks.size() == spec.columns.size() && task.num_rows >= 0);
  const std::string again = SerializeScanRequest(spec, tasks);
  ScanSpec spec2;
  std::vector<RowGroupTask> tasks2;
  Require(ParseScanRequest(again, &spec2, &tasks2).ok());
  Require(SerializeScanRequest(spec2, tasks2) == again);
  Require(tasks2 == tasks);
  if (Small(spec, tasks)) Run(spec, tasks);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckRequestBytes(bytes);
  CheckResultBytes(bytes);
  return 0;
}
