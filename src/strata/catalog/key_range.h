// Bytewise key arithmetic for S3 listings (objects and multipart uploads):
// the first key after a prefix's keys, the first key after a key, and the
// common prefix a key rolls up into under a delimiter. Pure functions.
#pragma once

#include <optional>
#include <string>

namespace strata {

// The smallest string after every string that starts with `prefix`, in
// bytewise order; none when `prefix` is empty or all 0xFF bytes.
std::optional<std::string> PrefixSuccessor(std::string prefix);

// The smallest string after `key`: the key followed by a zero byte.
std::string KeyAfter(const std::string& key);

// The common prefix `key` rolls up into: the key up to and including the
// first `delimiter` after `prefix`; none without a delimiter or such a match.
std::optional<std::string> CommonPrefixOf(const std::string& key, const std::string& prefix,
                                          const std::string& delimiter);

}  // namespace strata
