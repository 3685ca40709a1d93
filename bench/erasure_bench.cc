// strata_erasure_bench: single-core throughput of the Reed-Solomon code that
// every put and degraded get runs, against memcpy of the same bytes measured in
// the same run. Encode and decode are counted in GB/s of data (k units per
// stripe, 1e9 bytes per GB). Also CRC32C (every stored unit) and MD5 (the S3
// ETag of every put), the other per-byte work on the data path.
//
//   strata_erasure_bench [--unit BYTES] [--seconds S] [--samples N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"
#include "strata/base/byte_size.h"
#include "strata/base/crc32c.h"
#include "strata/base/md5.h"
#include "strata/erasure/reed_solomon.h"

namespace strata::bench {
namespace {

constexpr double kGoalRatio = 0.8;

struct Options {
  size_t unit = size_t{1} << 20;
  double sample_seconds = 0.3;
  int samples = 5;
};

struct CodeFigures {
  double encode = 0;
  double decode_two = 0;
  double decode_m = 0;
  double memcpy = 0;
};

std::vector<uint8_t> RandomBytes(size_t size, uint32_t seed) {
  std::vector<uint8_t> bytes(size);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t v = rng();
    std::memcpy(&bytes[i], &v, 8);
  }
  return bytes;
}

// Unit buffers for one stripe: k data (random) and m parity.
class Stripe {
 public:
  Stripe(int k, int m, size_t unit) : k_(k), unit_(unit) {
    for (int i = 0; i < k + m; ++i) buffers_.push_back(RandomBytes(unit, 1000 + i));
    for (auto& b : buffers_) pointers_.push_back(b.data());
  }
  std::span<const uint8_t* const> data() const {
    return {const_cast<const uint8_t* const*>(pointers_.data()), static_cast<size_t>(k_)};
  }
  std::span<uint8_t* const> parity() const { return std::span(pointers_).subspan(k_); }
  std::span<uint8_t* const> all() const { return pointers_; }
  size_t unit() const { return unit_; }

 private:
  int k_;
  size_t unit_;
  std::vector<std::vector<uint8_t>> buffers_;
  std::vector<uint8_t*> pointers_;
};

double MeasureDecode(const ReedSolomon& code, const Stripe& stripe, int lost, const Options& options) {
  // Losing data units is the expensive case: each one is rebuilt from k survivors.
  bool present[32] = {};  // k+m <= 32
  for (int i = 0; i < code.k() + code.m(); ++i) present[i] = i >= lost;
  const std::span<const bool> present_span(present, static_cast<size_t>(code.k() + code.m()));
  auto op = [&] {
    Status st = code.Reconstruct(stripe.unit(), stripe.all(), present_span);
    if (!st.ok()) {
      std::fprintf(stderr, "reconstruct failed: %s\n", st.ToString().c_str());
      std::exit(1);
    }
    ClobberMemory(stripe.all()[0]);
  };
  return MedianThroughput(op, static_cast<uint64_t>(code.k()) * stripe.unit(), options.sample_seconds,
                          options.samples);
}

CodeFigures MeasureCode(int k, int m, const Options& options) {
  auto created = ReedSolomon::Create(k, m);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    std::exit(1);
  }
  const ReedSolomon& code = **created;
  Stripe stripe(k, m, options.unit);
  const uint64_t data_bytes = static_cast<uint64_t>(k) * options.unit;
  CodeFigures f;

  f.encode = MedianThroughput(
      [&] {
        code.Encode(options.unit, stripe.data(), stripe.parity());
        ClobberMemory(stripe.parity()[0]);
      },
      data_bytes, options.sample_seconds, options.samples);

  // The baseline: copy the same k units to k other buffers.
  std::vector<std::vector<uint8_t>> copies(k, std::vector<uint8_t>(options.unit, 1));
  f.memcpy = MedianThroughput(
      [&] {
        for (int i = 0; i < k; ++i) std::memcpy(copies[i].data(), stripe.data()[i], options.unit);
        ClobberMemory(copies[0].data());
      },
      data_bytes, options.sample_seconds, options.samples);

  f.decode_two = MeasureDecode(code, stripe, std::min(2, m), options);
  f.decode_m = m == 2 ? f.decode_two : MeasureDecode(code, stripe, m, options);
  return f;
}

std::string Ratio(double value, double baseline) { return Format("%.2fx", value / baseline); }

// "yes", or "NO: " and the figures below goal.
std::string MeetsGoal(const CodeFigures& f) {
  std::string below;
  auto check = [&](double value, const char* name) {
    if (value < kGoalRatio * f.memcpy) below += std::string(below.empty() ? "" : ", ") + name;
  };
  check(f.encode, "encode");
  check(f.decode_two, "decode 2");
  check(f.decode_m, "decode m");
  return below.empty() ? "yes" : "NO: " + below;
}

int Run(const Options& options) {
  std::printf("Erasure coding, one core, %s units, GB/s of data (1 GB = 1e9 bytes), median of %d samples of %g s\n\n",
              FormatByteSize(options.unit).c_str(), options.samples, options.sample_seconds);
  Table codes({"code", "encode GB/s", "decode GB/s (2 lost)", "decode GB/s (m lost)", "memcpy GB/s",
               "encode/memcpy", "decode/memcpy (2 lost)", "decode/memcpy (m lost)", "goal", "meets goal"});
  const int shapes[][2] = {{4, 2}, {8, 3}, {10, 4}};
  for (const auto& shape : shapes) {
    const int k = shape[0], m = shape[1];
    CodeFigures f = MeasureCode(k, m, options);
    codes.Add({std::to_string(k) + "+" + std::to_string(m), Format("%.2f", f.encode), Format("%.2f", f.decode_two),
               Format("%.2f", f.decode_m), Format("%.2f", f.memcpy), Ratio(f.encode, f.memcpy),
               Ratio(f.decode_two, f.memcpy), Ratio(f.decode_m, f.memcpy), Format(">= %.1fx memcpy", kGoalRatio),
               MeetsGoal(f)});
  }
  codes.Print();

  // Checksums over four units, as a 4+2 stripe's data is checked on read.
  const size_t bytes = 4 * options.unit;
  std::vector<uint8_t> source = RandomBytes(bytes, 7);
  std::vector<uint8_t> target(bytes, 1);
  const double copy = MedianThroughput(
      [&] {
        std::memcpy(target.data(), source.data(), bytes);
        ClobberMemory(target.data());
      },
      bytes, options.sample_seconds, options.samples);
  volatile uint32_t sink = 0;
  const double crc = MedianThroughput(
      [&] {
        for (size_t off = 0; off < bytes; off += options.unit) sink = sink ^ Crc32c(source.data() + off, options.unit);
      },
      bytes, options.sample_seconds, options.samples);
  const double md5 = MedianThroughput(
      [&] {
        Md5 md5;
        md5.Update(source.data(), bytes);
        sink = sink ^ static_cast<uint32_t>(md5.Finish()[0]);
      },
      bytes, options.sample_seconds, options.samples);

  std::printf("\nPer-byte work on the data path, one core, %s buffers\n\n", FormatByteSize(bytes).c_str());
  Table checks({"operation", "GB/s", "memcpy GB/s", "ratio", "where it runs"});
  checks.Add({"CRC32C", Format("%.2f", crc), Format("%.2f", copy), Ratio(crc, copy),
              "every unit written and read (block files)"});
  checks.Add({"MD5", Format("%.2f", md5), Format("%.2f", copy), Ratio(md5, copy),
              "every byte of every put (S3 ETag), inline"});
  checks.Print();
  return 0;
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return strata::bench::NextArgument(argc, argv, i); };
    if (arg == "--unit") {
      auto parsed = strata::ParseByteSize(value());
      if (!parsed.ok() || *parsed == 0) {
        std::fprintf(stderr, "--unit: not a byte size\n");
        return 2;
      }
      options.unit = *parsed;
    } else if (arg == "--seconds") {
      options.sample_seconds = std::atof(value().c_str());
    } else if (arg == "--samples") {
      options.samples = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: strata_erasure_bench [--unit BYTES (1MiB)] [--seconds PER_SAMPLE (0.3)] [--samples N (5)]\n");
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument '%s' (try --help)\n", arg.c_str());
      return 2;
    }
  }
  return strata::bench::Run(options);
}
