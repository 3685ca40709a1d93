// HttpServer accepts HTTP/1.1 connections (plain TCP, or TLS when a
// certificate is given) and runs each on its own thread with blocking I/O, so
// a handler may stream to and from the store without buffering whole bodies.
// Idle keep-alive connections and stalled clients are cut off by a watchdog;
// Shutdown stops accepting, lets in-flight requests finish within a grace
// period, then closes what remains. Start and Shutdown from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "strata/base/status.h"
#include "strata/server/http_exchange.h"

namespace strata::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9000;  // 0: any free port (see HttpServer::port)
  std::string tls_certificate;  // PEM files; both empty for plain HTTP
  std::string tls_key;
  uint32_t idle_timeout_seconds = 60;
  uint32_t request_timeout_seconds = 300;  // no progress on a request this long
  uint32_t max_connections = 1024;
  uint32_t shutdown_grace_seconds = 30;
};

struct HttpServerStats {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // over max_connections
  uint64_t requests = 0;
  uint64_t timeouts = 0;
};

class HttpServer {
 public:
  // Binds and starts accepting. Fails with the address in the message when the
  // port is taken or the certificate cannot be loaded.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler& handler);
  ~HttpServer();

  uint16_t port() const { return port_; }
  bool tls() const;
  HttpServerStats stats() const;

  // Stops accepting and closes idle connections at once; requests in flight
  // may finish within the grace period, after which their connections are
  // cut. Returns when every connection thread has ended.
  void Shutdown();

  struct Impl;  // connection handling, in http_server.cc

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace strata::server
