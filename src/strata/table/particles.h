// ParticleGenerator makes a VPIC-like particle dump for benchmarks and tests:
// rows (id, x, y, z, ke) where particle i is a pure function of (seed, i), so
// any range can be produced independently and every run gives the same bytes.
// Rows come either ordered by cell, as a simulation dumps them rank by rank,
// or as a pseudo-random permutation of the same rows. Not thread-safe; use one
// generator per thread (they may share options and cover disjoint ranges).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace strata::table {

// The unit cube is cut into G^3 cells, G = kParticleGridSide (one cell per
// simulated rank), numbered c = cx + G * (cy + G * cz). Particle i lies in cell
// floor(i * cells / count), so each cell holds count / cells particles (give or
// take one) and ids in order walk the cells in order.
inline constexpr int kParticleGridSide = 8;
inline constexpr int kParticleCells = kParticleGridSide * kParticleGridSide * kParticleGridSide;

// Energy: a thermal bulk (Gamma(3/2), i.e. Maxwellian, truncated at
// kBulkEnergyCap) plus an accelerated tail (a truncated power law on
// [kTailEnergyMin, kMaxKineticEnergy]). Only particles in the current sheet,
// kCurrentSheetYMin <= y < kCurrentSheetYMax, can belong to the tail, so in
// cell order most row groups hold no energy above kBulkEnergyCap.
inline constexpr float kCurrentSheetYMin = 0.2f;
inline constexpr float kCurrentSheetYMax = 0.3f;
inline constexpr double kBulkTemperature = 0.02;
inline constexpr double kBulkEnergyCap = 0.25;
inline constexpr double kTailEnergyMin = 0.2;
inline constexpr double kMaxKineticEnergy = 3.65;
// P(ke > t) within the tail falls as t^-1.3 (before truncation): with 0.2% of
// particles above 0.3 that puts about 0.035%, 0.01% and 0.002% above 1, 2 and 3.
inline constexpr double kTailExponent = 1.3;
// The tail's weight is set so that this fraction of all particles has ke > 0.3,
// the least selective query of the VPIC benchmark (1 million of 500 million).
inline constexpr double kFractionAboveReference = 0.002;
inline constexpr double kReferenceEnergy = 0.3;

enum class ParticleOrder {
  kCell,    // ids 0..count-1 in order: rows grouped by cell
  kRandom,  // the same rows, ids in a seeded pseudo-random permutation
};

struct ParticleOptions {
  uint64_t count = 0;
  uint64_t seed = 1;
  ParticleOrder order = ParticleOrder::kCell;
};

// Columns of a batch of particles: id int64, x y z float32 in [0,1), ke float32
// (kinetic energy). All five vectors have the same length.
struct ParticleBatch {
  std::vector<int64_t> id;
  std::vector<float> x, y, z, ke;

  size_t size() const { return id.size(); }
  void Clear();
};

class ParticleGenerator {
 public:
  explicit ParticleGenerator(const ParticleOptions& options);

  // Clears *out and fills it with up to max_rows next rows; returns how many
  // (0 at the end). How the rows are cut into batches never changes them.
  size_t Next(size_t max_rows, ParticleBatch* out);

  // Continues from row `position` of the output order (clamped to count), so
  // disjoint ranges of one dump can be generated apart, e.g. one per thread.
  void Seek(uint64_t position);

  uint64_t count() const { return options_.count; }
  // Rows of the output order already returned (or skipped by Seek).
  uint64_t position() const { return position_; }

 private:
  uint64_t ParticleAt(uint64_t position) const;
  uint64_t Permute(uint64_t value) const;

  ParticleOptions options_;
  uint64_t position_ = 0;
  uint64_t particle_key_ = 0;
  uint32_t tail_threshold_ = 0;  // tail when a 32-bit draw is below this
  // Keyed Feistel network over `permutation_bits_` bits (random order only).
  struct FeistelRound {
    uint64_t key = 0;
    uint64_t multiplier = 1;
  };
  int permutation_bits_ = 0;
  FeistelRound rounds_[4];
};

// The exact probability that a particle's ke exceeds `threshold` under the
// generator's distribution: the mixture of the truncated bulk and the tail,
// each integrated in closed form. A dump of n rows has n * FractionAbove(t)
// such rows in expectation, up to float rounding of the stored y and ke and
// each cell's share of the rows being count / cells give or take one.
double FractionAbove(double threshold);

}  // namespace strata::table
