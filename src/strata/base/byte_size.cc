#include "strata/base/byte_size.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <string>
#include <system_error>

namespace strata {

// The number is parsed exactly, in integers: "9007199254740993" stays that
// many bytes, and "1.5KiB" is 1536 because 0.5 * 1024 is whole.
Result<uint64_t> ParseByteSize(std::string_view text) {
  const std::string quoted = "size '" + std::string(text) + "'";
  size_t pos = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  std::string_view whole = text.substr(0, pos);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    fraction = text.substr(start, pos - start);
    if (fraction.empty()) return Status::InvalidArgument(quoted + " has no digits after the decimal point");
  }
  if (whole.empty()) return Status::InvalidArgument(quoted + " does not start with a number");

  std::string_view suffix = text.substr(pos);
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  struct Unit {
    std::string_view name;
    uint64_t factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},           {"B", 1},
      {"K", 1ull << 10}, {"KiB", 1ull << 10}, {"M", 1ull << 20}, {"MiB", 1ull << 20},
      {"G", 1ull << 30}, {"GiB", 1ull << 30}, {"T", 1ull << 40}, {"TiB", 1ull << 40},
      {"KB", 1000ull},   {"MB", 1000000ull},  {"GB", 1000000000ull}, {"TB", 1000000000000ull},
  };
  const Unit* unit = nullptr;
  for (const Unit& candidate : kUnits) {
    if (suffix == candidate.name) unit = &candidate;
  }
  if (unit == nullptr) {
    return Status::InvalidArgument(quoted + " has unknown unit '" + std::string(suffix) +
                                   "' (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
  }

  const Status too_large = Status::InvalidArgument(quoted + " is too large");
  uint64_t integer = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), integer);
  if (ec != std::errc()) return too_large;
  unsigned __int128 bytes = static_cast<unsigned __int128>(integer) * unit->factor;

  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (!fraction.empty()) {
    if (fraction.size() > 18) return Status::InvalidArgument(quoted + " has too many decimals");
    uint64_t numerator = 0;
    uint64_t denominator = 1;
    for (char digit : fraction) {
      numerator = numerator * 10 + static_cast<uint64_t>(digit - '0');
      denominator *= 10;
    }
    unsigned __int128 scaled = static_cast<unsigned __int128>(numerator) * unit->factor;
    if (scaled % denominator != 0) return Status::InvalidArgument(quoted + " is not a whole number of bytes");
    bytes += scaled / denominator;
  }
  if (bytes > std::numeric_limits<uint64_t>::max()) return too_large;
  return static_cast<uint64_t>(bytes);
}

std::string FormatByteSize(uint64_t bytes) {
  static const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  int i = 0;
  // Stop at the unit where the value, rounded to one decimal, is below 1024
  // ("1.0 MiB" rather than "1024.0 KiB").
  while (value >= 1023.95 && i < 6) {
    value /= 1024;
    ++i;
  }
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f %s", value, kNames[i]);
  return buf;
}

}  // namespace strata
