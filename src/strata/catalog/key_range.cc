#include "strata/catalog/key_range.h"

namespace strata {

std::optional<std::string> PrefixSuccessor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string KeyAfter(const std::string& key) { return key + '\0'; }

std::optional<std::string> CommonPrefixOf(const std::string& key, const std::string& prefix,
                                          const std::string& delimiter) {
  if (delimiter.empty()) return std::nullopt;
  const size_t at = key.find(delimiter, prefix.size());
  if (at == std::string::npos) return std::nullopt;
  return key.substr(0, at + delimiter.size());
}

}  // namespace strata
