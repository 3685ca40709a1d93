#include "strata/http/s3_xml.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace strata::http {
namespace {

constexpr char kDeclaration[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

// The S3 error code of a failed parse, or "" when it succeeded.
template <typename T>
std::string CodeOf(const S3Result<T>& result) {
  return result.ok() ? "" : result.error().code;
}

TEST(XmlEscapeTest, EscapesMarkup) {
  EXPECT_EQ(XmlEscape(""), "");
  EXPECT_EQ(XmlEscape("plain/key.txt"), "plain/key.txt");
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(XmlEscape("&amp;"), "&amp;amp;");
  EXPECT_EQ(XmlEscape("]]>"), "]]&gt;");
}

TEST(XmlEscapeTest, WhitespaceControlsBecomeReferences) {
  EXPECT_EQ(XmlEscape("a\tb\nc\rd"), "a&#x9;b&#xA;c&#xD;d");
  EXPECT_EQ(XmlEscape("  spaced  "), "  spaced  ");
  EXPECT_EQ(XmlEscape("del\x7f"), "del&#x7F;");
  EXPECT_EQ(XmlEscape("c1\xc2\x85"), "c1&#x85;");  // U+0085, NEL
}

TEST(XmlEscapeTest, UnicodePassesThrough) {
  const std::string text = "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80";  // café/日本/😀
  EXPECT_EQ(XmlEscape(text), text);
  EXPECT_TRUE(XmlCanCarry(text));
  EXPECT_EQ(XmlEscape("\xef\xbf\xbd"), "\xef\xbf\xbd");  // U+FFFD itself is fine
}

TEST(XmlEscapeTest, WhatXml10CannotCarryBecomesReplacementCharacter) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(XmlEscape(std::string("a\0b", 3)), "a" + fffd + "b");
  EXPECT_EQ(XmlEscape("\x01\x08\x0b\x0c\x1f"), fffd + fffd + fffd + fffd + fffd);
  EXPECT_EQ(XmlEscape("\xef\xbf\xbe\xef\xbf\xbf"), fffd + fffd);  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlEscape("bad\xff"), "bad" + fffd);
  EXPECT_EQ(XmlEscape("\xc3"), fffd);                   // truncated sequence
  EXPECT_EQ(XmlEscape("\xc0\xaf"), fffd + fffd);        // overlong '/'
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(XmlEscape("\xf4\x90\x80\x80x"), fffd + fffd + fffd + fffd + "x");  // past U+10FFFF
  for (const std::string& bad : {std::string("a\0", 2), std::string("\x01"), std::string("\xff"),
                                std::string("\xef\xbf\xbe"), std::string("\xed\xa0\x80")}) {
    EXPECT_FALSE(XmlCanCarry(bad));
  }
  EXPECT_TRUE(XmlCanCarry("tab\tnewline\ncr\r&<>\"'\x7f"));
}

TEST(XmlWriterTest, NestsAndCloses) {
  XmlWriter xml("ListAllMyBucketsResult");
  xml.Open("Owner").Element("ID", "abc").Element("DisplayName", "me & you").Close();
  xml.Open("Buckets");
  xml.Open("Bucket").Element("Name", std::string("b1")).Element("CreationDate", "2026-11-21T19:30:00.000Z").Close();
  xml.Open("Bucket").Element("Name", "b2");  // left open: Finish closes it
  EXPECT_EQ(xml.Finish(),
            std::string(kDeclaration) +
                "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Owner><ID>abc</ID><DisplayName>me &amp; you</DisplayName></Owner>"
                "<Buckets><Bucket><Name>b1</Name><CreationDate>2026-11-21T19:30:00.000Z</CreationDate></Bucket>"
                "<Bucket><Name>b2</Name></Bucket></Buckets></ListAllMyBucketsResult>");
}

TEST(XmlWriterTest, ValueTypes) {
  XmlWriter xml("R", /*with_namespace=*/false);
  xml.Element("Int64", int64_t{-5});
  xml.Element("Int", 7);
  xml.Element("Size", uint64_t{18446744073709551615u});
  xml.Element("Count", size_t{3});
  xml.Element("True", true);
  xml.Element("False", false);
  xml.Element("Literal", "text");  // not taken as a bool
  xml.Element("Empty", "");
  EXPECT_EQ(xml.Finish(), std::string(kDeclaration) +
                              "<R><Int64>-5</Int64><Int>7</Int><Size>18446744073709551615</Size><Count>3</Count>"
                              "<True>true</True><False>false</False><Literal>text</Literal><Empty></Empty></R>");
}

TEST(XmlWriterTest, CloseAllThenFinish) {
  XmlWriter xml("Root", false);
  xml.Open("A").Close().Close();
  xml.Close();  // nothing left to close: ignored
  EXPECT_EQ(xml.Finish(), std::string(kDeclaration) + "<Root><A></A></Root>");
}

TEST(XmlWriterTest, WrittenKeysParseBack) {
  // What the writer escapes, the parser reads back exactly: every character
  // XML 1.0 can carry survives, including CR and leading spaces.
  const std::vector<std::string> keys = {
      "simple", " lead and trail ", "a&b<c>\"'", "line\nbreak\r\nand\rcr\ttab", "caf\xc3\xa9 \xf0\x9f\x98\x80",
      "&amp;", "]]>", "\x7f\xc2\x80\xc2\x9f"};
  XmlWriter xml("Delete");
  for (const std::string& key : keys) xml.Open("Object").Element("Key", key).Close();
  S3Result<DeleteObjectsRequest> parsed = ParseDeleteObjects(xml.Finish());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->objects.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(parsed->objects[i].key, keys[i]);
}

TEST(ErrorDocumentTest, HasNoNamespace) {
  S3Error error = S3Error::Make(404, "NoSuchKey", "The specified key does not exist.");
  EXPECT_EQ(ErrorDocument(error, "/bucket/a&b", "4442587FB7D0A2F9"),
            std::string(kDeclaration) +
                "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
                "<Resource>/bucket/a&amp;b</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>");
}

// ---- Dates ----

// 2026-11-21T19:30:00Z, a Saturday.
constexpr int64_t kSaturday = 1795289400000;

TEST(DateTest, FormatsIsoTime) {
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoTime(kSaturday), "2026-11-21T19:30:00.000Z");
  EXPECT_EQ(FormatIsoTime(kSaturday + 123), "2026-11-21T19:30:00.123Z");
  EXPECT_EQ(FormatIsoTime(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoTime(951782400000), "2000-02-29T00:00:00.000Z");  // leap day of a century leap year
  EXPECT_EQ(FormatIsoTime(253402300799999), "9999-12-31T23:59:59.999Z");
  // Out-of-range times still format without overflow.
  EXPECT_FALSE(FormatIsoTime(INT64_MAX).empty());
  EXPECT_FALSE(FormatIsoTime(INT64_MIN).empty());
}

TEST(DateTest, FormatsHttpDate) {
  EXPECT_EQ(FormatHttpDate(kSaturday), "Sat, 21 Nov 2026 19:30:00 GMT");
  EXPECT_EQ(FormatHttpDate(kSaturday + 999), "Sat, 21 Nov 2026 19:30:00 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(784111777000), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 7231's example
  EXPECT_EQ(FormatHttpDate(-1000), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(951782400000), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_FALSE(FormatHttpDate(INT64_MIN).empty());
}

TEST(DateTest, ParsesAllThreeForms) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777000);
  EXPECT_EQ(ParseHttpDate("Sun Nov 06 08:49:37 1994"), 784111777000);
  EXPECT_EQ(ParseHttpDate("Sat Nov 21 19:30:00 2026"), kSaturday);
  EXPECT_EQ(ParseHttpDate("Saturday, 21-Nov-26 19:30:00 GMT"), kSaturday);
  EXPECT_EQ(ParseHttpDate("  Sat, 21 Nov 2026 19:30:00 GMT \t"), kSaturday);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Wed, 31 Dec 1969 23:59:59 GMT"), -1000);
  EXPECT_EQ(ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400000);
  EXPECT_EQ(ParseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT"), ParseHttpDate("Sun, 01 Jan 2017 00:00:00 GMT"));
  // The weekday is not checked against the date.
  EXPECT_EQ(ParseHttpDate("Mon, 21 Nov 2026 19:30:00 GMT"), kSaturday);
}

TEST(DateTest, RoundTrips) {
  for (int64_t t : {int64_t{0}, kSaturday, int64_t{-86400000}, int64_t{951782400000}, int64_t{4102444799000},
                    int64_t{253402300799000}, int64_t{-62135596800000} /* 0001-01-01 */}) {
    EXPECT_EQ(ParseHttpDate(FormatHttpDate(t)), t) << FormatHttpDate(t);
  }
}

TEST(DateTest, RefusesOtherText) {
  for (const char* bad : {
           "",
           "2026-11-21T19:30:00Z",
           "Sat, 21 Nov 2026 19:30:00 UTC",
           "Sat, 21 Nov 2026 19:30:00 gmt",
           "sat, 21 Nov 2026 19:30:00 GMT",
           "Sat, 21 nov 2026 19:30:00 GMT",
           "Sat, 21 Nov 2026 19:30:00",
           "Sat, 21 Nov 2026 19:30:00 GMT extra",
           "Sat, 1 Nov 2026 19:30:00 GMT",
           "Sat, 21 Nov 26 19:30:00 GMT",
           "Sat, 21 Nov 2026 19:30 GMT",
           "Sat, 21 Nov 2026 24:00:00 GMT",
           "Sat, 21 Nov 2026 19:60:00 GMT",
           "Sat, 21 Nov 2026 19:30:61 GMT",
           "Sat, 00 Nov 2026 19:30:00 GMT",
           "Sat, 31 Nov 2026 19:30:00 GMT",
           "Sun, 29 Feb 2026 00:00:00 GMT",
           "Thu, 29 Feb 1900 00:00:00 GMT",
           "Sat,  21 Nov 2026 19:30:00 GMT",
           "Sat, 21 Nox 2026 19:30:00 GMT",
           "Sat, +1 Nov 2026 19:30:00 GMT",
           "Sat, 21-Nov-26 19:30:00 GMT",      // short day name in the RFC 850 form
           "Saturday, 21-Nov-2026 19:30:00 GMT",
           "Saturday, 21 Nov 2026 19:30:00 GMT",
           "Sat Nov 21 19:30:00 26",
           "Sat Nov 21 19:30:00 2026 GMT",
           "Sat Nov  21 19:30:00 2026",
           "Sat Nov 2 19:30:00 2026",
       }) {
    EXPECT_EQ(ParseHttpDate(bad), std::nullopt) << bad;
  }
}

// ---- DeleteObjects ----

TEST(ParseDeleteObjectsTest, ReadsObjectsWithAndWithoutNamespace) {
  const std::string with_namespace =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Object><Key>a.txt</Key></Object>\n"
      "  <Object><Key>dir/b&amp;c</Key><VersionId>v1</VersionId></Object>\n"
      "  <Quiet>true</Quiet>\n"
      "</Delete>";
  const std::string without_namespace =
      "<Delete><Quiet>true</Quiet><Object><Key>a.txt</Key></Object>"
      "<Object><VersionId>v1</VersionId><Key>dir/b&amp;c</Key></Object></Delete>";
  for (const std::string& body : {with_namespace, without_namespace}) {
    S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(body);
    ASSERT_TRUE(request.ok()) << request.error().message;
    EXPECT_TRUE(request->quiet);
    ASSERT_EQ(request->objects.size(), 2u);
    EXPECT_EQ(request->objects[0].key, "a.txt");
    EXPECT_EQ(request->objects[0].version_id, "");
    EXPECT_EQ(request->objects[1].key, "dir/b&c");
    EXPECT_EQ(request->objects[1].version_id, "v1");
  }
}

TEST(ParseDeleteObjectsTest, KeysAreTakenExactly) {
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(
      "<Delete><Object><Key> </Key></Object><Object><Key>  two  words </Key></Object>"
      "<Object><Key><![CDATA[<raw> & ]]>tail&#x41;&#65;&#xD;</Key></Object>"
      "<Object><Key>a<!-- comment -->b</Key></Object>"
      "<Object><Key>\xe6\x97\xa5\xe6\x9c\xac</Key></Object>"
      "<Object><Key>ctl&#x1;</Key></Object></Delete>");
  ASSERT_TRUE(request.ok()) << request.error().message;
  ASSERT_EQ(request->objects.size(), 6u);
  EXPECT_EQ(request->objects[0].key, " ");
  EXPECT_EQ(request->objects[1].key, "  two  words ");
  EXPECT_EQ(request->objects[2].key, "<raw> & tailAA\r");
  EXPECT_EQ(request->objects[3].key, "ab");
  EXPECT_EQ(request->objects[4].key, "\xe6\x97\xa5\xe6\x9c\xac");
  EXPECT_EQ(request->objects[5].key, "ctl\x01");
  EXPECT_FALSE(request->quiet);
}

TEST(ParseDeleteObjectsTest, QuietValues) {
  auto quiet = [](const std::string& value) {
    return ParseDeleteObjects("<Delete><Quiet>" + value + "</Quiet><Object><Key>k</Key></Object></Delete>");
  };
  EXPECT_TRUE(quiet("true")->quiet);
  EXPECT_TRUE(quiet(" True ")->quiet);
  EXPECT_FALSE(quiet("false")->quiet);
  EXPECT_FALSE(quiet("FALSE")->quiet);
  EXPECT_EQ(CodeOf(quiet("yes")), "MalformedXML");
  EXPECT_EQ(CodeOf(quiet("")), "MalformedXML");
}

TEST(ParseDeleteObjectsTest, AcceptsByteOrderMarkAndComments) {
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(
      "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- note -->\n"
      "<Delete><!-- inside --><Object><Key>k</Key></Object></Delete>\n");
  ASSERT_TRUE(request.ok()) << request.error().message;
  ASSERT_EQ(request->objects.size(), 1u);
  EXPECT_EQ(request->objects[0].key, "k");
}

TEST(ParseDeleteObjectsTest, IgnoresUnknownElementsAndPrefixes) {
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(
      "<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Object><s3:Key>k</s3:Key>"
      "<s3:ETag>\"e\"</s3:ETag><s3:Size>5</s3:Size></s3:Object><Future>x</Future></s3:Delete>");
  ASSERT_TRUE(request.ok()) << request.error().message;
  ASSERT_EQ(request->objects.size(), 1u);
  EXPECT_EQ(request->objects[0].key, "k");
}

TEST(ParseDeleteObjectsTest, AcceptsExactly1000Objects) {
  std::string body = "<Delete>";
  for (int i = 0; i < 1000; ++i) body += "<Object><Key>key" + std::to_string(i) + "</Key></Object>";
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(body + "</Delete>");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->objects.size(), 1000u);
  EXPECT_EQ(request->objects[999].key, "key999");
  S3Result<DeleteObjectsRequest> too_many = ParseDeleteObjects(body + "<Object><Key>one more</Key></Object></Delete>");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, "MalformedXML");
  EXPECT_EQ(too_many.error().http_status, 400);
  EXPECT_NE(too_many.error().message.find("more than 1000 objects"), std::string::npos);
}

TEST(ParseDeleteObjectsTest, RefusesMalformedDocuments) {
  const char* bad[] = {
      "",
      "   ",
      "not xml at all",
      "<Delete>",                                                        // unclosed
      "<Delete><Object><Key>k</Key></Object>",                           // unclosed root
      "<Delete><Object><Key>k</Object></Key></Delete>",                  // crossed tags
      "<Delete></Delete>",                                               // no objects
      "<Delete><Quiet>true</Quiet></Delete>",                            // no objects
      "<Remove><Object><Key>k</Key></Object></Remove>",                  // wrong root
      "<Delete><Object><VersionId>v</VersionId></Object></Delete>",      // no key
      "<Delete><Object><Key></Key></Object></Delete>",                   // empty key
      "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",      // two keys
      "<Delete><Object><Key>a<b/></Key></Object></Delete>",              // element inside a key
      "<Delete>junk<Object><Key>k</Key></Object></Delete>",              // text in a structure
      "<Delete><Object>junk<Key>k</Key></Object></Delete>",              // text in a structure
      "<Delete><Quiet>true</Quiet><Quiet>false</Quiet><Object><Key>k</Key></Object></Delete>",
      "<Delete><Object><Key>a & b</Key></Object></Delete>",              // bare ampersand
      "<Delete><Object><Key>a &nbsp; b</Key></Object></Delete>",         // undeclared entity
      "<Delete><Object><Key>a&#0;b</Key></Object></Delete>",             // NUL reference
      "<Delete><Object><Key>a&#xD800;</Key></Object></Delete>",          // surrogate reference
      "<Delete><Object><Key>a&#x110000;</Key></Object></Delete>",        // past U+10FFFF
      "<Delete><Object><Key>a&#X41;</Key></Object></Delete>",            // upper-case X
      "<Delete><Object><Key>a&#;</Key></Object></Delete>",
      "<Delete><Object><Key>k</Key></Object></Delete><Delete/>",         // two roots
      "<Delete><Object><Key>k</Key></Object></Delete>trailing",
      "leading<Delete><Object><Key>k</Key></Object></Delete>",
  };
  for (const char* body : bad) {
    S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(body);
    EXPECT_EQ(CodeOf(request), "MalformedXML") << body;
  }
  const char with_nul[] = "<Delete><Object><Key>a\0b</Key></Object></Delete>";
  EXPECT_EQ(CodeOf(ParseDeleteObjects(std::string(with_nul, sizeof(with_nul) - 1))), "MalformedXML");
  EXPECT_EQ(CodeOf(ParseDeleteObjects("<Delete><Object><Key>bad\xff</Key></Object></Delete>")), "MalformedXML");
  EXPECT_EQ(ParseDeleteObjects("<Remove/>").error().message,
            "The XML you provided was not well-formed or did not validate against our published schema: "
            "the root element is <Remove>, expected <Delete>");
}

TEST(ParseDeleteObjectsTest, RefusesDoctypeAndEntities) {
  // The "billion laughs": refused for its DOCTYPE before anything expands.
  const std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
      "<Delete><Object><Key>&lol3;</Key></Object></Delete>";
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(bomb);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code, "MalformedXML");
  EXPECT_NE(request.error().message.find("DOCTYPE"), std::string::npos) << request.error().message;
  const std::string external =
      "<!DOCTYPE Delete [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<Delete><Object><Key>&xxe;</Key></Object></Delete>";
  EXPECT_EQ(CodeOf(ParseDeleteObjects(external)), "MalformedXML");
}

TEST(ParseDeleteObjectsTest, RefusesOversizedBodies) {
  std::string body = "<Delete><Object><Key>k</Key></Object>";
  body += std::string(kMaxXmlRequestSize, ' ');
  body += "</Delete>";
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(body);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code, "MaxMessageLengthExceeded");
  EXPECT_EQ(request.error().http_status, 400);
}

// ---- CompleteMultipartUpload ----

TEST(ParseCompleteMultipartUploadTest, ReadsPartsInDocumentOrder) {
  const std::string body =
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Part><PartNumber>1</PartNumber><ETag>\"a54357aff0632cce46d942af68356b38\"</ETag>"
      "<ChecksumCRC32>GmdOLw==</ChecksumCRC32><ChecksumSHA256> KlXRBaeAOXKqywYfb+EVV3uuKLLcPmPxNxUbFu21coM= "
      "</ChecksumSHA256></Part>\n"
      "  <Part><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag><PartNumber> 3 </PartNumber></Part>\n"
      "  <Part><PartNumber>2</PartNumber><ETag>unquoted</ETag><ChecksumCRC64NVME>x</ChecksumCRC64NVME>"
      "<ChecksumType>COMPOSITE</ChecksumType></Part>\n"
      "</CompleteMultipartUpload>";
  S3Result<std::vector<CompletedPart>> parts = ParseCompleteMultipartUpload(body);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].part_number, 1);
  EXPECT_EQ((*parts)[0].etag, "a54357aff0632cce46d942af68356b38");
  using Checksums = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ((*parts)[0].checksums,
            (Checksums{{"CRC32", "GmdOLw=="}, {"SHA256", "KlXRBaeAOXKqywYfb+EVV3uuKLLcPmPxNxUbFu21coM="}}));
  EXPECT_EQ((*parts)[1].part_number, 3);
  EXPECT_EQ((*parts)[1].etag, "0c78aef83f66abc1fa1e8477f296d394");
  EXPECT_TRUE((*parts)[1].checksums.empty());
  EXPECT_EQ((*parts)[2].part_number, 2);
  EXPECT_EQ((*parts)[2].etag, "unquoted");
  EXPECT_EQ((*parts)[2].checksums, (Checksums{{"CRC64NVME", "x"}}));

  S3Result<std::vector<CompletedPart>> plain = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><PartNumber>10000</PartNumber><ETag>\"e\"</ETag></Part>"
      "</CompleteMultipartUpload>");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ((*plain)[0].part_number, 10000);
  EXPECT_EQ((*plain)[0].etag, "e");
}

TEST(ParseCompleteMultipartUploadTest, RefusesMalformedDocuments) {
  auto one_part = [](const std::string& inside) {
    return "<CompleteMultipartUpload><Part>" + inside + "</Part></CompleteMultipartUpload>";
  };
  const std::string bad[] = {
      "",
      "garbage",
      "<CompleteMultipartUpload></CompleteMultipartUpload>",
      "<CompleteMultipartUpload/>",
      "<Complete><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Complete>",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>",
      one_part("<ETag>e</ETag>"),
      one_part("<PartNumber>1</PartNumber>"),
      one_part("<PartNumber>one</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber></PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>-1</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>+1</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>1.5</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>0x10</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>e</ETag>"),
      one_part("<PartNumber>1</PartNumber><ETag>e</ETag><ETag>f</ETag>"),
      one_part("<PartNumber>1</PartNumber><ETag>e</ETag><ChecksumCRC32>a</ChecksumCRC32>"
               "<ChecksumCRC32>b</ChecksumCRC32>"),
      one_part("<PartNumber>1<x/></PartNumber><ETag>e</ETag>"),
      one_part("text<PartNumber>1</PartNumber><ETag>e</ETag>"),
  };
  for (const std::string& body : bad) EXPECT_EQ(CodeOf(ParseCompleteMultipartUpload(body)), "MalformedXML") << body;
  for (const char* number : {"0", "10001", "99999999999999999999", "00"}) {
    S3Result<std::vector<CompletedPart>> parts =
        ParseCompleteMultipartUpload(one_part(std::string("<PartNumber>") + number + "</PartNumber><ETag>e</ETag>"));
    EXPECT_EQ(CodeOf(parts), "InvalidArgument") << number;
  }
  EXPECT_EQ(ParseCompleteMultipartUpload(one_part("<PartNumber>x1</PartNumber><ETag>e</ETag>")).error().message,
            "The XML you provided was not well-formed or did not validate against our published schema: "
            "part 1: <PartNumber> 'x1' is not a whole number");
}

// ---- CreateBucketConfiguration ----

TEST(ParseCreateBucketConfigurationTest, ReadsLocationConstraint) {
  EXPECT_EQ(*ParseCreateBucketConfiguration(""), "");
  EXPECT_EQ(*ParseCreateBucketConfiguration(" \r\n"), "");
  EXPECT_EQ(*ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"),
            "eu-west-1");
  EXPECT_EQ(*ParseCreateBucketConfiguration(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateBucketConfiguration>\n"
                "  <LocationConstraint> us-east-1 </LocationConstraint>\n</CreateBucketConfiguration>\n"),
            "us-east-1");
  EXPECT_EQ(*ParseCreateBucketConfiguration("<CreateBucketConfiguration/>"), "");
  EXPECT_EQ(*ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>"),
            "");
  EXPECT_EQ(*ParseCreateBucketConfiguration("<CreateBucketConfiguration><Bucket><Type>Directory</Type></Bucket>"
                                            "<LocationConstraint>r1</LocationConstraint></CreateBucketConfiguration>"),
            "r1");
}

TEST(ParseCreateBucketConfigurationTest, RefusesMalformedDocuments) {
  for (const char* body : {
           "not xml",
           "<CreateBucketConfiguration>",
           "<BucketConfiguration><LocationConstraint>r</LocationConstraint></BucketConfiguration>",
           "<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>"
           "<LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>",
           "<CreateBucketConfiguration><LocationConstraint><a/></LocationConstraint></CreateBucketConfiguration>",
           "<!DOCTYPE x><CreateBucketConfiguration/>",
       }) {
    EXPECT_EQ(CodeOf(ParseCreateBucketConfiguration(body)), "MalformedXML") << body;
  }
}

}  // namespace
}  // namespace strata::http
