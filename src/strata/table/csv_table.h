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
  // '\n' ends records at LF, CR or CRLF; any other character ends them by
  // itself, and line ends are then ordinary data (S3 Select's RecordDelimiter).
  char record_delimiter = '\n';
  // Inside quotes, `escape` before the quote (or before itself) stands for
  // that character, as S3 Select's QuoteEscapeCharacter; 0 or the quote
  // itself: a quote is escaped only by doubling it.
  char escape = 0;
  // A record whose first character is this one is a comment, skipped up to
  // the record delimiter (S3 Select's Comments); 0: no comments.
  char comment = 0;
};

using CsvRecord = std::vector<std::string>;

class CsvParser {
 public:
  explicit CsvParser(CsvFormat format = {}) : format_(format) {}
  // Appends the complete records in `data` to *records; a record cut at the
  // end of `data` waits for the next call. With `last`, the rest is the final
  // record. An unterminated quote at the end is Corruption naming its line.
  // With `lines`, the line on which each record starts is appended to it.
  Status Feed(std::string_view data, bool last, std::vector<CsvRecord>* records,
              std::vector<uint64_t>* lines = nullptr);
  // Line on which the next record starts (1-based); with a record delimiter
  // other than '\n', the record number.
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
  bool pending_escape_ = false;    // saw the escape character inside quotes
  bool in_comment_ = false;        // skipping a comment record
  uint64_t line_ = 1;          // current line
  uint64_t record_line_ = 1;   // line where `current_` began
};

// Appends `field` to a CSV record in RFC 4180 form: as it is, or quoted (with
// doubled quotes) when it holds a comma, a quote, a line end or edge spaces.
void AppendCsvField(std::string_view field, std::string* out);

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
