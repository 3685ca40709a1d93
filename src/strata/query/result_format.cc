#include "strata/query/result_format.h"

#include <cmath>

#include "strata/table/value_format.h"

namespace strata::query {

namespace {

using table::ColumnVector;
using table::Type;

constexpr size_t kFlushBytes = 256 << 10;

class BufferedSink : public ResultSink {
 public:
  explicit BufferedSink(parquet::ByteSink* out) : out_(out) {}

 protected:
  Status MaybeFlush() {
    if (buffer_.size() < kFlushBytes) return Status::OK();
    return Flush();
  }
  Status Flush() {
    if (buffer_.empty()) return Status::OK();
    RETURN_IF_ERROR(out_->Write(buffer_));
    buffer_.clear();
    return Status::OK();
  }
  parquet::ByteSink* out_;
  std::string buffer_;
  std::vector<std::string> names_;
};

class CsvSink : public BufferedSink {
 public:
  CsvSink(parquet::ByteSink* out, CsvOptions options) : BufferedSink(out), options_(std::move(options)) {}

  Status Begin(const std::vector<std::string>& names, const std::vector<Type>&) override {
    names_ = names;
    if (!options_.header) return Status::OK();
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) buffer_ += options_.field_delimiter;
      Field(names[i]);
    }
    buffer_ += options_.record_delimiter;
    return MaybeFlush();
  }

  Status Rows(const std::vector<ColumnVector>& columns) override {
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns.size(); ++c) {
        if (c) buffer_ += options_.field_delimiter;
        if (!columns[c].IsValid(r)) continue;
        if (columns[c].type == Type::kByteArray) {
          Field(columns[c].strings[r]);
        } else if (options_.quote_always) {
          Field(FormatCell(columns[c], r));
        } else {
          buffer_ += FormatCell(columns[c], r);
        }
      }
      buffer_ += options_.record_delimiter;
      RETURN_IF_ERROR(MaybeFlush());
    }
    return Status::OK();
  }

  Status End(const QueryStats&) override { return Flush(); }

 private:
  void Field(std::string_view text) {
    const char escape = options_.quote_escape != 0 ? options_.quote_escape : options_.quote;
    bool quote = options_.quote_always || (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    for (char ch : text) {
      if (ch == options_.field_delimiter || ch == options_.quote || ch == '\n' || ch == '\r' ||
          options_.record_delimiter.find(ch) != std::string::npos) {
        quote = true;
      }
    }
    if (!quote) {
      buffer_ += text;
      return;
    }
    buffer_ += options_.quote;
    for (char ch : text) {
      if (ch == options_.quote || (ch == escape && escape != options_.quote)) buffer_ += escape;
      buffer_ += ch;
    }
    buffer_ += options_.quote;
  }
  CsvOptions options_;
};

void JsonString(std::string_view text, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  *out += '"';
  for (unsigned char ch : text) {
    switch (ch) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (ch < 0x20) {
          *out += "\\u00";
          *out += kHex[ch >> 4];
          *out += kHex[ch & 15];
        } else {
          *out += static_cast<char>(ch);
        }
    }
  }
  *out += '"';
}

class JsonSink : public BufferedSink {
 public:
  JsonSink(parquet::ByteSink* out, std::string delimiter) : BufferedSink(out), delimiter_(std::move(delimiter)) {}

  Status Begin(const std::vector<std::string>& names, const std::vector<Type>&) override {
    for (const std::string& name : names) {
      std::string key;
      JsonString(name, &key);
      keys_.push_back(key + ":");
    }
    return Status::OK();
  }

  Status Rows(const std::vector<ColumnVector>& columns) override {
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t r = 0; r < rows; ++r) {
      buffer_ += '{';
      for (size_t c = 0; c < columns.size(); ++c) {
        if (c) buffer_ += ',';
        buffer_ += keys_[c];
        const ColumnVector& column = columns[c];
        if (!column.IsValid(r)) {
          buffer_ += "null";
        } else if (column.type == Type::kByteArray) {
          JsonString(column.strings[r], &buffer_);
        } else {
          std::string cell = FormatCell(column, r);
          // JSON has no NaN or infinity.
          buffer_ += (cell == "nan" || cell == "inf" || cell == "-inf") ? "null" : cell;
        }
      }
      buffer_ += '}';
      buffer_ += delimiter_;
      RETURN_IF_ERROR(MaybeFlush());
    }
    return Status::OK();
  }

  Status End(const QueryStats&) override { return Flush(); }

 private:
  std::string delimiter_;
  std::vector<std::string> keys_;
};

class ParquetSink : public ResultSink {
 public:
  explicit ParquetSink(parquet::ByteSink* out) : out_(out) {}

  Status Begin(const std::vector<std::string>& names, const std::vector<Type>& types) override {
    std::vector<parquet::ColumnSchema> schema;
    for (size_t i = 0; i < names.size(); ++i) schema.push_back({names[i], types[i], true});
    writer_ = std::make_unique<parquet::AlignedWriter>(std::move(schema), parquet::AlignedWriterOptions(), out_);
    return Status::OK();
  }
  Status Rows(const std::vector<ColumnVector>& columns) override { return writer_->Append(columns); }
  Status End(const QueryStats&) override { return writer_->Finish(); }

 private:
  parquet::ByteSink* out_;
  std::unique_ptr<parquet::AlignedWriter> writer_;
};

}  // namespace

Result<ResultFormat> ParseResultFormat(const std::string& name) {
  if (name == "csv") return ResultFormat::kCsv;
  if (name == "json") return ResultFormat::kJson;
  if (name == "parquet") return ResultFormat::kParquet;
  return Status::InvalidArgument("unknown result format '" + name + "' (csv, json, parquet)");
}

std::string FormatCell(const ColumnVector& column, size_t row) {
  if (!column.IsValid(row)) return "";
  switch (column.type) {
    case Type::kBoolean: return column.bools[row] ? "true" : "false";
    case Type::kInt32: return std::to_string(column.int32s[row]);
    case Type::kInt64: return std::to_string(column.int64s[row]);
    case Type::kFloat: return table::FormatFloat(column.floats[row]);
    case Type::kDouble: return table::FormatDouble(column.doubles[row]);
    case Type::kByteArray: return std::string(column.strings[row]);
    default: return "";
  }
}

std::unique_ptr<ResultSink> MakeCsvSink(parquet::ByteSink* out, CsvOptions options) {
  return std::make_unique<CsvSink>(out, std::move(options));
}
std::unique_ptr<ResultSink> MakeJsonSink(parquet::ByteSink* out, std::string record_delimiter) {
  return std::make_unique<JsonSink>(out, std::move(record_delimiter));
}
std::unique_ptr<ResultSink> MakeParquetSink(parquet::ByteSink* out) { return std::make_unique<ParquetSink>(out); }

}  // namespace strata::query
