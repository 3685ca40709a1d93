// The body of an S3 SelectObjectContent request (POST /bucket/key?select&
// select-type=2), read into a plain struct: the SQL, how the object is
// serialized (CSV or Parquet; JSON and compression are recognised so they can
// be refused by name), how to write results (CSV or JSON), and whether to
// report progress. Values are checked here as far as the document goes:
// delimiters are single characters, enumerations are known words. Whether the
// server supports what was asked is the caller's to decide. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strata/http/s3_error.h"

namespace strata::http {

struct SelectCsvInput {
  enum class Header { kNone, kIgnore, kUse };
  Header file_header = Header::kNone;
  char field_delimiter = ',';
  std::string record_delimiter = "\n";  // one character, or "\r\n"
  char quote = '"';
  char quote_escape = '"';
  char comments = '#';                  // 0 when given empty: no comments
  bool allow_quoted_record_delimiter = false;
};

struct SelectCsvOutput {
  char field_delimiter = ',';
  std::string record_delimiter = "\n";  // one character, or "\r\n"
  char quote = '"';
  char quote_escape = '"';
  bool quote_always = false;            // QuoteFields ALWAYS (else ASNEEDED)
};

struct SelectRequest {
  std::string expression;
  enum class InputFormat { kCsv, kParquet, kJson };
  InputFormat input = InputFormat::kCsv;
  SelectCsvInput csv_input;
  std::string json_type;    // JSON input's Type, as sent (refused later)
  std::string compression;  // "NONE", "GZIP" or "BZIP2" (upper-cased)
  enum class OutputFormat { kCsv, kJson };
  OutputFormat output = OutputFormat::kCsv;
  SelectCsvOutput csv_output;
  std::string json_record_delimiter = "\n";
  bool progress = false;
  // ScanRange: bytes [start, end] of the object; end is inclusive.
  std::optional<uint64_t> scan_start;
  std::optional<uint64_t> scan_end;
};

// Largest request body accepted: S3's 256 KiB expression, with room for the
// rest of the document.
inline constexpr size_t kMaxSelectRequestSize = 512u << 10;

// <SelectObjectContentRequest> with Expression, ExpressionType,
// InputSerialization, OutputSerialization and optionally RequestProgress and
// ScanRange. MalformedXML for bad XML or a missing or duplicated element;
// MissingRequiredParameter for an empty Expression; InvalidExpressionType
// unless SQL; InvalidFileHeaderInfo, InvalidQuoteFields,
// InvalidCompressionFormat and InvalidRequestParameter (delimiters that are
// not one character, no or several input formats) for bad values.
S3Result<SelectRequest> ParseSelectRequest(std::string_view body);

}  // namespace strata::http
