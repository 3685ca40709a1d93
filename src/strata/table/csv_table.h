// CSV as a table source: a streaming RFC 4180 parser (quoted fields, doubled
// quotes, LF or CRLF records), type inference from a sample of records, and
// conversion of records into typed column vectors. Used by `strata ingest
// table` and by S3 Select over CSV objects. Errors name the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/column_vector.h"

namespace strata::table {

struct CsvFormat {
  char delimiter = ',';
  char quote = '"';
};

using CsvRecord = std::vector<std::string>;

class CsvParser {
 public:
  explicit CsvParser(CsvFormat format = {}) : format_(format) {}
  // Appends the complete records in `data` to *records; a record cut at the
  // end of `data` waits for the next call. With `last`, the rest is the final
  // record. An unterminated quote at the end is Corruption naming its line.
  Status Feed(std::string_view data, bool last, std::vector<CsvRecord>* records);
  // Line on which the next record starts (1-based).
  uint64_t line() const { return record_line_; }

 private:
  CsvFormat format_;
  CsvRecord current_;
  std::string field_;
  bool in_quotes_ = false;
  bool after_quote_ = false;   // just closed a quoted section
  bool field_started_ = false;
  bool pending_cr_ = false;
  bool quoted_in_record_ = false;  // a line holding only "" is a record, not a blank line
  uint64_t line_ = 1;          // current line
  uint64_t record_line_ = 1;   // line where `current_` began
};

// Column types from sample records: INT64 when every non-empty value is an
// integer, DOUBLE when every one is a number, BOOLEAN for true/false, else
// STRING. Every column is optional (an empty field is NULL, strings included).
std::vector<parquet::ColumnSchema> InferCsvSchema(const CsvRecord& header, const std::vector<CsvRecord>& sample);

// Appends records to one column vector per schema column. `first_line` is the
// line of records[0], for errors ("line 812, column 'ke': 'abc' is not a
// DOUBLE"). A record with the wrong number of fields is InvalidArgument.
Status AppendCsvRecords(const std::vector<CsvRecord>& records, uint64_t first_line,
                        const std::vector<parquet::ColumnSchema>& schema, std::vector<parquet::ColumnVector>* columns);

// "id:int64,x:float,name:string" -> columns (REQUIRED unless the type ends
// in '?', e.g. "note:string?"). Types: bool, int32, int64, float, double, string.
Result<std::vector<parquet::ColumnSchema>> ParseSchemaText(std::string_view text);

}  // namespace strata::table
