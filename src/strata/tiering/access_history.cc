#include "strata/tiering/access_history.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "strata/table/csv_table.h"

namespace strata::tiering {
namespace {

// Counts are kept as float; larger ones would lose their meaning.
constexpr double kMaxCount = 1e15;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Parses a finite number written in full ("12", "0.5", "1e3"); nullopt else.
std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return out + "'";
}

// Builds an AccessHistory record by record: the header first, then one row
// per dataset. Every error names the source and the line.
class HistoryBuilder {
 public:
  explicit HistoryBuilder(std::string_view source) : source_(source) {}

  Status Add(const table::CsvRecord& record, uint64_t line) {
    if (!have_header_) {
      have_header_ = true;
      return ReadHeader(record, line);
    }
    return ReadRow(record, line);
  }

  Result<AccessHistory> Finish() {
    if (!have_header_) return Status::InvalidArgument(source_ + ": empty history file (no header)");
    return std::move(history_);
  }

 private:
  Status Error(uint64_t line, const std::string& message) const {
    return Status::InvalidArgument(source_ + " line " + std::to_string(line) + ": " + message);
  }

  // Columns: [index,] Name, 1..N [, Label] [, Target]; Label and Target in
  // either order, nothing else.
  Status ReadHeader(const table::CsvRecord& header, uint64_t line) {
    size_t column = 0;
    if (column < header.size() && (header[column].empty() || EqualsIgnoreCase(header[column], "index"))) {
      index_column_ = true;
      ++column;
    }
    if (column >= header.size() || !EqualsIgnoreCase(header[column], "name")) {
      return Error(line, "missing column 'Name' (expected [index,]Name,1,2,...,N[,Label,Target])");
    }
    name_column_ = column++;
    first_week_column_ = column;
    int week = 0;
    while (column < header.size()) {
      auto number = ParseNumber(header[column]);
      if (!number) break;
      if (*number != week + 1) {
        return Error(line, "column " + std::to_string(column + 1) + " is week " + Quoted(header[column]) +
                               ", expected week " + std::to_string(week + 1) + " (weeks are 1..N in order)");
      }
      ++week;
      ++column;
    }
    if (week == 0) return Error(line, "missing week columns '1'..'N' after 'Name'");
    history_.weeks = week;
    for (; column < header.size(); ++column) {
      if (EqualsIgnoreCase(header[column], "label") && !label_column_) {
        label_column_ = column;
      } else if (EqualsIgnoreCase(header[column], "target") && !target_column_) {
        target_column_ = column;
      } else {
        return Error(line, "unexpected column " + Quoted(header[column]) + " after week " + std::to_string(week));
      }
    }
    if (label_column_.has_value() != target_column_.has_value()) {
      return Error(line, "'Label' and 'Target' come together (the recorded future) or not at all");
    }
    columns_ = header.size();
    return Status::OK();
  }

  Status ReadRow(const table::CsvRecord& row, uint64_t line) {
    if (row.size() != columns_) {
      return Error(line, std::to_string(row.size()) + " fields, the header has " + std::to_string(columns_));
    }
    const std::string& name = row[name_column_];
    if (name.empty()) return Error(line, "empty dataset name");
    auto [it, inserted] = lines_by_name_.emplace(name, line);
    if (!inserted) {
      return Error(line, "dataset " + Quoted(name) + " is already on line " + std::to_string(it->second));
    }
    for (int week = 0; week < history_.weeks; ++week) {
      const std::string& field = row[first_week_column_ + week];
      auto count = ParseNumber(field);
      std::string where = "week " + std::to_string(week + 1) + ": ";
      if (!count) return Error(line, where + "count " + Quoted(field) + " is not a number");
      if (*count < 0) return Error(line, where + "negative count " + field);
      if (*count > kMaxCount) return Error(line, where + "count " + field + " is too large");
      history_.counts.push_back(static_cast<float>(*count));
    }
    if (label_column_) {
      auto label = ParseNumber(row[*label_column_]);
      if (!label || (*label != 0 && *label != 1)) {
        return Error(line, "Label " + Quoted(row[*label_column_]) + " is not 0 or 1");
      }
      auto target = ParseNumber(row[*target_column_]);
      if (!target || *target < 0) {
        return Error(line, "Target " + Quoted(row[*target_column_]) + " is not a count per week >= 0");
      }
      history_.future_unused.push_back(static_cast<uint8_t>(*label));
      history_.future_rate.push_back(*target);
    }
    history_.names.push_back(name);
    return Status::OK();
  }

  std::string source_;
  AccessHistory history_;
  bool have_header_ = false;
  bool index_column_ = false;
  size_t columns_ = 0;
  size_t name_column_ = 0;
  size_t first_week_column_ = 0;
  std::optional<size_t> label_column_;
  std::optional<size_t> target_column_;
  std::unordered_map<std::string, uint64_t> lines_by_name_;
};

// Feeds CSV text to the builder in pieces; `last` ends the input.
class HistoryCsvReader {
 public:
  explicit HistoryCsvReader(std::string_view source) : builder_(source), source_(source) {}

  Status Feed(std::string_view data, bool last) {
    records_.clear();
    lines_.clear();
    Status parsed = parser_.Feed(data, last, &records_, &lines_);
    if (!parsed.ok()) return parsed.WithContext(source_);
    for (size_t i = 0; i < records_.size(); ++i) RETURN_IF_ERROR(builder_.Add(records_[i], lines_[i]));
    return Status::OK();
  }

  Result<AccessHistory> Finish() { return builder_.Finish(); }

 private:
  table::CsvParser parser_;
  HistoryBuilder builder_;
  std::string source_;
  std::vector<table::CsvRecord> records_;
  std::vector<uint64_t> lines_;
};

void AppendCount(double value, std::string* out) {
  char buffer[32];
  auto [end, ec] = (value == std::floor(value) && value < 1e15)
                       ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value))
                       : std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, end);
}

}  // namespace

Result<AccessHistory> ParseHistoryCsv(std::string_view text, std::string_view source) {
  HistoryCsvReader reader(source);
  RETURN_IF_ERROR(reader.Feed(text, /*last=*/true));
  return reader.Finish();
}

Result<AccessHistory> ReadHistoryCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, "open history " + path);
  HistoryCsvReader reader(path);
  std::string buffer(1 << 20, '\0');
  while (true) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t got = static_cast<size_t>(in.gcount());
    if (in.bad()) return Status::IOError("read history " + path);
    const bool last = in.eof();
    RETURN_IF_ERROR(reader.Feed(std::string_view(buffer.data(), got), last));
    if (last) break;
  }
  return reader.Finish();
}

AccessHistory FirstWeeks(const AccessHistory& history, int weeks) {
  weeks = std::clamp(weeks, 0, history.weeks);
  AccessHistory out;
  out.names = history.names;
  out.weeks = weeks;
  out.counts.reserve(history.datasets() * static_cast<size_t>(weeks));
  for (size_t d = 0; d < history.datasets(); ++d) {
    const float* row = history.Row(d).data();
    out.counts.insert(out.counts.end(), row, row + weeks);
  }
  return out;
}

std::string HistoryCsvHeader(const AccessHistory& history) {
  std::string out = ",Name";
  for (int week = 1; week <= history.weeks; ++week) {
    out += ',';
    out += std::to_string(week);
  }
  if (history.has_future()) out += ",Label,Target";
  out += '\n';
  return out;
}

void AppendHistoryCsvRow(const AccessHistory& history, size_t dataset, std::string* out) {
  *out += std::to_string(dataset);
  *out += ',';
  table::AppendCsvField(history.names[dataset], out);
  for (float count : history.Row(dataset)) {
    *out += ',';
    AppendCount(count, out);
  }
  if (history.has_future()) {
    *out += history.future_unused[dataset] ? ",1," : ",0,";
    AppendCount(history.future_rate[dataset], out);
  }
  *out += '\n';
}

std::string FormatHistoryCsv(const AccessHistory& history) {
  std::string out = HistoryCsvHeader(history);
  for (size_t i = 0; i < history.datasets(); ++i) AppendHistoryCsvRow(history, i, &out);
  return out;
}

}  // namespace strata::tiering
