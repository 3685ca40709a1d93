#include "strata/table/value_format.h"

#include <charconv>
#include <cmath>

namespace strata::table {

namespace {

template <typename T>
std::string Format(T value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

}  // namespace

std::string FormatDouble(double value) { return Format(value); }
std::string FormatFloat(float value) { return Format(value); }

}  // namespace strata::table
