#include "strata/http/http_date.h"

#include <chrono>
#include <cstdio>

#include "strata/http/s3_xml_internal.h"

namespace strata::http {

namespace {

using s3_xml_internal::TrimWhitespace;

// Floor division, so that times before 1970 land on the right day and second.
int64_t FloorDiv(int64_t a, int64_t b, int64_t* remainder) {
  int64_t q = a / b;
  int64_t r = a % b;
  if (r < 0) {
    r += b;
    --q;
  }
  *remainder = r;
  return q;
}

// Proleptic Gregorian calendar <-> days since 1970-01-01, in 64 bits so that
// every int64_t time converts without overflow. The year is counted from
// March so that the leap day falls at the end; eras are 400-year cycles.
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;  // days from 0000-03-01
  int64_t day_of_era = 0;
  int64_t era = FloorDiv(z, 146097, &day_of_era);
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t shifted_month = (5 * day_of_year + 2) / 153;  // 0 = March
  CivilDate date;
  date.day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  date.month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  date.year = era * 400 + year_of_era + (date.month <= 2 ? 1 : 0);
  return date;
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  if (month <= 2) --year;
  int64_t year_of_era = 0;
  int64_t era = FloorDiv(year, 400, &year_of_era);
  int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

constexpr std::string_view kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kLongDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};
constexpr std::string_view kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct SplitTime {
  CivilDate date;
  int weekday;  // 0 = Sunday
  int hour, minute, second, millis;
};

SplitTime SplitMillis(int64_t unix_millis) {
  int64_t millis = 0;
  int64_t seconds = FloorDiv(unix_millis, 1000, &millis);
  int64_t second_of_day = 0;
  int64_t days = FloorDiv(seconds, 86400, &second_of_day);
  int64_t weekday = 0;
  FloorDiv(days + 4, 7, &weekday);  // 1970-01-01 was a Thursday
  SplitTime t;
  t.date = CivilFromDays(days);
  t.weekday = static_cast<int>(weekday);
  t.hour = static_cast<int>(second_of_day / 3600);
  t.minute = static_cast<int>(second_of_day / 60 % 60);
  t.second = static_cast<int>(second_of_day % 60);
  t.millis = static_cast<int>(millis);
  return t;
}

// Reads the fixed-layout date forms of RFC 7231 left to right; every method
// fails (returns false) without consuming on a mismatch.
class DateScanner {
 public:
  explicit DateScanner(std::string_view text) : text_(text) {}

  bool Literal(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }
  // Exactly `count` decimal digits.
  bool Digits(size_t count, int* value) {
    if (pos_ + count > text_.size()) return false;
    int v = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *value = v;
    pos_ += count;
    return true;
  }
  template <size_t N>
  bool OneOf(const std::string_view (&names)[N], int* index) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        *index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  // "HH:MM:SS"
  bool TimeOfDay(int* hour, int* minute, int* second) {
    return Digits(2, hour) && Literal(":") && Digits(2, minute) && Literal(":") && Digits(2, second);
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// RFC 7231: a two-digit year more than 50 years in the future is in the past.
int64_t ExpandTwoDigitYear(int two_digits) {
  using namespace std::chrono;
  const int now = static_cast<int>(year_month_day(floor<days>(system_clock::now())).year());
  int64_t year = now / 100 * 100 + two_digits;
  if (year > now + 50) year -= 100;
  if (year <= now - 50) year += 100;
  return year;
}

}  // namespace

std::string FormatIsoTime(int64_t unix_millis) {
  SplitTime t = SplitMillis(unix_millis);
  char buf[64];
  snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(t.date.year),
           t.date.month, t.date.day, t.hour, t.minute, t.second, t.millis);
  return buf;
}

std::string FormatHttpDate(int64_t unix_millis) {
  SplitTime t = SplitMillis(unix_millis);
  char buf[64];
  snprintf(buf, sizeof(buf), "%s, %02d %s %04lld %02d:%02d:%02d GMT", kDayNames[t.weekday].data(), t.date.day,
           kMonthNames[t.date.month - 1].data(), static_cast<long long>(t.date.year), t.hour, t.minute, t.second);
  return buf;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  text = TrimWhitespace(text);
  DateScanner scan(text);
  int weekday = 0, day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  int64_t full_year = 0;
  if (text.size() > 3 && text[3] == ',') {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (!(scan.OneOf(kDayNames, &weekday) && scan.Literal(", ") && scan.Digits(2, &day) && scan.Literal(" ") &&
          scan.OneOf(kMonthNames, &month) && scan.Literal(" ") && scan.Digits(4, &year) && scan.Literal(" ") &&
          scan.TimeOfDay(&hour, &minute, &second) && scan.Literal(" GMT"))) {
      return std::nullopt;
    }
    full_year = year;
  } else if (text.find(',') != std::string_view::npos) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (!(scan.OneOf(kLongDayNames, &weekday) && scan.Literal(", ") && scan.Digits(2, &day) && scan.Literal("-") &&
          scan.OneOf(kMonthNames, &month) && scan.Literal("-") && scan.Digits(2, &year) && scan.Literal(" ") &&
          scan.TimeOfDay(&hour, &minute, &second) && scan.Literal(" GMT"))) {
      return std::nullopt;
    }
    full_year = ExpandTwoDigitYear(year);
  } else {
    // asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space; a zero is accepted too)
    if (!(scan.OneOf(kDayNames, &weekday) && scan.Literal(" ") && scan.OneOf(kMonthNames, &month) &&
          scan.Literal(" "))) {
      return std::nullopt;
    }
    if (!(scan.Literal(" ") ? scan.Digits(1, &day) : scan.Digits(2, &day))) return std::nullopt;
    if (!(scan.Literal(" ") && scan.TimeOfDay(&hour, &minute, &second) && scan.Literal(" ") &&
          scan.Digits(4, &year))) {
      return std::nullopt;
    }
    full_year = year;
  }
  ++month;  // OneOf gives 0..11
  if (!scan.AtEnd() || day < 1 || day > DaysInMonth(full_year, month) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t seconds = DaysFromCivil(full_year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000;
}


}  // namespace strata::http
