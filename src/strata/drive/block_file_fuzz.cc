// Fuzz target: BlockReader must refuse or accept any bytes as a block file
// without crashing, and never return a unit whose checksum it did not verify.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "strata/drive/block_file.h"
#include "strata/testing/memory_file_system.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::testing::MemoryFileSystem fs;
  // Name the file after the block its header claims to be, so inputs get past
  // the name check and into the trailer and unit checks.
  strata::BlockName name{"00000000000000000000000000000000", 0, 0};
  if (size >= 60) {
    std::string id(reinterpret_cast<const char*>(data + 28), 32);
    if (strata::BlockName::FromFileName(id + "-0-0.blk")) name.blob_id = id;
    name.level1_position = data[20] % 64;
    name.level2_position = data[24] % 64;
  }
  const std::string path = "/d/blocks/" + name.blob_id.substr(0, 2) + "/" + name.FileName();
  fs.SetFile(path, std::string(reinterpret_cast<const char*>(data), size));
  auto reader = strata::BlockReader::Open(&fs, path);
  if (!reader.ok()) return 0;
  std::vector<std::byte> unit;
  for (uint64_t i = 0; i < (*reader)->unit_count() && i < 64; ++i) {
    unit.resize((*reader)->UnitLength(i));
    (void)(*reader)->ReadUnit(i, unit);
  }
  return 0;
}
