// Fuzz target: ParseSql takes any bytes and returns a statement or an
// InvalidArgument; it never crashes. What it accepts prints (ToSql) as text
// that parses back to an equal tree and prints the same again, which checks
// the printer's quoting and parenthesizing against the parser. The error
// helpers must cope with any position in any text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/query/sql_parser.h"

namespace {

using namespace strata::query;

void CheckRoundTrip(std::string_view text) {
  strata::Result<SelectStatement> statement = ParseSql(text);
  if (!statement.ok()) {
    if (statement.status().code() != strata::StatusCode::kInvalidArgument) std::abort();
    if (statement.status().message().empty()) std::abort();
    return;
  }
  const std::string printed = ToSql(*statement);
  strata::Result<SelectStatement> again = ParseSql(printed);
  if (!again.ok() || !(*again == *statement)) std::abort();
  if (ToSql(*again) != printed) std::abort();
}

void CheckPositions(std::string_view text) {
  for (size_t position : {size_t{0}, text.size() / 2, text.size(), text.size() + 7}) {
    if (FormatPosition(text, position).empty()) std::abort();
    const std::string pointer = PointAt(text, position);
    if (pointer.empty() || pointer.back() != '\n') std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip(text);
  CheckPositions(text);
  return 0;
}
