// Fuzz target: ParseSelectRequest takes any bytes and either returns a
// request or an error; it never crashes. What it accepts keeps its promises
// (an expression that is not blank, single-character delimiters, a start no
// later than the end) and survives a trip through XmlWriter and back, which
// checks the writer's escaping against the parser's decoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/http/s3_select_request.h"
#include "strata/http/s3_xml.h"

namespace {

using namespace strata::http;

std::string Char(char c) { return c == 0 ? std::string() : std::string(1, c); }

const char* HeaderName(SelectCsvInput::Header header) {
  switch (header) {
    case SelectCsvInput::Header::kIgnore: return "IGNORE";
    case SelectCsvInput::Header::kUse: return "USE";
    default: return "NONE";
  }
}

// The request as a document, or "" when a value cannot travel in XML.
std::string Write(const SelectRequest& r) {
  const SelectCsvInput& i = r.csv_input;
  const SelectCsvOutput& o = r.csv_output;
  const std::string values[] = {r.expression,         i.record_delimiter,   o.record_delimiter,
                                r.json_record_delimiter, r.json_type,     Char(i.field_delimiter),
                                Char(i.quote),        Char(i.quote_escape), Char(i.comments),
                                Char(o.field_delimiter), Char(o.quote),   Char(o.quote_escape)};
  for (const std::string& value : values) {
    if (!XmlCanCarry(value)) return "";
  }
  XmlWriter xml("SelectObjectContentRequest");
  xml.Element("Expression", r.expression).Element("ExpressionType", "SQL");
  xml.Open("InputSerialization").Element("CompressionType", r.compression);
  switch (r.input) {
    case SelectRequest::InputFormat::kCsv: {
      const SelectCsvInput& c = r.csv_input;
      xml.Open("CSV")
          .Element("FileHeaderInfo", HeaderName(c.file_header))
          .Element("FieldDelimiter", Char(c.field_delimiter))
          .Element("RecordDelimiter", c.record_delimiter)
          .Element("QuoteCharacter", Char(c.quote))
          .Element("QuoteEscapeCharacter", Char(c.quote_escape))
          .Element("Comments", Char(c.comments))
          .Element("AllowQuotedRecordDelimiter", c.allow_quoted_record_delimiter)
          .Close();
      break;
    }
    case SelectRequest::InputFormat::kJson: xml.Open("JSON").Element("Type", r.json_type).Close(); break;
    case SelectRequest::InputFormat::kParquet: xml.Open("Parquet").Close(); break;
  }
  xml.Close().Open("OutputSerialization");
  if (r.output == SelectRequest::OutputFormat::kCsv) {
    const SelectCsvOutput& c = r.csv_output;
    xml.Open("CSV")
        .Element("QuoteFields", c.quote_always ? "ALWAYS" : "ASNEEDED")
        .Element("FieldDelimiter", Char(c.field_delimiter))
        .Element("RecordDelimiter", c.record_delimiter)
        .Element("QuoteCharacter", Char(c.quote))
        .Element("QuoteEscapeCharacter", Char(c.quote_escape))
        .Close();
  } else {
    xml.Open("JSON").Element("RecordDelimiter", r.json_record_delimiter).Close();
  }
  xml.Close().Open("RequestProgress").Element("Enabled", r.progress).Close();
  if (r.scan_start || r.scan_end) {
    xml.Open("ScanRange");
    if (r.scan_start) xml.Element("Start", *r.scan_start);
    if (r.scan_end) xml.Element("End", *r.scan_end);
    xml.Close();
  }
  return xml.Finish();
}

bool Same(const SelectRequest& a, const SelectRequest& b) {
  const SelectCsvInput& ai = a.csv_input;
  const SelectCsvInput& bi = b.csv_input;
  const SelectCsvOutput& ao = a.csv_output;
  const SelectCsvOutput& bo = b.csv_output;
  return a.expression == b.expression && a.input == b.input && a.compression == b.compression &&
         a.output == b.output && a.progress == b.progress && a.scan_start == b.scan_start &&
         a.scan_end == b.scan_end && a.json_record_delimiter == b.json_record_delimiter &&
         a.json_type == b.json_type &&
         (a.input != SelectRequest::InputFormat::kCsv ||
          (ai.file_header == bi.file_header && ai.field_delimiter == bi.field_delimiter &&
           ai.record_delimiter == bi.record_delimiter && ai.quote == bi.quote && ai.quote_escape == bi.quote_escape &&
           ai.comments == bi.comments && ai.allow_quoted_record_delimiter == bi.allow_quoted_record_delimiter)) &&
         (a.output != SelectRequest::OutputFormat::kCsv ||
          (ao.field_delimiter == bo.field_delimiter && ao.record_delimiter == bo.record_delimiter &&
           ao.quote == bo.quote && ao.quote_escape == bo.quote_escape && ao.quote_always == bo.quote_always));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  S3Result<SelectRequest> request = ParseSelectRequest(text);
  if (!request.ok()) return 0;
  const SelectRequest& r = *request;
  if (r.expression.find_first_not_of(" \t\r\n") == std::string::npos) std::abort();
  if (r.csv_input.field_delimiter == 0 || r.csv_input.quote == 0 || r.csv_input.quote_escape == 0) std::abort();
  if (r.csv_input.record_delimiter.empty() || r.csv_output.record_delimiter.empty()) std::abort();
  if (r.scan_start && r.scan_end && *r.scan_start > *r.scan_end) std::abort();
  const std::string again_text = Write(r);
  if (again_text.empty()) return 0;
  S3Result<SelectRequest> again = ParseSelectRequest(again_text);
  if (!again.ok() || !Same(r, *again)) std::abort();
  return 0;
}
