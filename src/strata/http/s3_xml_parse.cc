#include "strata/http/s3_xml.h"

#include <algorithm>

#include <pugixml.hpp>

#include "strata/http/s3_xml_internal.h"

namespace strata::http {

std::string_view s3_xml_internal::TrimWhitespace(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(begin, end - begin + 1);
}

// The helpers other request parsers share (s3_select_request.cc) are in
// s3_xml_internal; the rest stay private to this file.
namespace s3_xml_internal {

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

}  // namespace s3_xml_internal

using namespace s3_xml_internal;

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
