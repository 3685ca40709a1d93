#include "strata/base/byte_size.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace strata {

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string s(text);
  size_t pos = 0;
  while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '.')) ++pos;
  if (pos == 0) return Status::InvalidArgument("size '" + s + "' does not start with a number");
  double number = 0;
  try {
    number = std::stod(s.substr(0, pos));
  } catch (...) {
    return Status::InvalidArgument("size '" + s + "' is not a number");
  }
  std::string suffix = s.substr(pos);
  while (!suffix.empty() && suffix.front() == ' ') suffix.erase(0, 1);
  struct Unit { const char* name; double factor; };
  static const Unit kUnits[] = {
      {"", 1}, {"B", 1},
      {"K", 1024.0}, {"KiB", 1024.0}, {"M", 1048576.0}, {"MiB", 1048576.0},
      {"G", 1073741824.0}, {"GiB", 1073741824.0}, {"T", 1099511627776.0}, {"TiB", 1099511627776.0},
      {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
  };
  for (const Unit& unit : kUnits) {
    if (suffix == unit.name) {
      double bytes = number * unit.factor;
      if (bytes > 1.8e19) return Status::InvalidArgument("size '" + s + "' is too large");
      if (bytes != std::floor(bytes)) return Status::InvalidArgument("size '" + s + "' is not a whole number of bytes");
      return static_cast<uint64_t>(bytes);
    }
  }
  return Status::InvalidArgument("size '" + s + "' has unknown unit '" + suffix +
                                 "' (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)");
}

std::string FormatByteSize(uint64_t bytes) {
  static const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int i = 0;
  while (value >= 1024 && i < 5) {
    value /= 1024;
    ++i;
  }
  char buf[32];
  if (i == 0) {
    snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    snprintf(buf, sizeof(buf), "%.1f %s", value, kNames[i]);
  }
  return buf;
}

}  // namespace strata
