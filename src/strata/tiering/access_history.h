// AccessHistory is how often each dataset was read, week by week: what the
// popularity engine learns from, and what `strata history export` writes. Its
// CSV form is the shape of the LHCb popularity data: an optional index
// column, Name, one column per week ("1".."N", oldest first) and, in files
// kept for evaluation, the recorded future (Label, Target). Parsing refuses
// bad input whole, naming the line: missing columns, ragged rows, negative or
// non-numeric counts, duplicate names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::tiering {

struct AccessHistory {
  std::vector<std::string> names;
  int weeks = 0;
  std::vector<float> counts;  // datasets() x weeks, row-major, oldest week first

  // The recorded future, when the file carries it (Label and Target). It is
  // for scoring only: nothing trains on it. future_unused[i] is 1 when
  // dataset i was not accessed in the horizon after the last week;
  // future_rate[i] is its accesses per week over that horizon.
  std::vector<uint8_t> future_unused;
  std::vector<double> future_rate;

  size_t datasets() const { return names.size(); }
  bool has_future() const { return !future_unused.empty(); }
  std::span<const float> Row(size_t dataset) const {
    return {counts.data() + dataset * static_cast<size_t>(weeks), static_cast<size_t>(weeks)};
  }
};

// Parses a whole history CSV held in memory; `source` names it in errors
// ("history.csv line 7, week 12: negative count -3").
Result<AccessHistory> ParseHistoryCsv(std::string_view text, std::string_view source = "history");

// Reads a history CSV file, streaming it through the parser.
Result<AccessHistory> ReadHistoryCsv(const std::string& path);

// The first `weeks` weeks of a history (what the system knew then), without
// its recorded future.
AccessHistory FirstWeeks(const AccessHistory& history, int weeks);

// The CSV form: ",Name,1,...,N" (and ",Label,Target" when the history has
// its future), one row per dataset with its index. Counts are written as
// integers when they are whole.
std::string HistoryCsvHeader(const AccessHistory& history);
void AppendHistoryCsvRow(const AccessHistory& history, size_t dataset, std::string* out);
std::string FormatHistoryCsv(const AccessHistory& history);

}  // namespace strata::tiering
