#include "strata/query/query_engine.h"

#include <chrono>

#include "strata/query/binder.h"
#include "strata/query/sql_parser.h"
#include "strata/query/table_files.h"
#include "strata/table/prune.h"

namespace strata::query {

namespace {

using table::ColumnVector;
using table::Type;

// Row groups per scan call: bounds the rows held at once when a query
// returns much, and lets a LIMIT stop early.
constexpr size_t kRowGroupsPerBatch = 32;

// The host-side path: column chunks read through the object's normal read
// path, as a client would download them.
class HostChunkSource : public table::ChunkSource {
 public:
  explicit HostChunkSource(ObjectSource* source) : source_(source) {}
  Status Read(uint64_t offset, uint64_t length, bool, std::string* out, bool* out_verified) override {
    const uint64_t before = source_->bytes_read();
    RETURN_IF_ERROR(source_->ReadAt(offset, length, out));
    bytes_read_ += source_->bytes_read() - before;
    moved_ += length;
    *out_verified = true;
    return Status::OK();
  }
  uint64_t bytes_read() const override { return bytes_read_; }
  uint64_t moved() const { return moved_; }

 private:
  ObjectSource* source_;
  uint64_t bytes_read_ = 0;
  uint64_t moved_ = 0;
};

uint64_t ResultBytes(const table::ScanResult& result) {
  uint64_t bytes = 0;
  for (const ColumnVector& c : result.columns) {
    bytes += c.validity.size() + c.bools.size() + c.int32s.size() * 4 + c.int64s.size() * 8 + c.floats.size() * 4 +
             c.doubles.size() * 8 + c.strings.bytes.size() + c.strings.offsets.size() * 4;
  }
  return bytes + result.aggregates.size() * sizeof(table::AggregateState);
}

void AppendValue(const table::Value& v, Type type, ColumnVector* out) {
  out->type = type;
  out->validity.push_back(v.is_null ? 0 : 1);
  switch (type) {
    case Type::kBoolean: out->bools.push_back(v.bool_value); break;
    case Type::kInt32: out->int32s.push_back(static_cast<int32_t>(v.int_value)); break;
    case Type::kInt64: out->int64s.push_back(v.int_value); break;
    case Type::kFloat: out->floats.push_back(static_cast<float>(v.double_value)); break;
    case Type::kDouble: out->doubles.push_back(v.double_value); break;
    case Type::kByteArray: out->strings.Append(v.string_value); break;
    default: break;
  }
}

// The one result row of an aggregate query.
Status FinalizeAggregates(const BoundQuery& bound, const table::ScanResult& total, std::vector<ColumnVector>* out) {
  out->clear();
  for (size_t a = 0; a < bound.spec.aggregates.size(); ++a) {
    const table::AggregateCall& call = bound.spec.aggregates[a];
    const table::AggregateState& s = total.aggregates[a];
    const Type type = bound.types[a];
    ColumnVector column(type);
    table::Value v = table::Value::Null(type);
    switch (call.kind) {
      case table::AggregateKind::kCountStar:
      case table::AggregateKind::kCount: v = table::Value::Int(static_cast<int64_t>(s.count)); break;
      case table::AggregateKind::kMin: v = s.min; break;
      case table::AggregateKind::kMax: v = s.max; break;
      case table::AggregateKind::kSum:
        if (s.count == 0) break;
        if (type == Type::kInt64) {
          const __int128 sum = s.IntSum();
          if (sum > INT64_MAX || sum < INT64_MIN) {
            return Status::InvalidArgument(bound.names[a] + " exceeds the INT64 range");
          }
          v = table::Value::Int(static_cast<int64_t>(sum));
        } else {
          v = table::Value::Double(s.double_sum);
        }
        break;
      case table::AggregateKind::kAvg:
        if (s.count == 0) break;
        v = table::Value::Double(table::IsInteger(call.arg.type)
                                     ? static_cast<double>(s.IntSum()) / static_cast<double>(s.count)
                                     : s.double_sum / static_cast<double>(s.count));
        break;
    }
    AppendValue(v, type, &column);
    if (!v.is_null) column.validity.clear();
    out->push_back(std::move(column));
  }
  return Status::OK();
}

std::string Bytes(uint64_t n) {
  if (n >= (1u << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= 1024) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " B";
}

}  // namespace

Status QueryEngine::Run(std::string_view sql, const QueryOptions& options, ResultSink* sink, QueryStats* stats) {
  *stats = QueryStats();
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(SelectStatement statement, ParseSql(sql));
  if (statement.from.s3_object) {
    return Status::InvalidArgument("query at " + FormatPosition(sql, statement.from.position) +
                                   ": S3Object names the object of an S3 Select request; here name a table: "
                                   "FROM bucket/key or FROM bucket/prefix/");
  }
  Result<std::vector<TableFile>> opened = OpenTables(*store_, statement.from.target);
  if (!opened.ok()) {
    return opened.status().WithContext("query at " + FormatPosition(sql, statement.from.position));
  }
  std::vector<TableFile>& files = *opened;
  ASSIGN_OR_RETURN(BoundQuery bound, Bind(statement, sql, files[0].columns));
  const table::ScanSpec& spec = bound.spec;
  if (!options.explain) RETURN_IF_ERROR(sink->Begin(bound.names, bound.types));
  stats->tables = files.size();
  std::vector<std::string> column_names;
  for (const table::ScanColumn& c : files[0].columns) column_names.push_back(c.name);
  if (spec.filter) stats->plan.push_back("filter: " + spec.filter->ToSql(column_names));

  table::ScanResult total = table::EmptyResult(spec);
  bool done = false;
  for (TableFile& file : files) {
    if (done) break;
    table::ScanSpec file_spec = spec;
    file_spec.columns = file.columns;
    std::vector<table::RowGroupTask> tasks;
    const size_t groups = file.metadata.row_groups.size();
    uint64_t pruned = 0;
    for (size_t g = 0; g < groups; ++g) {
      const int64_t rows = file.metadata.row_groups[g].num_rows;
      if (rows == 0 || (spec.filter && !table::MayMatch(*spec.filter, RowGroupStats(file, g), rows))) {
        ++pruned;
        continue;
      }
      table::RowGroupTask task;
      task.row_group = g;
      task.num_rows = rows;
      for (size_t c = 0; c < file.columns.size(); ++c) {
        ASSIGN_OR_RETURN(parquet::ChunkRange range,
                         parquet::ChunkRangeOf(file.metadata, g, c, file.reader->record().size));
        task.chunks.push_back({range.offset, range.length, range.codec, range.num_values});
      }
      tasks.push_back(std::move(task));
    }
    stats->row_groups_total += groups;
    stats->row_groups_pruned += pruned;
    const bool on_nodes = options.pushdown && file.aligned;
    stats->plan.push_back(file.bucket + "/" + file.key + ": " + std::to_string(groups) + " row groups, " +
                          std::to_string(pruned) + " pruned by statistics, " + std::to_string(tasks.size()) +
                          " to scan " +
                          (on_nodes ? "on the nodes that hold them (pushdown)"
                                    : "at the gateway (" +
                                          (options.pushdown ? "not aligned: " + file.not_aligned : "--no-pushdown") +
                                          ")"));
    if (options.explain) continue;

    HostChunkSource host(file.source.get());
    for (size_t first = 0; first < tasks.size() && !done; first += kRowGroupsPerBatch) {
      const size_t count = std::min(kRowGroupsPerBatch, tasks.size() - first);
      std::vector<table::RowGroupTask> batch(tasks.begin() + first, tasks.begin() + first + count);
      if (!spec.aggregating() && spec.limit != table::kNoLimit) file_spec.limit = spec.limit - stats->rows_returned;
      table::ScanResult result = table::EmptyResult(file_spec);
      if (on_nodes) {
        ASSIGN_OR_RETURN(result, store_->cluster().ScanBlob(file.blob, file_spec, batch));
        stats->bytes_returned += ResultBytes(result);
      } else {
        const uint64_t moved = host.moved();
        RETURN_IF_ERROR(table::ScanRowGroups(file_spec, batch, host, &result)
                            .WithContext(file.bucket + "/" + file.key));
        stats->bytes_returned += host.moved() - moved;
      }
      stats->row_groups_scanned += result.counters.row_groups;
      stats->rows_scanned += result.counters.rows_scanned;
      stats->bytes_read += result.counters.bytes_read;
      if (spec.aggregating()) {
        table::MergeResult(spec, std::move(result), &total);
        continue;
      }
      if (result.rows() > 0) {
        stats->rows_returned += result.rows();
        RETURN_IF_ERROR(sink->Rows(result.columns));
      }
      if (spec.limit != table::kNoLimit && stats->rows_returned >= spec.limit) done = true;
    }
    RETURN_IF_ERROR(file.reader->Close());
  }
  if (options.explain) {
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Status::OK();
  }
  // An aggregate query has one result row, which LIMIT 0 removes.
  if (spec.aggregating() && spec.limit > 0) {
    std::vector<ColumnVector> row;
    RETURN_IF_ERROR(FinalizeAggregates(bound, total, &row));
    stats->rows_returned = 1;
    RETURN_IF_ERROR(sink->Rows(row));
  }
  stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats->plan.push_back("read " + Bytes(stats->bytes_read) + " on drives, returned " + Bytes(stats->bytes_returned));
  return sink->End(*stats);
}

}  // namespace strata::query
