// Result sinks that render query results as CSV (RFC 4180, a header line),
// JSON Lines (one object per row) or Parquet, writing to a ByteSink in
// batches so a large result streams. Floats print as the shortest decimal
// that reads back to the same value; NULL is an empty CSV field or JSON null.
#pragma once

#include <memory>
#include <string>

#include "strata/parquet/aligned_writer.h"
#include "strata/query/query_engine.h"

namespace strata::query {

enum class ResultFormat { kCsv, kJson, kParquet };

// "csv", "json" or "parquet"; InvalidArgument otherwise.
Result<ResultFormat> ParseResultFormat(const std::string& name);

struct CsvOptions {
  bool header = true;
  char field_delimiter = ',';
  std::string record_delimiter = "\n";
  char quote = '"';
  // Inside a quoted field a quote is written after this character; 0: the
  // quote is doubled (RFC 4180).
  char quote_escape = 0;
  // Quote every non-NULL field, numbers too (S3 Select's QuoteFields
  // ALWAYS); otherwise only where needed: a delimiter, quote, line end or
  // surrounding space inside.
  bool quote_always = false;
};

std::unique_ptr<ResultSink> MakeCsvSink(parquet::ByteSink* out, CsvOptions options = {});
std::unique_ptr<ResultSink> MakeJsonSink(parquet::ByteSink* out, std::string record_delimiter = "\n");
std::unique_ptr<ResultSink> MakeParquetSink(parquet::ByteSink* out);

// One value as text (no quoting): "42", "0.1", "text", "true"; "" for NULL.
std::string FormatCell(const table::ColumnVector& column, size_t row);

}  // namespace strata::query
