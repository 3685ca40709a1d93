// CSV as a table source: the RFC 4180 parser (quotes, doubled quotes, CRLF,
// newlines inside quotes) gives the same records however the input is cut
// into Feed calls; errors name their line; types are inferred from samples;
// records become typed columns; and schema text is parsed or refused.
#include "strata/table/csv_table.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"

namespace strata::table {
namespace {

using parquet::ColumnSchema;
using parquet::ColumnVector;
using parquet::Type;
using Records = std::vector<CsvRecord>;

Records ParseAll(std::string_view text, CsvFormat format = {}) {
  CsvParser parser(format);
  Records records;
  const Status st = parser.Feed(text, true, &records);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return records;
}

// Feeds `text` in pieces cut at `cuts` (ascending offsets).
Result<Records> ParsePieces(std::string_view text, const std::vector<size_t>& cuts, CsvFormat format = {}) {
  CsvParser parser(format);
  Records records;
  size_t from = 0;
  for (size_t cut : cuts) {
    RETURN_IF_ERROR(parser.Feed(text.substr(from, cut - from), false, &records));
    from = cut;
  }
  RETURN_IF_ERROR(parser.Feed(text.substr(from), true, &records));
  return records;
}

TEST(CsvParserTest, QuotingAndDoubledQuotes) {
  EXPECT_EQ(ParseAll("a,\"b,c\",d\n"), (Records{{"a", "b,c", "d"}}));
  EXPECT_EQ(ParseAll("\"he said \"\"hi\"\"\",x\n"), (Records{{"he said \"hi\"", "x"}}));
  EXPECT_EQ(ParseAll("\"\"\"\",\"\"\n"), (Records{{"\"", ""}}));
  EXPECT_EQ(ParseAll("\"a\"\"\"\"b\"\n"), (Records{{"a\"\"b"}}));
  // A quote inside an unquoted field is kept as it is.
  EXPECT_EQ(ParseAll("ab\"c,d\n"), (Records{{"ab\"c", "d"}}));
  // Delimiters and spaces inside quotes.
  EXPECT_EQ(ParseAll("\" , \",\"\t\"\n"), (Records{{" , ", "\t"}}));
}

TEST(CsvParserTest, EmptyFieldsAndRecordEnds) {
  EXPECT_EQ(ParseAll("a,,c\n"), (Records{{"a", "", "c"}}));
  EXPECT_EQ(ParseAll("a,b,\n"), (Records{{"a", "b", ""}}));
  EXPECT_EQ(ParseAll(",\n"), (Records{{"", ""}}));
  EXPECT_EQ(ParseAll("a,b"), (Records{{"a", "b"}}));  // no final newline
  EXPECT_EQ(ParseAll("a,b,"), (Records{{"a", "b", ""}}));
  EXPECT_EQ(ParseAll("a,\"b\""), (Records{{"a", "b"}}));
  EXPECT_EQ(ParseAll(""), Records{});
  EXPECT_EQ(ParseAll("\n\n"), Records{});
  // Blank lines are no records.
  EXPECT_EQ(ParseAll("a\n\nb\n\n"), (Records{{"a"}, {"b"}}));
}

// A line holding only "" is a record with one empty field, not a blank line:
// in a one-column file of strings it is a row whose value is empty.
TEST(CsvParserTest, QuotedEmptyFieldAloneIsARecord) {
  EXPECT_EQ(ParseAll("a\n\"\"\nb\n"), (Records{{"a"}, {""}, {"b"}}));
  EXPECT_EQ(ParseAll("a\n\"\""), (Records{{"a"}, {""}}));
}

TEST(CsvParserTest, CrLfAndLoneCr) {
  EXPECT_EQ(ParseAll("a,b\r\nc,d\r\n"), (Records{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(ParseAll("a,b\r\nc,d"), (Records{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(ParseAll("a\rb\r"), (Records{{"a"}, {"b"}}));
  EXPECT_EQ(ParseAll("\"x\r\ny\"\r\nz\r\n"), (Records{{"x\r\ny"}, {"z"}}));
  // CRLF counts as one line.
  CsvParser parser;
  Records records;
  ASSERT_OK(parser.Feed("a\r\nb\r\n\"c", false, &records));
  EXPECT_EQ(parser.line(), 3u);
}

TEST(CsvParserTest, NewlinesInsideQuotes) {
  EXPECT_EQ(ParseAll("\"x\ny\",z\nnext,1\n"), (Records{{"x\ny", "z"}, {"next", "1"}}));
  CsvParser parser;
  Records records;
  ASSERT_OK(parser.Feed("h1,h2\n\"multi\nline\nfield\",2\n", false, &records));
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(parser.line(), 5u);  // the next record starts after the three-line one
}

TEST(CsvParserTest, OtherDelimiterAndQuote) {
  const CsvFormat format{'|', '\''};
  EXPECT_EQ(ParseAll("a|'b|c'|'it''s'\n", format), (Records{{"a", "b|c", "it's"}}));
  EXPECT_EQ(ParseAll("a,b|\"c\"\n", format), (Records{{"a,b", "\"c\""}}));
  const CsvFormat tabs{'\t', '"'};
  EXPECT_EQ(ParseAll("a\tb c\t\"d\te\"\n", tabs), (Records{{"a", "b c", "d\te"}}));
}

// S3 Select's options: another record delimiter (line ends are then data),
// an escape character inside quotes, comment records; and the line of each
// record.
TEST(CsvParserTest, RecordDelimiterEscapeAndComments) {
  CsvFormat format;
  format.record_delimiter = ';';
  EXPECT_EQ(ParseAll("a,b;c\nd,e;;f", format), (Records{{"a", "b"}, {"c\nd", "e"}, {"f"}}));
  format = {};
  format.escape = '\\';
  EXPECT_EQ(ParseAll("\"a\\\"b\",\"c\\\\d\",\"e\\x\",\"\"\"\"\n", format),
            (Records{{"a\"b", "c\\d", "e\\x", "\""}}));
  // Outside quotes the escape is an ordinary character.
  EXPECT_EQ(ParseAll("a\\b,c\n", format), (Records{{"a\\b", "c"}}));
  format = {};
  format.comment = '#';
  const std::string text = "#head,er\na,#b\n  #c\n#\"open\n\"x\ny\",z\n#last";
  const Records want = {{"a", "#b"}, {"  #c"}, {"x\ny", "z"}};
  EXPECT_EQ(ParseAll(text, format), want);
  for (size_t i = 0; i <= text.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(Records split, ParsePieces(text, {i}, format));
    EXPECT_EQ(split, want) << "cut at " << i;
  }
  CsvParser parser(format);
  Records records;
  std::vector<uint64_t> lines;
  ASSERT_OK(parser.Feed(text, true, &records, &lines));
  EXPECT_EQ(lines, (std::vector<uint64_t>{2, 3, 5}));
}

const char kTricky[] =
    "id,name,note\r\n"
    "1,\"Smith, J\",\"said \"\"hi\"\"\"\n"
    "2,plain,\"two\r\nlines\"\r\n"
    "\n"
    "3,,\"\"\"\"\n"
    "4,\"trailing\",\r"
    "5,x,\"\n\"";

TEST(CsvParserTest, EverySplitPositionGivesTheSameRecords) {
  const std::string text = kTricky;
  const Records whole = ParseAll(text);
  ASSERT_EQ(whole.size(), 6u);
  EXPECT_EQ(whole[1], (CsvRecord{"1", "Smith, J", "said \"hi\""}));
  EXPECT_EQ(whole[2], (CsvRecord{"2", "plain", "two\r\nlines"}));
  EXPECT_EQ(whole[3], (CsvRecord{"3", "", "\""}));
  EXPECT_EQ(whole[4], (CsvRecord{"4", "trailing", ""}));
  EXPECT_EQ(whole[5], (CsvRecord{"5", "x", "\n"}));
  for (size_t i = 0; i <= text.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(Records split, ParsePieces(text, {i}));
    EXPECT_EQ(split, whole) << "cut at " << i;
  }
  for (size_t i = 0; i <= text.size(); ++i) {
    for (size_t j = i; j <= text.size(); ++j) {
      ASSERT_OK_AND_ASSIGN(Records split, ParsePieces(text, {i, j}));
      ASSERT_EQ(split, whole) << "cut at " << i << " and " << j;
    }
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < text.size(); ++i) every.push_back(i);
  ASSERT_OK_AND_ASSIGN(Records bytewise, ParsePieces(text, every));
  EXPECT_EQ(bytewise, whole);
}

TEST(CsvParserTest, RecordsAreHandedOutAsSoonAsTheyEnd) {
  CsvParser parser;
  Records records;
  ASSERT_OK(parser.Feed("a,b\nc,", false, &records));
  EXPECT_EQ(records, (Records{{"a", "b"}}));
  ASSERT_OK(parser.Feed("d", false, &records));
  EXPECT_EQ(records.size(), 1u);
  ASSERT_OK(parser.Feed("\n", false, &records));
  EXPECT_EQ(records, (Records{{"a", "b"}, {"c", "d"}}));
  ASSERT_OK(parser.Feed("", true, &records));
  EXPECT_EQ(records.size(), 2u);
}

TEST(CsvParserTest, UnterminatedQuoteNamesTheLineItStarted) {
  CsvParser parser;
  Records records;
  const Status st = parser.Feed("a,b\nc,d\ne,\"never\nclosed\n", true, &records);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("line 3"), std::string::npos) << st.message();
  EXPECT_EQ(records.size(), 2u);
  // Split across calls, the same.
  CsvParser split;
  Records more;
  ASSERT_OK(split.Feed("x\n\"open", false, &more));
  const Status late = split.Feed("ed\nstill open", true, &more);
  EXPECT_EQ(late.code(), StatusCode::kCorruption);
  EXPECT_NE(late.message().find("line 2"), std::string::npos) << late.message();
  // A quote still open is fine until the last call.
  CsvParser waiting;
  Records none;
  ASSERT_OK(waiting.Feed("\"abc", false, &none));
  EXPECT_TRUE(none.empty());
}

// ---- inference ----

TEST(CsvInferTest, TypesFromSamples) {
  const CsvRecord header = {"id", "x", "name", "flag", "empty", "", "mixed", "big"};
  const Records sample = {
      {"1", "1.5", "a", "true", "", "7", "1", "9223372036854775807"},
      {" -2 ", "2", "b", "FALSE", "", "+8", "true", "1"},
      {"", "", "", "", "", "", "", ""},
      {"+3", "1e3", "12", "True", " ", "9", "x", "9223372036854775808"},
  };
  const std::vector<ColumnSchema> schema = InferCsvSchema(header, sample);
  ASSERT_EQ(schema.size(), header.size());
  EXPECT_EQ(schema[0], (ColumnSchema{"id", Type::kInt64, true}));
  EXPECT_EQ(schema[1], (ColumnSchema{"x", Type::kDouble, true}));
  EXPECT_EQ(schema[2], (ColumnSchema{"name", Type::kByteArray, true}));
  EXPECT_EQ(schema[3], (ColumnSchema{"flag", Type::kBoolean, true}));
  EXPECT_EQ(schema[4], (ColumnSchema{"empty", Type::kByteArray, true}));
  EXPECT_EQ(schema[5], (ColumnSchema{"_6", Type::kInt64, true}));
  EXPECT_EQ(schema[6], (ColumnSchema{"mixed", Type::kByteArray, true}));
  EXPECT_EQ(schema[7], (ColumnSchema{"big", Type::kDouble, true}));  // past INT64
  // Records shorter than the header do not break inference.
  const std::vector<ColumnSchema> ragged = InferCsvSchema({"a", "b"}, {{"1"}, {"2", "x"}});
  EXPECT_EQ(ragged[0].type, Type::kInt64);
  EXPECT_EQ(ragged[1].type, Type::kByteArray);
  EXPECT_TRUE(InferCsvSchema({}, sample).empty());
}

// ---- conversion ----

std::string Cell(const ColumnVector& c, size_t i) {
  if (!c.IsValid(i)) return "NULL";
  switch (c.type) {
    case Type::kBoolean: return c.bools[i] ? "true" : "false";
    case Type::kInt32: return std::to_string(c.int32s[i]);
    case Type::kInt64: return std::to_string(c.int64s[i]);
    case Type::kFloat: return std::to_string(c.floats[i]);
    case Type::kDouble: return std::to_string(c.doubles[i]);
    default: return "'" + std::string(c.strings[i]) + "'";
  }
}

std::string Column(const ColumnVector& c) {
  std::string out;
  for (size_t i = 0; i < c.size(); ++i) out += (i ? "," : "") + Cell(c, i);
  return out;
}

TEST(CsvAppendTest, RecordsBecomeTypedColumns) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"k", Type::kInt32, true},
                                            {"x", Type::kDouble, true},  {"f", Type::kFloat, true},
                                            {"ok", Type::kBoolean, true}, {"name", Type::kByteArray, true}};
  std::vector<ColumnVector> columns;
  ASSERT_OK(AppendCsvRecords({{"1", "7", "1.5", "0.25", "true", "a"}, {"2", "-8", "1e3", "2", "FALSE", ""}}, 2, schema,
                             &columns));
  ASSERT_EQ(columns.size(), schema.size());
  for (size_t c = 0; c < schema.size(); ++c) {
    EXPECT_EQ(columns[c].type, schema[c].type);
    // Only the string column has an empty field so far.
    EXPECT_EQ(columns[c].validity.empty(), c != 5) << schema[c].name;
  }
  // Empty fields are NULL, strings included (blank ones too in numbers).
  ASSERT_OK(AppendCsvRecords({{" 3 ", "", " ", "", "", ""}}, 4, schema, &columns));
  EXPECT_EQ(Column(columns[0]), "1,2,3");
  EXPECT_EQ(Column(columns[1]), "7,-8,NULL");
  EXPECT_EQ(Column(columns[2]), "1.500000,1000.000000,NULL");
  EXPECT_EQ(Column(columns[3]), "0.250000,2.000000,NULL");
  EXPECT_EQ(Column(columns[4]), "true,false,NULL");
  EXPECT_EQ(Column(columns[5]), "'a',NULL,NULL");
  for (const ColumnVector& c : columns) {
    EXPECT_TRUE(c.validity.empty() || c.validity.size() == c.size());
  }
}

TEST(CsvAppendTest, ErrorsNameTheLineAndColumn) {
  const std::vector<ColumnSchema> schema = {{"id", Type::kInt64, false}, {"ke", Type::kDouble, true},
                                            {"k", Type::kInt32, true}};
  std::vector<ColumnVector> columns;
  Status st = AppendCsvRecords({{"1", "2", "3"}, {"2", "abc", "3"}}, 811, schema, &columns);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "line 812, column 'ke': 'abc' is not a DOUBLE");

  columns.clear();
  st = AppendCsvRecords({{"1", "2", "3"}, {"2", "3"}}, 10, schema, &columns);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "line 11: 2 fields where the header has 3");
  columns.clear();
  st = AppendCsvRecords({{"1", "2", "3", "4"}}, 5, schema, &columns);
  EXPECT_EQ(st.message(), "line 5: 4 fields where the header has 3");

  columns.clear();
  st = AppendCsvRecords({{"", "1", "1"}}, 3, schema, &columns);
  EXPECT_EQ(st.message(), "line 3, column 'id': empty value in a required column");

  columns.clear();
  st = AppendCsvRecords({{"1", "1", "2147483648"}}, 9, schema, &columns);
  EXPECT_EQ(st.message(), "line 9, column 'k': '2147483648' is not an INT32");
  columns.clear();
  st = AppendCsvRecords({{"1.5", "1", "1"}}, 9, schema, &columns);
  EXPECT_EQ(st.message(), "line 9, column 'id': '1.5' is not an INT64");
  columns.clear();
  const std::vector<ColumnSchema> names = {{"who", Type::kByteArray, false}};
  st = AppendCsvRecords({{"ann"}, {""}}, 20, names, &columns);
  EXPECT_EQ(st.message(), "line 21, column 'who': empty value in a required column");
  columns.clear();
  const std::vector<ColumnSchema> flags = {{"b", Type::kBoolean, false}};
  st = AppendCsvRecords({{"yes"}}, 1, flags, &columns);
  EXPECT_EQ(st.message(), "line 1, column 'b': 'yes' is not a BOOLEAN");
}

TEST(CsvAppendTest, FromParsedTextWithLines) {
  // The whole path: parse, infer from the first records, append, with the
  // header on line 1 and data from line 2.
  const std::string text = "id,x,who\n1,0.5,ann\n2,,\"bob, jr\"\n3,2.5,\n";
  Records records = ParseAll(text);
  ASSERT_EQ(records.size(), 4u);
  const CsvRecord header = records[0];
  records.erase(records.begin());
  const std::vector<ColumnSchema> schema = InferCsvSchema(header, records);
  std::vector<ColumnVector> columns;
  ASSERT_OK(AppendCsvRecords(records, 2, schema, &columns));
  EXPECT_EQ(Column(columns[0]), "1,2,3");
  EXPECT_EQ(Column(columns[1]), "0.500000,NULL,2.500000");
  EXPECT_EQ(Column(columns[2]), "'ann','bob, jr',NULL");
}

// ---- schema text ----

TEST(SchemaTextTest, ParsesColumns) {
  ASSERT_OK_AND_ASSIGN(std::vector<ColumnSchema> schema,
                       ParseSchemaText("id:int64, x : float ,name:string?,ok:BOOL,n:int?,d:float64,s:utf8,b:bigint,"
                                       "i:int32,f:float32,dd:double,bb:boolean"));
  EXPECT_EQ(schema, (std::vector<ColumnSchema>{{"id", Type::kInt64, false},
                                               {"x", Type::kFloat, false},
                                               {"name", Type::kByteArray, true},
                                               {"ok", Type::kBoolean, false},
                                               {"n", Type::kInt32, true},
                                               {"d", Type::kDouble, false},
                                               {"s", Type::kByteArray, false},
                                               {"b", Type::kInt64, false},
                                               {"i", Type::kInt32, false},
                                               {"f", Type::kFloat, false},
                                               {"dd", Type::kDouble, false},
                                               {"bb", Type::kBoolean, false}}));
}

TEST(SchemaTextTest, RefusesMalformedText) {
  auto error = [](std::string_view text) {
    Result<std::vector<ColumnSchema>> schema = ParseSchemaText(text);
    if (schema.ok()) return std::string("parsed");
    EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument) << text;
    return schema.status().message();
  };
  EXPECT_EQ(error("id"), "schema: 'id' is not name:type");
  EXPECT_EQ(error("id:int64,x"), "schema: 'x' is not name:type");
  EXPECT_EQ(error("id:int128"),
            "schema: unknown type 'int128' for column 'id' (bool, int32, int64, float, double, string)");
  EXPECT_EQ(error("id:"), "schema: unknown type '' for column 'id' (bool, int32, int64, float, double, string)");
  EXPECT_EQ(error(":int64"), "schema: a column without a name");
  EXPECT_EQ(error("a:int64,A:int64"), "parsed");  // names are case-sensitive here
  EXPECT_EQ(error("a:int64,a:string"), "schema: column 'a' twice");
  EXPECT_EQ(error("a:int64,"), "schema: '' is not name:type");
  EXPECT_EQ(error("a:int64,,b:int64"), "schema: '' is not name:type");
  EXPECT_EQ(error(""), "schema: '' is not name:type");
  EXPECT_EQ(error("a:string??"), "schema: unknown type 'string?' for column 'a' (bool, int32, int64, float, double, string)");
}

}  // namespace
}  // namespace strata::table
