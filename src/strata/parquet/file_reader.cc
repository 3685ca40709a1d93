#include "strata/parquet/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "strata/parquet/column_chunk.h"

namespace strata::parquet {

Result<std::unique_ptr<LocalFileSource>> LocalFileSource::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno(err, "stat " + path);
  }
  return std::unique_ptr<LocalFileSource>(new LocalFileSource(path, fd, static_cast<uint64_t>(st.st_size)));
}

LocalFileSource::~LocalFileSource() { ::close(fd_); }

Status LocalFileSource::ReadAt(uint64_t offset, uint64_t length, std::string* out) {
  if (offset > size_ || length > size_ - offset) {
    return Status::Corruption(path_ + ": read of " + std::to_string(length) + " bytes at " + std::to_string(offset) +
                              " past the end (" + std::to_string(size_) + " bytes)");
  }
  out->resize(length);
  uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, out->data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "read " + path_);
    }
    if (n == 0) return Status::IOError(path_ + ": file shrank while reading");
    done += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

Result<FileMetaData> ReadFileMetaData(RandomAccessSource& source, const std::string& name) {
  const uint64_t size = source.size();
  if (size < 12) return Status::Corruption(name + ": not a Parquet file (" + std::to_string(size) + " bytes)");
  std::string tail;
  RETURN_IF_ERROR(source.ReadAt(size - 8, 8, &tail));
  if (std::memcmp(tail.data() + 4, kMagic, 4) != 0) {
    return Status::Corruption(name + ": not a Parquet file (no PAR1 at its end)");
  }
  uint32_t length = 0;
  std::memcpy(&length, tail.data(), 4);
  if (length > size - 12) {
    return Status::Corruption(name + ": footer length " + std::to_string(length) + " exceeds the file");
  }
  std::string footer;
  RETURN_IF_ERROR(source.ReadAt(size - 8 - length, length, &footer));
  Result<FileMetaData> metadata = ParseFileMetaData(footer);
  if (!metadata.ok()) return metadata.status().WithContext(name + ": footer");
  int64_t rows = 0;
  for (const RowGroup& group : metadata->row_groups) rows += group.num_rows;
  if (rows != metadata->num_rows) {
    return Status::Corruption(name + ": footer says " + std::to_string(metadata->num_rows) +
                              " rows, its row groups hold " + std::to_string(rows));
  }
  return metadata;
}

Result<std::vector<ColumnSchema>> FlatSchema(const FileMetaData& metadata) {
  if (metadata.schema.empty()) return Status::Corruption("empty schema");
  std::vector<ColumnSchema> columns;
  const SchemaElement& root = metadata.schema[0];
  const size_t children = root.num_children.value_or(0);
  if (children != metadata.schema.size() - 1) {
    for (size_t i = 1; i < metadata.schema.size(); ++i) {
      if (metadata.schema[i].num_children.value_or(0) > 0) {
        return Status::InvalidArgument("column '" + metadata.schema[i].name +
                                       "' is nested; only flat tables are supported");
      }
    }
    return Status::Corruption("schema lists " + std::to_string(metadata.schema.size() - 1) + " columns, its root " +
                              std::to_string(children));
  }
  for (size_t i = 1; i < metadata.schema.size(); ++i) {
    const SchemaElement& e = metadata.schema[i];
    auto refuse = [&](const std::string& why) {
      return Status::InvalidArgument("column '" + e.name + "': " + why + " is not supported");
    };
    if (e.num_children.value_or(0) > 0 || !e.type) return refuse("a nested column");
    if (e.repetition_type == Repetition::kRepeated) return refuse("a repeated column");
    const Type type = *e.type;
    if (type == Type::kInt96) return refuse("INT96 (legacy timestamps)");
    if (type == Type::kFixedLenByteArray) return refuse("FIXED_LEN_BYTE_ARRAY");
    if (type != Type::kBoolean && type != Type::kInt32 && type != Type::kInt64 && type != Type::kFloat &&
        type != Type::kDouble && type != Type::kByteArray) {
      return refuse("type " + TypeName(type));
    }
    const LogicalType& logical = e.logical_type;
    if (logical.kind == LogicalKind::kDecimal || e.converted_type == 5 /* DECIMAL */) return refuse("DECIMAL");
    if (logical.kind == LogicalKind::kInteger && !logical.integer_signed && logical.integer_bit_width >= 32) {
      return refuse("an unsigned " + std::to_string(logical.integer_bit_width) + "-bit integer");
    }
    // Legacy UINT_32 and UINT_64 converted types.
    if (e.converted_type == 13 || e.converted_type == 14) return refuse("an unsigned 32- or 64-bit integer");
    columns.push_back({e.name, type, e.repetition_type != Repetition::kRequired});
  }
  return columns;
}

Result<ChunkRange> ChunkRangeOf(const FileMetaData& metadata, size_t row_group, size_t column, uint64_t file_size) {
  const std::string where = "row group " + std::to_string(row_group) + ", column " + std::to_string(column);
  if (row_group >= metadata.row_groups.size()) return Status::InvalidArgument(where + ": no such row group");
  const RowGroup& group = metadata.row_groups[row_group];
  if (column >= group.columns.size()) return Status::Corruption(where + ": missing from the row group");
  const ColumnChunk& chunk = group.columns[column];
  if (chunk.file_path) return Status::InvalidArgument(where + ": data in another file is not supported");
  if (!chunk.meta_data) return Status::Corruption(where + ": no column metadata");
  const ColumnMetaData& meta = *chunk.meta_data;
  ChunkRange range;
  range.offset = static_cast<uint64_t>(meta.data_page_offset);
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      static_cast<uint64_t>(*meta.dictionary_page_offset) < range.offset) {
    range.offset = static_cast<uint64_t>(*meta.dictionary_page_offset);
  }
  range.length = static_cast<uint64_t>(meta.total_compressed_size);
  range.codec = meta.codec;
  range.num_values = meta.num_values;
  if (range.offset > file_size || range.length > file_size - range.offset) {
    return Status::Corruption(where + ": chunk lies outside the file");
  }
  if (meta.num_values != group.num_rows) {
    return Status::Corruption(where + ": " + std::to_string(meta.num_values) + " values for " +
                              std::to_string(group.num_rows) + " rows");
  }
  return range;
}

uint32_t AlignedUnitSize(const FileMetaData& metadata) {
  for (const KeyValue& kv : metadata.key_value_metadata) {
    if (kv.key != kAlignedUnitKey || !kv.value) continue;
    uint32_t size = 0;
    const std::string& v = *kv.value;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
    if (ec == std::errc() && end == v.data() + v.size()) return size;
  }
  return 0;
}

Status ReadRowGroup(RandomAccessSource& source, const FileMetaData& metadata, const std::vector<ColumnSchema>& schema,
                    size_t row_group, std::vector<ColumnVector>* out) {
  out->resize(schema.size());
  std::string bytes;
  for (size_t c = 0; c < schema.size(); ++c) {
    ASSIGN_OR_RETURN(ChunkRange range, ChunkRangeOf(metadata, row_group, c, source.size()));
    RETURN_IF_ERROR(source.ReadAt(range.offset, range.length, &bytes));
    ChunkDecodeOptions options;
    options.type = schema[c].type;
    options.optional = schema[c].optional;
    options.codec = range.codec;
    options.num_values = range.num_values;
    ChunkDecodeInfo info;
    RETURN_IF_ERROR(DecodeColumnChunk(bytes, options, &(*out)[c], &info)
                        .WithContext("row group " + std::to_string(row_group) + ", column '" + schema[c].name + "'"));
  }
  return Status::OK();
}

}  // namespace strata::parquet
