// SelectObjectContent (POST /bucket/key?select&select-type=2): S3 Select.
// The caller needs read access to the object, as for GetObject. A Parquet
// object runs through the query engine as the one table S3Object names (its
// row groups are scanned on the nodes when the file is aligned, at the
// gateway otherwise); a CSV object streams through query/csv_select. Results
// go out as an AWS event stream: Records messages as rows are produced,
// Progress when asked for, Cont when the scan is long and quiet, then Stats
// and End. Anything that fails before the first message is an ordinary S3
// XML error with its status; after it, an error message ends the stream
// without End, so a client never takes a cut result for a whole one.
#include <spdlog/spdlog.h>

#include "strata/base/clock.h"
#include "strata/http/s3_select_request.h"
#include "strata/query/csv_select.h"
#include "strata/query/query_engine.h"
#include "strata/query/result_format.h"
#include "strata/query/sql_parser.h"
#include "strata/server/event_stream.h"
#include "strata/server/payload.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_object_io.h"
#include "strata/server/s3_response.h"

namespace strata::server {

using http::S3Error;
using http::SelectRequest;

namespace {

// Records messages carry at most this much; the result sinks hand over
// about 256 KiB at a time.
constexpr size_t kMaxRecordsPayload = 1 << 20;
// Progress messages, when asked for, at most this often (the first at once).
constexpr int64_t kProgressEveryMillis = 1000;
// A scan that has sent nothing for this long sends Cont, well inside the
// 60-second read timeout of the AWS SDKs.
constexpr int64_t kKeepAliveMillis = 15000;

// The event stream of one response. The HTTP headers go out with the first
// message, so that a failure before then still gets its own status.
class SelectStream : public parquet::ByteSink {
 public:
  SelectStream(HttpExchange& exchange, HeaderList headers, bool progress)
      : exchange_(exchange), headers_(std::move(headers)), progress_(progress) {}

  bool started() const { return exchange_.headers_sent(); }
  uint64_t bytes_returned() const { return bytes_returned_; }

  // Result bytes from a sink: Records messages.
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const std::string_view piece = bytes.substr(0, kMaxRecordsPayload);
      RETURN_IF_ERROR(Send(SelectRecordsMessage(piece)));
      bytes_returned_ += piece.size();
      bytes.remove_prefix(piece.size());
    }
    return Status::OK();
  }

  // After each scanned batch: Progress when asked for, Cont when quiet.
  Status Progress(uint64_t scanned) {
    const int64_t now = NowMillis();
    if (progress_ && (last_progress_ < 0 || now - last_progress_ >= kProgressEveryMillis)) {
      last_progress_ = now;
      return Send(SelectProgressMessage(scanned, scanned, bytes_returned_));
    }
    // Before the first message too: a long scan that has found nothing yet
    // must not look like a dead server to the client.
    if (now - last_sent_ >= kKeepAliveMillis) return Send(SelectContinuationMessage());
    return Status::OK();
  }

  Status Finish(uint64_t scanned) {
    RETURN_IF_ERROR(Send(SelectStatsMessage(scanned, scanned, bytes_returned_)));
    RETURN_IF_ERROR(Send(SelectEndMessage()));
    return exchange_.Finish();
  }

  Status Fail(const S3Error& error) {
    RETURN_IF_ERROR(Send(SelectErrorMessage(error.code, error.message)));
    return exchange_.Finish();
  }

 private:
  Status Send(const std::string& message) {
    if (!started()) RETURN_IF_ERROR(exchange_.SendHeaders(200, headers_, std::nullopt));
    last_sent_ = NowMillis();
    return exchange_.SendBody(message);
  }

  HttpExchange& exchange_;
  HeaderList headers_;
  bool progress_;
  uint64_t bytes_returned_ = 0;
  int64_t last_progress_ = -1;
  int64_t last_sent_ = NowMillis();
};

// What an S3 client expects for a query that failed. Status codes are
// coarse (a bad column and a failed CAST are both InvalidArgument), so the
// S3 code comes from the message where S3 has a specific one.
S3Error QueryError(const Status& status, SelectRequest::InputFormat input) {
  const std::string& message = status.message();
  auto has = [&](std::string_view text) { return message.find(text) != std::string::npos; };
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      if (has("cannot cast")) return S3Error::Make(400, "CastFailed", message);
      if (has("unknown table alias")) return S3Error::Make(400, "InvalidTableAlias", message);
      if (has("unknown column")) return S3Error::Make(400, "EvaluatorBindingDoesNotExist", message);
      if (has("a record longer than")) return S3Error::Make(400, "OverMaxRecordSize", message);
      return S3Error::Make(400, "InvalidQuery", message);
    case StatusCode::kCorruption:
      return S3Error::Make(400, input == SelectRequest::InputFormat::kCsv ? "CSVParsingError" : "ParquetParsingError",
                           message);
    default: return S3Error::FromStatus(status);
  }
}

// The parts of a well-formed request that Strata does not do.
http::S3Check Unsupported(const SelectRequest& select) {
  if (select.input == SelectRequest::InputFormat::kJson) {
    return S3Error::NotImplemented("S3 Select reads CSV and Parquet objects here; JSON input is not supported");
  }
  if (select.compression != "NONE") {
    if (select.input == SelectRequest::InputFormat::kParquet) {
      return S3Error::Make(400, "InvalidCompressionFormat",
                           "a Parquet object's CompressionType must be NONE (its pages carry their own compression)");
    }
    return S3Error::NotImplemented("CompressionType " + select.compression +
                                   " is not supported; S3 Select reads uncompressed CSV here (NONE)");
  }
  if (select.scan_start || select.scan_end) {
    return S3Error::NotImplemented("ScanRange is not supported; the whole object is scanned");
  }
  return std::nullopt;
}

table::CsvFormat InputFormat(const http::SelectCsvInput& csv) {
  table::CsvFormat format;
  format.delimiter = csv.field_delimiter;
  format.quote = csv.quote;
  format.escape = csv.quote_escape;
  format.comment = csv.comments;
  // CR LF and LF both end lines the way the parser reads '\n'.
  format.record_delimiter = csv.record_delimiter == "\r\n" ? '\n' : csv.record_delimiter[0];
  return format;
}

}  // namespace

void S3Gateway::SelectObjectContent(S3Request& request) {
  auto fail = [&](const S3Error& error) { SendError(request, config_.server, error); };
  if (request.Query("select-type").value_or("") != "2") {
    return fail(S3Error::InvalidRequest("SelectObjectContent needs select-type=2 in the query string"));
  }
  auto bucket = AuthorizeBucket(request, request.bucket, /*write=*/false);
  if (!bucket.ok()) return fail(bucket.error());
  auto body = ReadSmallBody(*request.exchange, request.auth, http::kMaxSelectRequestSize);
  if (!body.ok()) return fail(body.error());
  auto select = http::ParseSelectRequest(*body);
  if (!select.ok()) return fail(select.error());
  if (auto unsupported = Unsupported(*select)) return fail(*unsupported);
  // Syntax first, so that a typo is reported as one whatever the object.
  auto statement = query::ParseSql(select->expression);
  if (!statement.ok()) return fail(S3Error::Make(400, "ParseUnexpectedToken", statement.status().message()));

  const bool csv = select->input == SelectRequest::InputFormat::kCsv;
  std::unique_ptr<ObjectReader> reader;
  if (csv) {
    auto opened = store_.OpenObject(request.bucket, request.key, AccessKind::kQuery);
    if (!opened.ok()) return fail(NoSuchKeyOr(opened.status(), request));
    reader = std::move(*opened);
  } else {
    // The engine opens the object itself; this tells a missing key apart.
    auto found = store_.Head(request.bucket, request.key);
    if (!found.ok()) return fail(NoSuchKeyOr(found.status(), request));
  }

  HeaderList headers = BaseHeaders(request, config_.server);
  headers.emplace_back("content-type", "application/vnd.amazon.eventstream");
  SelectStream events(*request.exchange, std::move(headers), select->progress);
  std::unique_ptr<query::ResultSink> sink;
  if (select->output == SelectRequest::OutputFormat::kCsv) {
    const http::SelectCsvOutput& out = select->csv_output;
    query::CsvOptions options;
    options.header = false;
    options.field_delimiter = out.field_delimiter;
    options.record_delimiter = out.record_delimiter;
    options.quote = out.quote;
    options.quote_escape = out.quote_escape;
    options.quote_always = out.quote_always;
    sink = query::MakeCsvSink(&events, options);
  } else {
    sink = query::MakeJsonSink(&events, select->json_record_delimiter);
  }

  const std::string target = request.bucket + "/" + request.key;
  query::QueryOptions options;
  options.s3_object_target = target;
  options.progress = [&events](const query::QueryStats& stats) { return events.Progress(stats.bytes_read); };
  query::QueryStats stats;
  Status st;
  if (csv) {
    query::CsvInput input;
    input.format = InputFormat(select->csv_input);
    input.header = select->csv_input.file_header == http::SelectCsvInput::Header::kUse      ? query::CsvHeader::kUse
                   : select->csv_input.file_header == http::SelectCsvInput::Header::kIgnore ? query::CsvHeader::kIgnore
                                                                                           : query::CsvHeader::kNone;
    query::ObjectStream stream(reader.get());
    st = query::RunCsvSelect(select->expression, target, input, options, stream, sink.get(), &stats);
    if (st.ok()) st = reader->Close();
  } else {
    query::QueryEngine engine(&store_);
    st = engine.Run(select->expression, options, sink.get(), &stats);
  }
  if (!st.ok()) {
    const S3Error error = QueryError(st, select->input);
    if (!events.started()) return fail(error);
    spdlog::warn("select on {} failed after the stream began (request {}): {}", target, request.request_id,
                 st.message());
    if (!events.Fail(error).ok()) request.exchange->AbortResponse();
    return;
  }
  if (!events.Finish(stats.bytes_read).ok()) return request.exchange->AbortResponse();
  std::string plan;
  for (const std::string& line : stats.plan) plan += (plan.empty() ? "" : "; ") + line;
  spdlog::info("select on {} (request {}, {}): {} rows scanned, {} returned, {} bytes read, {} bytes sent, {:.3f} s{}",
               target, request.request_id, csv ? "CSV" : "Parquet", stats.rows_scanned, stats.rows_returned,
               stats.bytes_read, events.bytes_returned(), stats.seconds, plan.empty() ? "" : "; " + plan);
}

}  // namespace strata::server
