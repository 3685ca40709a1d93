// LocalNode::ScanFragment: the storage side of a pushed-down query. Row
// groups are split by the drive that holds their unit and scanned in
// parallel, one worker per drive group; each worker reads only the column
// chunks its scan needs out of the units (trusting them by their page CRCs)
// and falls back to the whole unit, verified or rebuilt from level-2 parity,
// when a drive is missing or a chunk fails its CRC. With spec.use_index each
// worker also reads the row-group indexes stored beside the blocks
// (FragmentIndexSource), so a row group whose index decides the filter is
// read at its candidate rows only.
#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "strata/node/fragment_blocks.h"
#include "strata/node/fragment_index.h"
#include "strata/node/local_node.h"

namespace strata {

namespace {

class FragmentChunkSource : public table::ChunkSource {
 public:
  FragmentChunkSource(LocalNode* node, const FragmentRef& ref, std::shared_ptr<const ReedSolomon> codec)
      : blocks_(node, ref, std::move(codec)) {}

  Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) override {
    const uint64_t unit_size = blocks_.ref().unit_size;
    const uint64_t unit = offset / unit_size;
    const uint64_t in_unit = offset % unit_size;
    const StripeGeometry& geometry = blocks_.geometry();
    if (unit >= geometry.data_unit_count()) {
      return Status::InvalidArgument("chunk at fragment offset " + std::to_string(offset) + " is past the fragment");
    }
    const uint32_t unit_length = geometry.DataUnitLength(unit);
    if (in_unit > unit_length || length > unit_length - in_unit) {
      return Status::InvalidArgument("chunk of " + std::to_string(length) + " bytes at fragment offset " +
                                     std::to_string(offset) + " crosses its unit's end");
    }
    const int k = geometry.code.k;
    const uint64_t stripe = unit / k;
    const int position = static_cast<int>(unit % k);
    out->resize(length);
    if (!verified && cached_unit_ != unit) {
      Status st = blocks_.ReadStoredRange(stripe, position, in_unit,
                                          std::span(reinterpret_cast<std::byte*>(out->data()), length));
      if (st.ok()) {
        bytes_read_ += length;
        *out_verified = false;
        return Status::OK();
      }
      // A missing drive or block: the whole unit, rebuilt if need be.
    }
    RETURN_IF_ERROR(LoadUnit(unit));
    std::memcpy(out->data(), unit_bytes_.data() + in_unit, length);
    *out_verified = true;
    return Status::OK();
  }

  uint64_t bytes_read() const override { return bytes_read_; }
  std::vector<BlockDamage> damage() const { return blocks_.damage(); }

 private:
  Status LoadUnit(uint64_t unit) {
    if (cached_unit_ == unit) return Status::OK();
    cached_unit_ = UINT64_MAX;  // unit_bytes_ is overwritten even when the read fails
    RETURN_IF_ERROR(blocks_.ReadDataUnit(unit, &unit_bytes_, &bytes_read_));
    cached_unit_ = unit;
    return Status::OK();
  }

  FragmentBlocks blocks_;
  uint64_t bytes_read_ = 0;
  uint64_t cached_unit_ = UINT64_MAX;
  std::vector<std::byte> unit_bytes_;
};

// Workers: as many as there are drives with work, up to the cores.
size_t WorkerCount(size_t drive_groups) {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(drive_groups, cores));
}

}  // namespace

Result<table::ScanResult> LocalNode::ScanFragment(const FragmentRef& ref, const table::ScanSpec& spec,
                                                  const std::vector<table::RowGroupTask>& tasks) {
  RETURN_IF_ERROR(table::ValidateSpec(spec));
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  if (ref.unit_size == 0) return Status::InvalidArgument("fragment of blob " + ref.blob_id + " has unit size 0");
  // Results are kept per row group and merged in file order, so a node
  // returns rows in the order of the file whatever the worker that read them.
  std::vector<table::RowGroupTask> ordered = tasks;
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.row_group < b.row_group; });
  // The drive (level-2 position) that holds each row group's unit; each drive
  // group goes to one worker.
  std::vector<int> drive_of(ordered.size());
  std::map<int, size_t> worker_of;  // drive position -> worker
  for (size_t t = 0; t < ordered.size(); ++t) {
    const table::RowGroupTask& task = ordered[t];
    if (task.chunks.size() != spec.columns.size()) {
      return Status::InvalidArgument("row group " + std::to_string(task.row_group) + ": chunks do not match columns");
    }
    const uint64_t offset = task.chunks.empty() ? 0 : task.chunks[0].offset;
    drive_of[t] = static_cast<int>((offset / ref.unit_size) % ref.code.k);
    worker_of.emplace(drive_of[t], 0);
  }
  const size_t workers = WorkerCount(worker_of.size());
  size_t next = 0;
  for (auto& [drive, worker] : worker_of) worker = next++ % workers;
  std::vector<table::ScanResult> results(ordered.size());
  std::vector<Status> statuses(workers);
  auto work = [&](size_t w) {
    FragmentChunkSource source(this, ref, codec);
    // Indexes only help a filter; the scan asks for one per row group.
    std::optional<FragmentIndexSource> indexes;
    if (spec.use_index && spec.filter) indexes.emplace(this, ref);
    uint64_t rows = 0;
    for (size_t t = 0; t < ordered.size(); ++t) {
      if (worker_of.at(drive_of[t]) != w) continue;
      // A worker's rows alone can satisfy the limit; the merge below keeps
      // the first ones in file order.
      if (!spec.aggregating() && spec.limit != table::kNoLimit && rows >= spec.limit) break;
      results[t] = table::EmptyResult(spec);
      statuses[w] = table::ScanRowGroups(spec, std::span(&ordered[t], 1), source, &results[t],
                                         indexes ? &*indexes : nullptr);
      if (!statuses[w].ok()) return;
      rows += results[t].rows();
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (size_t w = 0; w < workers; ++w) {
    if (!statuses[w].ok()) {
      return statuses[w].WithContext("node " + node_id_ + ": blob " + ref.blob_id + " fragment " +
                                     std::to_string(ref.level1_position));
    }
  }
  table::ScanResult merged = table::EmptyResult(spec);
  for (table::ScanResult& result : results) {
    if (result.columns.empty() && result.aggregates.empty() && result.counters.row_groups == 0) continue;
    table::MergeResult(spec, std::move(result), &merged);
  }
  return merged;
}

}  // namespace strata
