#include "strata/table/chunk_reader.h"

#include <algorithm>

#include "strata/parquet/column_chunk.h"
#include "strata/parquet/parquet_metadata.h"

namespace strata::table {

namespace {

// Page runs: consecutive pages read and decoded together.
struct PageRun {
  size_t first_page = 0;
  size_t last_page = 0;  // inclusive
};

// Checks that an offset index describes pages inside the chunk, starting at
// its first byte (so there is no dictionary page to read first) and at row 0.
// Page offsets are file offsets, as the chunk's file_offset.
bool UsableIndex(const parquet::OffsetIndex& index, const ChunkLocation& chunk, int64_t num_rows) {
  const auto& pages = index.page_locations;
  if (pages.empty() || pages[0].offset < 0 || static_cast<uint64_t>(pages[0].offset) != chunk.file_offset) return false;
  const uint64_t end = chunk.file_offset + chunk.length;
  int64_t previous_row = -1;
  for (const parquet::PageLocation& p : pages) {
    if (p.offset < 0 || p.compressed_page_size <= 0) return false;
    if (static_cast<uint64_t>(p.offset) < chunk.file_offset ||
        static_cast<uint64_t>(p.offset) + static_cast<uint64_t>(p.compressed_page_size) > end) {
      return false;
    }
    if (p.first_row_index <= previous_row || p.first_row_index >= num_rows) return false;
    previous_row = p.first_row_index;
  }
  return pages[0].first_row_index == 0;
}

}  // namespace

std::string ChunkReader::Where(const RowGroupTask& task, int column) const {
  std::string where = "row group " + std::to_string(task.row_group);
  if (column >= 0) where += ", column '" + spec_.columns[column].name + "'";
  return where;
}

Status ChunkReader::ReadAndDecode(const RowGroupTask& task, int c, uint64_t offset, uint64_t length,
                                  int64_t num_values, ColumnVector* out) {
  const ChunkLocation& where = task.chunks[c];
  const ScanColumn& column = spec_.columns[c];
  parquet::ChunkDecodeOptions options;
  options.type = column.type;
  options.optional = column.optional;
  options.codec = where.codec;
  options.num_values = num_values;
  std::string& bytes = bytes_;
  bool verified = false;
  const uint64_t before = source_.bytes_read();
  Status read = source_.Read(offset, length, false, &bytes, &verified);
  Status decoded = read;
  if (read.ok()) {
    parquet::ChunkDecodeInfo info;
    decoded = parquet::DecodeColumnChunk(bytes, options, out, &info);
    if (decoded.ok() && !verified && !info.every_page_has_crc) decoded = Status::Corruption("pages carry no CRC");
  }
  if (!decoded.ok() && !verified && decoded.code() != StatusCode::kInvalidArgument) {
    ++counters_->reread_chunks;
    Status reread = source_.Read(offset, length, true, &bytes, &verified);
    if (reread.ok()) {
      parquet::ChunkDecodeInfo info;
      decoded = parquet::DecodeColumnChunk(bytes, options, out, &info);
    } else {
      decoded = reread;
    }
  }
  counters_->bytes_read += source_.bytes_read() - before;
  RETURN_IF_ERROR(decoded.WithContext(Where(task, c)));
  if (out->size() != static_cast<size_t>(num_values)) {
    return Status::Corruption(Where(task, c) + ": " + std::to_string(out->size()) + " values where " +
                              std::to_string(num_values) + " were expected");
  }
  return Status::OK();
}

Status ChunkReader::ReadChunk(const RowGroupTask& task, int c, ColumnVector* out) {
  const ChunkLocation& where = task.chunks[c];
  return ReadAndDecode(task, c, where.offset, where.length, task.num_rows, out);
}

bool ChunkReader::ReadRows(const RowGroupTask& task, int c, const std::vector<uint32_t>& rows, ColumnVector* out) {
  if (task.chunks[c].page_index_length == 0 || rows.empty()) return false;
  bool worth_it = true;
  // Any failure here (a damaged offset index, a page that does not decode
  // even when read verified) leaves the whole-chunk path to decide.
  return ReadPages(task, c, rows, out, &worth_it).ok() && worth_it;
}

Status ChunkReader::ReadPages(const RowGroupTask& task, int c, const std::vector<uint32_t>& rows, ColumnVector* out,
                              bool* worth_it) {
  const ChunkLocation& chunk = task.chunks[c];
  const uint64_t before = source_.bytes_read();
  std::string bytes;
  bool verified = false;
  Status read = source_.Read(chunk.page_index_offset, chunk.page_index_length, false, &bytes, &verified);
  Result<parquet::OffsetIndex> index = read.ok() ? parquet::ParseOffsetIndex(bytes) : Result<parquet::OffsetIndex>(read);
  if ((!index.ok() || !UsableIndex(*index, chunk, task.num_rows)) && !verified) {
    RETURN_IF_ERROR(source_.Read(chunk.page_index_offset, chunk.page_index_length, true, &bytes, &verified));
    index = parquet::ParseOffsetIndex(bytes);
  }
  counters_->bytes_read += source_.bytes_read() - before;
  RETURN_IF_ERROR(index.status());
  if (!UsableIndex(*index, chunk, task.num_rows)) {
    *worth_it = false;
    return Status::OK();
  }
  const auto& pages = index->page_locations;
  auto page_end_row = [&](size_t p) {
    return p + 1 < pages.size() ? pages[p + 1].first_row_index : task.num_rows;
  };
  // The pages that hold the rows, grouped into runs of consecutive pages.
  std::vector<PageRun> runs;
  uint64_t bytes_needed = 0;
  for (uint32_t row : rows) {
    if (row >= static_cast<uint64_t>(task.num_rows)) return Status::InvalidArgument(Where(task, c) + ": row out of range");
    const auto after = std::upper_bound(pages.begin(), pages.end(), static_cast<int64_t>(row),
                                        [](int64_t r, const parquet::PageLocation& p) { return r < p.first_row_index; });
    const size_t page = static_cast<size_t>(after - pages.begin()) - 1;
    if (!runs.empty() && runs.back().last_page >= page) continue;
    bytes_needed += static_cast<uint64_t>(pages[page].compressed_page_size);
    if (!runs.empty() && runs.back().last_page + 1 == page) {
      runs.back().last_page = page;
    } else {
      runs.push_back({page, page});
    }
  }
  if (bytes_needed * 2 > chunk.length) {
    *worth_it = false;
    return Status::OK();
  }
  *out = ColumnVector(spec_.columns[c].type);
  size_t next_row = 0;
  ColumnVector run_values;
  ColumnVector picked;
  std::vector<uint32_t> local;
  for (const PageRun& run : runs) {
    // From file offsets to the source's: the chunk may have been rebased.
    const uint64_t offset = static_cast<uint64_t>(pages[run.first_page].offset) - chunk.file_offset + chunk.offset;
    const uint64_t end = static_cast<uint64_t>(pages[run.last_page].offset) - chunk.file_offset + chunk.offset +
                         static_cast<uint64_t>(pages[run.last_page].compressed_page_size);
    const int64_t first_row = pages[run.first_page].first_row_index;
    const int64_t end_row = page_end_row(run.last_page);
    RETURN_IF_ERROR(ReadAndDecode(task, c, offset, end - offset, end_row - first_row, &run_values));
    counters_->pages_read += run.last_page - run.first_page + 1;
    local.clear();
    while (next_row < rows.size() && static_cast<int64_t>(rows[next_row]) < end_row) {
      local.push_back(static_cast<uint32_t>(rows[next_row] - first_row));
      ++next_row;
    }
    GatherRows(run_values, local, &picked);
    AppendColumn(picked, out);
  }
  if (out->size() != rows.size()) return Status::Corruption(Where(task, c) + ": pages do not cover the rows");
  return Status::OK();
}

}  // namespace strata::table
