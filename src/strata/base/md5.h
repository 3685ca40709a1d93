// Streaming MD5 (OpenSSL), for S3 ETags. Not for security.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace strata {

class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void Update(std::span<const std::byte> data);
  void Update(const void* data, size_t size);
  std::array<std::byte, 16> Finish();
  std::string FinishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace strata
