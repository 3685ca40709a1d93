// StoreConfig is the settings file of a store (strata.toml at the store root).
// Topology (nodes, drives) is not here: it lives in the catalog, which is
// transactional. LoadConfig refuses unknown keys and bad values with the file
// name and line: "strata.toml line 4: unknown key 'unit_sise'".
#pragma once

#include <cstdint>
#include <string>

#include "strata/base/status.h"

namespace strata {

// An erasure code "k+m": k data units and m parity units per stripe.
struct CodeSpec {
  int k = 1;
  int m = 0;
  int width() const { return k + m; }
  std::string ToString() const;
  bool operator==(const CodeSpec&) const = default;
};
// Parses "4+2"; k >= 1, m >= 0, k+m <= 32.
Result<CodeSpec> ParseCodeSpec(std::string_view text);

struct StoreConfig {
  uint32_t unit_size = 1u << 20;               // erasure unit, a power of two
  CodeSpec level1{1, 0};                       // across nodes
  CodeSpec level2{4, 2};                       // across the drives of a node
  uint64_t small_object_threshold = 64u << 10; // below this, objects go into packs
  uint64_t pack_target_size = 8u << 20;        // a pack is sealed at this size
  double compact_below_live_ratio = 0.5;       // packs emptier than this are rewritten
  std::string catalog = "catalog.db";          // relative to the store root
  std::string log_level = "warn";
};

Result<StoreConfig> ParseConfig(std::string_view text, std::string_view file_name);
Result<StoreConfig> LoadConfig(const std::string& path);
std::string RenderConfig(const StoreConfig& config);

}  // namespace strata
