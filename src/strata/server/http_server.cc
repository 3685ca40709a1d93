#include "strata/server/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <vector>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "strata/base/clock.h"

namespace strata::server {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr size_t kHeaderLimit = 64 << 10;
// An unread request body up to this size is drained so the connection can be
// kept; a larger one is cheaper to drop with the connection.
constexpr uint64_t kDrainLimit = 256 << 10;

}  // namespace

// What the watchdog knows of a connection. Blocking reads and writes cannot
// time out by themselves; the watchdog shuts the socket down under them,
// which makes them return with an error.
struct ConnectionState {
  int fd = -1;
  std::atomic<int64_t> deadline_ms{0};  // 0: no deadline
  std::atomic<bool> idle{true};         // waiting for the next request
  std::atomic<bool> cut{false};         // shut down by the watchdog

  void Expect(uint32_t seconds) { deadline_ms = NowMillis() + int64_t{seconds} * 1000; }
};

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler* handler = nullptr;
  net::io_context io;  // never run: all socket calls are synchronous
  tcp::acceptor acceptor{io};
  std::optional<net::ssl::context> tls;

  std::atomic<bool> stopping{false};
  std::atomic<bool> force{false};
  std::thread accept_thread;
  std::thread watchdog_thread;

  // Connection threads are joined, never detached: a thread is done only
  // after its socket is destroyed, and the sockets need `io` alive.
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers;  // accept thread only, then Shutdown
  void JoinFinishedWorkers(bool all);

  mutable std::mutex mu;
  std::condition_variable changed;
  std::set<ConnectionState*> connections;
  HttpServerStats stats;

  void AcceptLoop();
  void WatchdogLoop();
  void Serve(tcp::socket socket, ConnectionState* state);
  template <typename Stream>
  void RunConnection(Stream& stream, ConnectionState& state, const std::string& peer);
  void Count(uint64_t HttpServerStats::*field) {
    std::lock_guard lock(mu);
    ++(stats.*field);
  }
};

namespace {

// The Beast side of an HttpExchange, over a plain or TLS stream.
template <typename Stream>
class BeastExchange final : public HttpExchange {
 public:
  BeastExchange(Stream& stream, boost::beast::flat_buffer& buffer, http::request_parser<http::buffer_body>& parser,
                ConnectionState& state, const HttpServerOptions& options, std::string peer)
      : stream_(stream), buffer_(buffer), parser_(parser), state_(state), options_(options), peer_(std::move(peer)) {
    const auto& request = parser_.get();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      headers_.emplace_back(std::move(name), std::string(field.value()));
    }
    if (auto length = parser_.content_length()) content_length_ = *length;
    expect_continue_ = request[http::field::expect] == "100-continue";
    head_ = request.method() == http::verb::head;
  }

  const std::string& method() const override { return method_; }
  const std::string& target() const override { return target_; }
  const HeaderList& headers() const override { return headers_; }
  std::optional<uint64_t> content_length() const override {
    if (parser_.chunked()) return std::nullopt;
    return content_length_.value_or(0);
  }
  bool body_done() const override { return parser_.is_done(); }
  bool headers_sent() const override { return serializer_.has_value(); }
  bool finished() const { return finished_; }
  bool close_requested() const { return close_; }
  // The client waits for "100 Continue" before it sends the body.
  bool continue_pending() const { return expect_continue_; }
  void CloseAfterResponse() override { close_ = true; }
  void AbortResponse() override { aborted_ = close_ = true; }
  bool aborted() const override { return aborted_; }
  std::string peer() const override { return peer_; }

  Result<size_t> ReadBody(std::span<char> out) override {
    if (parser_.is_done() || out.empty()) return size_t{0};
    if (expect_continue_ && !serializer_) {
      expect_continue_ = false;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      error_code ec;
      state_.Expect(options_.request_timeout_seconds);
      net::write(stream_, net::buffer(kContinue.data(), kContinue.size()), ec);
      if (ec) return Failed("sending 100 Continue", ec);
    }
    auto& body = parser_.get().body();
    body.data = out.data();
    body.size = out.size();
    error_code ec;
    // Reads until the buffer is full or the body ends; need_buffer is the
    // "buffer full" signal, not an error.
    state_.Expect(options_.request_timeout_seconds);
    http::read(stream_, buffer_, parser_, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Failed("reading the request body", ec);
    return out.size() - body.size;
  }

  Status SendHeaders(int status, const HeaderList& headers, std::optional<uint64_t> content_length) override {
    if (serializer_) return Status::FailedPrecondition("response headers already sent");
    response_.result(static_cast<unsigned>(status));
    response_.version(11);
    for (const auto& [name, value] : headers) response_.insert(name, value);
    if (content_length) {
      response_.content_length(*content_length);
    } else if (!head_) {
      response_.chunked(true);
    }
    response_.keep_alive(parser_.get().keep_alive() && !close_);
    response_.body().data = nullptr;
    response_.body().more = !head_;
    serializer_.emplace(response_);
    error_code ec;
    state_.Expect(options_.request_timeout_seconds);
    http::write_header(stream_, *serializer_, ec);
    if (ec) return Failed("sending response headers", ec).status();
    return Status::OK();
  }

  Status SendBody(std::string_view data) override {
    if (!serializer_) return Status::FailedPrecondition("response body before headers");
    if (head_ || data.empty()) return Status::OK();
    response_.body().data = const_cast<char*>(data.data());
    response_.body().size = data.size();
    response_.body().more = true;
    error_code ec;
    state_.Expect(options_.request_timeout_seconds);
    http::write(stream_, *serializer_, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Failed("sending the response body", ec).status();
    return Status::OK();
  }

  Status Finish() override {
    if (!serializer_) return Status::FailedPrecondition("response finished before headers");
    if (finished_) return Status::OK();
    finished_ = true;
    if (head_) return Status::OK();
    response_.body().data = nullptr;
    response_.body().size = 0;
    response_.body().more = false;
    error_code ec;
    state_.Expect(options_.request_timeout_seconds);
    http::write(stream_, *serializer_, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return Failed("finishing the response", ec).status();
    return Status::OK();
  }

 private:
  Result<size_t> Failed(std::string_view what, const error_code& ec) {
    close_ = true;
    if (state_.cut) return Status::Unavailable(std::string(what) + ": client " + peer_ + " timed out");
    return Status::Unavailable(std::string(what) + ": client " + peer_ + ": " + ec.message());
  }

  Stream& stream_;
  boost::beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  ConnectionState& state_;
  const HttpServerOptions& options_;
  std::string peer_;
  std::string method_;
  std::string target_;
  HeaderList headers_;
  std::optional<uint64_t> content_length_;
  bool expect_continue_ = false;
  bool head_ = false;
  bool close_ = false;
  bool finished_ = false;
  bool aborted_ = false;
  http::response<http::buffer_body> response_;
  std::optional<http::response_serializer<http::buffer_body>> serializer_;
};

void SendPlainError(auto& stream, std::string_view status_line) {
  std::string response = std::string("HTTP/1.1 ") + std::string(status_line) +
                         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  error_code ec;
  net::write(stream, net::buffer(response), ec);
}

}  // namespace

std::optional<std::string_view> HttpExchange::header(std::string_view name) const {
  for (const auto& [n, v] : headers()) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler& handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = &handler;
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (!options.tls_certificate.empty()) {
    impl->tls.emplace(net::ssl::context::tls_server);
    error_code ec;
    impl->tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                           net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(options.tls_certificate, ec);
    if (ec) return Status::InvalidArgument("TLS certificate " + options.tls_certificate + ": " + ec.message());
    impl->tls->use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("TLS key " + options.tls_key + ": " + ec.message());
  }
  error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) return Status::InvalidArgument("listen address '" + options.host + "': " + ec.message());
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + where + ": " + ec.message());
  uint16_t port = impl->acceptor.local_endpoint().port();

  Impl* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->AcceptLoop(); });
  impl->watchdog_thread = std::thread([raw] { raw->WatchdogLoop(); });
  auto server = std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
  server->port_ = port;
  return server;
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

bool HttpServer::tls() const { return impl_->tls.has_value(); }

HttpServerStats HttpServer::stats() const {
  std::lock_guard lock(impl_->mu);
  HttpServerStats stats = impl_->stats;
  stats.connections_open = impl_->connections.size();
  return stats;
}

void HttpServer::Shutdown() {
  if (!impl_ || impl_->stopping.exchange(true)) {
    if (impl_ && impl_->accept_thread.joinable()) impl_->accept_thread.join();
    return;
  }
  // Wakes the blocked accept(); the acceptor itself is closed by its thread.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->accept_thread.join();
  {
    std::unique_lock lock(impl_->mu);
    impl_->changed.notify_all();  // the watchdog closes idle connections now
    auto grace = std::chrono::seconds(impl_->options.shutdown_grace_seconds);
    if (!impl_->changed.wait_for(lock, grace, [&] { return impl_->connections.empty(); })) {
      impl_->force = true;
      impl_->changed.notify_all();
      impl_->changed.wait(lock, [&] { return impl_->connections.empty(); });
    }
  }
  impl_->watchdog_thread.join();
  impl_->JoinFinishedWorkers(/*all=*/true);
}

void HttpServer::Impl::AcceptLoop() {
  while (!stopping) {
    tcp::socket socket(io);
    error_code ec;
    acceptor.accept(socket, ec);
    if (stopping) break;
    if (ec) {
      // Out of descriptors and the like: back off rather than spin.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    {
      std::lock_guard lock(mu);
      if (connections.size() >= options.max_connections) {
        ++stats.connections_refused;
        SendPlainError(socket, "503 Service Unavailable");
        continue;
      }
      ++stats.connections_accepted;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto* state = new ConnectionState;
    state->fd = socket.native_handle();
    state->Expect(options.idle_timeout_seconds);
    {
      std::lock_guard lock(mu);
      connections.insert(state);
    }
    JoinFinishedWorkers(/*all=*/false);
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers.push_back(Worker{std::thread([this, state, done, socket = std::move(socket)]() mutable {
                               Serve(std::move(socket), state);
                               done->store(true);
                             }),
                             done});
  }
  error_code ec;
  acceptor.close(ec);
}

void HttpServer::Impl::JoinFinishedWorkers(bool all) {
  std::erase_if(workers, [all](Worker& worker) {
    if (!all && !worker.done->load()) return false;
    worker.thread.join();
    return true;
  });
}

void HttpServer::Impl::Serve(tcp::socket socket, ConnectionState* state) {
  std::string peer;
  error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (!ec) peer = remote.address().to_string() + ":" + std::to_string(remote.port());
  // The state is unregistered while the socket is still open, so the
  // watchdog never shuts down a descriptor number that was reused.
  auto unregister = [&] {
    std::lock_guard lock(mu);
    connections.erase(state);
    delete state;
    changed.notify_all();
  };
  if (tls) {
    net::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    stream.handshake(net::ssl::stream_base::server, ec);
    if (!ec) {
      RunConnection(stream, *state, peer);
      stream.shutdown(ec);
    }
    unregister();
  } else {
    RunConnection(socket, *state, peer);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    unregister();
  }
}

void HttpServer::Impl::WatchdogLoop() {
  std::unique_lock lock(mu);
  while (!(stopping && connections.empty())) {
    changed.wait_for(lock, std::chrono::milliseconds(200));
    int64_t now = NowMillis();
    for (ConnectionState* state : connections) {
      if (state->cut) continue;
      int64_t deadline = state->deadline_ms;
      bool expired = deadline != 0 && now > deadline;
      if (expired || force || (stopping && state->idle)) {
        if (expired) ++stats.timeouts;
        state->cut = true;
        ::shutdown(state->fd, SHUT_RDWR);
      }
    }
  }
}

template <typename Stream>
void HttpServer::Impl::RunConnection(Stream& stream, ConnectionState& state, const std::string& peer) {
  boost::beast::flat_buffer buffer;
  while (!stopping) {
    state.idle = true;
    state.Expect(options.idle_timeout_seconds);
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (ec) {
      // A malformed request gets a 400; a closed or timed-out one nothing.
      if (ec != http::error::end_of_stream && !state.cut && ec.category() == http::make_error_code(http::error::bad_target).category()) {
        SendPlainError(stream, ec == http::error::header_limit ? "431 Request Header Fields Too Large"
                                                               : "400 Bad Request");
      }
      return;
    }
    state.idle = false;
    state.Expect(options.request_timeout_seconds);
    Count(&HttpServerStats::requests);

    BeastExchange<Stream> exchange(stream, buffer, parser, state, options, peer);
    handler->Handle(exchange);
    if (!exchange.headers_sent()) {
      SendPlainError(stream, "500 Internal Server Error");
      return;
    }
    if (exchange.aborted()) return;
    if (!exchange.finished() && !exchange.Finish().ok()) return;
    if (exchange.close_requested() || !parser.get().keep_alive()) return;
    if (!parser.is_done()) {
      if (exchange.continue_pending()) return;
      // Keep the connection only if the rest of the body is small to skip.
      auto remaining = parser.content_length_remaining();
      if (!remaining || *remaining > kDrainLimit) return;
      std::vector<char> sink(16 << 10);
      while (!parser.is_done()) {
        auto n = exchange.ReadBody(sink);
        if (!n.ok() || *n == 0) return;
      }
    }
  }
}

}  // namespace strata::server
