#include "strata/base/md5.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "strata/base/hex.h"

namespace strata {

struct Md5::State {
  EVP_MD_CTX* ctx = nullptr;
};

Md5::Md5() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_md5(), nullptr) != 1) {
    EVP_MD_CTX_free(state_->ctx);  // the destructor does not run when the constructor throws
    throw std::runtime_error("OpenSSL MD5 is unavailable");
  }
}

Md5::~Md5() { EVP_MD_CTX_free(state_->ctx); }

void Md5::Update(const void* data, size_t size) { EVP_DigestUpdate(state_->ctx, data, size); }
void Md5::Update(std::span<const std::byte> data) { Update(data.data(), data.size()); }

std::array<std::byte, 16> Md5::Finish() {
  std::array<std::byte, 16> out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

std::string Md5::FinishHex() {
  auto digest = Finish();
  return ToHex(digest);
}

}  // namespace strata
