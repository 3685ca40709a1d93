#include "strata/http/s3_select_request.h"

#include <cctype>
#include <vector>

#include "strata/http/s3_xml_internal.h"

namespace strata::http {

namespace {

using namespace s3_xml_internal;

S3Error BadParameter(const std::string& message) { return S3Error::Make(400, "InvalidRequestParameter", message); }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The leaf elements of a structural element, each read once, by name;
// unknown ones are ignored so that newer clients work.
class Fields {
 public:
  // `names` must outlive the object.
  explicit Fields(std::vector<std::string_view> names) : names_(std::move(names)), values_(names_.size()) {}

  S3Check Read(const pugi::xml_node& node) {
    S3Result<std::vector<pugi::xml_node>> children = ChildElements(node);
    if (!children.ok()) return children.error();
    for (const pugi::xml_node& child : *children) {
      for (size_t i = 0; i < names_.size(); ++i) {
        if (LocalName(child) != names_[i]) continue;
        if (S3Check bad = ReadOnce(child, &values_[i])) return bad;
      }
    }
    return std::nullopt;
  }
  const std::optional<std::string>& operator[](std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return values_[i];
    }
    static const std::optional<std::string> kNone;
    return kNone;
  }

 private:
  std::vector<std::string_view> names_;
  std::vector<std::optional<std::string>> values_;
};

// The one child element named `name`, if any; a second one is MalformedXML.
S3Result<std::optional<pugi::xml_node>> OptionalChild(const std::vector<pugi::xml_node>& children,
                                                      std::string_view name) {
  std::optional<pugi::xml_node> found;
  for (const pugi::xml_node& child : children) {
    if (LocalName(child) != name) continue;
    if (found) return Malformed("<" + std::string(name) + "> given twice");
    found = child;
  }
  return found;
}

S3Check ParseBool(const std::optional<std::string>& text, std::string_view element, bool* out) {
  if (!text) return std::nullopt;
  std::string_view value = TrimWhitespace(*text);
  if (EqualsIgnoringCase(value, "true")) {
    *out = true;
  } else if (EqualsIgnoringCase(value, "false")) {
    *out = false;
  } else {
    return Malformed("<" + std::string(element) + "> is '" + Excerpt(*text) + "', not true or false");
  }
  return std::nullopt;
}

// A delimiter or quote: exactly one ASCII character, as sent (a space or a
// tab is a valid delimiter). `allow_empty`: empty gives 0.
S3Check ParseChar(const std::optional<std::string>& text, std::string_view element, bool allow_empty, char* out) {
  if (!text) return std::nullopt;
  if (text->empty() && allow_empty) {
    *out = 0;
    return std::nullopt;
  }
  if (text->size() != 1 || static_cast<unsigned char>((*text)[0]) >= 0x80) {
    return BadParameter(std::string(element) + " must be one ASCII character, not '" + Excerpt(*text) + "'");
  }
  *out = (*text)[0];
  return std::nullopt;
}

// A record delimiter: one ASCII character, or CR LF.
S3Check ParseRecordDelimiter(const std::optional<std::string>& text, std::string_view element, std::string* out) {
  if (!text) return std::nullopt;
  if (*text != "\r\n" && (text->size() != 1 || static_cast<unsigned char>((*text)[0]) >= 0x80)) {
    return BadParameter(std::string(element) + " must be one ASCII character or CR LF, not '" + Excerpt(*text) + "'");
  }
  *out = *text;
  return std::nullopt;
}

// The settings CSV input and output share: delimiters and quoting.
template <typename Csv>
S3Check ParseCsvQuoting(const Fields& fields, Csv* csv) {
  if (S3Check bad = ParseChar(fields["FieldDelimiter"], "FieldDelimiter", false, &csv->field_delimiter)) return bad;
  if (S3Check bad = ParseRecordDelimiter(fields["RecordDelimiter"], "RecordDelimiter", &csv->record_delimiter)) {
    return bad;
  }
  if (S3Check bad = ParseChar(fields["QuoteCharacter"], "QuoteCharacter", false, &csv->quote)) return bad;
  if (S3Check bad = ParseChar(fields["QuoteEscapeCharacter"], "QuoteEscapeCharacter", true, &csv->quote_escape)) {
    return bad;
  }
  if (csv->quote_escape == 0) csv->quote_escape = csv->quote;
  return std::nullopt;
}

S3Check ParseCsvInput(const pugi::xml_node& node, SelectCsvInput* csv) {
  Fields fields({"FileHeaderInfo", "FieldDelimiter", "RecordDelimiter", "QuoteCharacter", "QuoteEscapeCharacter",
                 "Comments", "AllowQuotedRecordDelimiter"});
  if (S3Check bad = fields.Read(node)) return bad;
  if (const auto& header = fields["FileHeaderInfo"]) {
    std::string_view value = TrimWhitespace(*header);
    if (EqualsIgnoringCase(value, "NONE")) {
      csv->file_header = SelectCsvInput::Header::kNone;
    } else if (EqualsIgnoringCase(value, "IGNORE")) {
      csv->file_header = SelectCsvInput::Header::kIgnore;
    } else if (EqualsIgnoringCase(value, "USE")) {
      csv->file_header = SelectCsvInput::Header::kUse;
    } else {
      return S3Error::Make(400, "InvalidFileHeaderInfo",
                           "FileHeaderInfo is '" + Excerpt(*header) + "'; it must be NONE, IGNORE or USE");
    }
  }
  if (S3Check bad = ParseCsvQuoting(fields, csv)) return bad;
  if (S3Check bad = ParseChar(fields["Comments"], "Comments", true, &csv->comments)) return bad;
  if (S3Check bad = ParseBool(fields["AllowQuotedRecordDelimiter"], "AllowQuotedRecordDelimiter",
                              &csv->allow_quoted_record_delimiter)) {
    return bad;
  }
  const char record = csv->record_delimiter == "\r\n" ? '\n' : csv->record_delimiter[0];
  if (csv->field_delimiter == csv->quote || csv->field_delimiter == record || csv->quote == record ||
      csv->field_delimiter == '\r' || csv->field_delimiter == '\n') {
    return BadParameter("the CSV input's FieldDelimiter, QuoteCharacter and RecordDelimiter must differ");
  }
  return std::nullopt;
}

S3Check ParseCsvOutput(const pugi::xml_node& node, SelectCsvOutput* csv) {
  Fields fields({"QuoteFields", "FieldDelimiter", "RecordDelimiter", "QuoteCharacter", "QuoteEscapeCharacter"});
  if (S3Check bad = fields.Read(node)) return bad;
  if (const auto& quote_fields = fields["QuoteFields"]) {
    std::string_view value = TrimWhitespace(*quote_fields);
    if (EqualsIgnoringCase(value, "ALWAYS")) {
      csv->quote_always = true;
    } else if (EqualsIgnoringCase(value, "ASNEEDED")) {
      csv->quote_always = false;
    } else {
      return S3Error::Make(400, "InvalidQuoteFields",
                           "QuoteFields is '" + Excerpt(*quote_fields) + "'; it must be ALWAYS or ASNEEDED");
    }
  }
  if (S3Check bad = ParseCsvQuoting(fields, csv)) return bad;
  if (csv->field_delimiter == csv->quote) {
    return BadParameter("the CSV output's FieldDelimiter and QuoteCharacter must differ");
  }
  return std::nullopt;
}

S3Check ParseInput(const pugi::xml_node& node, SelectRequest* request) {
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(node);
  if (!children.ok()) return children.error();
  int formats = 0;
  for (std::string_view name : {"CSV", "JSON", "Parquet"}) {
    S3Result<std::optional<pugi::xml_node>> child = OptionalChild(*children, name);
    if (!child.ok()) return child.error();
    if (!child->has_value()) continue;
    ++formats;
    if (name == "CSV") {
      request->input = SelectRequest::InputFormat::kCsv;
      if (S3Check bad = ParseCsvInput(**child, &request->csv_input)) return bad;
    } else if (name == "JSON") {
      request->input = SelectRequest::InputFormat::kJson;
      Fields fields({"Type"});
      if (S3Check bad = fields.Read(**child)) return bad;
      request->json_type = Upper(TrimWhitespace(fields["Type"].value_or("")));
    } else {
      request->input = SelectRequest::InputFormat::kParquet;
      S3Result<std::vector<pugi::xml_node>> options = ChildElements(**child);  // none are defined
      if (!options.ok()) return options.error();
    }
  }
  if (formats != 1) {
    return BadParameter("InputSerialization must name exactly one format: CSV, JSON or Parquet (found " +
                        std::to_string(formats) + ")");
  }
  std::optional<std::string> compression;
  for (const pugi::xml_node& child : *children) {
    if (LocalName(child) != "CompressionType") continue;
    if (S3Check bad = ReadOnce(child, &compression)) return bad;
  }
  request->compression = Upper(TrimWhitespace(compression.value_or("NONE")));
  if (request->compression.empty()) request->compression = "NONE";
  if (request->compression != "NONE" && request->compression != "GZIP" && request->compression != "BZIP2") {
    return S3Error::Make(400, "InvalidCompressionFormat",
                         "CompressionType is '" + Excerpt(request->compression) + "'; it must be NONE, GZIP or BZIP2");
  }
  return std::nullopt;
}

S3Check ParseOutput(const pugi::xml_node& node, SelectRequest* request) {
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(node);
  if (!children.ok()) return children.error();
  int formats = 0;
  for (std::string_view name : {"CSV", "JSON"}) {
    S3Result<std::optional<pugi::xml_node>> child = OptionalChild(*children, name);
    if (!child.ok()) return child.error();
    if (!child->has_value()) continue;
    ++formats;
    if (name == "CSV") {
      request->output = SelectRequest::OutputFormat::kCsv;
      if (S3Check bad = ParseCsvOutput(**child, &request->csv_output)) return bad;
    } else {
      request->output = SelectRequest::OutputFormat::kJson;
      Fields fields({"RecordDelimiter"});
      if (S3Check bad = fields.Read(**child)) return bad;
      if (S3Check bad = ParseRecordDelimiter(fields["RecordDelimiter"], "RecordDelimiter",
                                             &request->json_record_delimiter)) {
        return bad;
      }
    }
  }
  if (formats != 1) {
    return BadParameter("OutputSerialization must name exactly one format: CSV or JSON (found " +
                        std::to_string(formats) + ")");
  }
  return std::nullopt;
}

S3Check ParseOffset(const std::optional<std::string>& text, std::string_view element, std::optional<uint64_t>* out) {
  if (!text) return std::nullopt;
  std::string_view digits = TrimWhitespace(*text);
  if (digits.empty() || digits.size() > 19 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return BadParameter("ScanRange " + std::string(element) + " '" + Excerpt(*text) + "' is not a byte offset");
  }
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  *out = value;
  return std::nullopt;
}

}  // namespace

S3Result<SelectRequest> ParseSelectRequest(std::string_view body) {
  if (body.size() > kMaxSelectRequestSize) {
    return S3Error::Make(400, "MaxMessageLengthExceeded",
                         "the SelectObjectContent request is " + std::to_string(body.size()) + " bytes; at most " +
                             std::to_string(kMaxSelectRequestSize));
  }
  pugi::xml_document doc;
  S3Result<pugi::xml_node> root = LoadDocument(doc, body, "SelectObjectContentRequest");
  if (!root.ok()) return root.error();
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(*root);
  if (!children.ok()) return children.error();

  SelectRequest request;
  Fields fields({"Expression", "ExpressionType"});
  if (S3Check bad = fields.Read(*root)) return *bad;
  if (!fields["Expression"]) return Malformed("no <Expression>");
  request.expression = *fields["Expression"];
  if (TrimWhitespace(request.expression).empty()) {
    return S3Error::Make(400, "MissingRequiredParameter", "the Expression is empty");
  }
  if (!fields["ExpressionType"]) return Malformed("no <ExpressionType>");
  if (!EqualsIgnoringCase(TrimWhitespace(*fields["ExpressionType"]), "SQL")) {
    return S3Error::Make(400, "InvalidExpressionType",
                         "ExpressionType is '" + Excerpt(*fields["ExpressionType"]) + "'; only SQL is supported");
  }

  S3Result<std::optional<pugi::xml_node>> input = OptionalChild(*children, "InputSerialization");
  if (!input.ok()) return input.error();
  if (!input->has_value()) return Malformed("no <InputSerialization>");
  if (S3Check bad = ParseInput(**input, &request)) return *bad;

  S3Result<std::optional<pugi::xml_node>> output = OptionalChild(*children, "OutputSerialization");
  if (!output.ok()) return output.error();
  if (!output->has_value()) return Malformed("no <OutputSerialization>");
  if (S3Check bad = ParseOutput(**output, &request)) return *bad;

  S3Result<std::optional<pugi::xml_node>> progress = OptionalChild(*children, "RequestProgress");
  if (!progress.ok()) return progress.error();
  if (progress->has_value()) {
    Fields enabled({"Enabled"});
    if (S3Check bad = enabled.Read(**progress)) return *bad;
    if (S3Check bad = ParseBool(enabled["Enabled"], "Enabled", &request.progress)) return *bad;
  }

  S3Result<std::optional<pugi::xml_node>> range = OptionalChild(*children, "ScanRange");
  if (!range.ok()) return range.error();
  if (range->has_value()) {
    Fields offsets({"Start", "End"});
    if (S3Check bad = offsets.Read(**range)) return *bad;
    if (S3Check bad = ParseOffset(offsets["Start"], "Start", &request.scan_start)) return *bad;
    if (S3Check bad = ParseOffset(offsets["End"], "End", &request.scan_end)) return *bad;
    if (request.scan_start && request.scan_end && *request.scan_start > *request.scan_end) {
      return BadParameter("ScanRange Start is past its End");
    }
  }
  return request;
}

}  // namespace strata::http
