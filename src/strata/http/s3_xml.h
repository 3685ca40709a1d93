// The S3 XML documents: XmlWriter builds response bodies that are always
// well-formed XML 1.0 (text is escaped, elements close in order), and the
// Parse* functions read request bodies into plain structs, refusing anything
// malformed with the S3 error a client expects (MalformedXML, mostly). The
// date formats S3 uses in XML and in HTTP headers are in http_date.h, included
// here. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "strata/http/http_date.h"
#include "strata/http/s3_error.h"

namespace strata::http {

inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Request bodies longer than this are refused (MaxMessageLengthExceeded)
// before parsing. It fits 1000 maximal keys in a DeleteObjects body and 10000
// parts, each with every checksum, in a CompleteMultipartUpload body.
inline constexpr size_t kMaxXmlRequestSize = 8u << 20;

// Builds an XML document with escaping; elements are opened and closed in order.
// The output is compact (no indentation), as S3 sends it.
class XmlWriter {
 public:
  // Starts the document with <?xml version="1.0" encoding="UTF-8"?> and the
  // root element; with_namespace adds xmlns="http://s3.amazonaws.com/doc/2006-03-01/".
  explicit XmlWriter(std::string_view root, bool with_namespace = true);
  XmlWriter& Open(std::string_view name);
  XmlWriter& Close();  // closes the innermost open element; the root too
  XmlWriter& Element(std::string_view name, std::string_view text);  // <name>escaped text</name>
  XmlWriter& Element(std::string_view name, int64_t value);
  XmlWriter& Element(std::string_view name, bool value);  // "true"/"false"
  // Without these a string literal would convert to bool, and an int or a
  // uint64_t would be ambiguous between int64_t and bool.
  XmlWriter& Element(std::string_view name, const char* text) { return Element(name, std::string_view(text)); }
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
  XmlWriter& Element(std::string_view name, T value) {
    return Element(name, std::string_view(std::to_string(value)));
  }
  std::string Finish();  // closes all open elements and returns the document

 private:
  std::string out_;
  std::vector<std::string> open_;
};

// Escapes text for element content or a quoted attribute: & < > " ' become
// entity references, and tab, LF and CR become &#x9; &#xA; &#xD; so that they
// survive a parser's line-end and attribute normalisation. What XML 1.0 cannot
// carry at all, even as a reference (C0 controls other than tab, LF and CR,
// U+FFFE, U+FFFF, and bytes that are not well-formed UTF-8), becomes U+FFFD,
// so a document never breaks a client's parser. DEL and C1 controls are
// legal but invisible, so they are written as references.
std::string XmlEscape(std::string_view text);
// True when XmlEscape keeps every character of `text`, so a parser gets it
// back exactly. A key for which this is false can only be listed faithfully
// with encoding-type=url.
bool XmlCanCarry(std::string_view text);

// <Error><Code>..</Code><Message>..</Message><Resource>..</Resource><RequestId>..</RequestId></Error>,
// without a namespace, as S3 sends errors.
std::string ErrorDocument(const S3Error& error, std::string_view resource, std::string_view request_id);

// Request documents may come with the S3 namespace or without it (any
// namespace, and element prefixes, are ignored). Unknown elements are ignored
// so that newer clients work; text inside structural elements, a DOCTYPE,
// duplicated fields and missing required fields are refused. Element text is
// taken exactly as sent (keys keep their spaces); numbers and booleans may
// have surrounding whitespace.

// <Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>...</Delete>
struct ObjectToDelete {
  std::string key;
  std::string version_id;  // "" when not given
};
struct DeleteObjectsRequest {
  bool quiet = false;
  std::vector<ObjectToDelete> objects;  // in document order, duplicates kept
};
inline constexpr size_t kMaxObjectsPerDelete = 1000;
// MalformedXML on bad XML, a wrong root, an Object without a Key or with an
// empty one, no objects, or more than 1000.
S3Result<DeleteObjectsRequest> ParseDeleteObjects(std::string_view body);

// <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"..."</ETag>
// <ChecksumCRC32>..</ChecksumCRC32></Part>...</CompleteMultipartUpload>
struct CompletedPart {
  int part_number = 0;
  std::string etag;  // as sent, surrounding whitespace and one pair of quotes stripped
  // ("CRC32", base64) from ChecksumCRC32 and so on: the name after "Checksum",
  // as sent, for any such element (the caller refuses names it does not know,
  // such as CRC64NVME); the value is not checked here.
  std::vector<std::pair<std::string, std::string>> checksums;
};
inline constexpr int kMaxPartNumber = 10000;
// MalformedXML on bad XML, a wrong root, no parts, a Part without PartNumber
// or ETag, or a part number that is not a decimal integer; InvalidArgument
// for a part number outside 1..10000. Keeps document order: the caller checks
// InvalidPartOrder.
S3Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body);

// <CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>:
// the LocationConstraint (whitespace trimmed), or "" when it is absent or the
// body is empty or only whitespace.
S3Result<std::string> ParseCreateBucketConfiguration(std::string_view body);

}  // namespace strata::http
