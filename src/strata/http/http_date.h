// The date formats S3 uses: ISO 8601 with milliseconds in XML documents, and
// the RFC 7231 HTTP-date in headers (Last-Modified, Date, If-Modified-Since).
// Times are milliseconds since the Unix epoch, in UTC; any int64_t converts,
// dates before 1970 included. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::http {

// "2026-11-21T19:30:00.000Z", as S3 writes times in XML.
std::string FormatIsoTime(int64_t unix_millis);
// "Sat, 21 Nov 2026 19:30:00 GMT" (RFC 7231 IMF-fixdate), for Last-Modified
// and Date; the milliseconds are dropped (rounded down).
std::string FormatHttpDate(int64_t unix_millis);
// Reads IMF-fixdate, plus the obsolete RFC 850 ("Saturday, 21-Nov-26 19:30:00 GMT")
// and asctime ("Sat Nov 21 19:30:00 2026") forms, as RFC 7231 section 7.1.1.1
// asks of recipients; milliseconds since the epoch. Names are case-sensitive,
// the weekday is checked for spelling but not against the date, a second of
// 60 is accepted, and a two-digit year more than 50 years ahead is taken to be
// in the past century. nullopt for anything else (the caller then ignores
// the conditional header, as RFC 7232 says).
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace strata::http
