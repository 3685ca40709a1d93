// How S3 responses go out: the headers every response carries (request id,
// date, CORS for browser callers), XML documents, empty answers, and the S3
// XML error document. An error after the body started cannot be reported in
// the body, so the connection is cut instead.
#pragma once

#include <string>

#include "strata/http/s3_error.h"
#include "strata/server/http_exchange.h"
#include "strata/server/s3_gateway.h"

namespace strata::server {

// Headers for every response to `request`, CORS included when the request
// came from an allowed browser origin.
HeaderList BaseHeaders(const S3Request& request, const ServerConfig& server);

void SendError(S3Request& request, const ServerConfig& server, const http::S3Error& error);
void SendXml(S3Request& request, const ServerConfig& server, int status, const std::string& xml,
             HeaderList extra = {});
void SendEmpty(S3Request& request, const ServerConfig& server, int status, HeaderList extra = {});

// Answers a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).
void SendPreflight(S3Request& request, const ServerConfig& server);

// The AccessControlPolicy of a bucket or object: the owner has full
// control; a public-read bucket lets everyone read.
std::string AclDocument(const std::string& owner, bool public_read);

// "\"<etag>\"", as ETag headers and XML carry it.
std::string QuotedEtag(const std::string& etag);

}  // namespace strata::server
