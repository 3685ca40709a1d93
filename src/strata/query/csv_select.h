// S3 Select over a CSV object: the bytes stream in (never the whole object),
// CsvParser cuts them into records, records become batches of STRING columns
// named by the header (USE) or _1.._N, and BatchScan evaluates the bound query
// on each batch. Every value is a string, as S3 Select reads CSV: '_3 > 5'
// is a type error, '_3 > '5'' compares text, 'CAST(_3 AS FLOAT) > 5' numbers.
// An empty field is NULL, as `strata ingest table` and DuckDB read CSV: the
// engine evaluates both sides of AND, so a NULL is what lets CAST pass over
// empty fields instead of failing the query. A record with fewer fields than
// the columns has NULL in the missing ones; extra fields are ignored. Errors
// name the line. Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "strata/base/status.h"
#include "strata/objects/object_reader.h"
#include "strata/query/query_engine.h"
#include "strata/table/csv_table.h"

namespace strata::query {

enum class CsvHeader { kNone, kIgnore, kUse };

struct CsvInput {
  table::CsvFormat format;
  CsvHeader header = CsvHeader::kNone;
};

// The bytes of the input, in order.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Fills up to out.size() bytes; 0 at the end.
  virtual Result<size_t> Read(std::span<char> out) = 0;
};

// An object read front to back through its reader (every unit verified).
class ObjectStream : public ByteStream {
 public:
  explicit ObjectStream(ObjectReader* reader) : reader_(reader) {}
  Result<size_t> Read(std::span<char> out) override;

 private:
  ObjectReader* reader_;
  uint64_t offset_ = 0;
};

// Rows per batch: bounds memory whatever the object's size.
inline constexpr size_t kCsvBatchRows = 64 << 10;

// Runs `sql` (FROM S3Object) over the CSV in `input`, streaming result rows
// to `sink`. `name` names the object in errors. options.progress is called
// after each batch; stats->bytes_read counts the input bytes consumed.
Status RunCsvSelect(std::string_view sql, std::string_view name, const CsvInput& csv, const QueryOptions& options,
                    ByteStream& input, ResultSink* sink, QueryStats* stats);

}  // namespace strata::query
