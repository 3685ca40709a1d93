#include "strata/query/sql_lexer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace strata::query {
namespace {

constexpr std::array<std::string_view, 15> kReservedWords = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN",
    "IS", "NULL", "LIMIT", "AS", "TRUE", "FALSE", "CAST",
};

constexpr std::array<std::string_view, 30> kUnsupportedWords = {
    "ALL",     "BY",     "CASE",  "CROSS", "DISTINCT", "ELSE",  "END",       "ESCAPE", "EXCEPT", "EXISTS",
    "FETCH",   "FULL",   "GROUP", "HAVING", "ILIKE",   "INNER", "INTERSECT", "JOIN",   "LEFT",   "LIKE",
    "NATURAL", "OFFSET", "ON",    "ORDER", "OUTER",    "RIGHT", "THEN",      "UNION",  "USING",  "WHEN",
};

// Offending tokens are quoted in messages up to this many bytes.
constexpr size_t kMaxQuotedToken = 40;

// PointAt shows at most this many characters either side of the position, so
// a one-line query of a megabyte still gives a readable message.
constexpr size_t kPointAtWindow = 60;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || IsDigit(c); }
bool IsPathChar(char c) { return IsIdentifierChar(c) || c == '/' || c == '.' || c == '-' || c == '*'; }
bool IsJsonPathChar(char c) { return IsIdentifierChar(c) || c == '.' || c == '*' || c == '[' || c == ']'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence starting at `at`, or 0.
size_t Utf8SequenceLength(std::string_view text, size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
  if (length == 0 || at + length > text.size() || lead >= 0xF5) return 0;
  for (size_t i = 1; i < length; ++i) {
    if (!IsUtf8Continuation(text[at + i])) return 0;
  }
  return length;
}

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  TokenList Run() {
    TokenList list;
    size_t last_end = 0;
    bool after_from = false;
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= sql_.size()) {
        list.tokens.push_back({TokenKind::kEnd, last_end, {}});
        return list;
      }
      const size_t start = pos_;
      Token token;
      Status status = after_from && IsPathChar(sql_[pos_]) ? LexPath(&token) : LexToken(&token);
      if (!status.ok()) {
        list.tokens.push_back({TokenKind::kInvalid, start, {}});
        list.error = std::move(status);
        return list;
      }
      list.tokens.push_back(token);
      last_end = pos_;
      after_from = token.kind == TokenKind::kIdentifier && EqualsIgnoringCase(token.text, "FROM");
    }
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      if (IsSpace(sql_[pos_])) {
        ++pos_;
      } else if (sql_.substr(pos_, 2) == "--") {
        const size_t newline = sql_.find('\n', pos_);
        pos_ = newline == std::string_view::npos ? sql_.size() : newline + 1;
      } else {
        return;
      }
    }
  }

  Token Make(TokenKind kind, size_t start) const { return {kind, start, sql_.substr(start, pos_ - start)}; }
  bool At(char c, size_t ahead = 0) const { return pos_ + ahead < sql_.size() && sql_[pos_ + ahead] == c; }

  // A target after FROM. It stops before "--" so that a comment may follow it.
  Status LexPath(Token* token) {
    const size_t start = pos_;
    while (pos_ < sql_.size() && IsPathChar(sql_[pos_]) && !(At('-') && At('-', 1))) ++pos_;
    if (EqualsIgnoringCase(sql_.substr(start, pos_ - start), "S3Object") && At('[')) {
      const size_t path_start = pos_;
      while (pos_ < sql_.size() && IsJsonPathChar(sql_[pos_])) ++pos_;
      const std::string_view path = sql_.substr(path_start, pos_ - path_start);
      if (!IsJsonPath(path)) {
        return QueryError(sql_, path_start, "malformed JSON path '" + std::string(path) + "' after S3Object");
      }
    }
    *token = Make(TokenKind::kPath, start);
    return Status::OK();
  }

  // S3 Select's path into JSON documents: [*], [3] and .name steps.
  static bool IsJsonPath(std::string_view path) {
    size_t i = 0;
    while (i < path.size()) {
      if (path[i] == '[') {
        const size_t close = path.find(']', i);
        if (close == std::string_view::npos) return false;
        const std::string_view inside = path.substr(i + 1, close - i - 1);
        if (inside != "*" && (inside.empty() || !std::all_of(inside.begin(), inside.end(), IsDigit))) return false;
        i = close + 1;
      } else if (path[i] == '.') {
        size_t end = i + 1;
        while (end < path.size() && path[end] != '.' && path[end] != '[') ++end;
        if (!IsPlainIdentifier(path.substr(i + 1, end - i - 1))) return false;
        i = end;
      } else {
        return false;
      }
    }
    return true;
  }

  Status LexToken(Token* token) {
    const size_t start = pos_;
    const char c = sql_[pos_];
    if (IsIdentifierStart(c)) {
      while (pos_ < sql_.size() && IsIdentifierChar(sql_[pos_])) ++pos_;
      *token = Make(TokenKind::kIdentifier, start);
      return Status::OK();
    }
    if (IsDigit(c) || (c == '.' && pos_ + 1 < sql_.size() && IsDigit(sql_[pos_ + 1]))) return LexNumber(token);
    if (c == '\'') return LexQuoted(token, TokenKind::kString, "unterminated string");
    if (c == '"') return LexQuoted(token, TokenKind::kQuotedIdentifier, "unterminated quoted identifier");

    TokenKind kind;
    size_t length = 1;
    switch (c) {
      case '=': kind = TokenKind::kEq; break;
      case '!':
        if (!At('=', 1)) return QueryError(sql_, start, "unexpected character '!' (did you mean '!='?)");
        kind = TokenKind::kNe;
        length = 2;
        break;
      case '<':
        kind = At('=', 1) ? TokenKind::kLe : At('>', 1) ? TokenKind::kNe : TokenKind::kLt;
        length = kind == TokenKind::kLt ? 1 : 2;
        break;
      case '>':
        kind = At('=', 1) ? TokenKind::kGe : TokenKind::kGt;
        length = kind == TokenKind::kGt ? 1 : 2;
        break;
      case '+': kind = TokenKind::kPlus; break;
      case '-': kind = TokenKind::kMinus; break;
      case '*': kind = TokenKind::kStar; break;
      case '/': kind = TokenKind::kSlash; break;
      case '%': kind = TokenKind::kPercent; break;
      case '(': kind = TokenKind::kLeftParen; break;
      case ')': kind = TokenKind::kRightParen; break;
      case ',': kind = TokenKind::kComma; break;
      case '.': kind = TokenKind::kDot; break;
      case ';': kind = TokenKind::kSemicolon; break;
      case '[': kind = TokenKind::kLeftBracket; break;
      case ']': kind = TokenKind::kRightBracket; break;
      default: return UnexpectedCharacter(start);
    }
    pos_ += length;
    *token = Make(kind, start);
    return Status::OK();
  }

  // 42, 3.7, 3., .5, 1e-3, 2.5E+10. A number running into letters ("12abc",
  // "1e") is refused here rather than read as a number and a name.
  Status LexNumber(Token* token) {
    const size_t start = pos_;
    bool is_float = false;
    while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
    if (At('.')) {
      is_float = true;
      ++pos_;
      while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
    }
    if (At('e') || At('E')) {
      const size_t digits = (At('+', 1) || At('-', 1)) ? pos_ + 2 : pos_ + 1;
      if (digits < sql_.size() && IsDigit(sql_[digits])) {
        is_float = true;
        pos_ = digits;
        while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
      }
    }
    if (pos_ < sql_.size() && (IsIdentifierChar(sql_[pos_]) || (At('.') && is_float))) {
      while (pos_ < sql_.size() && (IsIdentifierChar(sql_[pos_]) || sql_[pos_] == '.')) ++pos_;
      return QueryError(sql_, start, "malformed number '" + std::string(sql_.substr(start, pos_ - start)) + "'");
    }
    *token = Make(is_float ? TokenKind::kFloat : TokenKind::kInteger, start);
    return Status::OK();
  }

  // 'text' or "name"; a doubled quote stands for one and does not end it.
  Status LexQuoted(Token* token, TokenKind kind, std::string_view unterminated) {
    const size_t start = pos_;
    const char quote = sql_[pos_++];
    while (true) {
      const size_t close = sql_.find(quote, pos_);
      if (close == std::string_view::npos) return QueryError(sql_, start, unterminated);
      pos_ = close + 1;
      if (!At(quote)) break;
      ++pos_;
    }
    if (kind == TokenKind::kQuotedIdentifier && pos_ - start == 2) {
      return QueryError(sql_, start, "empty quoted identifier");
    }
    *token = Make(kind, start);
    return Status::OK();
  }

  Status UnexpectedCharacter(size_t at) const {
    const size_t length = Utf8SequenceLength(sql_, at);
    const auto byte = static_cast<unsigned char>(sql_[at]);
    if (length > 0) {
      return QueryError(sql_, at, "unexpected character '" + std::string(sql_.substr(at, length)) + "'");
    }
    if (byte >= 0x20 && byte < 0x7F) {
      return QueryError(sql_, at, std::string("unexpected character '") + sql_[at] + "'");
    }
    char hex[8];
    std::snprintf(hex, sizeof(hex), "0x%02X", byte);
    return QueryError(sql_, at, std::string("unexpected byte ") + hex);
  }

  std::string_view sql_;
  size_t pos_ = 0;
};

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Control characters would garble the terminal; they become '?' (one
// character, so the caret stays under the right place).
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) c = '?';
  }
  return out;
}

}  // namespace

TokenList Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

bool IsReservedWord(std::string_view word) {
  return std::any_of(kReservedWords.begin(), kReservedWords.end(),
                     [word](std::string_view reserved) { return EqualsIgnoringCase(word, reserved); });
}

bool IsUnsupportedWord(std::string_view word) {
  return std::any_of(kUnsupportedWords.begin(), kUnsupportedWords.end(),
                     [word](std::string_view unsupported) { return EqualsIgnoringCase(word, unsupported); });
}

std::string DescribeToken(const Token& token) {
  std::string_view text = token.text;
  std::string shown;
  if (text.size() > kMaxQuotedToken) {
    size_t cut = kMaxQuotedToken;
    while (cut > 0 && IsUtf8Continuation(text[cut])) --cut;
    shown = std::string(text.substr(0, cut)) + "...";
  } else {
    shown = std::string(text);
  }
  shown = Printable(shown);
  // A string's text has its quotes already.
  return token.kind == TokenKind::kString ? "string " + shown : "'" + shown + "'";
}

bool LooksLikeKeyword(std::string_view word, std::string_view keyword) {
  const std::string upper = ToUpperAscii(word);
  const std::string_view w = upper;
  if (w == keyword || w.size() + 1 < keyword.size() || keyword.size() + 1 < w.size()) return false;
  size_t i = 0;
  while (i < w.size() && i < keyword.size() && w[i] == keyword[i]) ++i;
  if (w.size() == keyword.size()) {
    if (w.substr(i + 1) == keyword.substr(i + 1)) return true;
    return i + 1 < w.size() && w[i] == keyword[i + 1] && w[i + 1] == keyword[i] &&
           w.substr(i + 2) == keyword.substr(i + 2);
  }
  if (w.size() > keyword.size()) return w.substr(i + 1) == keyword.substr(i);
  return w.substr(i) == keyword.substr(i + 1);
}

bool IsPlainIdentifier(std::string_view text) {
  return !text.empty() && IsIdentifierStart(text[0]) && std::all_of(text.begin(), text.end(), IsIdentifierChar);
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

std::string Unquote(std::string_view quoted) {
  if (quoted.size() < 2) return std::string(quoted);
  const char quote = quoted.front();
  std::string out;
  out.reserve(quoted.size() - 2);
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == quote) ++i;  // the second of a doubled quote
  }
  return out;
}

std::string FormatPosition(std::string_view sql, size_t position) {
  position = std::min(position, sql.size());
  const size_t line_start = position == 0 ? 0 : sql.rfind('\n', position - 1) + 1;  // npos + 1 == 0
  size_t column = 1;
  for (size_t i = line_start; i < position; ++i) {
    if (!IsUtf8Continuation(sql[i])) ++column;
  }
  // A single trailing newline does not make a query multi-line.
  std::string_view body = sql;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.find('\n') == std::string_view::npos) return "column " + std::to_string(column);
  const size_t line = 1 + static_cast<size_t>(std::count(sql.begin(), sql.begin() + position, '\n'));
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string PointAt(std::string_view sql, size_t position) {
  position = std::min(position, sql.size());
  const size_t line_start = position == 0 ? 0 : sql.rfind('\n', position - 1) + 1;
  size_t line_end = sql.find('\n', position);
  if (line_end == std::string_view::npos) line_end = sql.size();
  if (line_end > line_start && sql[line_end - 1] == '\r') line_end = std::max(line_end - 1, position);

  // Cut the line to a window around the position, on character boundaries.
  size_t from = line_start;
  size_t characters = 0;
  size_t window_start = position;
  for (size_t i = position; i > line_start; --i) {
    if (IsUtf8Continuation(sql[i - 1])) continue;
    if (++characters > kPointAtWindow) {
      from = window_start;
      break;
    }
    window_start = i - 1;
  }
  size_t to = line_end;
  characters = 0;
  for (size_t i = position; i < line_end; ++i) {
    if (!IsUtf8Continuation(sql[i]) && ++characters > kPointAtWindow) {
      to = i;
      break;
    }
  }
  const std::string prefix = from > line_start ? "..." : "";
  const std::string suffix = to < line_end ? "..." : "";
  std::string caret(prefix.size(), ' ');
  for (size_t i = from; i < position; ++i) {
    if (sql[i] == '\t') {
      caret += '\t';
    } else if (!IsUtf8Continuation(sql[i])) {
      caret += ' ';
    }
  }
  return prefix + Printable(sql.substr(from, to - from)) + suffix + "\n" + caret + "^\n";
}

Status QueryError(std::string_view sql, size_t position, std::string_view message) {
  return Status::InvalidArgument("query at " + FormatPosition(sql, position) + ": " + std::string(message));
}

}  // namespace strata::query
