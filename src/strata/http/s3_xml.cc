#include "strata/http/s3_xml.h"

#include <cstdio>

#include "strata/http/s3_xml_internal.h"

namespace strata::http {

bool s3_xml_internal::DecodeUtf8(std::string_view text, size_t pos, uint32_t* code_point, size_t* length) {
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

namespace {

using s3_xml_internal::DecodeUtf8;

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

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

}  // namespace strata::http
