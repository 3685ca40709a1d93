#include "strata/table/csv_table.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "strata/table/expr.h"

namespace strata::table {

void AppendCsvField(std::string_view field, std::string* out) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char ch : field) quote = quote || ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
  if (!quote) {
    out->append(field);
    return;
  }
  *out += '"';
  for (char ch : field) {
    if (ch == '"') *out += '"';
    *out += ch;
  }
  *out += '"';
}

Status CsvParser::Feed(std::string_view data, bool last, std::vector<CsvRecord>* records,
                       std::vector<uint64_t>* lines) {
  auto end_field = [&] {
    current_.push_back(std::move(field_));
    field_.clear();
    field_started_ = false;
    after_quote_ = false;
  };
  auto end_record = [&] {
    end_field();
    // A blank line is no record.
    if (!(current_.size() == 1 && current_[0].empty() && !quoted_in_record_)) {
      records->push_back(std::move(current_));
      if (lines != nullptr) lines->push_back(record_line_);
    }
    current_.clear();
    quoted_in_record_ = false;
    record_line_ = line_;
  };
  const bool line_ends = format_.record_delimiter == '\n';
  const bool escapes = format_.escape != 0 && format_.escape != format_.quote;
  for (char ch : data) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (ch == '\n') continue;  // CRLF already ended the record
    }
    const bool record_end = line_ends ? (ch == '\n' || ch == '\r') : ch == format_.record_delimiter;
    if (in_comment_) {
      if (record_end) {
        in_comment_ = false;
        ++line_;
        if (ch == '\r' && line_ends) pending_cr_ = true;
        record_line_ = line_;
      }
      continue;
    }
    if (in_quotes_) {
      if (pending_escape_) {
        pending_escape_ = false;
        if (ch != format_.quote && ch != format_.escape) field_ += format_.escape;  // not an escape after all
      } else if (escapes && ch == format_.escape) {
        pending_escape_ = true;
        continue;
      } else if (ch == format_.quote) {
        in_quotes_ = false;
        after_quote_ = true;
        continue;
      }
      if (line_ends ? ch == '\n' : record_end) ++line_;
      field_ += ch;
      continue;
    }
    if (ch == format_.quote) {
      if (after_quote_) {
        field_ += format_.quote;  // "" inside quotes
        in_quotes_ = true;
        after_quote_ = false;
      } else if (!field_started_) {
        in_quotes_ = true;
        field_started_ = true;
        quoted_in_record_ = true;
      } else {
        field_ += ch;  // a quote inside an unquoted field is kept as is
      }
      continue;
    }
    if (format_.comment != 0 && ch == format_.comment && current_.empty() && !field_started_ && field_.empty()) {
      in_comment_ = true;
      continue;
    }
    if (ch == format_.delimiter) {
      end_field();
    } else if (record_end) {
      ++line_;
      if (ch == '\r' && line_ends) pending_cr_ = true;
      end_record();
    } else {
      field_ += ch;
      field_started_ = true;
    }
  }
  if (last) {
    if (in_quotes_) {
      return Status::Corruption("line " + std::to_string(record_line_) + ": quoted field is never closed");
    }
    if (field_started_ || !field_.empty() || !current_.empty()) end_record();
  }
  return Status::OK();
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ParseInt(std::string_view s, int64_t* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool ParseBool(std::string_view s, bool* out) {
  s = Trim(s);
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") {
    *out = true;
    return true;
  }
  if (lower == "false") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

std::vector<parquet::ColumnSchema> InferCsvSchema(const CsvRecord& header, const std::vector<CsvRecord>& sample) {
  std::vector<parquet::ColumnSchema> schema;
  for (size_t c = 0; c < header.size(); ++c) {
    bool all_int = true, all_number = true, all_bool = true, any = false;
    for (const CsvRecord& record : sample) {
      if (c >= record.size() || Trim(record[c]).empty()) continue;
      any = true;
      int64_t i;
      double d;
      bool b;
      all_int = all_int && ParseInt(record[c], &i);
      all_number = all_number && ParseDouble(record[c], &d);
      all_bool = all_bool && ParseBool(record[c], &b);
    }
    Type type = Type::kByteArray;
    if (any && all_int) {
      type = Type::kInt64;
    } else if (any && all_number) {
      type = Type::kDouble;
    } else if (any && all_bool) {
      type = Type::kBoolean;
    }
    schema.push_back({header[c].empty() ? "_" + std::to_string(c + 1) : header[c], type, true});
  }
  return schema;
}

Status AppendCsvRecords(const std::vector<CsvRecord>& records, uint64_t first_line,
                        const std::vector<parquet::ColumnSchema>& schema, std::vector<parquet::ColumnVector>* columns) {
  if (columns->size() != schema.size()) {
    columns->clear();
    for (const auto& c : schema) columns->emplace_back(c.type);
  }
  for (size_t r = 0; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    const uint64_t line = first_line + r;
    if (record.size() != schema.size()) {
      return Status::InvalidArgument("line " + std::to_string(line) + ": " + std::to_string(record.size()) +
                                     " fields where the header has " + std::to_string(schema.size()));
    }
    for (size_t c = 0; c < schema.size(); ++c) {
      parquet::ColumnVector& column = (*columns)[c];
      const std::string& text = record[c];
      // An empty field is NULL for every type (as DuckDB reads CSV); a
      // string of spaces stays a string.
      const bool null = schema[c].type != Type::kByteArray ? Trim(text).empty() : text.empty();
      if (null && !schema[c].optional) {
        return Status::InvalidArgument("line " + std::to_string(line) + ", column '" + schema[c].name +
                                       "': empty value in a required column");
      }
      if (null || !column.validity.empty()) {
        if (column.validity.empty()) column.validity.assign(column.size(), 1);
        column.validity.push_back(null ? 0 : 1);
      }
      auto bad = [&](const char* type) {
        return Status::InvalidArgument("line " + std::to_string(line) + ", column '" + schema[c].name + "': '" +
                                       text.substr(0, 40) + "' is not " + type);
      };
      int64_t i = 0;
      double d = 0;
      bool b = false;
      switch (schema[c].type) {
        case Type::kBoolean:
          if (!null && !ParseBool(text, &b)) return bad("a BOOLEAN");
          column.bools.push_back(b);
          break;
        case Type::kInt32:
          if (!null && (!ParseInt(text, &i) || i < INT32_MIN || i > INT32_MAX)) return bad("an INT32");
          column.int32s.push_back(static_cast<int32_t>(i));
          break;
        case Type::kInt64:
          if (!null && !ParseInt(text, &i)) return bad("an INT64");
          column.int64s.push_back(i);
          break;
        case Type::kFloat:
          if (!null && !ParseDouble(text, &d)) return bad("a FLOAT");
          column.floats.push_back(static_cast<float>(d));
          break;
        case Type::kDouble:
          if (!null && !ParseDouble(text, &d)) return bad("a DOUBLE");
          column.doubles.push_back(d);
          break;
        default: column.strings.Append(text); break;
      }
    }
  }
  return Status::OK();
}

Result<std::vector<parquet::ColumnSchema>> ParseSchemaText(std::string_view text) {
  std::vector<parquet::ColumnSchema> schema;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = Trim(text.substr(start, comma - start));
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("schema: '" + std::string(item) + "' is not name:type");
    }
    parquet::ColumnSchema column;
    column.name = std::string(Trim(item.substr(0, colon)));
    std::string type(Trim(item.substr(colon + 1)));
    if (!type.empty() && type.back() == '?') {
      column.optional = true;
      type.pop_back();
    }
    for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type == "bool" || type == "boolean") {
      column.type = Type::kBoolean;
    } else if (type == "int32" || type == "int") {
      column.type = Type::kInt32;
    } else if (type == "int64" || type == "bigint") {
      column.type = Type::kInt64;
    } else if (type == "float" || type == "float32") {
      column.type = Type::kFloat;
    } else if (type == "double" || type == "float64") {
      column.type = Type::kDouble;
    } else if (type == "string" || type == "utf8") {
      column.type = Type::kByteArray;
    } else {
      return Status::InvalidArgument("schema: unknown type '" + type + "' for column '" + column.name +
                                     "' (bool, int32, int64, float, double, string)");
    }
    if (column.name.empty()) return Status::InvalidArgument("schema: a column without a name");
    for (const auto& other : schema) {
      if (other.name == column.name) return Status::InvalidArgument("schema: column '" + column.name + "' twice");
    }
    schema.push_back(std::move(column));
    start = comma + 1;
  }
  return schema;
}

}  // namespace strata::table
