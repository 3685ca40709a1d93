// Text forms of values that read back to the same bits: the shortest decimal
// that round-trips (std::to_chars), used by query output and SQL text.
#pragma once

#include <cstdint>
#include <string>

namespace strata::table {

std::string FormatDouble(double value);
// A FLOAT column's value printed as a float, not as its double widening:
// 0.1f prints "0.1", not "0.10000000149011612".
std::string FormatFloat(float value);

}  // namespace strata::table
