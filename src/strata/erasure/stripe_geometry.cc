#include "strata/erasure/stripe_geometry.h"

namespace strata {

uint32_t StripeGeometry::DataUnitLength(uint64_t unit) const {
  const uint64_t count = data_unit_count();
  if (unit >= count) return 0;
  if (unit + 1 < count) return unit_size;
  return static_cast<uint32_t>(total_bytes - unit * unit_size);
}

uint32_t StripeGeometry::StripeUnitLength(uint64_t stripe) const {
  if (stripe >= stripe_count()) return 0;
  return DataUnitLength(stripe * static_cast<uint64_t>(code.k));
}

uint32_t StripeGeometry::PositionLength(uint64_t stripe, int position) const {
  if (position < 0 || position >= code.width()) return 0;
  if (position < code.k) return DataUnitLength(stripe * static_cast<uint64_t>(code.k) + position);
  return StripeUnitLength(stripe);
}

uint64_t StripeGeometry::PositionUnitCount(int position) const {
  if (position < 0 || position >= code.width()) return 0;
  if (position >= code.k) return stripe_count();
  // Data position p holds units p, p+k, p+2k, ... below data_unit_count().
  const uint64_t count = data_unit_count();
  const uint64_t p = static_cast<uint64_t>(position);
  if (p >= count) return 0;
  return (count - 1 - p) / static_cast<uint64_t>(code.k) + 1;
}

uint64_t StripeGeometry::PositionBytes(int position) const {
  const uint64_t units = PositionUnitCount(position);
  if (units == 0) return 0;
  // Only a position's last unit can be short: the sequence's last data unit,
  // or the parity of the last stripe.
  const uint64_t last_stripe = units - 1;
  const uint32_t last_length = PositionLength(last_stripe, position);
  return (units - 1) * static_cast<uint64_t>(unit_size) + last_length;
}

}  // namespace strata
