// The wire form of the scan contract, in the Thrift compact protocol (the
// encoding Parquet's own metadata uses, so no second serializer). Field ids
// are listed in docs/formats.md, "Scan requests". Parsing validates
// everything a node will act on: expression shapes and types, column
// indexes, vector lengths.
#include "strata/table/scan_codec.h"

#include <cstring>

#include "strata/parquet/thrift_compact.h"
#include "strata/table/column_codec.h"

namespace strata::table {

namespace {

using parquet::thrift::CompactReader;
using parquet::thrift::CompactWriter;
using parquet::thrift::ThriftType;

// Expressions nest two Thrift levels per level (struct, list of args).
constexpr int kMaxWireNesting = 1024;

// ---- writing ----

void WriteExpr(CompactWriter& w, const Expr& e) {
  w.BeginStruct();
  w.I32Field(1, static_cast<int32_t>(e.op));
  w.I32Field(2, static_cast<int32_t>(e.type));
  if (e.op == ExprOp::kColumn) w.I32Field(3, e.column);
  if (e.op == ExprOp::kConstant) {
    w.FieldHeader(4, ThriftType::kStruct);
    WriteValue(w, e.value);
  }
  if (!e.args.empty()) {
    w.FieldHeader(5, ThriftType::kList);
    w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(e.args.size()));
    for (const Expr& arg : e.args) WriteExpr(w, arg);
  }
  w.EndStruct();
}

void WriteSpec(CompactWriter& w, const ScanSpec& spec) {
  w.BeginStruct();
  w.FieldHeader(1, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(spec.columns.size()));
  for (const ScanColumn& c : spec.columns) {
    w.BeginStruct();
    w.BinaryField(1, c.name);
    w.I32Field(2, static_cast<int32_t>(c.type));
    w.BoolField(3, c.optional);
    w.EndStruct();
  }
  if (spec.filter) {
    w.FieldHeader(2, ThriftType::kStruct);
    WriteExpr(w, *spec.filter);
  }
  w.FieldHeader(3, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(spec.outputs.size()));
  for (const Expr& e : spec.outputs) WriteExpr(w, e);
  w.FieldHeader(4, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(spec.aggregates.size()));
  for (const AggregateCall& a : spec.aggregates) {
    w.BeginStruct();
    w.I32Field(1, static_cast<int32_t>(a.kind));
    if (a.kind != AggregateKind::kCountStar) {
      w.FieldHeader(2, ThriftType::kStruct);
      WriteExpr(w, a.arg);
    }
    w.EndStruct();
  }
  if (spec.limit != kNoLimit) w.I64Field(5, static_cast<int64_t>(spec.limit));
  w.BoolField(6, spec.use_index);
  w.EndStruct();
}

void WriteTask(CompactWriter& w, const RowGroupTask& task) {
  w.BeginStruct();
  w.I64Field(1, static_cast<int64_t>(task.row_group));
  w.I64Field(2, task.num_rows);
  w.FieldHeader(3, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(task.chunks.size()));
  for (const ChunkLocation& c : task.chunks) {
    w.BeginStruct();
    w.I64Field(1, static_cast<int64_t>(c.offset));
    w.I64Field(2, static_cast<int64_t>(c.length));
    w.I32Field(3, static_cast<int32_t>(c.codec));
    w.I64Field(4, c.num_values);
    if (c.page_index_offset != 0) w.I64Field(5, static_cast<int64_t>(c.page_index_offset));
    if (c.page_index_length != 0) w.I64Field(6, static_cast<int64_t>(c.page_index_length));
    if (c.file_offset != 0) w.I64Field(7, static_cast<int64_t>(c.file_offset));
    w.EndStruct();
  }
  w.EndStruct();
}

// ---- reading ----

Expr ReadExpr(CompactReader& r) {
  Expr e;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kI32) {
      const int32_t op = r.ReadI32();
      if (op < 0 || op > static_cast<int32_t>(ExprOp::kCast)) r.Fail("unknown expression operator");
      e.op = static_cast<ExprOp>(op);
    } else if (id == 2 && type == ThriftType::kI32) {
      e.type = ReadType(r);
    } else if (id == 3 && type == ThriftType::kI32) {
      e.column = r.ReadI32();
    } else if (id == 4 && type == ThriftType::kStruct) {
      e.value = ReadValue(r);
    } else if (id == 5 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) e.args.push_back(ReadExpr(r));
    } else {
      r.Skip(type);
    }
  }
  return e;
}

ScanSpec ReadSpec(CompactReader& r) {
  ScanSpec spec;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) {
        ScanColumn c;
        r.BeginStruct();
        int16_t cid;
        ThriftType ctype;
        while (r.NextField(&cid, &ctype)) {
          if (cid == 1 && ctype == ThriftType::kBinary) {
            c.name = std::string(r.ReadBinary());
          } else if (cid == 2 && ctype == ThriftType::kI32) {
            c.type = ReadType(r);
          } else if (cid == 3 && ctype == ThriftType::kBool) {
            c.optional = r.ReadBool();
          } else {
            r.Skip(ctype);
          }
        }
        spec.columns.push_back(std::move(c));
      }
    } else if (id == 2 && type == ThriftType::kStruct) {
      spec.filter = ReadExpr(r);
    } else if (id == 3 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) spec.outputs.push_back(ReadExpr(r));
    } else if (id == 4 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) {
        AggregateCall a;
        r.BeginStruct();
        int16_t aid;
        ThriftType atype;
        while (r.NextField(&aid, &atype)) {
          if (aid == 1 && atype == ThriftType::kI32) {
            const int32_t kind = r.ReadI32();
            if (kind < 0 || kind > static_cast<int32_t>(AggregateKind::kAvg)) r.Fail("unknown aggregate");
            a.kind = static_cast<AggregateKind>(kind);
          } else if (aid == 2 && atype == ThriftType::kStruct) {
            a.arg = ReadExpr(r);
          } else {
            r.Skip(atype);
          }
        }
        spec.aggregates.push_back(std::move(a));
      }
    } else if (id == 5 && type == ThriftType::kI64) {
      const int64_t limit = r.ReadI64();
      if (limit < 0) r.Fail("negative limit");
      spec.limit = static_cast<uint64_t>(limit);
    } else if (id == 6 && type == ThriftType::kBool) {
      spec.use_index = r.ReadBool();
    } else {
      r.Skip(type);
    }
  }
  return spec;
}

RowGroupTask ReadTask(CompactReader& r) {
  RowGroupTask task;
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kI64) {
      task.row_group = static_cast<uint64_t>(r.ReadI64());
    } else if (id == 2 && type == ThriftType::kI64) {
      task.num_rows = r.ReadI64();
      if (task.num_rows < 0 || task.num_rows > (int64_t{1} << 31)) r.Fail("row count out of range");
    } else if (id == 3 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) {
        ChunkLocation c;
        r.BeginStruct();
        int16_t cid;
        ThriftType ctype;
        while (r.NextField(&cid, &ctype)) {
          if (cid == 1 && ctype == ThriftType::kI64) {
            c.offset = static_cast<uint64_t>(r.ReadI64());
          } else if (cid == 2 && ctype == ThriftType::kI64) {
            c.length = static_cast<uint64_t>(r.ReadI64());
          } else if (cid == 3 && ctype == ThriftType::kI32) {
            c.codec = static_cast<parquet::Codec>(r.ReadI32());
          } else if (cid == 4 && ctype == ThriftType::kI64) {
            c.num_values = r.ReadI64();
          } else if (cid == 5 && ctype == ThriftType::kI64) {
            c.page_index_offset = static_cast<uint64_t>(r.ReadI64());
          } else if (cid == 6 && ctype == ThriftType::kI64) {
            c.page_index_length = static_cast<uint64_t>(r.ReadI64());
          } else if (cid == 7 && ctype == ThriftType::kI64) {
            c.file_offset = static_cast<uint64_t>(r.ReadI64());
          } else {
            r.Skip(ctype);
          }
        }
        task.chunks.push_back(c);
      }
    } else {
      r.Skip(type);
    }
  }
  return task;
}

}  // namespace

std::string SerializeScanRequest(const ScanSpec& spec, std::span<const RowGroupTask> tasks) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldHeader(1, ThriftType::kStruct);
  WriteSpec(w, spec);
  w.FieldHeader(2, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(tasks.size()));
  for (const RowGroupTask& task : tasks) WriteTask(w, task);
  w.EndStruct();
  return out;
}

Status ParseScanRequest(std::string_view bytes, ScanSpec* spec, std::vector<RowGroupTask>* tasks) {
  CompactReader r(bytes, kMaxWireNesting);
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kStruct) {
      *spec = ReadSpec(r);
    } else if (id == 2 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) tasks->push_back(ReadTask(r));
    } else {
      r.Skip(type);
    }
  }
  RETURN_IF_ERROR(r.status().WithContext("scan request"));
  RETURN_IF_ERROR(ValidateSpec(*spec).WithContext("scan request"));
  for (const RowGroupTask& task : *tasks) {
    if (task.chunks.size() != spec->columns.size()) {
      return Status::Corruption("scan request: row group " + std::to_string(task.row_group) + " has " +
                                std::to_string(task.chunks.size()) + " chunks for " +
                                std::to_string(spec->columns.size()) + " columns");
    }
  }
  return Status::OK();
}

std::string SerializeScanResult(const ScanResult& result) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldHeader(1, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(result.columns.size()));
  for (const ColumnVector& c : result.columns) WriteColumnVector(w, c);
  w.FieldHeader(2, ThriftType::kList);
  w.ListBegin(ThriftType::kStruct, static_cast<uint32_t>(result.aggregates.size()));
  for (const AggregateState& a : result.aggregates) {
    w.BeginStruct();
    w.I64Field(1, static_cast<int64_t>(a.count));
    w.I64Field(2, a.int_sum_high);
    w.I64Field(3, static_cast<int64_t>(a.int_sum_low));
    w.DoubleField(4, a.double_sum);
    w.FieldHeader(5, ThriftType::kStruct);
    WriteValue(w, a.min);
    w.FieldHeader(6, ThriftType::kStruct);
    WriteValue(w, a.max);
    w.EndStruct();
  }
  const ScanCounters& k = result.counters;
  w.FieldHeader(3, ThriftType::kStruct);
  w.BeginStruct();
  w.I64Field(1, static_cast<int64_t>(k.row_groups));
  w.I64Field(2, static_cast<int64_t>(k.rows_scanned));
  w.I64Field(3, static_cast<int64_t>(k.rows_matched));
  w.I64Field(4, static_cast<int64_t>(k.bytes_read));
  w.I64Field(5, static_cast<int64_t>(k.reread_chunks));
  w.I64Field(6, static_cast<int64_t>(k.index_row_groups));
  w.I64Field(7, static_cast<int64_t>(k.pages_read));
  w.EndStruct();
  w.EndStruct();
  return out;
}

Result<ScanResult> ParseScanResult(std::string_view bytes) {
  ScanResult result;
  CompactReader r(bytes, kMaxWireNesting);
  r.BeginStruct();
  int16_t id;
  ThriftType type;
  while (r.NextField(&id, &type)) {
    if (id == 1 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) result.columns.push_back(ReadColumnVector(r));
    } else if (id == 2 && type == ThriftType::kList) {
      const auto list = r.ReadListBegin();
      for (uint32_t i = 0; i < list.size && r.ok(); ++i) {
        AggregateState a;
        r.BeginStruct();
        int16_t aid;
        ThriftType atype;
        while (r.NextField(&aid, &atype)) {
          if (aid == 1 && atype == ThriftType::kI64) {
            a.count = static_cast<uint64_t>(r.ReadI64());
          } else if (aid == 2 && atype == ThriftType::kI64) {
            a.int_sum_high = r.ReadI64();
          } else if (aid == 3 && atype == ThriftType::kI64) {
            a.int_sum_low = static_cast<uint64_t>(r.ReadI64());
          } else if (aid == 4 && atype == ThriftType::kDouble) {
            a.double_sum = r.ReadDouble();
          } else if (aid == 5 && atype == ThriftType::kStruct) {
            a.min = ReadValue(r);
          } else if (aid == 6 && atype == ThriftType::kStruct) {
            a.max = ReadValue(r);
          } else {
            r.Skip(atype);
          }
        }
        result.aggregates.push_back(std::move(a));
      }
    } else if (id == 3 && type == ThriftType::kStruct) {
      r.BeginStruct();
      int16_t kid;
      ThriftType ktype;
      uint64_t* fields[] = {&result.counters.row_groups, &result.counters.rows_scanned, &result.counters.rows_matched,
                            &result.counters.bytes_read, &result.counters.reread_chunks,
                            &result.counters.index_row_groups, &result.counters.pages_read};
      while (r.NextField(&kid, &ktype)) {
        if (kid >= 1 && kid <= 7 && ktype == ThriftType::kI64) {
          *fields[kid - 1] = static_cast<uint64_t>(r.ReadI64());
        } else {
          r.Skip(ktype);
        }
      }
    } else {
      r.Skip(type);
    }
  }
  RETURN_IF_ERROR(r.status().WithContext("scan result"));
  const size_t rows = result.columns.empty() ? 0 : result.columns[0].size();
  for (const ColumnVector& c : result.columns) {
    if (c.size() != rows) return Status::Corruption("scan result: columns of different lengths");
  }
  return result;
}

}  // namespace strata::table
