#include "strata/base/crc32c.h"

#include <isa-l/crc.h>

namespace strata {

// ISA-L's crc32_iscsi takes and returns the raw register; the standard CRC32C
// pre- and post-inverts it.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size) {
  return ~crc32_iscsi(static_cast<unsigned char*>(const_cast<void*>(data)), static_cast<int>(size), ~crc);
}

}  // namespace strata
