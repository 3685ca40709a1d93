// S3Error is an error as S3 reports it: an HTTP status, a code from the S3
// API reference ("NoSuchKey", "SignatureDoesNotMatch") and a message. The
// gateway turns it into the S3 XML error document. S3Result<T> holds a value
// or an S3Error. FromStatus maps storage errors onto S3 codes.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "strata/base/status.h"

namespace strata::http {

struct S3Error {
  int http_status = 500;
  std::string code = "InternalError";
  std::string message;

  static S3Error Make(int http_status, std::string code, std::string message) {
    return S3Error{http_status, std::move(code), std::move(message)};
  }
  // The codes used in more than one place.
  static S3Error AccessDenied(std::string m) { return Make(403, "AccessDenied", std::move(m)); }
  static S3Error SignatureDoesNotMatch(std::string m) { return Make(403, "SignatureDoesNotMatch", std::move(m)); }
  static S3Error InvalidAccessKeyId(std::string m) { return Make(403, "InvalidAccessKeyId", std::move(m)); }
  static S3Error InvalidArgument(std::string m) { return Make(400, "InvalidArgument", std::move(m)); }
  static S3Error InvalidRequest(std::string m) { return Make(400, "InvalidRequest", std::move(m)); }
  static S3Error MalformedXML(std::string m) { return Make(400, "MalformedXML", std::move(m)); }
  static S3Error BadDigest(std::string m) { return Make(400, "BadDigest", std::move(m)); }
  static S3Error IncompleteBody(std::string m) { return Make(400, "IncompleteBody", std::move(m)); }
  static S3Error NotImplemented(std::string m) { return Make(501, "NotImplemented", std::move(m)); }
  static S3Error Internal(std::string m) { return Make(500, "InternalError", std::move(m)); }

  // Storage errors: NotFound -> 404 (the caller names NoSuchKey/NoSuchBucket
  // where it knows which), NoSpace -> 507 InsufficientStorage-like, and so on.
  static S3Error FromStatus(const Status& status);
};

template <typename T>
class [[nodiscard]] S3Result {
 public:
  S3Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  S3Result(S3Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const S3Error& error() const { return *error_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  std::optional<S3Error> error_;
};

// A check that passed or failed.
using S3Check = std::optional<S3Error>;

}  // namespace strata::http
