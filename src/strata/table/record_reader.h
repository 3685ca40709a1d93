// Raw binary records as a table source: fixed-size records of packed
// little-endian fields in schema order (a C struct without padding, as
// simulation codes dump particles). Decodes whole records into columns.
#pragma once

#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/column_vector.h"

namespace strata::table {

class RecordDecoder {
 public:
  // InvalidArgument for strings or optional columns, which raw records cannot hold.
  static Result<RecordDecoder> Create(const std::vector<parquet::ColumnSchema>& schema);
  size_t record_size() const { return record_size_; }
  // `records` holds whole records; *columns is replaced by their values.
  void Decode(std::string_view records, std::vector<parquet::ColumnVector>* columns) const;

 private:
  std::vector<parquet::ColumnSchema> schema_;
  std::vector<size_t> offsets_;
  size_t record_size_ = 0;
};

}  // namespace strata::table
