// Wall-clock time as stored in the catalog: milliseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <string>

namespace strata {

inline constexpr int64_t kMillisPerDay = 86'400'000;

int64_t NowMillis();
// "2026-11-21T17:27:00.000Z", as S3 formats timestamps.
std::string FormatIso8601(int64_t millis);

}  // namespace strata
