// LocalFragmentWriter cuts a fragment's unit stream into level-2 stripes,
// computes parity, and appends each position's unit to that position's block
// file on its drive. A position whose drive fails is dropped; the write goes
// on while at least k+1 positions (all of them for m <= 1) stay writable,
// and fails with Unavailable below that. Memory: one stripe (k+m units).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/erasure/reed_solomon.h"
#include "strata/node/local_node.h"

namespace strata {

class LocalFragmentWriter : public FragmentWriter {
 public:
  LocalFragmentWriter(LocalNode* node, FragmentRef ref, std::shared_ptr<const ReedSolomon> codec);
  ~LocalFragmentWriter() override;

  Status AppendUnit(std::span<const std::byte> unit) override;
  Result<std::vector<std::string>> Commit() override;
  void Abort() override;

 private:
  Status FlushStripe();
  void WriteUnit(int position, std::span<const std::byte> unit);
  void Fail(int position, const Status& why);
  Status CheckEnoughPositions() const;

  LocalNode* node_;
  FragmentRef ref_;
  std::shared_ptr<const ReedSolomon> codec_;
  std::vector<std::unique_ptr<BlockWriter>> blocks_;  // per position; null until first unit
  std::vector<std::string> failures_;                  // per position; non-empty once failed
  std::vector<bool> published_;                        // per position; its block is in place
  std::vector<std::vector<std::byte>> stripe_;         // k data + m parity buffers
  std::vector<uint32_t> stripe_lengths_;               // stored length of each data unit
  int no_space_failures_ = 0;                          // failures that were a full drive
  int buffered_ = 0;
  bool short_unit_seen_ = false;
  bool finished_ = false;
};

}  // namespace strata
