#include "strata/server/s3_response.h"

#include <algorithm>

#include "strata/base/clock.h"
#include "strata/http/s3_xml.h"

namespace strata::server {
namespace {

// What browser code may read from a response: what range reads and uploads
// from a viewer or console need.
constexpr std::string_view kExposedHeaders =
    "ETag, Content-Range, Content-Length, Content-Type, Accept-Ranges, Last-Modified, x-amz-request-id, "
    "x-amz-version-id, x-amz-checksum-crc32, x-amz-checksum-crc32c, x-amz-checksum-sha1, x-amz-checksum-sha256";
constexpr std::string_view kAllowedMethods = "GET, PUT, POST, DELETE, HEAD";

std::optional<std::string> AllowedOrigin(const S3Request& request, const ServerConfig& server) {
  auto origin = request.header("origin");
  if (!origin) return std::nullopt;
  for (const std::string& allowed : server.cors_origins) {
    if (allowed == "*" || allowed == *origin) return std::string(*origin);
  }
  return std::nullopt;
}

}  // namespace

HeaderList BaseHeaders(const S3Request& request, const ServerConfig& server) {
  HeaderList headers = {
      {"x-amz-request-id", request.request_id},
      {"date", http::FormatHttpDate(NowMillis())},
      {"server", "Strata"},
  };
  if (auto origin = AllowedOrigin(request, server)) {
    headers.emplace_back("access-control-allow-origin", *origin);
    headers.emplace_back("access-control-expose-headers", std::string(kExposedHeaders));
    headers.emplace_back("access-control-allow-credentials", "true");
    headers.emplace_back("vary", "Origin");
  }
  return headers;
}

void SendError(S3Request& request, const ServerConfig& server, const http::S3Error& error) {
  HttpExchange& exchange = *request.exchange;
  if (exchange.headers_sent()) {
    exchange.AbortResponse();
    return;
  }
  // A request body left unread is the server's to skip (small ones) or to
  // drop with the connection (large ones).
  HeaderList headers = BaseHeaders(request, server);
  if (request.method() == "HEAD") {
    // HEAD answers carry no body; the code travels in a header instead.
    headers.emplace_back("x-amz-error-code", error.code);
    (void)exchange.SendHeaders(error.http_status, headers, 0);
    return;
  }
  std::string body = http::ErrorDocument(error, request.resource(), request.request_id);
  headers.emplace_back("content-type", "application/xml");
  if (exchange.SendHeaders(error.http_status, headers, body.size()).ok()) (void)exchange.SendBody(body);
}

void SendXml(S3Request& request, const ServerConfig& server, int status, const std::string& xml, HeaderList extra) {
  HeaderList headers = BaseHeaders(request, server);
  headers.emplace_back("content-type", "application/xml");
  headers.insert(headers.end(), extra.begin(), extra.end());
  if (request.exchange->SendHeaders(status, headers, xml.size()).ok()) (void)request.exchange->SendBody(xml);
}

void SendEmpty(S3Request& request, const ServerConfig& server, int status, HeaderList extra) {
  HeaderList headers = BaseHeaders(request, server);
  headers.insert(headers.end(), extra.begin(), extra.end());
  (void)request.exchange->SendHeaders(status, headers, 0);
}

void SendPreflight(S3Request& request, const ServerConfig& server) {
  auto origin = AllowedOrigin(request, server);
  auto method = request.header("access-control-request-method");
  if (!request.header("origin") || !method) {
    SendError(request, server,
              http::S3Error::InvalidRequest("a CORS preflight needs Origin and Access-Control-Request-Method"));
    return;
  }
  if (!origin) {
    SendError(request, server,
              http::S3Error::Make(403, "AccessForbidden", "CORSResponse: this CORS request is not allowed"));
    return;
  }
  HeaderList headers = BaseHeaders(request, server);
  headers.emplace_back("access-control-allow-methods", std::string(kAllowedMethods));
  if (auto wanted = request.header("access-control-request-headers")) {
    headers.emplace_back("access-control-allow-headers", std::string(*wanted));
  }
  headers.emplace_back("access-control-max-age", "3600");
  (void)request.exchange->SendHeaders(200, headers, 0);
}

std::string AclDocument(const std::string& owner, bool public_read) {
  // Grantees carry their xsi:type, which clients need to read a grant and to
  // send it back; XmlWriter has no attributes, so this document is spelled out.
  const std::string who = http::XmlEscape(owner);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    "<Owner><ID>" + who + "</ID><DisplayName>" + who + "</DisplayName></Owner><AccessControlList>"
                    "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
                    "<ID>" + who + "</ID><DisplayName>" + who + "</DisplayName></Grantee>"
                    "<Permission>FULL_CONTROL</Permission></Grant>";
  if (public_read) {
    xml += "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">"
           "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>";
  }
  return xml + "</AccessControlList></AccessControlPolicy>";
}

std::string QuotedEtag(const std::string& etag) { return "\"" + etag + "\""; }

}  // namespace strata::server
