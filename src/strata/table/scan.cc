#include "strata/table/scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "strata/parquet/file_reader.h"
#include "strata/table/chunk_reader.h"
#include "strata/table/row_group_index.h"

namespace strata::table {

std::vector<int> ScanSpec::FilterColumns() const {
  std::vector<int> columns;
  if (filter) filter->CollectColumns(&columns);
  return columns;
}

std::vector<int> ScanSpec::OutputColumns() const {
  std::vector<int> all = FilterColumns();
  const size_t filter_count = all.size();
  for (const Expr& e : outputs) e.CollectColumns(&all);
  for (const AggregateCall& a : aggregates) {
    if (a.kind != AggregateKind::kCountStar) a.arg.CollectColumns(&all);
  }
  return std::vector<int>(all.begin() + static_cast<std::ptrdiff_t>(filter_count), all.end());
}

void ScanCounters::Add(const ScanCounters& other) {
  row_groups += other.row_groups;
  rows_scanned += other.rows_scanned;
  rows_matched += other.rows_matched;
  bytes_read += other.bytes_read;
  reread_chunks += other.reread_chunks;
  index_row_groups += other.index_row_groups;
  pages_read += other.pages_read;
}

ScanResult EmptyResult(const ScanSpec& spec) {
  ScanResult result;
  if (spec.aggregating()) {
    result.aggregates.resize(spec.aggregates.size());
    for (size_t i = 0; i < spec.aggregates.size(); ++i) {
      const Type type = spec.aggregates[i].arg.type;
      result.aggregates[i].min = Value::Null(type);
      result.aggregates[i].max = Value::Null(type);
    }
  } else {
    for (const Expr& e : spec.outputs) result.columns.emplace_back(e.type);
  }
  return result;
}

namespace {


void TakeMin(const Value& v, Value* min) {
  if (v.is_null) return;
  if (min->is_null || CompareValues(v, *min) < 0) *min = v;
}
void TakeMax(const Value& v, Value* max) {
  if (v.is_null) return;
  if (max->is_null || CompareValues(v, *max) > 0) *max = v;
}

Value ValueAt(const ColumnVector& c, size_t i, Type type) {
  Value v = Value::Null(type);
  if (!c.IsValid(i)) return v;
  v.is_null = false;
  switch (c.type) {
    case Type::kBoolean: v.bool_value = c.bools[i]; break;
    case Type::kInt32: v.int_value = c.int32s[i]; break;
    case Type::kInt64: v.int_value = c.int64s[i]; break;
    case Type::kFloat: v.double_value = c.floats[i]; break;
    case Type::kDouble: v.double_value = c.doubles[i]; break;
    case Type::kByteArray: v.string_value = std::string(c.strings[i]); break;
    default: break;
  }
  return v;
}

// The no-null fast path of AccumulateNumbers for 32-bit and floating-point
// values: independent lanes, so the compiler can vectorize the loop and the
// additions do not wait on each other. Integer lanes sum in int64 (no
// overflow below 2^32 rows of 32-bit values). NaN propagates into the sum and
// is skipped by MIN and MAX because every comparison with it is false.
// Returns whether MIN and MAX saw a value.
template <typename T, typename Sum>
bool AccumulateDense(const std::vector<T>& values, Sum* sum, T* lo, T* hi) {
  constexpr size_t kLanes = 8;
  Sum sums[kLanes] = {};
  T los[kLanes], his[kLanes];
  const T top = std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
  const T bottom = std::is_floating_point_v<T> ? -top : std::numeric_limits<T>::lowest();
  for (size_t l = 0; l < kLanes; ++l) {
    los[l] = top;
    his[l] = bottom;
  }
  const size_t n = values.size();
  const T* v = values.data();
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const T x = v[i + l];
      sums[l] += x;
      los[l] = x < los[l] ? x : los[l];
      his[l] = x > his[l] ? x : his[l];
    }
  }
  for (; i < n; ++i) {
    sums[0] += v[i];
    los[0] = v[i] < los[0] ? v[i] : los[0];
    his[0] = v[i] > his[0] ? v[i] : his[0];
  }
  *sum = 0;
  *lo = top;
  *hi = bottom;
  for (size_t l = 0; l < kLanes; ++l) {
    *sum += sums[l];
    *lo = std::min(*lo, los[l]);
    *hi = std::max(*hi, his[l]);
  }
  // Whether MIN and MAX saw a value (not NaN): only a value moves a lane off
  // its start, so the range is empty when none did.
  return n > 0 && *lo <= *hi;
}

// Folds a lo/hi pair found by a scan of `type` into the state's MIN and MAX.
template <typename T>
void TakeRange(T lo, T hi, Type type, AggregateState* s) {
  Value vlo = Value::Null(type), vhi = Value::Null(type);
  vlo.is_null = vhi.is_null = false;
  if constexpr (std::is_floating_point_v<T>) {
    vlo.double_value = lo;
    vhi.double_value = hi;
  } else {
    vlo.int_value = lo;
    vhi.int_value = hi;
    vlo.bool_value = lo != 0;
    vhi.bool_value = hi != 0;
  }
  TakeMin(vlo, &s->min);
  TakeMax(vhi, &s->max);
}

template <typename T>
void AccumulateNumbers(const std::vector<T>& values, const ColumnVector& c, Type type, AggregateState* s) {
  if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, int32_t>) {
    if (c.validity.empty()) {
      using Sum = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
      Sum sum = 0;
      T lo{}, hi{};
      const bool seen = AccumulateDense<T, Sum>(values, &sum, &lo, &hi);
      s->count += values.size();
      if constexpr (std::is_floating_point_v<T>) {
        s->double_sum += sum;
      } else {
        s->SetIntSum(s->IntSum() + sum);
      }
      if (seen) TakeRange(lo, hi, type, s);
      return;
    }
  }
  const size_t n = values.size();
  __int128 int_sum = s->IntSum();
  double double_sum = s->double_sum;
  uint64_t count = 0;
  bool have = false;
  T lo{}, hi{};
  for (size_t i = 0; i < n; ++i) {
    if (!c.IsValid(i)) continue;
    const T v = values[i];
    ++count;
    if constexpr (std::is_floating_point_v<T>) {
      double_sum += v;  // a NaN makes SUM and AVG NaN, as in DuckDB
      if (std::isnan(v)) continue;  // but MIN and MAX skip it
    } else {
      int_sum += v;
    }
    if (!have) {
      lo = hi = v;
      have = true;
    } else {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  s->SetIntSum(int_sum);
  s->double_sum = double_sum;
  s->count += count;
  if (have) TakeRange(lo, hi, type, s);
}

void Accumulate(const AggregateCall& call, const ColumnVector& c, AggregateState* s) {
  const Type type = call.arg.type;
  switch (c.type) {
    case Type::kBoolean: AccumulateNumbers(c.bools, c, type, s); break;
    case Type::kInt32: AccumulateNumbers(c.int32s, c, type, s); break;
    case Type::kInt64: AccumulateNumbers(c.int64s, c, type, s); break;
    case Type::kFloat: AccumulateNumbers(c.floats, c, type, s); break;
    case Type::kDouble: AccumulateNumbers(c.doubles, c, type, s); break;
    case Type::kByteArray:
      for (size_t i = 0; i < c.size(); ++i) {
        if (!c.IsValid(i)) continue;
        ++s->count;
        Value v = ValueAt(c, i, type);
        TakeMin(v, &s->min);
        TakeMax(v, &s->max);
      }
      break;
    default: break;
  }
}

// Appends the outputs of the rows in `view` (the selected rows only) to
// *result, or folds them into its aggregates.
Status EmitSelected(const ScanSpec& spec, const BatchView& view, ScanResult* result) {
  if (spec.aggregating()) {
    for (size_t a = 0; a < spec.aggregates.size(); ++a) {
      const AggregateCall& call = spec.aggregates[a];
      AggregateState& state = result->aggregates[a];
      if (call.kind == AggregateKind::kCountStar) {
        state.count += view.rows;
      } else if (call.arg.op == ExprOp::kColumn) {
        Accumulate(call, *view.columns[call.arg.column], &state);
      } else {
        ColumnVector value;
        RETURN_IF_ERROR(EvalValue(call.arg, view, &value));
        Accumulate(call, value, &state);
      }
    }
    return Status::OK();
  }
  for (size_t o = 0; o < spec.outputs.size(); ++o) {
    const Expr& e = spec.outputs[o];
    if (e.op == ExprOp::kColumn) {
      AppendColumn(*view.columns[e.column], &result->columns[o]);
    } else {
      ColumnVector value;
      RETURN_IF_ERROR(EvalValue(e, view, &value));
      AppendColumn(value, &result->columns[o]);
    }
  }
  return Status::OK();
}

// How many more rows the limit lets a row-mode result take.
uint64_t Room(const ScanSpec& spec, const ScanResult& result) {
  if (spec.aggregating() || spec.limit == kNoLimit) return kNoLimit;
  return spec.limit > result.rows() ? spec.limit - result.rows() : 0;
}

class RowGroupScanner {
 public:
  RowGroupScanner(const ScanSpec& spec, ChunkSource& source, IndexSource* indexes, ScanResult* result)
      : spec_(spec),
        indexes_(spec.use_index && IndexMayAnswer(spec) ? indexes : nullptr),
        result_(result),
        reader_(spec, source, &result->counters),
        decoded_(spec.columns.size()) {}

  Status Scan(const RowGroupTask& task) {
    if (task.chunks.size() != spec_.columns.size()) {
      return Status::InvalidArgument("row group " + std::to_string(task.row_group) + ": " +
                                     std::to_string(task.chunks.size()) + " chunks for " +
                                     std::to_string(spec_.columns.size()) + " columns");
    }
    for (ColumnVector& c : decoded_) c.Clear();
    have_.assign(decoded_.size(), false);
    const size_t rows = static_cast<size_t>(task.num_rows);
    ScanCounters& counters = result_->counters;
    ++counters.row_groups;
    counters.rows_scanned += rows;

    // Rows that can match, and those that do: all rows until a filter or an
    // index says otherwise. Columns in `at_candidates` hold only the
    // candidates' values.
    std::vector<uint32_t> selected;
    bool all_selected = true;
    std::vector<ColumnVector> at_candidates;
    std::vector<uint32_t> positions;  // of the selected rows among the candidates
    std::optional<std::vector<uint32_t>> candidates = Candidates(task);
    if (candidates && candidates->empty()) return Status::OK();
    if (candidates) {
      at_candidates.resize(decoded_.size());
      BatchView view;
      view.rows = candidates->size();
      view.columns.assign(decoded_.size(), nullptr);
      for (int c : spec_.FilterColumns()) {
        RETURN_IF_ERROR(ValuesAt(task, c, *candidates, &at_candidates[c]));
        view.columns[c] = &at_candidates[c];
      }
      std::vector<uint8_t> truth;
      RETURN_IF_ERROR(EvalPredicate(*spec_.filter, view, &truth).WithContext(Where(task)));
      SelectedRows(truth, &positions);
      for (uint32_t p : positions) selected.push_back((*candidates)[p]);
      all_selected = false;
    } else if (spec_.filter) {
      for (int c : spec_.FilterColumns()) RETURN_IF_ERROR(DecodeAll(task, c));
      std::vector<uint8_t> truth;
      RETURN_IF_ERROR(EvalPredicate(*spec_.filter, View(rows), &truth).WithContext(Where(task)));
      SelectedRows(truth, &selected);
      all_selected = selected.size() == rows;
    }
    size_t matched = all_selected ? rows : selected.size();
    if (const uint64_t room = Room(spec_, *result_); room != kNoLimit) {
      if (matched > room) {
        if (all_selected) {
          selected.resize(rows);
          for (size_t i = 0; i < rows; ++i) selected[i] = static_cast<uint32_t>(i);
          all_selected = false;
        }
        selected.resize(room);
        if (positions.size() > room) positions.resize(room);
        matched = room;
      }
    }
    counters.rows_matched += matched;
    if (matched == 0) return Status::OK();

    // The batch the outputs see: only the selected rows.
    BatchView view = View(rows);
    std::vector<ColumnVector> compact;
    if (all_selected) {
      for (int c : spec_.OutputColumns()) RETURN_IF_ERROR(DecodeAll(task, c));
      view = View(rows);
    } else {
      compact.resize(decoded_.size());
      for (int c : spec_.FilterColumns()) {
        if (candidates) {
          GatherRows(at_candidates[c], positions, &compact[c]);
        } else {
          GatherRows(decoded_[c], selected, &compact[c]);
        }
        view.columns[c] = &compact[c];
      }
      for (int c : spec_.OutputColumns()) {
        RETURN_IF_ERROR(ValuesAt(task, c, selected, &compact[c]));
        view.columns[c] = &compact[c];
      }
      view.rows = matched;
    }
    return EmitSelected(spec_, view, result_).WithContext(Where(task));
  }

 private:
  // The candidate rows an index gives for the filter, if any.
  std::optional<std::vector<uint32_t>> Candidates(const RowGroupTask& task) {
    if (indexes_ == nullptr || !spec_.filter) return std::nullopt;
    const uint64_t before = indexes_->bytes_read();
    std::optional<RowGroupIndex> index = indexes_->Find(task);
    result_->counters.bytes_read += indexes_->bytes_read() - before;
    if (!index) return std::nullopt;
    std::optional<std::vector<uint32_t>> rows = IndexCandidates(spec_, task, *index);
    if (rows) ++result_->counters.index_row_groups;
    return rows;
  }

  BatchView View(size_t rows) const {
    BatchView view;
    view.rows = rows;
    view.columns.resize(decoded_.size(), nullptr);
    for (size_t c = 0; c < decoded_.size(); ++c) {
      if (have_[c]) view.columns[c] = &decoded_[c];
    }
    return view;
  }

  static std::string Where(const RowGroupTask& task) { return "row group " + std::to_string(task.row_group); }

  Status DecodeAll(const RowGroupTask& task, int c) {
    if (have_[c]) return Status::OK();
    RETURN_IF_ERROR(reader_.ReadChunk(task, c, &decoded_[c]));
    have_[c] = true;
    return Status::OK();
  }

  // Column c at the given rows: from its pages alone when they are few,
  // else from the whole chunk.
  Status ValuesAt(const RowGroupTask& task, int c, const std::vector<uint32_t>& rows, ColumnVector* out) {
    if (!have_[c] && reader_.ReadRows(task, c, rows, out)) return Status::OK();
    RETURN_IF_ERROR(DecodeAll(task, c));
    GatherRows(decoded_[c], rows, out);
    return Status::OK();
  }

  const ScanSpec& spec_;
  IndexSource* indexes_;
  ScanResult* result_;
  ChunkReader reader_;
  std::vector<ColumnVector> decoded_;
  std::vector<bool> have_;
};

}  // namespace

Result<RowGroupTask> RowGroupTaskOf(const parquet::FileMetaData& metadata, size_t row_group, size_t columns,
                                    uint64_t file_size) {
  RowGroupTask task;
  task.row_group = row_group;
  if (row_group >= metadata.row_groups.size()) {
    return Status::InvalidArgument("row group " + std::to_string(row_group) + ": no such row group");
  }
  task.num_rows = metadata.row_groups[row_group].num_rows;
  for (size_t c = 0; c < columns; ++c) {
    ASSIGN_OR_RETURN(parquet::ChunkRange range, parquet::ChunkRangeOf(metadata, row_group, c, file_size));
    ChunkLocation chunk{range.offset, range.length, range.codec, range.num_values};
    chunk.file_offset = range.offset;
    const parquet::ColumnChunk& meta = metadata.row_groups[row_group].columns[c];
    if (meta.offset_index_offset && meta.offset_index_length && *meta.offset_index_offset >= 0 &&
        *meta.offset_index_length > 0 && static_cast<uint64_t>(*meta.offset_index_offset) <= file_size &&
        static_cast<uint64_t>(*meta.offset_index_length) <= file_size - *meta.offset_index_offset) {
      chunk.page_index_offset = static_cast<uint64_t>(*meta.offset_index_offset);
      chunk.page_index_length = static_cast<uint64_t>(*meta.offset_index_length);
    }
    task.chunks.push_back(chunk);
  }
  return task;
}

Status ScanBatch(const ScanSpec& spec, const BatchView& batch, ScanResult* result) {
  result->counters.rows_scanned += batch.rows;
  std::vector<uint32_t> selected;
  bool all = true;
  if (spec.filter) {
    std::vector<uint8_t> truth;
    RETURN_IF_ERROR(EvalPredicate(*spec.filter, batch, &truth));
    SelectedRows(truth, &selected);
    all = selected.size() == batch.rows;
  }
  size_t matched = all ? batch.rows : selected.size();
  if (const uint64_t room = Room(spec, *result); matched > room) {
    if (all) {
      selected.resize(batch.rows);
      for (size_t i = 0; i < batch.rows; ++i) selected[i] = static_cast<uint32_t>(i);
      all = false;
    }
    matched = static_cast<size_t>(room);
    selected.resize(matched);
  }
  result->counters.rows_matched += matched;
  if (matched == 0) return Status::OK();
  if (all) return EmitSelected(spec, batch, result);
  // Only the columns the outputs or aggregates read are gathered.
  std::vector<int> used;
  for (const Expr& e : spec.outputs) e.CollectColumns(&used);
  for (const AggregateCall& a : spec.aggregates) {
    if (a.kind != AggregateKind::kCountStar) a.arg.CollectColumns(&used);
  }
  BatchView view = batch;
  view.rows = matched;
  std::vector<ColumnVector> compact(batch.columns.size());
  for (int c : used) {
    if (c < 0 || static_cast<size_t>(c) >= batch.columns.size() || batch.columns[c] == nullptr) continue;
    GatherRows(*batch.columns[c], selected, &compact[c]);
    view.columns[c] = &compact[c];
  }
  return EmitSelected(spec, view, result);
}

Status ScanRowGroups(const ScanSpec& spec, std::span<const RowGroupTask> tasks, ChunkSource& source,
                     ScanResult* result, IndexSource* indexes) {
  RowGroupScanner scanner(spec, source, indexes, result);
  for (const RowGroupTask& task : tasks) {
    if (!spec.aggregating() && spec.limit != kNoLimit && result->rows() >= spec.limit) break;
    RETURN_IF_ERROR(scanner.Scan(task));
  }
  return Status::OK();
}

void MergeResult(const ScanSpec& spec, ScanResult&& from, ScanResult* into) {
  into->counters.Add(from.counters);
  if (spec.aggregating()) {
    for (size_t a = 0; a < into->aggregates.size() && a < from.aggregates.size(); ++a) {
      AggregateState& s = into->aggregates[a];
      const AggregateState& f = from.aggregates[a];
      s.count += f.count;
      s.SetIntSum(s.IntSum() + f.IntSum());
      s.double_sum += f.double_sum;
      TakeMin(f.min, &s.min);
      TakeMax(f.max, &s.max);
    }
    return;
  }
  const uint64_t have = into->rows();
  const uint64_t room = spec.limit > have ? spec.limit - have : 0;
  const uint64_t take = std::min<uint64_t>(room, from.rows());
  if (take == 0) return;
  if (take < from.rows()) {
    std::vector<uint32_t> first(take);
    for (uint64_t i = 0; i < take; ++i) first[i] = static_cast<uint32_t>(i);
    for (ColumnVector& c : from.columns) {
      ColumnVector cut;
      GatherRows(c, first, &cut);
      c = std::move(cut);
    }
  }
  if (into->columns.size() != from.columns.size()) into->columns.resize(from.columns.size());
  for (size_t o = 0; o < from.columns.size(); ++o) {
    if (into->columns[o].size() == 0) into->columns[o].type = from.columns[o].type;
    AppendColumn(from.columns[o], &into->columns[o]);
  }
}

}  // namespace strata::table
