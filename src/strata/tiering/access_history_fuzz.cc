// Fuzz target: ParseHistoryCsv takes any bytes and returns a history or an
// InvalidArgument/Corruption naming the line; it never crashes. What it
// accepts is consistent (counts finite and non-negative, one row of counts
// per name) and survives FormatHistoryCsv and a second parse unchanged.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strata/tiering/access_history.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::tiering;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  strata::Result<AccessHistory> history = ParseHistoryCsv(text, "fuzz.csv");
  if (!history.ok()) {
    const auto code = history.status().code();
    if (code != strata::StatusCode::kInvalidArgument && code != strata::StatusCode::kCorruption) std::abort();
    if (history.status().message().find("fuzz.csv") == std::string::npos) std::abort();
    return 0;
  }
  if (history->weeks <= 0) std::abort();
  if (history->counts.size() != history->datasets() * static_cast<size_t>(history->weeks)) std::abort();
  for (float count : history->counts) {
    if (!std::isfinite(count) || count < 0) std::abort();
  }
  if (history->has_future() && history->future_unused.size() != history->datasets()) std::abort();
  strata::Result<AccessHistory> again = ParseHistoryCsv(FormatHistoryCsv(*history), "again.csv");
  if (!again.ok() || again->names != history->names || again->weeks != history->weeks ||
      again->future_unused != history->future_unused) {
    std::abort();
  }
  for (size_t i = 0; i < history->counts.size(); ++i) {
    if (again->counts[i] != history->counts[i]) std::abort();
  }
  return 0;
}
