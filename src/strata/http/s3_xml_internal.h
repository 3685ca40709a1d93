// Internal to the http module: helpers shared by s3_xml.cc, s3_xml_parse.cc
// and http_date.cc. Not part of its API; include s3_xml.h or http_date.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::http::s3_xml_internal {

// Decodes the UTF-8 sequence at text[pos]. Refuses overlong forms, surrogates
// and code points past U+10FFFF, as RFC 3629 does. (s3_xml.cc)
bool DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point, size_t* length);

// `text` without leading and trailing spaces, tabs, CRs and LFs. (s3_xml_parse.cc)
std::string_view TrimWhitespace(std::string_view text);

}  // namespace strata::http::s3_xml_internal
