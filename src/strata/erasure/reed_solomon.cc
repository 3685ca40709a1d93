#include "strata/erasure/reed_solomon.h"

#include <isa-l/erasure_code.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace strata {
namespace {

// ISA-L counts bytes in an int; longer units are coded in pieces of this size.
constexpr size_t kMaxPiece = size_t{1} << 30;

// Encode and Reconstruct take their shapes from the caller; a wrong shape is a
// programming error, not a data error, so it stops the process.
void RequireShape(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ReedSolomon: %s\n", what);
    std::abort();
  }
}

// outputs[r] = sum over j of rows[r][j] * sources[j], for `length` bytes, with
// tables made by ec_init_tables(k, outputs.size(), rows).
void ApplyTables(size_t length, int k, std::vector<uint8_t>& tables, const std::vector<uint8_t*>& sources,
                 const std::vector<uint8_t*>& outputs) {
  const int rows = static_cast<int>(outputs.size());
  if (rows == 0 || length == 0) return;
  std::vector<uint8_t*> source_piece(sources.size());
  std::vector<uint8_t*> output_piece(outputs.size());
  for (size_t offset = 0; offset < length; offset += kMaxPiece) {
    size_t piece = length - offset < kMaxPiece ? length - offset : kMaxPiece;
    for (size_t j = 0; j < sources.size(); ++j) source_piece[j] = sources[j] + offset;
    for (size_t r = 0; r < outputs.size(); ++r) output_piece[r] = outputs[r] + offset;
    ec_encode_data(static_cast<int>(piece), k, rows, tables.data(), source_piece.data(), output_piece.data());
  }
}

}  // namespace

Result<std::shared_ptr<const ReedSolomon>> ReedSolomon::Create(int k, int m) {
  const std::string code = "reed-solomon " + std::to_string(k) + "+" + std::to_string(m);
  if (k < 1) return Status::InvalidArgument(code + ": k must be at least 1");
  if (m < 0) return Status::InvalidArgument(code + ": m must not be negative");
  if (k + m > 32) return Status::InvalidArgument(code + ": k+m must be at most 32");
  return std::shared_ptr<const ReedSolomon>(new ReedSolomon(k, m));
}

ReedSolomon::ReedSolomon(int k, int m) : k_(k), m_(m) {
  const int n = k + m;
  encode_matrix_.resize(static_cast<size_t>(n) * k);
  // Rows 0..k-1 are the identity (the code is systematic); rows k.. are Cauchy.
  gf_gen_cauchy1_matrix(encode_matrix_.data(), n, k);
  if (m > 0) {
    encode_tables_.resize(32 * static_cast<size_t>(k) * m);
    ec_init_tables(k, m, &encode_matrix_[static_cast<size_t>(k) * k], encode_tables_.data());
  }
}

void ReedSolomon::Encode(size_t length, std::span<const uint8_t* const> data,
                         std::span<uint8_t* const> parity) const {
  RequireShape(data.size() == static_cast<size_t>(k_), "Encode needs k data units");
  RequireShape(parity.size() == static_cast<size_t>(m_), "Encode needs m parity units");
  if (m_ == 0 || length == 0) return;
  std::vector<uint8_t*> sources(data.size());
  for (size_t j = 0; j < data.size(); ++j) sources[j] = const_cast<uint8_t*>(data[j]);
  std::vector<uint8_t*> outputs(parity.begin(), parity.end());
  // ec_encode_data does not write its tables, but takes them non-const.
  ApplyTables(length, k_, const_cast<std::vector<uint8_t>&>(encode_tables_), sources, outputs);
}

// Picks the first k present units, inverts the rows of the encode matrix that
// produced them, and so recovers the missing data units; missing parity units
// are then encoded again from the complete data. The decode matrix is built
// per call: inverting k x k for k <= 32 costs far less than coding one unit.
Status ReedSolomon::Reconstruct(size_t length, std::span<uint8_t* const> units,
                                std::span<const bool> present) const {
  const size_t n = static_cast<size_t>(k_ + m_);
  RequireShape(units.size() == n, "Reconstruct needs k+m units");
  RequireShape(present.size() == n, "Reconstruct needs k+m presence flags");

  std::vector<size_t> survivors;
  std::vector<size_t> missing_data;
  std::vector<size_t> missing_parity;
  for (size_t i = 0; i < n; ++i) {
    if (present[i]) {
      survivors.push_back(i);
    } else if (i < static_cast<size_t>(k_)) {
      missing_data.push_back(i);
    } else {
      missing_parity.push_back(i);
    }
  }
  if (survivors.size() < static_cast<size_t>(k_)) {
    return Status::DataLoss("reed-solomon " + std::to_string(k_) + "+" + std::to_string(m_) + ": only " +
                            std::to_string(survivors.size()) + " of " + std::to_string(n) +
                            " units present, " + std::to_string(k_) + " needed");
  }
  if (length == 0) return Status::OK();
  const size_t k = static_cast<size_t>(k_);

  if (!missing_data.empty()) {
    survivors.resize(k);
    std::vector<uint8_t> chosen(k * k);
    for (size_t r = 0; r < k; ++r) {
      for (size_t c = 0; c < k; ++c) chosen[r * k + c] = encode_matrix_[survivors[r] * k + c];
    }
    std::vector<uint8_t> inverse(k * k);
    if (gf_invert_matrix(chosen.data(), inverse.data(), k_) != 0) {
      // Every square submatrix of a Cauchy generator is invertible.
      return Status::Corruption("reed-solomon " + std::to_string(k_) + "+" + std::to_string(m_) +
                                ": decode matrix is singular");
    }
    // Row i of the inverse turns the chosen survivors into data unit i.
    std::vector<uint8_t> decode_rows;
    std::vector<uint8_t*> outputs;
    for (size_t i : missing_data) {
      decode_rows.insert(decode_rows.end(), inverse.begin() + i * k, inverse.begin() + (i + 1) * k);
      outputs.push_back(units[i]);
    }
    std::vector<uint8_t*> sources;
    for (size_t i : survivors) sources.push_back(units[i]);
    std::vector<uint8_t> tables(32 * k * outputs.size());
    ec_init_tables(k_, static_cast<int>(outputs.size()), decode_rows.data(), tables.data());
    ApplyTables(length, k_, tables, sources, outputs);
  }

  if (!missing_parity.empty()) {
    std::vector<uint8_t> parity_rows;
    std::vector<uint8_t*> outputs;
    for (size_t i : missing_parity) {
      parity_rows.insert(parity_rows.end(), encode_matrix_.begin() + i * k, encode_matrix_.begin() + (i + 1) * k);
      outputs.push_back(units[i]);
    }
    std::vector<uint8_t*> sources(units.begin(), units.begin() + k);
    std::vector<uint8_t> tables(32 * k * outputs.size());
    ec_init_tables(k_, static_cast<int>(outputs.size()), parity_rows.data(), tables.data());
    ApplyTables(length, k_, tables, sources, outputs);
  }
  return Status::OK();
}

}  // namespace strata
