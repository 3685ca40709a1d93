// FragmentBlocks reads the level-2 stripes of one fragment from its block
// files on a LocalNode's drives: it opens each position's block on first use,
// verifies every unit it reads, rebuilds what is missing or corrupt from
// parity, and remembers the damage it saw. Shared by the fragment reader,
// verification and rebuild. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "strata/erasure/reed_solomon.h"
#include "strata/erasure/stripe_geometry.h"
#include "strata/node/local_node.h"

namespace strata {

// The level-2 code of a fragment; InvalidArgument when the ref names the
// wrong number of drives for it.
Result<std::shared_ptr<const ReedSolomon>> FragmentCodec(const FragmentRef& ref);

class FragmentBlocks {
 public:
  FragmentBlocks(LocalNode* node, FragmentRef ref, std::shared_ptr<const ReedSolomon> codec);

  const StripeGeometry& geometry() const { return geometry_; }
  const FragmentRef& ref() const { return ref_; }

  // Reads one stored unit (position's unit of `stripe`) into `out`, which must
  // be exactly PositionLength(stripe, position) bytes. Records damage and
  // returns the error when the unit cannot be read or fails its checksum.
  Status ReadStored(uint64_t stripe, int position, std::span<std::byte> out);
  // Reads part of a stored unit, unverified (BlockReader::ReadUnitRange); an
  // I/O error marks the drive as failing, like a full read.
  Status ReadStoredRange(uint64_t stripe, int position, uint64_t offset, std::span<std::byte> out);

  // Makes all k+m units of `stripe` available in `units` (each
  // StripeUnitLength bytes, zero padded): reads what it can, skipping
  // positions in `exclude`, and rebuilds the rest. DataLoss when fewer than k
  // positions can be read.
  Status ReadStripe(uint64_t stripe, const std::set<int>& exclude,
                    std::vector<std::vector<std::byte>>& units);

  // Reads data unit `unit` of the fragment (stripe unit / k, position
  // unit % k) into *out, verified: the stored unit, or the stripe rebuilt
  // from parity when that cannot be read. Adds the bytes read from drives to
  // *bytes_read.
  Status ReadDataUnit(uint64_t unit, std::vector<std::byte>* out, uint64_t* bytes_read);

  // Opens the position's block if needed: it must exist and have the
  // expected shape (unit count, bytes, unit size).
  Status CheckBlockShape(int position);

  std::vector<BlockDamage> damage() const;
  void RecordDamage(int position, const Status& why);

 private:
  Result<BlockReader*> Reader(int position);
  Status CheckShape(const BlockReader& reader, int position) const;

  LocalNode* node_;
  FragmentRef ref_;
  std::shared_ptr<const ReedSolomon> codec_;
  StripeGeometry geometry_;
  std::map<int, std::unique_ptr<BlockReader>> readers_;
  std::map<int, Status> unusable_;  // positions whose block cannot be opened
  std::map<int, BlockDamage> damage_;
  std::vector<std::vector<std::byte>> rebuilt_;  // ReadDataUnit's stripe
};

}  // namespace strata
