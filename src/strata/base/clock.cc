#include "strata/base/clock.h"

#include <chrono>
#include <ctime>

namespace strata {

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatIso8601(int64_t millis) {
  time_t seconds = static_cast<time_t>(millis / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buf[40];
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(millis % 1000));
  return buf;
}

}  // namespace strata
