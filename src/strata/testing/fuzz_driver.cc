// Runs a libFuzzer target without libFuzzer, so every fuzz target is also a
// regular test: it feeds each seed file given on the command line, then
// `--mutate N` random mutations of each (bit flips, truncations, byte
// insertions and overwrites with boundary values), deterministically seeded.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string Mutate(std::string input, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t size = input.size();
    switch (rng() % 5) {
      case 0:  // flip a bit
        if (size) input[rng() % size] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // truncate
        if (size) input.resize(rng() % size);
        break;
      case 2:  // insert a random byte
        input.insert(input.begin() + (size ? rng() % (size + 1) : 0), static_cast<char>(rng()));
        break;
      case 3: {  // overwrite four bytes with a boundary value
        static const uint32_t kValues[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 4096, 4095};
        if (size >= 4) {
          uint32_t v = kValues[rng() % std::size(kValues)];
          std::memcpy(&input[rng() % (size - 3)], &v, 4);
        }
        break;
      }
      default:  // duplicate a slice
        if (size) {
          size_t from = rng() % size, len = 1 + rng() % std::min<size_t>(64, size - from);
          input.insert(rng() % (size + 1), input.substr(from, len));
        }
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
      mutations = std::atol(argv[++i]);
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read seed %s\n", argv[i]);
      return 2;
    }
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::mt19937_64 rng(20261121);
  long runs = 0;
  for (const std::string& seed : seeds) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), seed.size());
    ++runs;
    for (long m = 0; m < mutations; ++m) {
      std::string input = Mutate(seed, rng);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
      ++runs;
    }
  }
  std::printf("%ld inputs run without a crash\n", runs);
  return 0;
}
