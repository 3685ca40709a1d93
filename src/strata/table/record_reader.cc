#include "strata/table/record_reader.h"

#include <cstring>

namespace strata::table {

namespace {

size_t WidthOf(parquet::Type type) {
  switch (type) {
    case parquet::Type::kBoolean: return 1;
    case parquet::Type::kInt32:
    case parquet::Type::kFloat: return 4;
    case parquet::Type::kInt64:
    case parquet::Type::kDouble: return 8;
    default: return 0;
  }
}

template <typename T>
void Gather(std::string_view records, size_t record_size, size_t offset, std::vector<T>* out) {
  const size_t n = records.size() / record_size;
  out->resize(n);
  for (size_t i = 0; i < n; ++i) std::memcpy(&(*out)[i], records.data() + i * record_size + offset, sizeof(T));
}

}  // namespace

Result<RecordDecoder> RecordDecoder::Create(const std::vector<parquet::ColumnSchema>& schema) {
  RecordDecoder decoder;
  for (const parquet::ColumnSchema& column : schema) {
    const size_t width = WidthOf(column.type);
    if (width == 0) {
      return Status::InvalidArgument("column '" + column.name + "': raw records hold fixed-width numbers only");
    }
    if (column.optional) return Status::InvalidArgument("column '" + column.name + "': raw records have no nulls");
    decoder.offsets_.push_back(decoder.record_size_);
    decoder.record_size_ += width;
  }
  if (decoder.record_size_ == 0) return Status::InvalidArgument("schema has no columns");
  decoder.schema_ = schema;
  return decoder;
}

void RecordDecoder::Decode(std::string_view records, std::vector<parquet::ColumnVector>* columns) const {
  columns->assign(schema_.size(), parquet::ColumnVector());
  for (size_t c = 0; c < schema_.size(); ++c) {
    parquet::ColumnVector& column = (*columns)[c];
    column.type = schema_[c].type;
    switch (column.type) {
      case parquet::Type::kBoolean:
        Gather(records, record_size_, offsets_[c], &column.bools);
        for (uint8_t& b : column.bools) b = b != 0;
        break;
      case parquet::Type::kInt32: Gather(records, record_size_, offsets_[c], &column.int32s); break;
      case parquet::Type::kInt64: Gather(records, record_size_, offsets_[c], &column.int64s); break;
      case parquet::Type::kFloat: Gather(records, record_size_, offsets_[c], &column.floats); break;
      default: Gather(records, record_size_, offsets_[c], &column.doubles); break;
    }
  }
}

}  // namespace strata::table
