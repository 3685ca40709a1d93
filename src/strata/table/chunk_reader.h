// ChunkReader reads and decodes the column chunks of row groups from a
// ChunkSource: a whole chunk, or only the data pages that hold given rows
// when the chunk has an OffsetIndex. Bytes the source could not vouch for
// are trusted by their pages' CRCs, and read again verified when a CRC is
// missing or wrong, so a damaged drive never changes an answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/table/scan.h"

namespace strata::table {

class ChunkReader {
 public:
  ChunkReader(const ScanSpec& spec, ChunkSource& source, ScanCounters* counters)
      : spec_(spec), source_(source), counters_(counters) {}

  // Decodes the task's whole chunk of column `c` into *out (replacing it).
  Status ReadChunk(const RowGroupTask& task, int c, ColumnVector* out);

  // The values of column `c` at `rows` (ascending, distinct) into *out,
  // reading only the pages that hold them. False when that would not save
  // reading (no OffsetIndex, a dictionary page, more than half the chunk's
  // bytes) or the page path failed; the caller then reads the whole chunk.
  bool ReadRows(const RowGroupTask& task, int c, const std::vector<uint32_t>& rows, ColumnVector* out);

 private:
  // Reads [offset, offset + length) and decodes it as `num_values` values
  // of column c, once more verified when unverified bytes fail.
  Status ReadAndDecode(const RowGroupTask& task, int c, uint64_t offset, uint64_t length, int64_t num_values,
                       ColumnVector* out);
  Status ReadPages(const RowGroupTask& task, int c, const std::vector<uint32_t>& rows, ColumnVector* out,
                   bool* worth_it);
  std::string Where(const RowGroupTask& task, int column) const;

  const ScanSpec& spec_;
  ChunkSource& source_;
  ScanCounters* counters_;
  // Reused from read to read: fresh buffers of a chunk's size cost page
  // faults that dominated scans of data in the page cache.
  std::string bytes_;
};

}  // namespace strata::table
