#include "strata/query/query_engine.h"

#include <chrono>

#include "strata/query/batch_scan.h"
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
  const bool s3_select = !options.s3_object_target.empty();
  if (statement.from.s3_object != s3_select) {
    return Status::InvalidArgument(
        "query at " + FormatPosition(sql, statement.from.position) +
        (s3_select ? ": an S3 Select request queries its own object: FROM S3Object"
                   : ": S3Object names the object of an S3 Select request; here name a table: "
                     "FROM bucket/key or FROM bucket/prefix/"));
  }
  if (s3_select && !statement.from.json_path.empty()) {
    return Status::InvalidArgument("query at " + FormatPosition(sql, statement.from.position) + ": the path '" +
                                   statement.from.json_path + "' after S3Object applies to JSON input only");
  }
  // An S3 Select request names exactly one object, never a prefix.
  // An --explain plans without scanning: no access of the data.
  const AccessKind access = options.explain ? AccessKind::kInternal : AccessKind::kQuery;
  Result<std::vector<TableFile>> opened = s3_select ? OpenTableObject(*store_, options.s3_object_target, access)
                                                    : OpenTables(*store_, statement.from.target, access);
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
    file_spec.use_index = options.use_index;
    std::vector<table::RowGroupTask> tasks;
    const size_t groups = file.metadata.row_groups.size();
    uint64_t pruned = 0;
    for (size_t g = 0; g < groups; ++g) {
      const int64_t rows = file.metadata.row_groups[g].num_rows;
      if (rows == 0 || (spec.filter && !table::MayMatch(*spec.filter, RowGroupStats(file, g), rows))) {
        ++pruned;
        continue;
      }
      ASSIGN_OR_RETURN(table::RowGroupTask task, RowGroupTaskOf(file, g));
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
      stats->row_groups_indexed += result.counters.index_row_groups;
      stats->bytes_read += result.counters.bytes_read;
      if (options.progress) RETURN_IF_ERROR(options.progress(*stats));
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
