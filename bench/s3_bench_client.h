// The S3 bench's HTTP client: one synchronous HTTP/1.1 keep-alive connection
// over plain TCP (Boost.Beast) per client thread, signing requests with SigV4
// for Strata (PUT bodies UNSIGNED-PAYLOAD) and sending them unsigned to nginx.
// Bodies go out from a Generator and come in 1 MiB at a time; any unexpected
// answer ends the program. A Connection is not thread-safe; one per thread.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include "bench_util.h"
#include "strata/http/sigv4.h"

namespace strata::bench {

inline constexpr size_t kChunk = size_t{1} << 20;  // PUT bodies are sent, and GET bodies read, 1 MiB at a time

// Prints "strata_s3_bench: `what`" and ends the program at once, with status 1
// (other client threads may still be running).
[[noreturn]] void Die(const std::string& what);

// One of the two servers measured.
struct Server {
  std::string name;  // "Strata", "nginx"
  std::string host;
  uint16_t port = 0;
  bool sign = false;  // SigV4 (Strata) or no authentication (nginx)
  http::Credentials credentials;
  std::string region = "us-east-1";
  pid_t pid = 0;  // Strata's process, nginx's master (its workers are its children)
};

// Where client `client` keeps object `n` of a phase; the same path on both
// servers (nginx creates the directories on PUT).
std::string ObjectPath(const std::string& bucket, const std::string& phase, int client, int64_t n = -1);

// The content of uploads: a 1 MiB block of random bytes per client, with the
// chunk number stamped at its start before each chunk is sent, so no two
// chunks of a stream are alike and nothing large is ever held in memory.
class Generator {
 public:
  explicit Generator(uint64_t seed);
  const char* Next();

 private:
  std::vector<char> block_;
  uint64_t index_ = 0;
};

// One client's keep-alive connection; reconnects when the server closed it.
// Any unexpected answer ends the program with the status and body.
class Connection {
 public:
  explicit Connection(const Server& server);

  void Connect();

  // Uploads `size` bytes from `generator` to `path`; returns when the server
  // has answered 2xx.
  void Put(const std::string& path, uint64_t size, Generator& generator);

  // Reads `path` into `buffer` piece by piece; stops early (and drops the
  // connection) once `deadline` has passed. Returns the body bytes received.
  uint64_t Get(const std::string& path, char* buffer, size_t buffer_size, Clock::time_point deadline);

  // Creates a bucket (Strata) or deletes an object (Strata); 2xx expected.
  void Simple(boost::beast::http::verb verb, const std::string& path);

  void Close();

 private:
  const Server& server_;
  std::string host_header_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace strata::bench
