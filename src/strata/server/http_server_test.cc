#include "strata/server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "strata/base/clock.h"
#include "strata/testing/status_macros.h"

namespace strata::server {
namespace {

// Answers every request with "<method> <target> <body bytes read>", after
// reading the whole body; "/slow" sleeps first, "/chunked" answers without a
// length, "/noread" answers without reading the body.
class EchoHandler : public HttpHandler {
 public:
  void Handle(HttpExchange& exchange) override {
    ++started;
    if (exchange.target() == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(700));
    uint64_t total = 0;
    bool failed = false;
    if (exchange.target() != "/noread") {
      std::vector<char> buffer(4096);
      while (true) {
        auto n = exchange.ReadBody(buffer);
        if (!n.ok()) {
          failed = true;
          ++body_errors;
          break;
        }
        if (*n == 0) break;
        total += *n;
      }
    }
    if (failed) return;  // the server answers for us (or the client is gone)
    std::string text = exchange.method() + " " + exchange.target() + " " + std::to_string(total);
    if (exchange.target() == "/chunked") {
      ASSERT_OK(exchange.SendHeaders(200, {{"content-type", "text/plain"}}, std::nullopt));
      ASSERT_OK(exchange.SendBody(text.substr(0, 3)));
      ASSERT_OK(exchange.SendBody(text.substr(3)));
      ASSERT_OK(exchange.Finish());
      return;
    }
    if (exchange.SendHeaders(200, {{"content-type", "text/plain"}}, text.size()).ok()) {
      (void)exchange.SendBody(text);
    }
  }
  std::atomic<int> started{0};
  std::atomic<int> body_errors{0};
};

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool Send(std::string_view data) { return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == (ssize_t)data.size(); }
  // Reads until `until` appears in what was received, the peer closes, or
  // the timeout passes. Returns everything received so far.
  std::string ReadUntil(std::string_view until, int timeout_ms = 5000) {
    int64_t deadline = NowMillis() + timeout_ms;
    while (received_.find(until) == std::string::npos && !closed_) {
      int64_t left = deadline - NowMillis();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received_.append(buffer, n);
    }
    return received_;
  }
  // Whether the server closed the connection within the timeout.
  bool ClosedWithin(int timeout_ms) {
    ReadUntil("\x01never\x01", timeout_ms);
    return closed_;
  }
  void Clear() { received_.clear(); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    ASSERT_OK_AND_ASSIGN(server_, HttpServer::Start(options, handler_));
  }
  EchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_NE(client.ReadUntil("PUT /a 5").find("PUT /a 5"), std::string::npos);
  client.Clear();
  ASSERT_TRUE(client.Send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string second = client.ReadUntil("GET /b 0");
  EXPECT_NE(second.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(second.find("GET /b 0"), std::string::npos);
}

TEST_F(HttpServerTest, ChunkedRequestAndResponseBodies) {
  Start();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
  std::string response = client.ReadUntil("0\r\n\r\n");
  EXPECT_NE(response.find("Transfer-Encoding: chunked"), std::string::npos) << response;
  EXPECT_NE(response.find("3\r\nPOS\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("T /chunked 7"), std::string::npos) << response;
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Start();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_NE(client.ReadUntil("100 Continue").find("HTTP/1.1 100 Continue"), std::string::npos);
  ASSERT_TRUE(client.Send("abc"));
  EXPECT_NE(client.ReadUntil("PUT /c 3").find("PUT /c 3"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndIsClosed) {
  Start();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("THIS IS NOT HTTP\r\n\r\n"));
  EXPECT_NE(client.ReadUntil("\r\n\r\n").find("400 Bad Request"), std::string::npos);
  EXPECT_TRUE(client.ClosedWithin(2000));
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idle_timeout_seconds = 1;
  Start(options);
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  int64_t started = NowMillis();
  EXPECT_TRUE(client.ClosedWithin(4000));
  EXPECT_GE(NowMillis() - started, 900);
  EXPECT_EQ(server_->stats().timeouts, 1u);
}

TEST_F(HttpServerTest, StalledUploadIsCutAfterTheRequestTimeout) {
  HttpServerOptions options;
  options.request_timeout_seconds = 1;
  Start(options);
  Client client(server_->port());
  ASSERT_TRUE(client.Send("PUT /d HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b"));
  EXPECT_TRUE(client.ClosedWithin(4000));
  // The handler sees the failed read right after the socket is cut.
  for (int i = 0; i < 200 && handler_.body_errors.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(handler_.body_errors.load(), 1);
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreRefusedWith503) {
  HttpServerOptions options;
  options.max_connections = 1;
  Start(options);
  Client first(server_->port());
  ASSERT_TRUE(first.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
  first.ReadUntil("GET /a 0");  // the first connection is registered and open
  Client second(server_->port());
  EXPECT_NE(second.ReadUntil("\r\n\r\n").find("503"), std::string::npos);
  EXPECT_EQ(server_->stats().connections_refused, 1u);
}

TEST_F(HttpServerTest, ShutdownFinishesRequestsInFlightAndClosesIdleOnes) {
  Start();
  Client idle(server_->port());
  Client busy(server_->port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (handler_.started.load() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  uint16_t port = server_->port();
  auto shutdown = std::async(std::launch::async, [&] { server_->Shutdown(); });
  EXPECT_TRUE(idle.ClosedWithin(2000));
  std::string response = busy.ReadUntil("GET /slow 0");
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
  EXPECT_NE(response.find("GET /slow 0"), std::string::npos) << response;
  shutdown.get();
  Client late(port);
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, ShutdownCutsRequestsThatOutlastTheGracePeriod) {
  HttpServerOptions options;
  options.shutdown_grace_seconds = 1;
  Start(options);
  Client stalled(server_->port());
  ASSERT_TRUE(stalled.Send("PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  while (handler_.started.load() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  int64_t started = NowMillis();
  server_->Shutdown();
  EXPECT_LT(NowMillis() - started, 3000);
  EXPECT_TRUE(stalled.ClosedWithin(1000));
  EXPECT_EQ(handler_.body_errors.load(), 1);
}

}  // namespace
}  // namespace strata::server
