// LocalNode::IndexFragment and FragmentIndexSource: building the row-group
// indexes of a fragment's row groups and reading them back during a scan.
// Row groups are split by the drive (level-2 position) that holds their unit,
// as ScanFragment splits them, and each drive group is built by one worker
// that holds one unit and its decoded columns at a time; the sections (a few
// percent of a unit each) are kept until the drive's index file is written.
#include "strata/node/fragment_index.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <thread>

#include "strata/node/fragment_blocks.h"
#include "strata/parquet/column_chunk.h"

namespace strata {

namespace {

struct IndexJob {
  const table::RowGroupTask* task = nullptr;
  uint64_t unit = 0;
};

// Workers: as many as there are drives with work, up to the cores.
size_t IndexWorkerCount(size_t drive_groups) {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(drive_groups, cores));
}

// Decodes every column chunk of the task out of its unit (`unit_bytes`,
// which starts at fragment offset `unit_start`).
Status DecodeRowGroup(const std::vector<table::ScanColumn>& columns, const table::RowGroupTask& task,
                      std::string_view unit_bytes, uint64_t unit_start, std::vector<table::ColumnVector>* decoded) {
  decoded->resize(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    const table::ChunkLocation& chunk = task.chunks[c];
    parquet::ChunkDecodeOptions options;
    options.type = columns[c].type;
    options.optional = columns[c].optional;
    options.codec = chunk.codec;
    options.num_values = chunk.num_values;
    parquet::ChunkDecodeInfo info;
    const std::string_view bytes = chunk.length == 0 ? std::string_view()
                                                     : unit_bytes.substr(chunk.offset - unit_start, chunk.length);
    RETURN_IF_ERROR(parquet::DecodeColumnChunk(bytes, options, &(*decoded)[c], &info)
                        .WithContext("column " + columns[c].name));
    if ((*decoded)[c].size() != static_cast<size_t>(task.num_rows)) {
      return Status::Corruption("column " + columns[c].name + ": " + std::to_string((*decoded)[c].size()) +
                                " values for " + std::to_string(task.num_rows) + " rows");
    }
  }
  return Status::OK();
}

}  // namespace

Result<uint64_t> TaskUnit(const StripeGeometry& geometry, const table::RowGroupTask& task) {
  const std::string where = "row group " + std::to_string(task.row_group);
  const uint64_t unit_size = geometry.unit_size;
  std::optional<uint64_t> unit;
  for (const table::ChunkLocation& chunk : task.chunks) {
    if (chunk.length == 0) continue;
    const uint64_t u = chunk.offset / unit_size;
    if (u >= geometry.data_unit_count()) {
      return Status::InvalidArgument(where + ": chunk at fragment offset " + std::to_string(chunk.offset) +
                                     " is past the fragment");
    }
    const uint64_t in_unit = chunk.offset % unit_size;
    const uint32_t unit_length = geometry.DataUnitLength(u);
    if (in_unit > unit_length || chunk.length > unit_length - in_unit) {
      return Status::InvalidArgument(where + ": chunk of " + std::to_string(chunk.length) +
                                     " bytes at fragment offset " + std::to_string(chunk.offset) +
                                     " crosses its unit's end");
    }
    if (unit && *unit != u) {
      return Status::InvalidArgument(where + ": its chunks lie in units " + std::to_string(*unit) + " and " +
                                     std::to_string(u) + " of the fragment");
    }
    unit = u;
  }
  if (!unit) {
    const uint64_t offset = task.chunks.empty() ? 0 : task.chunks[0].offset;
    unit = offset / unit_size;
    if (*unit >= geometry.data_unit_count()) {
      return Status::InvalidArgument(where + ": fragment offset " + std::to_string(offset) + " is past the fragment");
    }
  }
  return *unit;
}

Result<IndexBuildReport> LocalNode::IndexFragment(const FragmentRef& ref, const std::vector<table::ScanColumn>& columns,
                                                  const std::vector<table::RowGroupTask>& tasks) {
  ASSIGN_OR_RETURN(auto codec, FragmentCodec(ref));
  const std::string where = "node " + node_id_ + ": blob " + ref.blob_id + " fragment " +
                            std::to_string(ref.level1_position);
  if (ref.unit_size == 0) return Status::InvalidArgument(where + ": unit size 0");
  const StripeGeometry geometry{ref.fragment_bytes, ref.unit_size, ref.code};
  // Every task is checked before any work, so a bad request changes nothing.
  std::map<int, std::vector<IndexJob>> by_position;
  std::set<uint64_t> row_groups;
  for (const table::RowGroupTask& task : tasks) {
    const std::string group = "row group " + std::to_string(task.row_group);
    if (task.chunks.size() != columns.size()) {
      return Status::InvalidArgument(where + ": " + group + ": " + std::to_string(task.chunks.size()) +
                                     " chunks for " + std::to_string(columns.size()) + " columns");
    }
    if (task.num_rows <= 0) return Status::InvalidArgument(where + ": " + group + " has no rows");
    if (!row_groups.insert(task.row_group).second) {
      return Status::InvalidArgument(where + ": " + group + " is given twice");
    }
    Result<uint64_t> unit = TaskUnit(geometry, task);
    if (!unit.ok()) return unit.status().WithContext(where);
    by_position[static_cast<int>(*unit % ref.code.k)].push_back(IndexJob{&task, *unit});
  }
  IndexBuildReport total;
  if (std::none_of(columns.begin(), columns.end(), [](const auto& c) { return table::Indexable(c.type); })) {
    total.row_groups_skipped = tasks.size();
    if (!tasks.empty()) total.problems.push_back(where + ": no column of a type that is indexed");
    return total;
  }

  std::vector<int> positions;
  for (const auto& [position, jobs] : by_position) positions.push_back(position);
  const size_t workers = IndexWorkerCount(positions.size());
  std::vector<IndexBuildReport> reports(workers);
  auto work = [&](size_t w) {
    IndexBuildReport& report = reports[w];
    FragmentBlocks blocks(this, ref, codec);
    std::vector<std::byte> unit_bytes;
    std::vector<table::ColumnVector> decoded;
    for (size_t i = w; i < positions.size(); i += workers) {
      const int position = positions[i];
      const std::vector<IndexJob>& jobs = by_position.at(position);
      const std::string& drive_id = ref.drive_ids[position];
      const std::string at = where + " drive " + (drive_id.empty() ? "(none)" : drive_id) + " (position " +
                             std::to_string(position) + ")";
      // The index goes beside the block, so a drive that cannot take it is
      // not worth reading units for.
      std::string why = "no block was written there";
      std::shared_ptr<Drive> drive = drive_id.empty() ? nullptr : UpDrive(drive_id, &why);
      if (!drive) {
        report.row_groups_skipped += jobs.size();
        report.problems.push_back(at + ": " + std::to_string(jobs.size()) + " row groups not indexed: drive is down: " +
                                  why);
        continue;
      }
      std::vector<IndexSection> sections;
      for (const IndexJob& job : jobs) {
        const table::RowGroupTask& task = *job.task;
        const std::string group = at + ": row group " + std::to_string(task.row_group);
        uint64_t ignored = 0;
        Status st = blocks.ReadDataUnit(job.unit, &unit_bytes, &ignored);
        if (st.ok()) {
          const std::string_view bytes(reinterpret_cast<const char*>(unit_bytes.data()), unit_bytes.size());
          st = DecodeRowGroup(columns, task, bytes, job.unit * ref.unit_size, &decoded);
        }
        if (!st.ok()) {
          ++report.row_groups_skipped;
          report.problems.push_back(group + ": " + st.message());
          continue;
        }
        const table::RowGroupIndex index = table::BuildRowGroupIndex(columns, decoded, task);
        sections.push_back(IndexSection{task.row_group, job.unit, table::SerializeRowGroupIndex(index)});
      }
      // Nothing built (every unit unreadable): an older index file is left
      // alone rather than replaced by an empty one.
      if (sections.empty()) continue;
      const size_t count = sections.size();
      Result<uint64_t> written = drive->WriteIndexFile(ref.Block(position), std::move(sections));
      if (!written.ok()) {
        if (written.status().code() == StatusCode::kIOError) {
          NoteFailure(drive_id, written.status(), FailureKind::kWrite);
        }
        report.row_groups_skipped += count;
        report.problems.push_back(at + ": " + std::to_string(count) +
                                  " row groups not indexed: " + written.status().message());
        continue;
      }
      report.row_groups_indexed += count;
      report.bytes_written += *written;
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (const IndexBuildReport& report : reports) total.Add(report);
  return total;
}

FragmentIndexSource::FragmentIndexSource(LocalNode* node, FragmentRef ref)
    : node_(node), ref_(std::move(ref)), geometry_{ref_.fragment_bytes, ref_.unit_size, ref_.code} {}

std::optional<table::RowGroupIndex> FragmentIndexSource::Find(const table::RowGroupTask& task) {
  if (ref_.unit_size == 0 || ref_.code.k <= 0) return std::nullopt;
  Result<uint64_t> unit = TaskUnit(geometry_, task);
  if (!unit.ok()) return std::nullopt;
  const int position = static_cast<int>(*unit % ref_.code.k);
  IndexFileReader* reader = Reader(position);
  if (reader == nullptr) return std::nullopt;
  const IndexEntry* entry = reader->Find(task.row_group);
  // An entry for another unit was built from another layout of the file.
  if (entry == nullptr || entry->unit != *unit) return std::nullopt;
  std::string bytes;
  if (!reader->ReadSection(*entry, &bytes).ok()) return std::nullopt;
  Result<table::RowGroupIndex> index = table::ParseRowGroupIndex(bytes);
  if (!index.ok() || index->row_group != task.row_group) return std::nullopt;
  return std::move(index).value();
}

uint64_t FragmentIndexSource::bytes_read() const {
  uint64_t bytes = 0;
  for (const auto& [position, reader] : readers_) bytes += reader ? reader->bytes_read() : 0;
  return bytes;
}

IndexFileReader* FragmentIndexSource::Reader(int position) {
  if (auto it = readers_.find(position); it != readers_.end()) return it->second.get();
  std::unique_ptr<IndexFileReader>& slot = readers_[position];
  if (position >= static_cast<int>(ref_.drive_ids.size()) || ref_.drive_ids[position].empty()) return nullptr;
  std::string why;
  std::shared_ptr<Drive> drive = node_->UpDrive(ref_.drive_ids[position], &why);
  if (!drive) return nullptr;
  Result<std::unique_ptr<IndexFileReader>> opened = drive->OpenIndexFile(ref_.Block(position));
  if (!opened.ok()) {
    // Missing or damaged: the scan reads the chunks. A drive that fails
    // I/O is worth a health check, as for a block.
    if (opened.status().code() == StatusCode::kIOError) node_->NoteFailure(ref_.drive_ids[position], opened.status());
    return nullptr;
  }
  slot = std::move(opened).value();
  return slot.get();
}

}  // namespace strata
