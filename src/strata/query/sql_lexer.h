// The lexer of Strata's SQL subset: Tokenize splits a query into tokens that
// point into the text (nothing is decoded or copied; the parser unquotes what
// it keeps). It stops at the first malformed token and reports it in place of
// the rest, so the parser can report errors in text order. Also here: how the
// query and the binder name a place in the text ("query at line 2, column 5").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"

namespace strata::query {

enum class TokenKind : uint8_t {
  kEnd,               // after the last token
  kInvalid,           // a malformed token; TokenList::error says why
  kIdentifier,        // abc, or a keyword (keywords are not reserved by the lexer)
  kQuotedIdentifier,  // "a ""b"""
  kString,            // 'it''s'
  kInteger,           // 42 (digits only; range is the parser's business, since -9223372036854775808 is valid)
  kFloat,             // 3.7 .5 1e-3 2.5E+10
  kPath,              // the bare word after FROM: particles/run1/, data.parquet, S3Object[*].records
  kEq, kNe, kLt, kLe, kGt, kGe,  // = (!= or <>) < <= > >=
  kPlus, kMinus, kStar, kSlash, kPercent,
  kLeftParen, kRightParen, kComma, kDot, kSemicolon, kLeftBracket, kRightBracket,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t position = 0;    // byte offset of the first character
  std::string_view text;  // exactly as written, quotes included; empty for kEnd and kInvalid
};

struct TokenList {
  // Ends with one kEnd token (placed just after the last real token) or, when
  // the text is malformed, with one kInvalid token at the fault.
  std::vector<Token> tokens;
  Status error;  // why the last token is kInvalid; OK otherwise
};

// Splits `sql` into tokens. After the keyword FROM, a bare word made of
// letters, digits and _ / . - * is one kPath token (so particles/run1/ is a
// target, not a division), and S3Object may carry a JSON path made of [*],
// [n] and .name steps: S3Object[*].records.
TokenList Tokenize(std::string_view sql);

// The reserved words of the subset, compared ignoring case: SELECT FROM WHERE
// AND OR NOT BETWEEN IN IS NULL LIMIT AS TRUE FALSE CAST.
bool IsReservedWord(std::string_view word);
// Words of full SQL that the subset lacks (DISTINCT, ORDER, GROUP, BY, JOIN,
// LIKE, CASE, ...). They are not reserved: they may name columns, but the
// parser never takes one as an alias written without AS, and names them in
// its errors, so "SELECT DISTINCT a" fails rather than reading as an alias.
bool IsUnsupportedWord(std::string_view word);
// One edit (a letter changed, added or dropped, or two neighbours swapped)
// away from `keyword` (upper case), ignoring case: FORM for FROM. For
// messages that name the keyword a typo was meant to be.
bool LooksLikeKeyword(std::string_view word, std::string_view keyword);
// [A-Za-z_][A-Za-z0-9_]*: a name that needs no quotes unless it is reserved.
bool IsPlainIdentifier(std::string_view text);
bool EqualsIgnoringCase(std::string_view a, std::string_view b);
std::string ToUpperAscii(std::string_view text);

// How a token is shown in an error: 'FORM', string 'abc', shortened to about
// 40 bytes, control characters as '?'.
std::string DescribeToken(const Token& token);

// Decodes a kQuotedIdentifier or kString token: strips the outer quotes and
// turns each doubled quote into one.
std::string Unquote(std::string_view quoted);

// "column 8", or "line 2, column 5" when the query has several lines. Columns
// and lines count from 1; a column counts characters (UTF-8 sequences), not
// bytes. Positions past the end mean the end.
std::string FormatPosition(std::string_view sql, size_t position);

// The line holding `position` and a caret line under it, each ending in '\n',
// for the CLI. Long lines are cut to a window around the position.
std::string PointAt(std::string_view sql, size_t position);

// InvalidArgument("query at <FormatPosition>: <message>").
Status QueryError(std::string_view sql, size_t position, std::string_view message);

}  // namespace strata::query
