// Internal to the http module: helpers shared by s3_xml.cc, s3_xml_parse.cc
// and http_date.cc. Not part of its API; include s3_xml.h or http_date.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "strata/http/s3_error.h"

namespace strata::http::s3_xml_internal {

// Decodes the UTF-8 sequence at text[pos]. Refuses overlong forms, surrogates
// and code points past U+10FFFF, as RFC 3629 does. (s3_xml.cc)
bool DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point, size_t* length);

// `text` without leading and trailing spaces, tabs, CRs and LFs. (s3_xml_parse.cc)
std::string_view TrimWhitespace(std::string_view text);

// For the request-document parsers (s3_xml_parse.cc, s3_select_request.cc):

// MalformedXML with S3's wording and our detail.
S3Error Malformed(const std::string& detail);
// The element name without a namespace prefix.
std::string_view LocalName(const pugi::xml_node& node);
// Client text quoted in a message, cut short.
std::string Excerpt(std::string_view text);
// Checks the body (size, UTF-8, no NUL, no DOCTYPE, one root) and parses it
// into `doc`; the root element must be `root_name` (any namespace).
S3Result<pugi::xml_node> LoadDocument(pugi::xml_document& doc, std::string_view body, std::string_view root_name);
// The text of a leaf element, references decoded; child elements are refused.
S3Result<std::string> LeafText(const pugi::xml_node& node);
// The child elements of a structural element; stray text is refused.
S3Result<std::vector<pugi::xml_node>> ChildElements(const pugi::xml_node& node);
// Sets *field to the element's text, refusing a second occurrence.
S3Check ReadOnce(const pugi::xml_node& node, std::optional<std::string>* field);

}  // namespace strata::http::s3_xml_internal
