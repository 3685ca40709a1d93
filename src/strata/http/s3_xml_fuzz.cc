// Fuzz target: the S3 request-document parsers and ParseHttpDate take any
// bytes and either return a value or an error; they never crash. What they
// accept survives a trip through XmlWriter (or FormatHttpDate) and back, which
// checks the writer's escaping against the parser's decoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "strata/http/s3_xml.h"

namespace {

using namespace strata::http;

void CheckDeleteObjects(std::string_view text) {
  S3Result<DeleteObjectsRequest> request = ParseDeleteObjects(text);
  if (!request.ok()) return;
  XmlWriter xml("Delete");
  xml.Element("Quiet", request->quiet);
  for (const ObjectToDelete& object : request->objects) {
    // Keys with characters XML 1.0 cannot carry are written as U+FFFD and so
    // cannot come back unchanged.
    if (!XmlCanCarry(object.key) || !XmlCanCarry(object.version_id)) return;
    xml.Open("Object").Element("Key", object.key);
    if (!object.version_id.empty()) xml.Element("VersionId", object.version_id);
    xml.Close();
  }
  S3Result<DeleteObjectsRequest> again = ParseDeleteObjects(xml.Finish());
  if (!again.ok() || again->quiet != request->quiet || again->objects.size() != request->objects.size()) std::abort();
  for (size_t i = 0; i < request->objects.size(); ++i) {
    if (again->objects[i].key != request->objects[i].key ||
        again->objects[i].version_id != request->objects[i].version_id) {
      std::abort();
    }
  }
}

void CheckCompleteMultipartUpload(std::string_view text) {
  S3Result<std::vector<CompletedPart>> parts = ParseCompleteMultipartUpload(text);
  if (!parts.ok()) return;
  XmlWriter xml("CompleteMultipartUpload");
  for (const CompletedPart& part : *parts) {
    if (part.part_number < 1 || part.part_number > kMaxPartNumber) std::abort();
    if (!XmlCanCarry(part.etag)) return;
    xml.Open("Part").Element("PartNumber", part.part_number).Element("ETag", "\"" + part.etag + "\"");
    for (const auto& [algorithm, value] : part.checksums) {
      if (!XmlCanCarry(value)) return;
      xml.Element("Checksum" + algorithm, value);
    }
    xml.Close();
  }
  S3Result<std::vector<CompletedPart>> again = ParseCompleteMultipartUpload(xml.Finish());
  if (!again.ok() || again->size() != parts->size()) std::abort();
  for (size_t i = 0; i < parts->size(); ++i) {
    const CompletedPart& a = (*parts)[i];
    const CompletedPart& b = (*again)[i];
    if (a.part_number != b.part_number || a.etag != b.etag || a.checksums != b.checksums) std::abort();
  }
}

void CheckDates(std::string_view text, const uint8_t* data, size_t size) {
  std::optional<int64_t> millis = ParseHttpDate(text);
  if (millis) {
    if (*millis % 1000 != 0) std::abort();
    if (ParseHttpDate(FormatHttpDate(*millis)) != millis) std::abort();
  }
  if (size >= 8) {
    int64_t any = 0;
    std::memcpy(&any, data, sizeof(any));
    if (FormatIsoTime(any).empty() || FormatHttpDate(any).empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckDeleteObjects(text);
  CheckCompleteMultipartUpload(text);
  (void)ParseCreateBucketConfiguration(text);
  CheckDates(text, data, size);
  return 0;
}
