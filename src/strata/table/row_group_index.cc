// The row-group index: building it from decoded columns, its stored form,
// and deciding a filter's candidate rows from it. Stored form: a Thrift
// compact struct (field ids in docs/formats.md, "Row-group index") followed
// by the CRC32C of those bytes, little-endian.
#include "strata/table/row_group_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "strata/base/crc32c.h"
#include "strata/table/column_codec.h"
#include "strata/table/prune.h"

namespace strata::table {

namespace {

using parquet::thrift::CompactReader;
using parquet::thrift::CompactWriter;
using parquet::thrift::ThriftType;

constexpr int kMaxIndexNesting = 16;

double NumberAt(const ColumnVector& c, uint32_t row) {
  switch (c.type) {
    case Type::kInt32: return c.int32s[row];
    case Type::kInt64: return static_cast<double>(c.int64s[row]);
    case Type::kFloat: return c.floats[row];
    default: return c.doubles[row];
  }
}

// The value of a row as statistics carry it: int64 for integers, double for
// floating point (what pruning compares).
Value StatValueAt(const ColumnVector& c, uint32_t row) {
  switch (c.type) {
    case Type::kInt32: return Value::Int(c.int32s[row]);
    case Type::kInt64: return Value::Int(c.int64s[row]);
    case Type::kFloat: return Value::Double(c.floats[row]);
    default: return Value::Double(c.doubles[row]);
  }
}

// Orders rows by value; integers compared exactly (int64 beyond 2^53 would
// collide as doubles).
struct RowOrder {
  const ColumnVector& c;
  bool operator()(uint32_t a, uint32_t b) const {
    if (c.type == Type::kInt64) return c.int64s[a] < c.int64s[b];
    return NumberAt(c, a) < NumberAt(c, b);
  }
};

ColumnTails BuildTails(const ScanColumn& column, const ColumnVector& values, double tail_fraction) {
  ColumnTails tails;
  tails.name = column.name;
  tails.type = column.type;
  const size_t rows = values.size();
  std::vector<uint32_t> ordered;  // rows with a number
  std::vector<uint32_t> nan;      // listed as they are: no order places them
  ordered.reserve(rows);
  const bool floating = values.type == Type::kFloat || values.type == Type::kDouble;
  for (uint32_t r = 0; r < rows; ++r) {
    if (!values.IsValid(r)) {
      ++tails.middle_nulls;
    } else if (floating && std::isnan(NumberAt(values, r))) {
      nan.push_back(r);
    } else {
      ordered.push_back(r);
    }
  }
  const size_t tail =
      std::max(kIndexMinTail, static_cast<size_t>(std::ceil(static_cast<double>(rows) * tail_fraction)));
  RowOrder order{values};
  if (ordered.size() > 2 * tail) {
    // Smallest `tail` rows first, largest `tail` last, the middle unordered.
    std::nth_element(ordered.begin(), ordered.begin() + tail, ordered.end(), order);
    std::nth_element(ordered.begin() + tail, ordered.end() - tail, ordered.end(), order);
    std::sort(ordered.begin(), ordered.begin() + tail, order);
    std::sort(ordered.end() - tail, ordered.end(), order);
    tails.middle_rows = ordered.size() - 2 * tail + tails.middle_nulls;
    tails.middle_min = StatValueAt(values, ordered[tail - 1]);
    tails.middle_max = StatValueAt(values, ordered[ordered.size() - tail]);
    tails.rows.assign(ordered.begin(), ordered.begin() + tail);
    tails.rows.insert(tails.rows.end(), ordered.end() - tail, ordered.end());
  } else {
    std::sort(ordered.begin(), ordered.end(), order);
    tails.rows = std::move(ordered);
    tails.middle_rows = tails.middle_nulls;
  }
  tails.rows.insert(tails.rows.end(), nan.begin(), nan.end());
  GatherRows(values, tails.rows, &tails.values);
  return tails;
}

uint64_t Mix(uint64_t h, uint64_t v) {
  // splitmix64 finalizer over the running hash: cheap, and any changed
  // offset or length changes the result.
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

void FlattenAnd(const Expr& e, std::vector<const Expr*>* out) {
  if (e.op == ExprOp::kAnd) {
    for (const Expr& arg : e.args) FlattenAnd(arg, out);
  } else {
    out->push_back(&e);
  }
}

// The one column an expression reads, -1 when none, -2 when several.
int OnlyColumn(const Expr& e) {
  if (e.op == ExprOp::kColumn) return e.column;
  int found = -1;
  for (const Expr& arg : e.args) {
    const int c = OnlyColumn(arg);
    if (c == -2) return -2;
    if (c >= 0) {
      if (found >= 0 && found != c) return -2;
      found = c;
    }
  }
  return found;
}

const ColumnTails* TailsOf(const RowGroupIndex& index, const ScanColumn& column) {
  for (const ColumnTails& t : index.columns) {
    if (t.name == column.name && t.type == column.type) return &t;
  }
  return nullptr;
}

// Rows of one conjunct, when the index decides it.
std::optional<std::vector<uint32_t>> ConjunctRows(const ScanSpec& spec, const Expr& conjunct, int column,
                                                  const ColumnTails& tails) {
  if (tails.middle_rows > 0) {
    std::vector<ColumnStats> stats(spec.columns.size());
    ColumnStats& s = stats[column];
    s.has_min_max = tails.middle_rows > tails.middle_nulls;
    s.min = tails.middle_min;
    s.max = tails.middle_max;
    s.null_count = static_cast<int64_t>(tails.middle_nulls);
    if (MayMatch(conjunct, stats, static_cast<int64_t>(tails.middle_rows))) return std::nullopt;
  }
  BatchView view;
  view.rows = tails.rows.size();
  view.columns.assign(spec.columns.size(), nullptr);
  view.columns[column] = &tails.values;
  std::vector<uint8_t> truth;
  if (!EvalPredicate(conjunct, view, &truth).ok()) return std::nullopt;
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] == kTrue) rows.push_back(tails.rows[i]);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

void WriteTails(CompactWriter& w, const ColumnTails& t) {
  w.BeginStruct();
  w.BinaryField(1, t.name);
  w.I32Field(2, static_cast<int32_t>(t.type));
  w.BinaryField(3, std::string_view(reinterpret_cast<const char*>(t.rows.data()), t.rows.size() * 4));
  w.FieldHeader(4, ThriftType::kStruct);
  WriteColumnVector(w, t.values);
  w.I64Field(5, static_cast<int64_t>(t.middle_rows));
  w.I64Field(8, static_cast<int64_t>(t.middle_nulls));
  if (t.middle_rows > t.middle_nulls) {
    w.FieldHeader(6, ThriftType::kStruct);
    WriteValue(w, t.middle_min);
    w.FieldHeader(7, ThriftType::kStruct);
    WriteValue(w, t.middle_max);
  }
  w.EndStruct();
}

ColumnTails ReadTails(CompactReader& r) {
  ColumnTails t;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kBinary) {
      t.name = std::string(r.ReadBinary());
    } else if (id == 2 && type == ThriftType::kI32) {
      t.type = ReadType(r);
    } else if (id == 3 && type == ThriftType::kBinary) {
      const std::string_view bytes = r.ReadBinary();
      if (bytes.size() % 4 != 0) r.Fail("row list of " + std::to_string(bytes.size()) + " bytes");
      t.rows.resize(bytes.size() / 4);
      if (!t.rows.empty()) std::memcpy(t.rows.data(), bytes.data(), t.rows.size() * 4);
    } else if (id == 4 && type == ThriftType::kStruct) {
      t.values = ReadColumnVector(r);
    } else if (id == 5 && type == ThriftType::kI64) {
      t.middle_rows = static_cast<uint64_t>(r.ReadI64());
    } else if (id == 6 && type == ThriftType::kStruct) {
      t.middle_min = ReadValue(r);
    } else if (id == 7 && type == ThriftType::kStruct) {
      t.middle_max = ReadValue(r);
    } else if (id == 8 && type == ThriftType::kI64) {
      t.middle_nulls = static_cast<uint64_t>(r.ReadI64());
    } else {
      r.Skip(type);
    }
  }
  return t;
}

Status CheckTails(const ColumnTails& t, int64_t num_rows) {
  const std::string where = "row-group index, column '" + t.name + "': ";
  if (!Indexable(t.type) || t.values.type != t.type) return Status::Corruption(where + "unexpected type");
  if (t.values.size() != t.rows.size()) return Status::Corruption(where + "rows and values differ in number");
  if (t.rows.size() + t.middle_rows != static_cast<uint64_t>(num_rows)) {
    return Status::Corruption(where + "lists " + std::to_string(t.rows.size()) + " + " +
                              std::to_string(t.middle_rows) + " rows of " + std::to_string(num_rows));
  }
  for (uint32_t row : t.rows) {
    if (row >= static_cast<uint64_t>(num_rows)) return Status::Corruption(where + "row out of range");
  }
  if (t.middle_nulls > t.middle_rows) return Status::Corruption(where + "more nulls than unlisted rows");
  if (t.middle_rows > t.middle_nulls && (t.middle_min.is_null || t.middle_max.is_null || !IsNumeric(t.middle_min.type) ||
                            !IsNumeric(t.middle_max.type))) {
    return Status::Corruption(where + "middle range without numeric bounds");
  }
  return Status::OK();
}

}  // namespace

bool Indexable(Type type) {
  return type == Type::kInt32 || type == Type::kInt64 || type == Type::kFloat || type == Type::kDouble;
}

uint64_t TaskFingerprint(const RowGroupTask& task) {
  uint64_t h = Mix(0, task.row_group);
  h = Mix(h, static_cast<uint64_t>(task.num_rows));
  for (const ChunkLocation& c : task.chunks) {
    h = Mix(h, c.offset);
    h = Mix(h, c.length);
  }
  return h;
}

RowGroupIndex BuildRowGroupIndex(const std::vector<ScanColumn>& columns, const std::vector<ColumnVector>& decoded,
                                 const RowGroupTask& task, double tail_fraction) {
  RowGroupIndex index;
  index.row_group = task.row_group;
  index.num_rows = task.num_rows;
  index.fingerprint = TaskFingerprint(task);
  for (size_t c = 0; c < columns.size() && c < decoded.size(); ++c) {
    if (!Indexable(columns[c].type) || decoded[c].type != columns[c].type) continue;
    if (decoded[c].size() != static_cast<size_t>(task.num_rows)) continue;
    index.columns.push_back(BuildTails(columns[c], decoded[c], tail_fraction));
  }
  return index;
}

std::string SerializeRowGroupIndex(const RowGroupIndex& index) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.I64Field(1, static_cast<int64_t>(index.row_group));
  w.I64Field(2, index.num_rows);
  w.I64Field(3, static_cast<int64_t>(index.fingerprint));
  w.FieldHeader(4, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(index.columns.size()));
  for (const ColumnTails& t : index.columns) WriteTails(w, t);
  w.EndStruct();
  const uint32_t crc = Crc32c(out);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

Result<RowGroupIndex> ParseRowGroupIndex(std::string_view bytes) {
  if (bytes.size() < 4) return Status::Corruption("row-group index of " + std::to_string(bytes.size()) + " bytes");
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[body.size() + i])) << (8 * i);
  if (Crc32c(body) != stored) return Status::Corruption("row-group index fails its CRC32C");
  RowGroupIndex index;
  CompactReader r(body, kMaxIndexNesting);
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kI64) {
      index.row_group = static_cast<uint64_t>(r.ReadI64());
    } else if (id == 2 && type == ThriftType::kI64) {
      index.num_rows = r.ReadI64();
      if (index.num_rows < 0 || index.num_rows > (int64_t{1} << 31)) r.Fail("row count out of range");
    } else if (id == 3 && type == ThriftType::kI64) {
      index.fingerprint = static_cast<uint64_t>(r.ReadI64());
    } else if (id == 4 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) index.columns.push_back(ReadTails(r));
    } else {
      r.Skip(type);
    }
  }
  RETURN_IF_ERROR(r.status().WithContext("row-group index"));
  for (const ColumnTails& t : index.columns) RETURN_IF_ERROR(CheckTails(t, index.num_rows));
  return index;
}

bool IndexMayAnswer(const ScanSpec& spec) {
  if (!spec.filter) return false;
  std::vector<const Expr*> conjuncts;
  FlattenAnd(*spec.filter, &conjuncts);
  for (const Expr* conjunct : conjuncts) {
    const int column = OnlyColumn(*conjunct);
    if (column >= 0 && static_cast<size_t>(column) < spec.columns.size() && Indexable(spec.columns[column].type)) {
      return true;
    }
  }
  return false;
}

std::optional<std::vector<uint32_t>> IndexCandidates(const ScanSpec& spec, const RowGroupTask& task,
                                                     const RowGroupIndex& index) {
  if (!spec.filter) return std::nullopt;
  if (index.num_rows != task.num_rows || index.fingerprint != TaskFingerprint(task)) return std::nullopt;
  std::vector<const Expr*> conjuncts;
  FlattenAnd(*spec.filter, &conjuncts);
  std::optional<std::vector<uint32_t>> candidates;
  for (const Expr* conjunct : conjuncts) {
    const int column = OnlyColumn(*conjunct);
    if (column < 0 || static_cast<size_t>(column) >= spec.columns.size()) continue;
    const ColumnTails* tails = TailsOf(index, spec.columns[column]);
    if (tails == nullptr) continue;
    std::optional<std::vector<uint32_t>> rows = ConjunctRows(spec, *conjunct, column, *tails);
    if (!rows) continue;
    if (!candidates) {
      candidates = std::move(rows);
    } else {
      std::vector<uint32_t> both;
      std::set_intersection(candidates->begin(), candidates->end(), rows->begin(), rows->end(),
                            std::back_inserter(both));
      *candidates = std::move(both);
    }
  }
  return candidates;
}

}  // namespace strata::table
