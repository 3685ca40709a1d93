// Byte sizes as people write them in configs and on the command line:
// "1MiB", "64KiB", "4096", "1.5GiB", "10MB". Binary (KiB, MiB, GiB, TiB) and
// decimal (KB, MB, GB, TB) suffixes; a bare number is bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/base/status.h"

namespace strata {

Result<uint64_t> ParseByteSize(std::string_view text);
// "1.0 MiB", "512 B": for status output.
std::string FormatByteSize(uint64_t bytes);

}  // namespace strata
