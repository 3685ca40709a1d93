#include "s3_bench_client.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <random>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace strata::bench {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Host, and for Strata the SigV4 headers: x-amz-date, x-amz-content-sha256
// and Authorization.
void Authorize(const Server& server, const std::string& host_header, beast::http::request_header<>& header,
               const std::string& method, const std::string& path, std::string_view payload_hash) {
  header.set(beast::http::field::host, host_header);
  if (!server.sign) return;
  const std::string date = http::FormatAmzDate(static_cast<int64_t>(std::time(nullptr)));
  http::SignedRequest signed_request;
  signed_request.method = method;
  signed_request.raw_path = path;
  signed_request.headers = {{"host", host_header},
                            {"x-amz-content-sha256", std::string(payload_hash)},
                            {"x-amz-date", date}};
  header.set("x-amz-date", date);
  header.set("x-amz-content-sha256", std::string(payload_hash));
  header.set(beast::http::field::authorization,
             http::SignRequestHeader(signed_request, server.credentials, server.region, date));
}

}  // namespace

void Die(const std::string& what) {
  std::fprintf(stderr, "strata_s3_bench: %s\n", what.c_str());
  std::fflush(stderr);
  std::_Exit(1);  // other client threads may still be running
}

std::string ObjectPath(const std::string& bucket, const std::string& phase, int client, int64_t n) {
  std::string path = "/" + bucket + "/" + phase + "/c" + std::to_string(client);
  if (n >= 0) path += "/" + std::to_string(n);
  return path;
}

Generator::Generator(uint64_t seed) : block_(kChunk) {
  std::mt19937_64 random(seed);
  for (size_t i = 0; i < block_.size(); i += 8) {
    const uint64_t v = random();
    std::memcpy(block_.data() + i, &v, std::min<size_t>(8, block_.size() - i));
  }
}

const char* Generator::Next() {
  ++index_;
  std::memcpy(block_.data(), &index_, sizeof(index_));
  return block_.data();
}

Connection::Connection(const Server& server) : server_(server), stream_(io_) {
  host_header_ = server.host + ":" + std::to_string(server.port);
}

void Connection::Connect() {
  if (connected_) return;
  beast::error_code ec;
  stream_.socket().connect(tcp::endpoint(net::ip::make_address(server_.host), server_.port), ec);
  if (ec) Die(server_.name + ": connect to " + host_header_ + ": " + ec.message());
  stream_.socket().set_option(tcp::no_delay(true));
  buffer_.clear();
  connected_ = true;
}

void Connection::Put(const std::string& path, uint64_t size, Generator& generator) {
  Connect();
  beast::http::request<beast::http::buffer_body> request{beast::http::verb::put, path, 11};
  Authorize(server_, host_header_, request.base(), "PUT", path, http::kUnsignedPayload);
  request.content_length(size);
  beast::http::request_serializer<beast::http::buffer_body> serializer{request};
  beast::error_code ec;
  if (size <= kChunk) {  // header and body in one send
    request.body().data = const_cast<char*>(generator.Next());
    request.body().size = size;
    request.body().more = false;
    beast::http::write(stream_, serializer, ec);
  } else {
    request.body().data = nullptr;
    request.body().more = true;
    beast::http::write_header(stream_, serializer, ec);
    for (uint64_t sent = 0; !ec && sent < size;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - sent));
      request.body().data = const_cast<char*>(generator.Next());
      request.body().size = n;
      request.body().more = sent + n < size;
      beast::http::write(stream_, serializer, ec);
      if (ec == beast::http::error::need_buffer) ec = {};
      sent += n;
    }
  }
  // A server that refuses early may close before the body is sent: its
  // answer is still worth reading.
  beast::http::response<beast::http::string_body> response;
  beast::error_code read_ec;
  beast::http::read(stream_, buffer_, response, read_ec);
  if (read_ec) {
    Die(server_.name + ": PUT " + path + ": " + (ec ? "send: " + ec.message() + ", " : "") +
        "no answer: " + read_ec.message());
  }
  if (response.result_int() / 100 != 2) {
    Die(server_.name + ": PUT " + path + " answered " + std::to_string(response.result_int()) + ": " +
        response.body());
  }
  if (!response.keep_alive()) Close();
}

uint64_t Connection::Get(const std::string& path, char* buffer, size_t buffer_size, Clock::time_point deadline) {
  Connect();
  beast::http::request<beast::http::empty_body> request{beast::http::verb::get, path, 11};
  Authorize(server_, host_header_, request.base(), "GET", path, http::kEmptySha256);
  beast::error_code ec;
  beast::http::write(stream_, request, ec);
  if (ec) Die(server_.name + ": GET " + path + ": send: " + ec.message());
  beast::http::response_parser<beast::http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  beast::http::read_header(stream_, buffer_, parser, ec);
  if (ec) Die(server_.name + ": GET " + path + ": no answer: " + ec.message());
  const unsigned status = parser.get().result_int();
  std::string error_body;
  uint64_t received = 0;
  while (!parser.is_done()) {
    parser.get().body().data = buffer;
    parser.get().body().size = buffer_size;
    beast::http::read(stream_, buffer_, parser, ec);
    if (ec == beast::http::error::need_buffer) ec = {};
    if (ec) Die(server_.name + ": GET " + path + ": reading the body: " + ec.message());
    const size_t n = buffer_size - parser.get().body().size;
    received += n;
    if (status != 200) {
      error_body.append(buffer, n);
    } else if (!parser.is_done() && Clock::now() >= deadline) {
      Close();
      return received;
    }
  }
  if (status != 200) {
    Die(server_.name + ": GET " + path + " answered " + std::to_string(status) + ": " + error_body);
  }
  if (!parser.get().keep_alive()) Close();
  return received;
}

void Connection::Simple(beast::http::verb verb, const std::string& path) {
  Connect();
  beast::http::request<beast::http::empty_body> request{verb, path, 11};
  Authorize(server_, host_header_, request.base(), std::string(beast::http::to_string(verb)), path,
            http::kEmptySha256);
  request.prepare_payload();
  beast::error_code ec;
  beast::http::write(stream_, request, ec);
  beast::http::response<beast::http::string_body> response;
  if (!ec) beast::http::read(stream_, buffer_, response, ec);
  if (ec) Die(server_.name + ": " + std::string(beast::http::to_string(verb)) + " " + path + ": " + ec.message());
  if (response.result_int() / 100 != 2) {
    Die(server_.name + ": " + std::string(beast::http::to_string(verb)) + " " + path + " answered " +
        std::to_string(response.result_int()) + ": " + response.body());
  }
  if (!response.keep_alive()) Close();
}

void Connection::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  connected_ = false;
}

}  // namespace strata::bench
