#include "strata/query/table_files.h"

#include <cstring>

#include "strata/parquet/column_chunk.h"

namespace strata::query {

Status ObjectSource::ReadAt(uint64_t offset, uint64_t length, std::string* out) {
  out->resize(length);
  RETURN_IF_ERROR(reader_->Read(offset, std::span(reinterpret_cast<std::byte*>(out->data()), length)));
  // The read path reads and verifies whole units; count each unit once per
  // run of reads inside it.
  if (unit_size_ == 0 || length == 0) {
    bytes_read_ += length;
    return Status::OK();
  }
  const uint64_t first = offset / unit_size_;
  const uint64_t last = (offset + length - 1) / unit_size_;
  for (uint64_t u = first; u <= last; ++u) {
    if (u == last_unit_) continue;
    const uint64_t unit_start = u * unit_size_;
    bytes_read_ += std::min<uint64_t>(unit_size_, size() - unit_start);
  }
  last_unit_ = last;
  return Status::OK();
}

namespace {

Status OpenOne(ObjectStore& store, const ObjectRecord& record, AccessKind access, TableFile* file) {
  const std::string name = record.bucket + "/" + record.key;
  file->bucket = record.bucket;
  file->key = record.key;
  ASSIGN_OR_RETURN(file->reader, store.OpenObject(record.bucket, record.key, access));
  const ObjectRecord& opened = file->reader->record();
  uint32_t unit_size = store.config().unit_size;
  const bool own_blob = opened.parts.empty() && opened.blob_offset == 0;
  if (own_blob) {
    Result<BlobRecord> blob = store.catalog().GetBlob(opened.blob_id);
    if (blob.ok() && blob->kind == BlobKind::kObject && blob->size == opened.size) {
      file->blob = *blob;
      unit_size = blob->layout.unit_size;
    } else {
      file->not_aligned = "stored in a pack of small objects";
    }
  } else {
    file->not_aligned = opened.parts.empty() ? "stored in a pack of small objects" : "uploaded in parts";
  }
  file->source = std::make_unique<ObjectSource>(file->reader.get(), unit_size);
  ASSIGN_OR_RETURN(file->metadata, parquet::ReadFileMetaData(*file->source, name));
  Result<std::vector<parquet::ColumnSchema>> schema = parquet::FlatSchema(file->metadata);
  if (!schema.ok()) return schema.status().WithContext(name);
  for (const parquet::ColumnSchema& c : *schema) file->columns.push_back({c.name, c.type, c.optional});
  if (!file->not_aligned.empty()) return Status::OK();
  // Aligned when every row group lies inside one unit of its blob.
  for (size_t g = 0; g < file->metadata.row_groups.size(); ++g) {
    uint64_t unit = UINT64_MAX;
    for (size_t c = 0; c < file->columns.size(); ++c) {
      Result<parquet::ChunkRange> range = parquet::ChunkRangeOf(file->metadata, g, c, opened.size);
      if (!range.ok()) return range.status().WithContext(name);
      if (range->length == 0) continue;
      const uint64_t first = range->offset / unit_size;
      const uint64_t last = (range->offset + range->length - 1) / unit_size;
      if (first != last || (unit != UINT64_MAX && unit != first)) {
        file->not_aligned = "row group " + std::to_string(g) + " crosses a unit boundary";
        return Status::OK();
      }
      unit = first;
    }
  }
  file->aligned = true;
  return Status::OK();
}

bool SameSchema(const std::vector<table::ScanColumn>& a, const std::vector<table::ScanColumn>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  }
  return true;
}

std::string DescribeSchema(const std::vector<table::ScanColumn>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.name + " " + table::TypeLabel(c.type);
  return out;
}

}  // namespace

Result<std::vector<TableFile>> OpenTables(ObjectStore& store, const std::string& target, AccessKind access) {
  const size_t slash = target.find('/');
  const std::string bucket = target.substr(0, slash);
  const std::string key = slash == std::string::npos ? "" : target.substr(slash + 1);
  if (bucket.empty()) return Status::InvalidArgument("FROM needs bucket/key or bucket/prefix, got '" + target + "'");
  RETURN_IF_ERROR(store.GetBucket(bucket).status());
  std::vector<ObjectRecord> records;
  if (!key.empty() && key.back() != '/') {
    Result<ObjectRecord> one = store.Head(bucket, key);
    if (one.ok()) {
      records.push_back(*one);
    } else if (!one.status().IsNotFound()) {
      return one.status();
    }
  }
  if (records.empty()) {
    ListOptions options;
    options.prefix = key;
    for (;;) {
      ASSIGN_OR_RETURN(ListPage page, store.List(bucket, options));
      for (ObjectRecord& r : page.objects) {
        // A prefix takes the Parquet objects under it; other files (sidecars,
        // logs) are not tables.
        if (r.size >= 12 && r.key.size() >= 8 && r.key.compare(r.key.size() - 8, 8, ".parquet") == 0) {
          records.push_back(std::move(r));
        }
      }
      if (!page.truncated) break;
      options.start_after = page.next_start_after;
    }
  }
  if (records.empty()) return Status::NotFound("no table at '" + target + "' (no object, and no .parquet objects under it)");
  std::vector<TableFile> files(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    RETURN_IF_ERROR(OpenOne(store, records[i], access, &files[i]));
    if (i > 0 && !SameSchema(files[0].columns, files[i].columns)) {
      return Status::InvalidArgument(bucket + "/" + files[i].key + ": its columns (" + DescribeSchema(files[i].columns) +
                                     ") differ from " + bucket + "/" + files[0].key + "'s (" +
                                     DescribeSchema(files[0].columns) + ")");
    }
  }
  return files;
}

Result<std::vector<TableFile>> OpenTableObject(ObjectStore& store, const std::string& target, AccessKind access) {
  const size_t slash = target.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == target.size()) {
    return Status::InvalidArgument("an S3 Select target is bucket/key, got '" + target + "'");
  }
  ASSIGN_OR_RETURN(ObjectRecord record, store.Head(target.substr(0, slash), target.substr(slash + 1)));
  std::vector<TableFile> files(1);
  RETURN_IF_ERROR(OpenOne(store, record, access, &files[0]));
  return files;
}

Result<table::RowGroupTask> RowGroupTaskOf(const TableFile& file, size_t row_group) {
  Result<table::RowGroupTask> task =
      table::RowGroupTaskOf(file.metadata, row_group, file.columns.size(), file.reader->record().size);
  if (!task.ok()) return task.status().WithContext(file.bucket + "/" + file.key);
  return task;
}

std::vector<table::ColumnStats> RowGroupStats(const TableFile& file, size_t row_group) {
  std::vector<table::ColumnStats> stats(file.columns.size());
  const parquet::RowGroup& group = file.metadata.row_groups[row_group];
  for (size_t c = 0; c < file.columns.size() && c < group.columns.size(); ++c) {
    const auto& meta = group.columns[c].meta_data;
    if (!meta || !meta->statistics) continue;
    const parquet::Statistics& s = *meta->statistics;
    table::ColumnStats& out = stats[c];
    if (s.null_count) out.null_count = *s.null_count;
    const table::Type type = file.columns[c].type;
    // min_value/max_value are in the column's own order; the legacy min/max
    // are signed, which is the right order for every numeric type.
    const bool type_order = c < file.metadata.column_orders.size() &&
                            file.metadata.column_orders[c] == parquet::ColumnOrder::kTypeDefined;
    const std::string* lo = nullptr;
    const std::string* hi = nullptr;
    if (s.min_value && s.max_value && (type_order || type != table::Type::kByteArray)) {
      lo = &*s.min_value;
      hi = &*s.max_value;
    } else if (s.min && s.max && type != table::Type::kByteArray) {
      lo = &*s.min;
      hi = &*s.max;
    }
    if (lo == nullptr) continue;
    if (type == table::Type::kByteArray) {
      out.min = table::Value::String(*lo);
      out.max = table::Value::String(*hi);
      out.has_min_max = true;
      continue;
    }
    double dlo = 0, dhi = 0;
    int64_t ilo = 0, ihi = 0;
    if (!parquet::DecodeStatNumber(type, *lo, &dlo, &ilo) || !parquet::DecodeStatNumber(type, *hi, &dhi, &ihi)) continue;
    if (type == table::Type::kFloat || type == table::Type::kDouble) {
      out.min = table::Value::Double(dlo);
      out.max = table::Value::Double(dhi);
    } else if (type == table::Type::kBoolean) {
      out.min = table::Value::Bool(ilo != 0);
      out.max = table::Value::Bool(ihi != 0);
    } else {
      out.min = table::Value::Int(ilo);
      out.max = table::Value::Int(ihi);
    }
    out.has_min_max = true;
  }
  return stats;
}

}  // namespace strata::query
