#include "strata/http/uri.h"

#include <cstdint>

#include "strata/base/hex.h"

namespace strata::http {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Error messages quote the input, but a hostile one can be megabytes long.
std::string Quote(std::string_view s) {
  constexpr size_t kMaxQuoted = 200;
  std::string out = "'";
  out.append(s.substr(0, kMaxQuoted));
  if (s.size() > kMaxQuoted) out += "...";
  out += "'";
  return out;
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
  return out;
}

Result<std::string> UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const bool complete = i + 2 < s.size();
    const int high = complete ? HexDigitValue(s[i + 1]) : -1;
    const int low = complete ? HexDigitValue(s[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return Status::InvalidArgument("malformed percent-escape at offset " + std::to_string(i) + " in " + Quote(s));
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

Result<std::vector<QueryParam>> ParseQuery(std::string_view raw_query) {
  std::vector<QueryParam> params;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    const std::string_view piece = raw_query.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    QueryParam param;
    auto name = UriDecode(piece.substr(0, eq));
    if (!name.ok()) return name.status().WithContext("query parameter name");
    param.name = std::move(name).value();
    if (eq != std::string_view::npos) {
      auto value = UriDecode(piece.substr(eq + 1));
      if (!value.ok()) return value.status().WithContext("query parameter " + Quote(param.name));
      param.value = std::move(value).value();
      param.has_value = true;
    }
    params.push_back(std::move(param));
  }
  return params;
}

std::string UrlEncodeKey(std::string_view key) { return UriEncode(key, /*encode_slash=*/false); }

}  // namespace strata::http
