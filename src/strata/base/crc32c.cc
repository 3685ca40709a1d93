#include "strata/base/crc32c.h"

#include <isa-l/crc.h>

namespace strata {

// ISA-L's crc32_iscsi takes and returns the raw register; the standard CRC32C
// pre- and post-inverts it. ISA-L counts bytes in an int, so buffers of 2 GiB
// and more go through in pieces.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size) {
  constexpr size_t kMaxPiece = size_t{1} << 30;
  auto* bytes = static_cast<unsigned char*>(const_cast<void*>(data));
  uint32_t reg = ~crc;
  while (size > 0) {
    size_t piece = size < kMaxPiece ? size : kMaxPiece;
    reg = crc32_iscsi(bytes, static_cast<int>(piece), reg);
    bytes += piece;
    size -= piece;
  }
  return ~reg;
}

}  // namespace strata
