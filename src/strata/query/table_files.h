// Table files: what a query's FROM names, opened. An object key names one
// table; a prefix ("bucket/run1/") names every Parquet object under it, which
// must share one schema. Each file is opened with an ObjectReader, which pins
// its blobs until the query ends, and its footer is read. A file stored as
// one blob of its own with every row group inside a unit is "aligned": its
// row groups can be scanned by the nodes that hold them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"
#include "strata/objects/object_reader.h"
#include "strata/objects/object_store.h"
#include "strata/parquet/file_reader.h"
#include "strata/table/prune.h"
#include "strata/table/scan.h"

namespace strata::query {

// Random access to an object through its reader (the normal read path, every
// unit verified). Counts the distinct units it touched, which is what the
// drives read.
class ObjectSource : public parquet::RandomAccessSource {
 public:
  ObjectSource(ObjectReader* reader, uint32_t unit_size) : reader_(reader), unit_size_(unit_size) {}
  uint64_t size() const override { return reader_->record().size; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override;
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  ObjectReader* reader_;
  uint32_t unit_size_;
  uint64_t bytes_read_ = 0;
  uint64_t last_unit_ = UINT64_MAX;
};

struct TableFile {
  std::string bucket;
  std::string key;
  std::unique_ptr<ObjectReader> reader;  // pins the object's blobs
  std::unique_ptr<ObjectSource> source;
  parquet::FileMetaData metadata;
  std::vector<table::ScanColumn> columns;
  BlobRecord blob;          // when stored as one blob of its own
  bool aligned = false;     // every row group inside one unit of `blob`
  std::string not_aligned;  // why not, for --explain
};

// Opens the table(s) FROM names: "bucket/key" or "bucket/prefix/" (also a
// prefix without the slash when no object has that exact key). NotFound
// when nothing is there; InvalidArgument naming the object for a file that
// is not Parquet or whose schema differs from the first one's. `access` is
// what each file's dataset counts (kInternal: nothing).
Result<std::vector<TableFile>> OpenTables(ObjectStore& store, const std::string& target,
                                          AccessKind access = AccessKind::kQuery);

// Opens exactly the object "bucket/key" as a table (S3 Select's S3Object):
// NotFound when there is no such object, whatever lies under it as a prefix.
Result<std::vector<TableFile>> OpenTableObject(ObjectStore& store, const std::string& target,
                                               AccessKind access = AccessKind::kQuery);

// Where the column chunks of one row group lie in the file (blob offsets),
// for a scan or an index build: one ChunkLocation per column of
// `file.columns`. Corruption when the footer puts a chunk outside the file.
Result<table::RowGroupTask> RowGroupTaskOf(const TableFile& file, size_t row_group);

// Statistics of one row group for pruning, per column of `file.columns`.
std::vector<table::ColumnStats> RowGroupStats(const TableFile& file, size_t row_group);

}  // namespace strata::query
