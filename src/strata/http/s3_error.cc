#include "strata/http/s3_error.h"

namespace strata::http {

S3Error S3Error::FromStatus(const Status& status) {
  const std::string& m = status.message();
  switch (status.code()) {
    case StatusCode::kOk:
      return Internal("no error");  // a caller bug: an OK status is not an error
    case StatusCode::kNotFound:
      return Make(404, "NoSuchKey", m);
    case StatusCode::kInvalidArgument:
      return InvalidArgument(m);
    case StatusCode::kAlreadyExists:
      return Make(409, "OperationAborted", m);
    case StatusCode::kFailedPrecondition:
      return InvalidRequest(m);
    case StatusCode::kNoSpace:
      // S3 has no code for a full store; 507 tells clients it is not theirs to fix.
      return Make(507, "InsufficientStorage", m);
    case StatusCode::kUnavailable:
      return Make(503, "ServiceUnavailable", m);  // SDKs retry 503
    case StatusCode::kBusy:
      return Make(503, "SlowDown", m);
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kDataLoss:
      return Internal(m);
  }
  return Internal(m);
}

}  // namespace strata::http
