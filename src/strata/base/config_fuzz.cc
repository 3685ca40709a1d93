// Fuzz target: ParseConfig takes any text and either returns a config or an
// error naming the line; it never crashes, and a parsed config renders to text
// that parses back to the same settings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strata/base/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = strata::ParseConfig(text, "strata.toml");
  if (!config.ok()) return 0;
  auto again = strata::ParseConfig(strata::RenderConfig(*config), "strata.toml");
  if (!again.ok() || again->unit_size != config->unit_size || !(again->level2 == config->level2) ||
      again->small_object_threshold != config->small_object_threshold || again->users != config->users ||
      again->retention != config->retention) {
    std::abort();  // RenderConfig must round-trip whatever ParseConfig accepts
  }
  return 0;
}
