// CRC32C (Castagnoli), computed with ISA-L. Used for every stored unit and
// every on-disk header and trailer. Crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace strata {

// Extends a running CRC32C; start with crc = 0.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size);
inline uint32_t Crc32c(const void* data, size_t size) { return Crc32cExtend(0, data, size); }
inline uint32_t Crc32c(std::span<const std::byte> data) { return Crc32c(data.data(), data.size()); }
inline uint32_t Crc32c(std::string_view data) { return Crc32c(data.data(), data.size()); }

}  // namespace strata
