#include "strata/base/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace strata {

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatIso8601(int64_t millis) {
  // Floor division, so times before 1970 print as 1969-12-31T23:59:59.999Z
  // rather than with a negative millisecond field.
  int64_t remainder = millis % 1000;
  if (remainder < 0) remainder += 1000;
  time_t seconds = static_cast<time_t>((millis - remainder) / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buf[40];
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(remainder));
  return buf;
}

}  // namespace strata
