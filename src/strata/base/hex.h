// Lowercase hexadecimal encoding of byte strings (digests, ids).
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace strata {

std::string ToHex(std::span<const std::byte> bytes);
std::string ToHex(const void* data, size_t size);
// The value of one hex digit (either case), or -1 for any other character.
int HexDigitValue(char c);

}  // namespace strata
