// Reading a Parquet file from any random-access source: the footer, the flat
// schema Strata handles, where each column chunk lies, and whole row groups.
// Files from other writers (DuckDB, Arrow, Spark) read the same way as
// Strata's own; what Strata cannot represent is refused with the column's
// name instead of being misread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/column_vector.h"
#include "strata/parquet/parquet_metadata.h"

namespace strata::parquet {

class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `length` bytes at `offset` into *out (replacing it).
  virtual Status ReadAt(uint64_t offset, uint64_t length, std::string* out) = 0;
};

// A local file read with pread.
class LocalFileSource : public RandomAccessSource {
 public:
  static Result<std::unique_ptr<LocalFileSource>> Open(const std::string& path);
  ~LocalFileSource() override;
  uint64_t size() const override { return size_; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override;

 private:
  LocalFileSource(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  uint64_t size_;
};

// Reads the footer. `name` names the file in errors ("bucket/key: not a
// Parquet file (no PAR1 at its end)").
Result<FileMetaData> ReadFileMetaData(RandomAccessSource& source, const std::string& name);

// The leaf columns of a flat schema. InvalidArgument naming the column for
// nested or repeated columns and types Strata does not read (INT96,
// FIXED_LEN_BYTE_ARRAY, DECIMAL, unsigned 32- and 64-bit integers).
Result<std::vector<ColumnSchema>> FlatSchema(const FileMetaData& metadata);

struct ChunkRange {
  uint64_t offset = 0;  // first page (the dictionary page if there is one)
  uint64_t length = 0;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
};

// Where column `column` of row group `row_group` lies; Corruption when the
// metadata puts it outside a file of `file_size` bytes.
Result<ChunkRange> ChunkRangeOf(const FileMetaData& metadata, size_t row_group, size_t column, uint64_t file_size);

// The unit size an aligned file was written for (its footer says so), or 0.
uint32_t AlignedUnitSize(const FileMetaData& metadata);

// Reads every column of one row group.
Status ReadRowGroup(RandomAccessSource& source, const FileMetaData& metadata, const std::vector<ColumnSchema>& schema,
                    size_t row_group, std::vector<ColumnVector>* out);

}  // namespace strata::parquet
