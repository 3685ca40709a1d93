// HttpExchange is one HTTP request and its response, as the S3 operations see
// it: the request line and headers, a body read in pieces (never buffered
// whole), and a response sent as headers then body pieces. It hides the HTTP
// library and the transport (TCP or TLS), so handlers compile without Beast
// and tests can drive them with an in-memory exchange. One thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/base/status.h"

namespace strata::server {

// Header names are lower case; repeated names appear repeatedly, in order.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpExchange {
 public:
  virtual ~HttpExchange() = default;

  virtual const std::string& method() const = 0;  // "GET", upper case as sent
  virtual const std::string& target() const = 0;  // request target as sent: path and query
  virtual const HeaderList& headers() const = 0;
  // The first value of a header (name in lower case), if present.
  std::optional<std::string_view> header(std::string_view name) const;

  // Declared body size: Content-Length, or nullopt for a chunked body.
  virtual std::optional<uint64_t> content_length() const = 0;
  // Reads up to out.size() body bytes; 0 means the body is complete. Sends
  // "100 Continue" first when the client asked for it. Errors when the client
  // goes away or stalls past the request timeout.
  virtual Result<size_t> ReadBody(std::span<char> out) = 0;
  // Whether the whole request body has been read (or there was none).
  virtual bool body_done() const = 0;

  // Starts the response. content_length nullopt sends the body chunked. For
  // HEAD requests the length is announced and no body follows.
  virtual Status SendHeaders(int status, const HeaderList& headers, std::optional<uint64_t> content_length) = 0;
  virtual Status SendBody(std::string_view data) = 0;
  // Ends the response (the last chunk, for chunked bodies).
  virtual Status Finish() = 0;
  virtual bool headers_sent() const = 0;

  // Asks the server to close the connection after this response (for example
  // when an unread request body remains).
  virtual void CloseAfterResponse() = 0;
  // Gives up on a response whose body cannot be completed (the store failed
  // mid-stream): the connection is closed, so the client sees a short body
  // instead of a complete-looking wrong one.
  virtual void AbortResponse() = 0;
  virtual bool aborted() const = 0;
  // The peer's address, for logs.
  virtual std::string peer() const = 0;
};

// What the server calls for every request. Must be thread-safe: connections
// run on their own threads.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void Handle(HttpExchange& exchange) = 0;
};

}  // namespace strata::server
