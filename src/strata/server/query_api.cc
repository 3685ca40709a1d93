// The JSON API. GET /api/v1/retention: the objects [[retention]] rules warn
// about or have expired (the administrator only).
//
// POST /api/v1/query: the query engine over HTTP. The request is signed like
// any S3 request (SigV4); the body is JSON {"sql": "...", "format": "csv" |
// "json", "pushdown": true, "index": true} or the SQL itself as text/plain
// (format, pushdown and index then come from the query string). The caller
// must be allowed to read the bucket the query names. Rows stream back
// chunked as they are produced; errors found before the first row get a
// status and a JSON error document, a failure after that cuts the
// connection so a short result never looks complete.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "strata/base/clock.h"
#include "strata/query/query_engine.h"
#include "strata/query/result_format.h"
#include "strata/query/sql_parser.h"
#include "strata/server/payload.h"
#include "strata/server/s3_gateway.h"
#include "strata/server/s3_response.h"
#include "strata/tiering/placement_plan.h"
#include "strata/tiering/retention.h"

namespace strata::server {

namespace {

constexpr size_t kMaxQueryBody = 1 << 20;

// Sends the response headers with the first bytes, so that errors found
// before any row still get their own status.
class ResponseSink : public parquet::ByteSink {
 public:
  ResponseSink(HttpExchange& exchange, HeaderList headers) : exchange_(exchange), headers_(std::move(headers)) {}
  Status Write(std::string_view bytes) override {
    if (!exchange_.headers_sent()) RETURN_IF_ERROR(exchange_.SendHeaders(200, headers_, std::nullopt));
    return exchange_.SendBody(bytes);
  }

 private:
  HttpExchange& exchange_;
  HeaderList headers_;
};

void SendJson(S3Request& request, const ServerConfig& server, int status, const nlohmann::json& body) {
  const std::string text = body.dump() + "\n";
  HeaderList headers = BaseHeaders(request, server);
  headers.emplace_back("content-type", "application/json");
  HttpExchange& exchange = *request.exchange;
  if (!exchange.SendHeaders(status, headers, text.size()).ok()) return;
  if (exchange.SendBody(text).ok()) (void)exchange.Finish();
}

void SendJsonError(S3Request& request, const ServerConfig& server, int status, const std::string& code,
                   const std::string& message) {
  SendJson(request, server, status,
           {{"error", {{"code", code}, {"message", message}, {"request_id", request.request_id}}}});
}

void SendJsonError(S3Request& request, const ServerConfig& server, const http::S3Error& error) {
  SendJsonError(request, server, error.http_status, error.code, error.message);
}

void SendStatusError(S3Request& request, const ServerConfig& server, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return SendJsonError(request, server, 400, "InvalidQuery", status.message());
    case StatusCode::kNotFound: return SendJsonError(request, server, 404, "NotFound", status.message());
    case StatusCode::kUnavailable:
    case StatusCode::kDataLoss: return SendJsonError(request, server, 503, "Unavailable", status.message());
    default: return SendJsonError(request, server, 500, "InternalError", status.message());
  }
}

bool ParseFlag(const std::string& text, bool* out) {
  if (text == "true" || text == "1") {
    *out = true;
  } else if (text == "false" || text == "0") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

}  // namespace

void S3Gateway::QueryApi(S3Request& request) {
  const ServerConfig& server = config_.server;
  HttpExchange& exchange = *request.exchange;
  if (request.method() != "POST") {
    return SendJsonError(request, server, 405, "MethodNotAllowed", "the query API takes POST");
  }
  auto body = ReadSmallBody(exchange, request.auth, kMaxQueryBody);
  if (!body.ok()) return SendJsonError(request, server, body.error());

  std::string sql;
  std::string format = request.Query("format").value_or("csv");
  bool pushdown = true;
  if (auto flag = request.Query("pushdown"); flag && !ParseFlag(*flag, &pushdown)) {
    return SendJsonError(request, server, 400, "InvalidRequest", "pushdown must be true or false");
  }
  bool use_index = true;
  if (auto flag = request.Query("index"); flag && !ParseFlag(*flag, &use_index)) {
    return SendJsonError(request, server, 400, "InvalidRequest", "index must be true or false");
  }
  const std::string content_type(request.header("content-type").value_or(""));
  if (content_type.rfind("application/json", 0) == 0) {
    nlohmann::json document = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
    if (!document.is_object() || !document.contains("sql") || !document["sql"].is_string()) {
      return SendJsonError(request, server, 400, "InvalidRequest",
                           "the body must be a JSON object with \"sql\" (a string)");
    }
    sql = document["sql"].get<std::string>();
    if (document.contains("format")) {
      if (!document["format"].is_string()) {
        return SendJsonError(request, server, 400, "InvalidRequest", "\"format\" must be a string");
      }
      format = document["format"].get<std::string>();
    }
    if (document.contains("pushdown")) {
      if (!document["pushdown"].is_boolean()) {
        return SendJsonError(request, server, 400, "InvalidRequest", "\"pushdown\" must be true or false");
      }
      pushdown = document["pushdown"].get<bool>();
    }
    if (document.contains("index")) {
      if (!document["index"].is_boolean()) {
        return SendJsonError(request, server, 400, "InvalidRequest", "\"index\" must be true or false");
      }
      use_index = document["index"].get<bool>();
    }
  } else {
    sql = *body;
  }
  if (format != "csv" && format != "json") {
    return SendJsonError(request, server, 400, "InvalidRequest", "format must be csv or json, not '" + format + "'");
  }

  // The caller must be able to read the bucket the query names.
  auto statement = query::ParseSql(sql);
  if (!statement.ok()) return SendStatusError(request, server, statement.status());
  const std::string& target = statement->from.target;
  const std::string bucket = target.substr(0, target.find('/'));
  if (!statement->from.s3_object) {
    auto authorized = AuthorizeBucket(request, bucket, /*write=*/false);
    if (!authorized.ok()) return SendJsonError(request, server, authorized.error());
  }

  HeaderList headers = BaseHeaders(request, server);
  headers.emplace_back("content-type", format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson");
  ResponseSink out(exchange, std::move(headers));
  std::unique_ptr<query::ResultSink> sink =
      format == "csv" ? query::MakeCsvSink(&out) : query::MakeJsonSink(&out);
  query::QueryEngine engine(&store_);
  query::QueryOptions options;
  options.pushdown = pushdown;
  options.use_index = use_index;
  query::QueryStats stats;
  Status st = engine.Run(sql, options, sink.get(), &stats);
  if (!st.ok()) {
    if (!exchange.headers_sent()) return SendStatusError(request, server, st);
    spdlog::warn("query failed after its first rows (request {}): {}", request.request_id, st.message());
    return exchange.AbortResponse();
  }
  // A query that returned nothing still answers (the CSV header at least).
  if (!exchange.headers_sent()) {
    if (!out.Write("").ok()) return exchange.AbortResponse();
  }
  if (!exchange.Finish().ok()) return exchange.AbortResponse();
  spdlog::info("query (request {}): {} row groups, {} pruned, {} from the index, {} rows returned, {} bytes read, "
               "{:.3f} s",
               request.request_id, stats.row_groups_total, stats.row_groups_pruned, stats.row_groups_indexed,
               stats.rows_returned, stats.bytes_read, stats.seconds);
}

void S3Gateway::RetentionApi(S3Request& request) {
  const ServerConfig& server = config_.server;
  if (request.method() != "GET") {
    return SendJsonError(request, server, 405, "MethodNotAllowed", "the retention API takes GET");
  }
  if (!request.admin) {
    return SendJsonError(request, server, 403, "AccessDenied", "only the administrator may list retention warnings");
  }
  auto report = tiering::ReviewRetention(store_, config_.retention, NowMillis());
  if (!report.ok()) return SendStatusError(request, server, report.status());
  nlohmann::json body = tiering::RetentionJson(*report);
  body["rules"] = config_.retention.size();
  SendJson(request, server, 200, body);
}

void S3Gateway::PlanApi(S3Request& request) {
  const ServerConfig& server = config_.server;
  if (request.method() != "GET") return SendJsonError(request, server, 405, "MethodNotAllowed", "the plan API takes GET");
  if (!request.admin) {
    return SendJsonError(request, server, 403, "AccessDenied", "only the administrator may see the placement plan");
  }
  auto plan = tiering::MakePlan(store_, NowMillis());
  if (!plan.ok()) return SendStatusError(request, server, plan.status());
  SendJson(request, server, 200, tiering::PlanJson(*plan));
}

}  // namespace strata::server
