// StripeGeometry maps a byte sequence onto erasure-coded stripes. The bytes are
// cut into units of unit_size (the last may be short); k consecutive units form
// a stripe, followed by m parity units. Within a stripe every unit is treated as
// `stripe unit length` bytes (the length of its first unit, zero padded); units
// past the end of the sequence are virtual: zeros, never stored. Parity units
// have the stripe unit length. The same rule serves level 1 (object -> nodes)
// and level 2 (a node's fragment -> drives).
#pragma once

#include <cstdint>

#include "strata/base/config.h"

namespace strata {

struct StripeGeometry {
  uint64_t total_bytes = 0;
  uint32_t unit_size = 1u << 20;
  CodeSpec code;

  uint64_t data_unit_count() const { return (total_bytes + unit_size - 1) / unit_size; }
  uint64_t stripe_count() const { return (data_unit_count() + code.k - 1) / code.k; }
  // Length of data unit `unit` (index over the whole sequence).
  uint32_t DataUnitLength(uint64_t unit) const;
  // Length every unit of `stripe` is padded to: its first data unit's length.
  uint32_t StripeUnitLength(uint64_t stripe) const;
  // Stored length at `position` (0..k+m-1) of `stripe`; 0 when virtual.
  uint32_t PositionLength(uint64_t stripe, int position) const;
  // How many units, and bytes, `position` stores over all stripes: the size of
  // that position's fragment. Every unit but the last is unit_size long.
  uint64_t PositionUnitCount(int position) const;
  uint64_t PositionBytes(int position) const;
};

}  // namespace strata
