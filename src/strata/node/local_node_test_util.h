// Shared fixture for the LocalNode tests: six drives formatted in a TempDir,
// a node over them (through a FaultInjectingFileSystem with no rules until a
// test adds some), and helpers that write, read and damage fragments.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "strata/base/fault_injection.h"
#include "strata/base/ids.h"
#include "strata/erasure/stripe_geometry.h"
#include "strata/node/local_node.h"
#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"


namespace strata::testing {

namespace fs = std::filesystem;

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteWholeFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

// Regular files under `dir` (recursively), or 0 when it does not exist.
inline int CountFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  int n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

// Every file under `dir` with its contents.
inline std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    files[entry.path().string()] = entry.is_regular_file() ? ReadWholeFile(entry.path()) : "<dir>";
  }
  return files;
}

// Flips every bit of the byte at `offset` of the file.
inline void FlipByte(const std::string& path, uint64_t offset) {
  std::string data = ReadWholeFile(path);
  ASSERT_LT(offset, data.size()) << path;
  data[offset] = static_cast<char>(~data[offset]);
  WriteWholeFile(path, data);
}

class LocalNodeTest : public ::testing::Test {
 public:
  static constexpr uint32_t kUnit = 4096;
  static constexpr int kDrives = 6;

 protected:
  LocalNodeTest() : faults_(PosixFileSystem::Default()), cluster_id_(NewRandomId()) {
    for (int i = 0; i < kDrives; ++i) {
      ids_.push_back(NewRandomId());
      paths_.push_back(dir_.Sub("d" + std::to_string(i)));
      auto drive = Drive::Format(PosixFileSystem::Default(), paths_[i],
                                 DriveIdentity{ids_[i], cluster_id_, kDriveFormatVersion});
      EXPECT_TRUE(drive.ok()) << drive.status().ToString();
    }
    node_ = std::make_unique<LocalNode>("node-1", cluster_id_, &faults_, Specs());
  }

  std::vector<DriveSpec> Specs() const {
    std::vector<DriveSpec> specs;
    for (int i = 0; i < kDrives; ++i) specs.push_back(DriveSpec{ids_[i], paths_[i]});
    return specs;
  }

  // A fresh 4+2 fragment of `bytes` bytes over the six drives.
  FragmentRef Ref(uint64_t bytes) const {
    FragmentRef ref;
    ref.blob_id = NewRandomId();
    ref.level1_position = 0;
    ref.fragment_bytes = bytes;
    ref.unit_size = kUnit;
    ref.code = CodeSpec{4, 2};
    ref.drive_ids = ids_;
    return ref;
  }

  static StripeGeometry Geometry(const FragmentRef& ref) {
    return StripeGeometry{ref.fragment_bytes, ref.unit_size, ref.code};
  }

  // Writes `data` unit by unit and commits; the placement Commit returned.
  Result<std::vector<std::string>> Write(const FragmentRef& ref, const std::string& data) {
    ASSIGN_OR_RETURN(auto writer, node_->WriteFragment(ref));
    for (size_t at = 0; at < data.size(); at += ref.unit_size) {
      RETURN_IF_ERROR(writer->AppendUnit(AsBytes(data).subspan(at, std::min<size_t>(ref.unit_size, data.size() - at))));
    }
    return writer->Commit();
  }

  // Reads units [first, first + count) of the fragment as one string.
  Result<std::string> ReadRange(const FragmentRef& ref, uint64_t first, uint64_t count,
                                std::vector<BlockDamage>* damage = nullptr) {
    const StripeGeometry geometry = Geometry(ref);
    uint64_t bytes = 0;
    for (uint64_t u = first; u < first + count; ++u) bytes += geometry.DataUnitLength(u);
    ASSIGN_OR_RETURN(auto reader, node_->ReadFragment(ref));
    std::string out(bytes, '\0');
    Status st = reader->ReadUnits(first, count, std::as_writable_bytes(std::span(out.data(), out.size())));
    if (damage) *damage = reader->damage();
    RETURN_IF_ERROR(st);
    return out;
  }

  Result<std::string> ReadAll(const FragmentRef& ref, std::vector<BlockDamage>* damage = nullptr) {
    return ReadRange(ref, 0, Geometry(ref).data_unit_count(), damage);
  }

  // Path of the block at `position` on drive `drive` (default: the ref's drive).
  std::string BlockPath(const FragmentRef& ref, int position, int drive = -1) const {
    const std::string& id = ref.blob_id;
    return paths_[drive < 0 ? position : drive] + "/blocks/" + id.substr(0, 2) + "/" + ref.Block(position).FileName();
  }

  // Offset in the block file of byte `within` of the position's unit of `stripe`.
  static uint64_t UnitOffset(const FragmentRef& ref, uint64_t stripe, uint64_t within = 0) {
    return kBlockHeaderSize + stripe * ref.unit_size + within;
  }

  // Block files (published and temporary) on every drive.
  int BlockFilesEverywhere() const {
    int n = 0;
    for (const std::string& path : paths_) n += CountFiles(path + "/blocks") + CountFiles(path + "/tmp");
    return n;
  }
  int TemporariesEverywhere() const {
    int n = 0;
    for (const std::string& path : paths_) n += CountFiles(path + "/tmp");
    return n;
  }

  static std::set<int> Positions(const std::vector<BlockDamage>& damage) {
    std::set<int> out;
    for (const BlockDamage& d : damage) out.insert(d.level2_position);
    return out;
  }

  bool DriveUp(const std::string& drive_id) {
    for (const DriveHealth& d : node_->Health().drives) {
      if (d.drive_id == drive_id) return d.up;
    }
    return false;
  }

  TempDir dir_;
  FaultInjectingFileSystem faults_;
  std::string cluster_id_;
  std::vector<std::string> ids_;
  std::vector<std::string> paths_;
  std::unique_ptr<LocalNode> node_;
};

}  // namespace strata::testing
