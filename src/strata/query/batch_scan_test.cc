// S3 Select over CSV (csv_select) and the batch evaluation under it
// (batch_scan): header modes, positional and named columns, ragged records
// (NULL for missing fields), quotes, escapes, comments and other delimiters,
// string versus numeric comparison, LIMIT across batches, aggregates over
// several batches, results that do not depend on how the input is cut, and
// errors that name the line.
#include "strata/query/batch_scan.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "strata/query/csv_select.h"
#include "strata/query/result_format.h"
#include "strata/testing/status_macros.h"

namespace strata::query {
namespace {

using table::ColumnVector;
using table::Type;

// The input handed out `piece` bytes at a time.
class StringStream : public ByteStream {
 public:
  StringStream(std::string text, size_t piece) : text_(std::move(text)), piece_(piece) {}
  Result<size_t> Read(std::span<char> out) override {
    const size_t n = std::min({out.size(), piece_, text_.size() - at_});
    std::copy_n(text_.data() + at_, n, out.data());
    at_ += n;
    return n;
  }

 private:
  std::string text_;
  size_t piece_;
  size_t at_ = 0;
};

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    text += bytes;
    return Status::OK();
  }
  std::string text;
};

struct Answer {
  Status status;
  std::string text;
  QueryStats stats;
};

Answer Select(const std::string& sql, const std::string& csv, CsvHeader header = CsvHeader::kNone,
              table::CsvFormat format = {}, bool json = false, size_t piece = 1 << 20) {
  CsvInput input;
  input.format = format;
  input.header = header;
  StringStream stream(csv, piece);
  StringSink out;
  CsvOptions options;
  options.header = false;
  std::unique_ptr<ResultSink> sink = json ? MakeJsonSink(&out) : MakeCsvSink(&out, options);
  Answer answer;
  answer.status = RunCsvSelect(sql, "data/t.csv", input, QueryOptions(), stream, sink.get(), &answer.stats);
  answer.text = out.text;
  return answer;
}

std::string Rows(const std::string& sql, const std::string& csv, CsvHeader header = CsvHeader::kNone,
                 table::CsvFormat format = {}) {
  Answer a = Select(sql, csv, header, format);
  EXPECT_TRUE(a.status.ok()) << sql << ": " << a.status.ToString();
  return a.text;
}

std::string Error(const std::string& sql, const std::string& csv, CsvHeader header = CsvHeader::kNone) {
  Answer a = Select(sql, csv, header);
  EXPECT_FALSE(a.status.ok()) << sql;
  return a.status.message();
}

const char kPeople[] = "name,age,city\nada,36,london\nbob,7,paris\n\"smith, jo\",51,\"new\nyork\"\ncy,,rome\n";

TEST(CsvSelectTest, HeaderModes) {
  EXPECT_EQ(Rows("SELECT name, city FROM S3Object WHERE age = '7'", kPeople, CsvHeader::kUse), "bob,paris\n");
  // With USE, positions resolve too, and so do s.name and s._3.
  EXPECT_EQ(Rows("SELECT s._1, s.city FROM S3Object s WHERE s.name = 'ada'", kPeople, CsvHeader::kUse),
            "ada,london\n");
  // IGNORE skips the first line; names are positional.
  EXPECT_EQ(Rows("SELECT _1 FROM S3Object", kPeople, CsvHeader::kIgnore), "ada\nbob\n\"smith, jo\"\ncy\n");
  // NONE: the first line is data.
  EXPECT_EQ(Rows("SELECT _2 FROM S3Object LIMIT 2", kPeople), "age\n36\n");
  EXPECT_NE(Error("SELECT name FROM S3Object", kPeople, CsvHeader::kIgnore).find("unknown column 'name'"),
            std::string::npos);
}

TEST(CsvSelectTest, StringsComparedAsTextAndCastAsNumbers) {
  // As text, '7' > '36'; as numbers it is not.
  EXPECT_EQ(Rows("SELECT name FROM S3Object WHERE age > '4'", kPeople, CsvHeader::kUse), "bob\n\"smith, jo\"\n");
  EXPECT_EQ(Rows("SELECT name FROM S3Object WHERE CAST(age AS INT) > 30", kPeople, CsvHeader::kUse),
            "ada\n\"smith, jo\"\n");
  // An empty field is NULL, so CAST passes over it.
  EXPECT_EQ(Rows("SELECT name FROM S3Object WHERE age IS NULL", kPeople, CsvHeader::kUse), "cy\n");
  EXPECT_EQ(Rows("SELECT name FROM S3Object WHERE age = ''", kPeople, CsvHeader::kUse), "");
  EXPECT_NE(Error("SELECT name FROM S3Object WHERE age > 4", kPeople, CsvHeader::kUse).find("cannot compare"),
            std::string::npos);
  // A failing CAST names the line of its record (the header is line 1).
  const std::string message =
      Error("SELECT name FROM S3Object WHERE CAST(city AS FLOAT) > 1", "name,city\na,1\nb,2\nc,x\n", CsvHeader::kUse);
  EXPECT_NE(message.find("data/t.csv: line 4"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot cast 'x' to FLOAT"), std::string::npos) << message;
}

TEST(CsvSelectTest, RaggedRecordsHaveNullFields) {
  const std::string csv = "a,b,c\nd\ne,f\n";
  EXPECT_EQ(Rows("SELECT * FROM S3Object", csv), "a,b,c\nd,,\ne,f,\n");
  EXPECT_EQ(Rows("SELECT _1 FROM S3Object WHERE _3 IS NULL", csv), "d\ne\n");
  // A position past the first record's fields is a column too.
  EXPECT_EQ(Rows("SELECT _4 IS NULL, _1 FROM S3Object", "x\ny,z,w,v\n"), "true,x\nfalse,y\n");
  Answer json = Select("SELECT _1, _2 FROM S3Object", "p\nq,r\n", CsvHeader::kNone, {}, /*json=*/true);
  ASSERT_OK(json.status);
  EXPECT_EQ(json.text, "{\"_1\":\"p\",\"_2\":null}\n{\"_1\":\"q\",\"_2\":\"r\"}\n");
}

TEST(CsvSelectTest, DelimitersQuotesEscapesAndComments) {
  table::CsvFormat format;
  format.delimiter = '\t';
  format.record_delimiter = ';';
  format.quote = '\'';
  format.escape = '\\';
  format.comment = '#';
  const std::string csv = "#note;a\t'x\\'y';#more\nlines;b\t'p;q'";
  EXPECT_EQ(Rows("SELECT _2, _1 FROM S3Object", csv, CsvHeader::kNone, format), "x'y,a\np;q,b\n");
  format = {};
  format.comment = '#';
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM S3Object", "#a\nb\n", CsvHeader::kNone, format), "1\n");
  // Without comments, a '#' line is data.
  EXPECT_EQ(Rows("SELECT _1 FROM S3Object", "#a\nb\n", CsvHeader::kNone, {}), "#a\nb\n");
  // An unterminated quote is Corruption naming its line.
  Answer broken = Select("SELECT * FROM S3Object", "a\n\"b\nc\n");
  EXPECT_EQ(broken.status.code(), StatusCode::kCorruption);
  EXPECT_NE(broken.status.message().find("data/t.csv: line 2"), std::string::npos) << broken.status.ToString();
}

// 200,000 records: several batches, so LIMIT and aggregates cross them.
std::string ManyRows() {
  std::string csv = "id,v,tag\n";
  for (int i = 0; i < 200000; ++i) {
    csv += std::to_string(i) + "," + std::to_string(i % 1000) + ".5," + (i % 3 == 0 ? "x" : "y") + "\n";
  }
  return csv;
}

TEST(CsvSelectTest, LimitAndAggregatesAcrossBatches) {
  const std::string csv = ManyRows();
  // 50000 of the 66667 matches: the third batch meets the limit, the fourth is never read.
  Answer limited = Select("SELECT id FROM S3Object WHERE tag = 'x' LIMIT 50000", csv, CsvHeader::kUse);
  ASSERT_OK(limited.status);
  EXPECT_EQ(std::count(limited.text.begin(), limited.text.end(), '\n'), 50000);
  EXPECT_EQ(limited.text.substr(0, 6), "0\n3\n6\n");
  EXPECT_EQ(limited.text.substr(limited.text.size() - 7), "149997\n");
  EXPECT_EQ(limited.stats.rows_returned, 50000u);
  EXPECT_EQ(limited.stats.rows_scanned, 3u * kCsvBatchRows);

  // COUNT, exact integer SUM, AVG, MIN/MAX of strings and of casts.
  int64_t sum = 0;
  for (int i = 0; i < 200000; i += 3) sum += i;
  Answer agg = Select(
      "SELECT COUNT(*), SUM(CAST(id AS INT)), MIN(tag), MAX(CAST(v AS DOUBLE)), AVG(CAST(v AS DOUBLE)) "
      "FROM S3Object WHERE tag = 'x'",
      csv, CsvHeader::kUse, {}, /*json=*/true);
  ASSERT_OK(agg.status);
  double total = 0;
  for (int i = 0; i < 200000; i += 3) total += (i % 1000) + 0.5;
  const nlohmann::json row = nlohmann::json::parse(agg.text);
  EXPECT_EQ(row["_1"], 66667);
  EXPECT_EQ(row["_2"], sum);
  EXPECT_EQ(row["_3"], "x");
  EXPECT_EQ(row["_4"], 999.5);
  EXPECT_NEAR(row["_5"].get<double>(), total / 66667, 1e-9);
  EXPECT_EQ(agg.stats.rows_scanned, 200000u);
  // LIMIT 0 removes even the aggregate row.
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM S3Object LIMIT 0", csv, CsvHeader::kUse), "");
}

TEST(CsvSelectTest, SameAnswerHoweverTheInputIsCut) {
  const std::string sql = "SELECT _3, _1 FROM S3Object WHERE _2 <> 'b'";
  const std::string csv = "1,a,\"x\ny\"\r\n2,b,z\r\n3,c,\"q\"\"r\"\r\n4,d";
  const Answer whole = Select(sql, csv);
  ASSERT_OK(whole.status);
  EXPECT_EQ(whole.text, "\"x\ny\",1\n\"q\"\"r\",3\n,4\n");
  for (size_t piece : {1, 2, 3, 7}) {
    Answer cut = Select(sql, csv, CsvHeader::kNone, {}, false, piece);
    ASSERT_OK(cut.status);
    EXPECT_EQ(cut.text, whole.text) << "pieces of " << piece;
  }
}

TEST(CsvSelectTest, QueryShapeErrors) {
  EXPECT_NE(Error("SELECT * FROM data/t.csv", "a\n").find("FROM S3Object"), std::string::npos);
  EXPECT_NE(Error("SELECT * FROM S3Object[*].x", "a\n").find("JSON input only"), std::string::npos);
  EXPECT_NE(Error("SELECT _1 FROM S3Object WHERE", "a\n").find("query at column"), std::string::npos);
  // An empty object answers with no rows, and COUNT(*) with 0.
  EXPECT_EQ(Rows("SELECT * FROM S3Object", ""), "");
  EXPECT_EQ(Rows("SELECT COUNT(*) FROM S3Object", "", CsvHeader::kUse), "0\n");
}

TEST(BatchScanTest, RowsFilterAndLimitOverBatches) {
  table::ScanSpec spec;
  spec.columns = {{"n", Type::kInt64, false}};
  spec.filter = table::Expr::Binary(table::ExprOp::kGt, table::Expr::Column(0, Type::kInt64),
                                    table::Expr::Constant(table::Value::Int(2)));
  spec.outputs = {table::Expr::Column(0, Type::kInt64)};
  spec.limit = 3;
  BatchScan scan(spec);
  ColumnVector batch(Type::kInt64);
  batch.int64s = {1, 2, 3, 4};
  table::BatchView view{{&batch}, 4};
  std::vector<ColumnVector> rows;
  ASSERT_OK(scan.Add(view, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].int64s, (std::vector<int64_t>{3, 4}));
  EXPECT_FALSE(scan.done());
  batch.int64s = {5, 6, 7};
  view.rows = 3;
  ASSERT_OK(scan.Add(view, &rows));
  EXPECT_EQ(rows[0].int64s, (std::vector<int64_t>{5}));
  EXPECT_TRUE(scan.done());
  ASSERT_OK(scan.Add(view, &rows));
  EXPECT_EQ(rows[0].size(), 0u);
  EXPECT_EQ(scan.rows_returned(), 3u);
}

}  // namespace
}  // namespace strata::query
