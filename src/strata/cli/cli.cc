#include "strata/cli/cli.h"

#include <iostream>

namespace strata::cli {

int Fail(const Status& status) {
  std::cerr << "strata: " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kDataLoss: return kExitDamaged;
    default: return kExitFailure;
  }
}

Result<std::unique_ptr<ObjectStore>> OpenStore(const GlobalOptions& options) {
  auto store = ObjectStore::Open(options.store);
  if (!store.ok()) return store.status();
  const RecoveryReport& r = (*store)->recovery();
  if (!options.quiet && (r.pending_blobs_removed || r.temporaries_removed)) {
    std::cerr << "strata: cleaned up after an interrupted write: " << r.pending_blobs_removed
              << " unfinished blobs, " << r.temporaries_removed << " temporary files\n";
  }
  return store;
}

Result<ObjectPath> ParseObjectPath(const std::string& text) {
  std::string path = text;
  if (path.rfind("s3://", 0) == 0) path = path.substr(5);
  ObjectPath out;
  const size_t slash = path.find('/');
  out.bucket = path.substr(0, slash);
  if (slash != std::string::npos) out.key = path.substr(slash + 1);
  if (out.bucket.empty()) return Status::InvalidArgument("'" + text + "' does not name a bucket (expected BUCKET/KEY)");
  return out;
}

}  // namespace strata::cli
