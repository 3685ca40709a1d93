#include "strata/http/s3_xml.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <pugixml.hpp>

namespace strata::http {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Decodes the UTF-8 sequence at text[pos]. Refuses overlong forms, surrogates
// and code points past U+10FFFF, as RFC 3629 does.
bool DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point, size_t* length) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  size_t n = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    *length = 1;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    n = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    n = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (pos + n > text.size()) return false;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return false;
    cp = cp << 6 | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *code_point = cp;
  *length = n;
  return true;
}

// The characters XML 1.0 allows in a document (its production [2] Char).
bool IsXmlChar(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

void AppendHexReference(uint32_t cp, std::string* out) {
  char buf[16];
  snprintf(buf, sizeof(buf), "&#x%X;", static_cast<unsigned>(cp));
  *out += buf;
}

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

std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(begin, end - begin + 1);
}

// ---- Request documents ----

S3Error Malformed(const std::string& detail) {
  return S3Error::MalformedXML(
      "The XML you provided was not well-formed or did not validate against our published schema: " + detail);
}

// The element name without a namespace prefix.
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool IsWhitespace(std::string_view text) { return TrimWhitespace(text).empty(); }

// Client text quoted in a message, cut short so that an error stays small.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 64;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

bool IsText(const pugi::xml_node& node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// Parsing leaves entity and character references to us (parse_escapes is
// off), so that a reference that would truncate a value (&#0;) or produce
// invalid UTF-8 (a surrogate) is refused rather than silently altered, and so
// that a bare '&' is refused as not well-formed. References to other control
// characters are accepted: they cannot appear in XML 1.0, but S3 clients send
// them for such keys.
S3Result<std::string> DecodeReferences(std::string_view raw, std::string_view element) {
  std::string out;
  out.reserve(raw.size());
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) {
      out.append(raw.substr(pos));
      break;
    }
    out.append(raw.substr(pos, amp - pos));
    size_t semicolon = raw.find(';', amp);
    std::string_view name;
    if (semicolon != std::string_view::npos) name = raw.substr(amp + 1, semicolon - amp - 1);
    if (name == "amp") {
      out += '&';
    } else if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "quot") {
      out += '"';
    } else if (name == "apos") {
      out += '\'';
    } else if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x';
      std::string_view digits = name.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      bool valid = !digits.empty() && digits.size() <= 8;
      for (char c : digits) {
        int v = c >= '0' && c <= '9' ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (v < 0) valid = false;
        if (valid) cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (!valid || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return Malformed("bad character reference '&" + Excerpt(name) + ";' in <" + Excerpt(element) + ">");
      }
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | cp >> 6);
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | cp >> 12);
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | cp >> 18);
        out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      return Malformed("'&' that starts no known reference in <" + Excerpt(element) + ">");
    }
    pos = semicolon + 1;
  }
  return out;
}

// The text of a leaf element: its text and CDATA pieces joined (comments
// between them are dropped at parse time). Child elements are refused.
S3Result<std::string> LeafText(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata) {
      S3Result<std::string> decoded = DecodeReferences(child.value(), LocalName(node));
      if (!decoded.ok()) return decoded.error();
      text += *decoded;
    } else if (child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      return Malformed("<" + std::string(LocalName(node)) + "> must hold text, not <" + Excerpt(LocalName(child)) +
                       ">");
    }
  }
  return text;
}

// The child elements of a structural element; text other than whitespace
// between them is refused.
S3Result<std::vector<pugi::xml_node>> ChildElements(const pugi::xml_node& node) {
  std::vector<pugi::xml_node> elements;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) {
      elements.push_back(child);
    } else if (IsText(child) && !IsWhitespace(child.value())) {
      return Malformed("text inside <" + std::string(LocalName(node)) + ">");
    }
  }
  return elements;
}

// Sets *field to the element's text, refusing a second occurrence.
S3Check ReadOnce(const pugi::xml_node& node, std::optional<std::string>* field) {
  if (field->has_value()) return Malformed("<" + std::string(LocalName(node)) + "> given twice");
  S3Result<std::string> text = LeafText(node);
  if (!text.ok()) return text.error();
  *field = std::move(text).value();
  return std::nullopt;
}

// Every byte of the body is checked before pugixml sees it: pugixml neither
// validates UTF-8 nor handles NUL bytes in text, and values must be UTF-8 so
// that responses can carry them back.
S3Check CheckBodyBytes(std::string_view body) {
  if (body.size() > kMaxXmlRequestSize) {
    return S3Error::Make(400, "MaxMessageLengthExceeded",
                         "Your request was too big: " + std::to_string(body.size()) + " bytes of XML; at most " +
                             std::to_string(kMaxXmlRequestSize));
  }
  for (size_t pos = 0; pos < body.size();) {
    uint32_t cp = 0;
    size_t length = 0;
    if (!DecodeUtf8(body, pos, &cp, &length)) {
      return Malformed("the body is not UTF-8 (byte " + std::to_string(pos) + ")");
    }
    if (cp == 0) return Malformed("NUL byte at " + std::to_string(pos));
    pos += length;
  }
  return std::nullopt;
}

// Parses `body` into `doc` and returns its root element, which must be
// named `root_name` (any namespace).
S3Result<pugi::xml_node> LoadDocument(pugi::xml_document& doc, std::string_view body, std::string_view root_name) {
  if (S3Check bad = CheckBodyBytes(body)) return *bad;
  // parse_default less parse_escapes (see DecodeReferences), keeping text that
  // is only whitespace (a key may be " "), and reporting a DOCTYPE so that we
  // can refuse it: no document of S3's has one, and entity declarations are
  // how XML bombs start. As a fragment, so that text outside the root element
  // is kept, to be refused below, rather than dropped.
  constexpr unsigned kOptions = (pugi::parse_default & ~pugi::parse_escapes) | pugi::parse_ws_pcdata |
                                pugi::parse_doctype | pugi::parse_fragment;
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size(), kOptions, pugi::encoding_utf8);
  if (!parsed) {
    return Malformed(std::string(parsed.description()) + " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node root;
  for (pugi::xml_node child : doc.children()) {
    if (child.type() == pugi::node_doctype) return Malformed("a DOCTYPE is not allowed");
    if (child.type() == pugi::node_element) {
      if (root) return Malformed("more than one root element");
      root = child;
    } else if (IsText(child) && !IsWhitespace(child.value())) {
      return Malformed("text outside the root element");
    }
  }
  if (!root) return Malformed("no root element");
  if (LocalName(root) != root_name) {
    return Malformed("the root element is <" + Excerpt(root.name()) + ">, expected <" + std::string(root_name) +
                     ">");
  }
  return root;
}

}  // namespace

// ---- XmlWriter ----

XmlWriter::XmlWriter(std::string_view root, bool with_namespace) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out_.append(root);
  if (with_namespace) {
    out_ += " xmlns=\"";
    out_.append(kS3XmlNamespace);
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(root);
}

XmlWriter& XmlWriter::Open(std::string_view name) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  if (open_.empty()) return *this;  // everything is closed already; nothing may follow the root
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_.append(name);
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, int64_t value) {
  return Element(name, std::string_view(std::to_string(value)));
}

XmlWriter& XmlWriter::Element(std::string_view name, bool value) {
  return Element(name, value ? std::string_view("true") : std::string_view("false"));
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

// ---- Escaping ----

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    size_t length = 1;
    if (!DecodeUtf8(text, pos, &cp, &length)) {
      out += kReplacementCharacter;
      pos += 1;  // resynchronise on the next byte
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t':
      case '\n':
      case '\r': AppendHexReference(cp, &out); break;
      default:
        if (!IsXmlChar(cp)) {
          out += kReplacementCharacter;
        } else if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
          AppendHexReference(cp, &out);
        } else {
          out.append(text.substr(pos, length));
        }
    }
    pos += length;
  }
  return out;
}

bool XmlCanCarry(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    size_t length = 0;
    if (!DecodeUtf8(text, pos, &cp, &length) || !IsXmlChar(cp)) return false;
    pos += length;
  }
  return true;
}

std::string ErrorDocument(const S3Error& error, std::string_view resource, std::string_view request_id) {
  XmlWriter xml("Error", /*with_namespace=*/false);
  xml.Element("Code", error.code);
  xml.Element("Message", error.message);
  xml.Element("Resource", resource);
  xml.Element("RequestId", request_id);
  return xml.Finish();
}

// ---- Dates ----

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

// ---- Request documents ----

S3Result<DeleteObjectsRequest> ParseDeleteObjects(std::string_view body) {
  pugi::xml_document doc;
  S3Result<pugi::xml_node> root = LoadDocument(doc, body, "Delete");
  if (!root.ok()) return root.error();
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(*root);
  if (!children.ok()) return children.error();
  DeleteObjectsRequest request;
  std::optional<std::string> quiet;
  for (const pugi::xml_node& child : *children) {
    std::string_view name = LocalName(child);
    if (name == "Quiet") {
      if (S3Check bad = ReadOnce(child, &quiet)) return *bad;
    } else if (name == "Object") {
      if (request.objects.size() == kMaxObjectsPerDelete) {
        return Malformed("more than " + std::to_string(kMaxObjectsPerDelete) + " objects in one request");
      }
      S3Result<std::vector<pugi::xml_node>> fields = ChildElements(child);
      if (!fields.ok()) return fields.error();
      std::optional<std::string> key, version_id;
      for (const pugi::xml_node& field : *fields) {
        std::string_view field_name = LocalName(field);
        if (field_name == "Key") {
          if (S3Check bad = ReadOnce(field, &key)) return *bad;
        } else if (field_name == "VersionId") {
          if (S3Check bad = ReadOnce(field, &version_id)) return *bad;
        }
        // Others (ETag, LastModifiedTime, Size: conditional deletes) are not supported and ignored.
      }
      const std::string position = "object " + std::to_string(request.objects.size() + 1);
      if (!key) return Malformed(position + " has no <Key>");
      if (key->empty()) return Malformed(position + " has an empty <Key>");
      request.objects.push_back({std::move(*key), version_id.value_or("")});
    }
  }
  if (quiet) {
    std::string_view value = TrimWhitespace(*quiet);
    auto equals_ignoring_case = [](std::string_view a, std::string_view b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != b[i]) return false;
      }
      return true;
    };
    if (equals_ignoring_case(value, "true")) {
      request.quiet = true;
    } else if (!equals_ignoring_case(value, "false")) {
      return Malformed("<Quiet> is '" + Excerpt(*quiet) + "', not true or false");
    }
  }
  if (request.objects.empty()) return Malformed("no <Object> to delete");
  return request;
}

S3Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  S3Result<pugi::xml_node> root = LoadDocument(doc, body, "CompleteMultipartUpload");
  if (!root.ok()) return root.error();
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(*root);
  if (!children.ok()) return children.error();
  std::vector<CompletedPart> parts;
  for (const pugi::xml_node& child : *children) {
    if (LocalName(child) != "Part") continue;
    const std::string position = "part " + std::to_string(parts.size() + 1);
    S3Result<std::vector<pugi::xml_node>> fields = ChildElements(child);
    if (!fields.ok()) return fields.error();
    std::optional<std::string> number_text, etag;
    CompletedPart part;
    for (const pugi::xml_node& field : *fields) {
      std::string_view name = LocalName(field);
      if (name == "PartNumber") {
        if (S3Check bad = ReadOnce(field, &number_text)) return *bad;
      } else if (name == "ETag") {
        if (S3Check bad = ReadOnce(field, &etag)) return *bad;
      } else if (name.size() > 8 && name.substr(0, 8) == "Checksum") {
        // Algorithm names are upper case and digits; that leaves out other
        // fields that happen to start with "Checksum" (ChecksumType).
        std::string_view algorithm = name.substr(8);
        bool is_algorithm = true;
        for (char c : algorithm) is_algorithm = is_algorithm && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
        if (!is_algorithm) continue;
        for (const auto& [existing, value] : part.checksums) {
          if (existing == algorithm) return Malformed(position + " has <" + std::string(name) + "> twice");
        }
        S3Result<std::string> value = LeafText(field);
        if (!value.ok()) return value.error();
        part.checksums.emplace_back(std::string(algorithm), std::string(TrimWhitespace(*value)));
      }
    }
    if (!number_text) return Malformed(position + " has no <PartNumber>");
    if (!etag) return Malformed(position + " has no <ETag>");
    std::string_view digits = TrimWhitespace(*number_text);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return Malformed(position + ": <PartNumber> '" + Excerpt(*number_text) + "' is not a whole number");
    }
    // Saturating, so that any run of digits is a number, if a large one.
    part.part_number = 0;
    for (char c : digits) part.part_number = std::min(part.part_number * 10 + (c - '0'), kMaxPartNumber + 1);
    if (part.part_number < 1 || part.part_number > kMaxPartNumber) {
      return S3Error::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive (" + position +
                                      " has " + Excerpt(digits) + ")");
    }
    std::string_view tag = TrimWhitespace(*etag);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    part.etag = std::string(tag);
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return Malformed("no <Part> in the request");
  return parts;
}

S3Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  if (IsWhitespace(body)) return std::string();
  pugi::xml_document doc;
  S3Result<pugi::xml_node> root = LoadDocument(doc, body, "CreateBucketConfiguration");
  if (!root.ok()) return root.error();
  S3Result<std::vector<pugi::xml_node>> children = ChildElements(*root);
  if (!children.ok()) return children.error();
  std::optional<std::string> constraint;
  for (const pugi::xml_node& child : *children) {
    if (LocalName(child) == "LocationConstraint") {
      if (S3Check bad = ReadOnce(child, &constraint)) return *bad;
    }
    // Location and Bucket (directory buckets) are not supported and ignored.
  }
  return std::string(TrimWhitespace(constraint.value_or("")));
}

}  // namespace strata::http
