// The serialized form of scan requests and results (Thrift compact protocol),
// the bytes a gateway sends a remote node and gets back. Parsing checks
// everything a node acts on, so a malformed request is refused, never run.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/table/scan.h"

namespace strata::table {

std::string SerializeScanRequest(const ScanSpec& spec, std::span<const RowGroupTask> tasks);
Status ParseScanRequest(std::string_view bytes, ScanSpec* spec, std::vector<RowGroupTask>* tasks);

std::string SerializeScanResult(const ScanResult& result);
Result<ScanResult> ParseScanResult(std::string_view bytes);

}  // namespace strata::table
