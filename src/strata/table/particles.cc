#include "strata/table/particles.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>

namespace strata::table {
namespace {

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ull;

// SplitMix64's output function: a bijective mixer, so distinct counters give
// distinct, well-scrambled words. Everything random here is Mix64 of a counter,
// which is what makes particle i computable without particles 0..i-1.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Uniform on [0, 1) and on (0, 1] from 32 random bits; the second feeds log().
double UnitFromBits(uint32_t bits) { return bits * 0x1p-32; }
double OpenUnitFromBits(uint32_t bits) { return (bits + 1.0) * 0x1p-32; }

// A coordinate uniform in [cell / G, (cell + 1) / G). Rounding to float may land
// on the upper bound; pulling it back one ulp keeps every point in its cell.
float CellCoordinate(uint64_t cell, uint32_t bits) {
  constexpr double kCellWidth = 1.0 / kParticleGridSide;
  const float upper = static_cast<float>((cell + 1) * kCellWidth);
  const float value = static_cast<float>((cell + UnitFromBits(bits)) * kCellWidth);
  return value < upper ? value : std::nextafter(upper, 0.0f);
}

// floor(i * cells / count), the cell particle i belongs to. A 64-bit division
// per row costs more than generating the row; the estimate from a double is
// off by at most one and the integer checks settle it.
uint64_t CellOf(uint64_t i, uint64_t count, double cells_per_particle) {
  const unsigned __int128 scaled = static_cast<unsigned __int128>(i) * kParticleCells;
  uint64_t cell = std::min<uint64_t>(static_cast<uint64_t>(static_cast<double>(i) * cells_per_particle),
                                     kParticleCells - 1);
  while (cell > 0 && static_cast<unsigned __int128>(cell) * count > scaled) --cell;
  while (static_cast<unsigned __int128>(cell + 1) * count <= scaled) ++cell;
  return cell;
}

double SheetWidth() {
  return static_cast<double>(kCurrentSheetYMax) - static_cast<double>(kCurrentSheetYMin);
}

// Gamma(3/2, T) survival function: P(E > t) = erfc(sqrt(t/T)) + 2 sqrt(t/(pi T)) e^(-t/T).
double GammaThreeHalvesSurvival(double t) {
  if (t <= 0) return 1.0;
  const double s = t / kBulkTemperature;
  return std::erfc(std::sqrt(s)) + 2.0 * std::sqrt(s / std::numbers::pi) * std::exp(-s);
}

double BulkSurvival(double t) {
  if (t < 0) return 1.0;
  if (t >= kBulkEnergyCap) return 0.0;
  const double beyond_cap = GammaThreeHalvesSurvival(kBulkEnergyCap);
  return (GammaThreeHalvesSurvival(t) - beyond_cap) / (1.0 - beyond_cap);
}

double TailSurvival(double t) {
  if (t < kTailEnergyMin) return 1.0;
  if (t >= kMaxKineticEnergy) return 0.0;
  const double low = std::pow(kTailEnergyMin, -kTailExponent);
  const double high = std::pow(kMaxKineticEnergy, -kTailExponent);
  return (std::pow(t, -kTailExponent) - high) / (low - high);
}

// The chance that a particle in the sheet joins the tail, as the 32-bit
// threshold the generator compares with; FractionAbove uses the same rounded
// value so that it stays exact.
uint32_t TailThreshold() {
  const double in_sheet = kFractionAboveReference / (SheetWidth() * TailSurvival(kReferenceEnergy));
  return static_cast<uint32_t>(std::llround(in_sheet * 0x1p32));
}

double TailProbabilityInSheet() { return TailThreshold() * 0x1p-32; }

// Inverse transform of the truncated power law on [kTailEnergyMin, kMaxKineticEnergy].
double TailEnergy(double u) {
  const double low = std::pow(kTailEnergyMin, -kTailExponent);
  const double high = std::pow(kMaxKineticEnergy, -kTailExponent);
  return std::pow(low - u * (low - high), -1.0 / kTailExponent);
}

// The random words of one particle: word k of particle i is Mix64 of a counter
// derived from (seed, i, k). Rejected bulk draws simply take further words.
class ParticleDraws {
 public:
  ParticleDraws(uint64_t particle_key, uint64_t index)
      : stream_(Mix64(particle_key + index * kGoldenGamma)) {}
  uint64_t Next() { return Mix64(stream_ + ++drawn_ * kGoldenGamma); }

 private:
  uint64_t stream_;
  uint64_t drawn_ = 0;
};

// Gamma(3/2) is E1 + E2 * c for independent E1, E2 ~ Exp(1) and c = cos^2 of
// a uniform angle (E2 * c is Z^2 / 2 for a standard normal Z). Everything is
// drawn without trigonometry and with one logarithm: c is u^2 / s for a point
// (u, v) uniform in the unit disk, s = u^2 + v^2 (Marsaglia's polar method),
// and s is uniform and independent of c; G = -ln(U * s) is then Gamma(2), and
// cutting G at an independent uniform B gives E1 = B G and E2 = (1 - B) G,
// exactly two independent exponentials. Truncation at the cap is by
// rejection, so the bulk is exactly the Gamma conditioned on E <= cap.
double BulkEnergy(ParticleDraws& draws) {
  for (;;) {
    const uint64_t uniforms = draws.Next();
    double u, s;
    do {
      const uint64_t disk = draws.Next();
      u = static_cast<int32_t>(disk) * 0x1p-31;
      const double v = static_cast<int32_t>(disk >> 32) * 0x1p-31;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double gamma2 = -std::log(OpenUnitFromBits(static_cast<uint32_t>(uniforms)) * s);
    const double split = UnitFromBits(static_cast<uint32_t>(uniforms >> 32));
    const double cos_squared = u * u / s;
    const double energy = kBulkTemperature * gamma2 * (split + (1.0 - split) * cos_squared);
    if (energy <= kBulkEnergyCap) return energy;
  }
}

}  // namespace

void ParticleBatch::Clear() {
  id.clear();
  x.clear();
  y.clear();
  z.clear();
  ke.clear();
}

ParticleGenerator::ParticleGenerator(const ParticleOptions& options)
    : options_(options),
      particle_key_(Mix64(options.seed ^ 0x7061727469636c65ull)),  // "particle"
      tail_threshold_(TailThreshold()) {
  if (options_.order == ParticleOrder::kRandom && options_.count > 1) {
    permutation_bits_ = std::bit_width(options_.count - 1);
    uint64_t key = Mix64(options_.seed ^ 0x7065726d75746521ull);  // "permute!"
    for (FeistelRound& round : rounds_) {
      round.key = Mix64(key += kGoldenGamma);
      round.multiplier = Mix64(key += kGoldenGamma) | 1;
    }
  }
}

size_t ParticleGenerator::Next(size_t max_rows, ParticleBatch* out) {
  out->Clear();
  const size_t n = static_cast<size_t>(std::min<uint64_t>(max_rows, options_.count - position_));
  out->id.resize(n);
  out->x.resize(n);
  out->y.resize(n);
  out->z.resize(n);
  out->ke.resize(n);
  const uint64_t count = options_.count;
  const double cells_per_particle = static_cast<double>(kParticleCells) / static_cast<double>(count);
  // Ids first, in a loop of their own: the permutation's hash chains are then
  // independent and overlap, rather than waiting behind each row's energy.
  for (size_t row = 0; row < n; ++row) out->id[row] = static_cast<int64_t>(ParticleAt(position_ + row));
  for (size_t row = 0; row < n; ++row) {
    const uint64_t i = static_cast<uint64_t>(out->id[row]);
    const uint64_t cell = CellOf(i, count, cells_per_particle);
    const uint64_t cx = cell % kParticleGridSide;
    const uint64_t cy = cell / kParticleGridSide % kParticleGridSide;
    const uint64_t cz = cell / (kParticleGridSide * kParticleGridSide);

    ParticleDraws draws(particle_key_, i);
    const uint64_t xy = draws.Next();
    const uint64_t z_and_tail = draws.Next();
    const float x = CellCoordinate(cx, static_cast<uint32_t>(xy));
    const float y = CellCoordinate(cy, static_cast<uint32_t>(xy >> 32));
    const float z = CellCoordinate(cz, static_cast<uint32_t>(z_and_tail));
    // Compared as floats: the sheet is exactly the rows a query on the stored
    // y column finds between 0.2 and 0.3.
    const bool in_sheet = y >= kCurrentSheetYMin && y < kCurrentSheetYMax;
    const bool tail = in_sheet && static_cast<uint32_t>(z_and_tail >> 32) < tail_threshold_;
    const double ke = tail ? TailEnergy((draws.Next() >> 11) * 0x1p-53) : BulkEnergy(draws);

    out->x[row] = x;
    out->y[row] = y;
    out->z[row] = z;
    out->ke[row] = static_cast<float>(ke);
  }
  position_ += n;
  return n;
}

void ParticleGenerator::Seek(uint64_t position) { position_ = std::min(position, options_.count); }

uint64_t ParticleGenerator::ParticleAt(uint64_t position) const {
  if (options_.order == ParticleOrder::kCell || options_.count <= 1) return position;
  // Cycle-walking: the Feistel network permutes [0, 2^bits), which is less
  // than twice count, so following the cycle from a value below count reaches
  // another value below count after two steps on average.
  uint64_t value = position;
  do {
    value = Permute(value);
  } while (value >= options_.count);
  return value;
}

// An unbalanced Feistel network: each round keeps the low `low_bits` bits,
// XORs a keyed hash of them into the rest, and rotates the kept bits to the
// top. Every round is invertible, so the whole is a bijection of [0, 2^bits)
// for any bit count, which a balanced network (even bit counts only) is not.
// The round hash is the top bits of two multiplications with a fold between
// (the top bits of a product depend on every bit of the factor): half a
// SplitMix64 mixer, since six full mixers made the permutation cost more than
// the particle it picks, while a single multiplication left row groups' mean
// ids measurably less random than a shuffle's.
uint64_t ParticleGenerator::Permute(uint64_t value) const {
  const int bits = permutation_bits_;
  const int low_bits = bits / 2;
  const int high_bits = bits - low_bits;
  const uint64_t low_mask = (uint64_t{1} << low_bits) - 1;
  for (const FeistelRound& round : rounds_) {
    const uint64_t low = value & low_mask;
    uint64_t hash = (low ^ round.key) * round.multiplier;
    hash = ((hash ^ (hash >> 29)) * 0xbf58476d1ce4e5b9ull) >> (64 - high_bits);
    value = (low << high_bits) | ((value >> low_bits) ^ hash);
  }
  return value;
}

double FractionAbove(double threshold) {
  const double tail_fraction = SheetWidth() * TailProbabilityInSheet();
  return (1.0 - tail_fraction) * BulkSurvival(threshold) + tail_fraction * TailSurvival(threshold);
}

}  // namespace strata::table
