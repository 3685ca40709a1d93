// The SelectObjectContent request document: what the aws CLI and the SDKs
// send parses into the request they meant (defaults included); bad values
// and bad documents get the S3 codes clients expect.
#include "strata/http/s3_select_request.h"

#include <string>

#include <gtest/gtest.h>

namespace strata::http {
namespace {

std::string Document(const std::string& input, const std::string& output, const std::string& extra = "",
                     const std::string& expression = "SELECT * FROM S3Object", const std::string& type = "SQL") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<SelectObjectContentRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Expression>" +
         expression + "</Expression><ExpressionType>" + type + "</ExpressionType><InputSerialization>" + input +
         "</InputSerialization><OutputSerialization>" + output + "</OutputSerialization>" + extra +
         "</SelectObjectContentRequest>";
}

std::string CodeOf(const std::string& body) {
  S3Result<SelectRequest> parsed = ParseSelectRequest(body);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.ok() ? "" : parsed.error().code;
}

TEST(SelectRequestTest, CsvToJsonWithEverySetting) {
  S3Result<SelectRequest> r = ParseSelectRequest(Document(
      "<CompressionType>NONE</CompressionType><CSV><FileHeaderInfo>USE</FileHeaderInfo>"
      "<FieldDelimiter>&#x9;</FieldDelimiter><RecordDelimiter>;</RecordDelimiter><QuoteCharacter>'</QuoteCharacter>"
      "<QuoteEscapeCharacter>\\</QuoteEscapeCharacter><Comments></Comments>"
      "<AllowQuotedRecordDelimiter>TRUE</AllowQuotedRecordDelimiter></CSV>",
      "<JSON><RecordDelimiter>,</RecordDelimiter></JSON>", "<RequestProgress><Enabled>true</Enabled></RequestProgress>",
      "SELECT s.a FROM S3Object s WHERE s.b &lt; '3'"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->expression, "SELECT s.a FROM S3Object s WHERE s.b < '3'");
  EXPECT_EQ(r->input, SelectRequest::InputFormat::kCsv);
  EXPECT_EQ(r->csv_input.file_header, SelectCsvInput::Header::kUse);
  EXPECT_EQ(r->csv_input.field_delimiter, '\t');
  EXPECT_EQ(r->csv_input.record_delimiter, ";");
  EXPECT_EQ(r->csv_input.quote, '\'');
  EXPECT_EQ(r->csv_input.quote_escape, '\\');
  EXPECT_EQ(r->csv_input.comments, 0);
  EXPECT_TRUE(r->csv_input.allow_quoted_record_delimiter);
  EXPECT_EQ(r->compression, "NONE");
  EXPECT_EQ(r->output, SelectRequest::OutputFormat::kJson);
  EXPECT_EQ(r->json_record_delimiter, ",");
  EXPECT_TRUE(r->progress);
  EXPECT_FALSE(r->scan_start);
}

TEST(SelectRequestTest, DefaultsParquetAndRanges) {
  S3Result<SelectRequest> r = ParseSelectRequest(Document("<CSV/>", "<CSV/>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->csv_input.file_header, SelectCsvInput::Header::kNone);
  EXPECT_EQ(r->csv_input.field_delimiter, ',');
  EXPECT_EQ(r->csv_input.record_delimiter, "\n");
  EXPECT_EQ(r->csv_input.quote, '"');
  EXPECT_EQ(r->csv_input.quote_escape, '"');
  EXPECT_EQ(r->csv_input.comments, '#');
  EXPECT_FALSE(r->csv_output.quote_always);
  EXPECT_EQ(r->compression, "NONE");
  EXPECT_FALSE(r->progress);

  r = ParseSelectRequest(Document("<Parquet></Parquet><CompressionType>gzip</CompressionType>",
                                  "<CSV><QuoteFields>always</QuoteFields><RecordDelimiter>&#xD;&#xA;</RecordDelimiter>"
                                  "</CSV>",
                                  "<ScanRange><Start>10</Start><End>20</End></ScanRange>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input, SelectRequest::InputFormat::kParquet);
  EXPECT_EQ(r->compression, "GZIP");
  EXPECT_TRUE(r->csv_output.quote_always);
  EXPECT_EQ(r->csv_output.record_delimiter, "\r\n");
  EXPECT_EQ(r->scan_start, 10u);
  EXPECT_EQ(r->scan_end, 20u);

  r = ParseSelectRequest(Document("<JSON><Type>lines</Type></JSON>", "<JSON/>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input, SelectRequest::InputFormat::kJson);
  EXPECT_EQ(r->json_type, "LINES");
}

TEST(SelectRequestTest, BadValuesGetTheirCodes) {
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "", "SELECT 1", "PartiQL")), "InvalidExpressionType");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "", "  ")), "MissingRequiredParameter");
  EXPECT_EQ(CodeOf(Document("<CSV><FileHeaderInfo>FIRST</FileHeaderInfo></CSV>", "<CSV/>")), "InvalidFileHeaderInfo");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV><QuoteFields>SOMETIMES</QuoteFields></CSV>")), "InvalidQuoteFields");
  EXPECT_EQ(CodeOf(Document("<CSV/><CompressionType>ZIP</CompressionType>", "<CSV/>")), "InvalidCompressionFormat");
  EXPECT_EQ(CodeOf(Document("<CSV><FieldDelimiter>::</FieldDelimiter></CSV>", "<CSV/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV><FieldDelimiter>\"</FieldDelimiter></CSV>", "<CSV/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV><RecordDelimiter></RecordDelimiter></CSV>", "<CSV/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV/><Parquet/>", "<CSV/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("", "<CSV/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/><JSON/>")), "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "<ScanRange><Start>9</Start><End>3</End></ScanRange>")),
            "InvalidRequestParameter");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "<ScanRange><Start>-1</Start></ScanRange>")),
            "InvalidRequestParameter");
}

TEST(SelectRequestTest, BadDocumentsAreMalformedXml) {
  EXPECT_EQ(CodeOf("<SelectObjectContentRequest><Expression>SELECT"), "MalformedXML");
  EXPECT_EQ(CodeOf("<Select><Expression>SELECT 1</Expression></Select>"), "MalformedXML");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "<Expression>again</Expression>")), "MalformedXML");
  EXPECT_EQ(CodeOf(Document("<CSV><Comments>#</Comments><Comments>%</Comments></CSV>", "<CSV/>")), "MalformedXML");
  EXPECT_EQ(CodeOf(Document("<CSV/>", "<CSV/>", "<RequestProgress><Enabled>yes</Enabled></RequestProgress>")),
            "MalformedXML");
  EXPECT_EQ(CodeOf("<SelectObjectContentRequest><ExpressionType>SQL</ExpressionType>"
                   "<InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/>"
                   "</OutputSerialization></SelectObjectContentRequest>"),
            "MalformedXML");
  EXPECT_EQ(CodeOf("<SelectObjectContentRequest><Expression>SELECT 1</Expression><ExpressionType>SQL"
                   "</ExpressionType><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>"),
            "MalformedXML");
  EXPECT_EQ(CodeOf(std::string(kMaxSelectRequestSize + 1, ' ')), "MaxMessageLengthExceeded");
}

}  // namespace
}  // namespace strata::http
