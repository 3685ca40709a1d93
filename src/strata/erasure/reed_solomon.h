// ReedSolomon is a systematic k+m erasure code over GF(2^8) with a Cauchy
// generator matrix (ISA-L): any k of the k+m units rebuild the others.
// k >= 1, m >= 0, k+m <= 32. Immutable after Create; safe to share between
// threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "strata/base/status.h"

namespace strata {

class ReedSolomon {
 public:
  static Result<std::shared_ptr<const ReedSolomon>> Create(int k, int m);

  int k() const { return k_; }
  int m() const { return m_; }

  // Computes the m parity units from the k data units; every unit is `length`
  // bytes. data.size() == k, parity.size() == m.
  void Encode(size_t length, std::span<const uint8_t* const> data,
              std::span<uint8_t* const> parity) const;

  // units.size() == k+m, each `length` bytes; present[i] tells which hold valid
  // bytes. Rewrites every absent unit in place (data and parity). Fails with
  // DataLoss when fewer than k are present.
  Status Reconstruct(size_t length, std::span<uint8_t* const> units,
                     std::span<const bool> present) const;

 private:
  ReedSolomon(int k, int m);
  int k_;
  int m_;
  std::vector<uint8_t> encode_matrix_;  // (k+m) x k
  std::vector<uint8_t> encode_tables_;  // ISA-L expanded tables for the m parity rows
};

}  // namespace strata
