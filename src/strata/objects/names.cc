#include "strata/objects/names.h"

#include <string>

namespace strata {
namespace {

bool LooksLikeIpAddress(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    // The range the second byte must fall in: it rules out overlong forms,
    // UTF-16 surrogates (U+D800..DFFF) and code points past U+10FFFF.
    unsigned char low = 0x80, high = 0xbf;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c == 0xe0) low = 0xa0;
      if (c == 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c == 0xf0) low = 0x90;
      if (c == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= s.size()) return false;
    for (size_t j = 1; j <= extra; ++j) {
      const auto next = static_cast<unsigned char>(s[i + j]);
      if (j == 1 ? (next < low || next > high) : (next >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

Status ValidateBucketName(std::string_view name) {
  const std::string quoted = "bucket name '" + std::string(name) + "'";
  if (name.size() < 3 || name.size() > 63) return Status::InvalidArgument(quoted + " must be 3 to 63 characters long");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return Status::InvalidArgument(quoted + " may hold only lowercase letters, digits, '.' and '-'");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) {
    return Status::InvalidArgument(quoted + " must start and end with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) return Status::InvalidArgument(quoted + " must not contain '..'");
  if (LooksLikeIpAddress(name)) return Status::InvalidArgument(quoted + " must not look like an IP address");
  return Status::OK();
}

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("object key is empty");
  if (key.size() > 1024) return Status::InvalidArgument("object key is longer than 1024 bytes");
  if (!IsValidUtf8(key)) return Status::InvalidArgument("object key is not valid UTF-8");
  return Status::OK();
}

}  // namespace strata
