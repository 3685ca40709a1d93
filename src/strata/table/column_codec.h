// Thrift compact forms of values and column vectors, shared by the scan wire
// format (scan_codec) and the stored row-group index (row_group_index).
// Readers validate what they read and fail the reader (r.Fail) otherwise.
#pragma once

#include "strata/parquet/column_vector.h"
#include "strata/parquet/thrift_compact.h"
#include "strata/table/expr.h"

namespace strata::table {

void WriteValue(parquet::thrift::CompactWriter& w, const Value& v);
Value ReadValue(parquet::thrift::CompactReader& r);
// One of the value types Strata evaluates, or a failed reader.
Type ReadType(parquet::thrift::CompactReader& r);

void WriteColumnVector(parquet::thrift::CompactWriter& w, const ColumnVector& c);
ColumnVector ReadColumnVector(parquet::thrift::CompactReader& r);

}  // namespace strata::table
