#include "strata/query/csv_select.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "strata/query/batch_scan.h"
#include "strata/query/binder.h"
#include "strata/query/sql_parser.h"

namespace strata::query {

Result<size_t> ObjectStream::Read(std::span<char> out) {
  const uint64_t size = reader_->record().size;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), size - offset_));
  if (n == 0) return size_t{0};
  RETURN_IF_ERROR(reader_->Read(offset_, std::as_writable_bytes(out.first(n))));
  offset_ += n;
  return n;
}

namespace {

using table::ColumnVector;
using table::CsvRecord;
using table::Type;

constexpr size_t kReadSize = 1 << 20;
// A batch is also cut after this much input, so that long records cannot
// make one batch (or the 32-bit offsets of its string columns) huge.
constexpr uint64_t kBatchInputBytes = 32u << 20;
// No record may be longer than this: a file without record delimiters
// must not be gathered into memory whole.
constexpr uint64_t kMaxRecordBytes = 8u << 20;

// The highest N of the positional names (_1, s._2) the expression uses.
void HighestPosition(const AstExpr& e, size_t* high) {
  if (e.kind == ExprKind::kColumn && e.name.size() > 1 && e.name[0] == '_') {
    size_t n = 0;
    auto [end, ec] = std::from_chars(e.name.data() + 1, e.name.data() + e.name.size(), n);
    // Far-off positions are left for the binder to refuse, so that a typo
    // cannot make millions of columns.
    if (ec == std::errc() && end == e.name.data() + e.name.size() && n <= 10000) *high = std::max(*high, n);
  }
  for (const auto& arg : e.args) HighestPosition(*arg, high);
}

class CsvSelect {
 public:
  CsvSelect(std::string_view sql, std::string_view name, const CsvInput& csv, const QueryOptions& options,
            ByteStream& input, ResultSink* sink, QueryStats* stats)
      : sql_(sql), name_(name), csv_(csv), options_(options), input_(input), sink_(sink), stats_(stats),
        parser_(csv.format) {}

  Status Run() {
    ASSIGN_OR_RETURN(SelectStatement statement, ParseSql(sql_));
    if (!statement.from.s3_object) {
      return Status::InvalidArgument("query at " + FormatPosition(sql_, statement.from.position) +
                                     ": an S3 Select request queries its own object: FROM S3Object");
    }
    if (!statement.from.json_path.empty()) {
      return Status::InvalidArgument("query at " + FormatPosition(sql_, statement.from.position) + ": the path '" +
                                     statement.from.json_path + "' after S3Object applies to JSON input only");
    }
    // The columns come from the first record, so it is read before binding.
    while (records_.empty() && !ended_) RETURN_IF_ERROR(ReadMore());
    std::vector<table::ScanColumn> columns;
    if (!records_.empty()) {
      if (csv_.header == CsvHeader::kUse) {
        for (size_t c = 0; c < records_[0].size(); ++c) {
          const std::string& title = records_[0][c];
          columns.push_back({title.empty() ? "_" + std::to_string(c + 1) : title, Type::kByteArray, true});
        }
      } else {
        for (size_t c = 0; c < records_[0].size(); ++c) {
          columns.push_back({"_" + std::to_string(c + 1), Type::kByteArray, true});
        }
      }
      if (csv_.header != CsvHeader::kNone) next_ = 1;
    }
    // _N past the first record's fields is a column too: NULL wherever a
    // record is that short, as S3 Select answers for ragged CSV.
    size_t high = 0;
    for (const SelectItem& item : statement.items) HighestPosition(*item.expr, &high);
    if (statement.where) HighestPosition(*statement.where, &high);
    for (size_t c = columns.size(); c < high; ++c) {
      columns.push_back({"_" + std::to_string(c + 1), Type::kByteArray, true});
    }
    ASSIGN_OR_RETURN(bound_, Bind(statement, sql_, columns));
    const table::ScanSpec& spec = bound_.spec;
    needed_ = spec.FilterColumns();
    for (int c : spec.OutputColumns()) needed_.push_back(c);
    RETURN_IF_ERROR(sink_->Begin(bound_.names, bound_.types));
    stats_->tables = 1;

    BatchScan scan(spec);
    while (!scan.done()) {
      const size_t pending = records_.size() - next_;
      if (!ended_ && pending < kCsvBatchRows && pending_bytes_ < kBatchInputBytes) {
        RETURN_IF_ERROR(ReadMore());
        continue;
      }
      if (pending == 0) break;  // the input is over
      RETURN_IF_ERROR(Evaluate(scan, std::min(pending, kCsvBatchRows)));
    }
    stats_->rows_scanned = scan.rows_scanned();
    if (spec.aggregating() && spec.limit > 0) {
      std::vector<ColumnVector> row;
      RETURN_IF_ERROR(FinalizeAggregates(bound_, scan.aggregates(), &row));
      stats_->rows_returned = 1;
      RETURN_IF_ERROR(sink_->Rows(row));
    }
    stats_->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return sink_->End(*stats_);
  }

 private:
  // Reads one piece of the input and parses the records it completes.
  Status ReadMore() {
    if (buffer_.empty()) buffer_.resize(kReadSize);
    ASSIGN_OR_RETURN(size_t n, input_.Read(buffer_));
    ended_ = n == 0;
    stats_->bytes_read += n;
    pending_bytes_ += n;
    const size_t before = records_.size();
    Status parsed = parser_.Feed(std::string_view(buffer_.data(), n), ended_, &records_, &lines_);
    if (!parsed.ok()) return parsed.WithContext(std::string(name_));
    if (records_.size() > before) {
      unfinished_bytes_ = 0;
    } else if ((unfinished_bytes_ += n) > kMaxRecordBytes) {
      return Status::InvalidArgument(std::string(name_) + ": line " + std::to_string(parser_.line()) +
                                     ": a record longer than " + std::to_string(kMaxRecordBytes >> 20) +
                                     " MiB (is the record delimiter right?)");
    }
    return Status::OK();
  }

  // The columns the query reads, for records [first, first + count).
  void MakeColumns(size_t first, size_t count, std::vector<ColumnVector>* columns, table::BatchView* view) const {
    columns->assign(bound_.spec.columns.size(), ColumnVector(Type::kByteArray));
    view->rows = count;
    view->columns.assign(columns->size(), nullptr);
    for (int c : needed_) {
      ColumnVector& column = (*columns)[c];
      if (view->columns[c] != nullptr) continue;
      bool missing = false;
      column.validity.assign(count, 1);
      for (size_t r = 0; r < count; ++r) {
        const CsvRecord& record = records_[first + r];
        if (static_cast<size_t>(c) < record.size() && !record[c].empty()) {
          column.strings.Append(record[c]);
        } else {
          column.strings.Append({});
          column.validity[r] = 0;
          missing = true;
        }
      }
      if (!missing) column.validity.clear();
      view->columns[c] = &column;
    }
  }

  Status Evaluate(BatchScan& scan, size_t count) {
    std::vector<ColumnVector> columns, rows;
    table::BatchView view;
    MakeColumns(next_, count, &columns, &view);
    Status st = scan.Add(view, &rows);
    if (!st.ok()) return WhereFailed(count, st);
    if (!rows.empty() && rows[0].size() > 0) {
      stats_->rows_returned += rows[0].size();
      RETURN_IF_ERROR(sink_->Rows(rows));
    }
    next_ += count;
    // Drop what is done, keeping the records not yet evaluated.
    records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(next_));
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(next_));
    next_ = 0;
    pending_bytes_ = 0;
    for (const CsvRecord& record : records_) {
      for (const std::string& field : record) pending_bytes_ += field.size() + 1;
    }
    stats_->rows_scanned = scan.rows_scanned();
    if (options_.progress) RETURN_IF_ERROR(options_.progress(*stats_));
    return Status::OK();
  }

  // A batch failed (a CAST, most likely): evaluates its records one at a
  // time to name the line of the first that fails.
  Status WhereFailed(size_t count, const Status& error) const {
    BatchScan probe(bound_.spec);
    for (size_t r = 0; r < count && !probe.done(); ++r) {
      std::vector<ColumnVector> columns, rows;
      table::BatchView view;
      MakeColumns(next_ + r, 1, &columns, &view);
      Status st = probe.Add(view, &rows);
      if (!st.ok()) return st.WithContext(std::string(name_) + ": line " + std::to_string(lines_[next_ + r]));
    }
    return error.WithContext(std::string(name_) + ": lines " + std::to_string(lines_[next_]) + " to " +
                             std::to_string(lines_[next_ + count - 1]));
  }

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string_view sql_;
  std::string_view name_;
  const CsvInput& csv_;
  const QueryOptions& options_;
  ByteStream& input_;
  ResultSink* sink_;
  QueryStats* stats_;
  table::CsvParser parser_;
  BoundQuery bound_;
  std::vector<int> needed_;
  std::vector<char> buffer_;
  std::vector<CsvRecord> records_;  // parsed, from next_ on not yet evaluated
  std::vector<uint64_t> lines_;     // where each of records_ starts
  size_t next_ = 0;
  bool ended_ = false;
  uint64_t pending_bytes_ = 0;      // input bytes behind the records not yet evaluated
  uint64_t unfinished_bytes_ = 0;   // read since the last complete record
};

}  // namespace

Status RunCsvSelect(std::string_view sql, std::string_view name, const CsvInput& csv, const QueryOptions& options,
                    ByteStream& input, ResultSink* sink, QueryStats* stats) {
  *stats = QueryStats();
  return CsvSelect(sql, name, csv, options, input, sink, stats).Run();
}

}  // namespace strata::query
