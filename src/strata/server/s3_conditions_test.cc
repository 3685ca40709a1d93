#include "strata/server/s3_conditions.h"

#include <gtest/gtest.h>

namespace strata::server {
namespace {

ByteRange Range(std::string_view header, uint64_t size) {
  auto parsed = ParseRange(header, size);
  EXPECT_TRUE(parsed.ok()) << header;
  EXPECT_TRUE(parsed.ok() && parsed->has_value()) << header;
  return parsed.ok() && parsed->has_value() ? **parsed : ByteRange{};
}

bool Ignored(std::string_view header, uint64_t size) {
  auto parsed = ParseRange(header, size);
  return parsed.ok() && !parsed->has_value();
}

std::string RangeError(std::string_view header, uint64_t size) {
  auto parsed = ParseRange(header, size);
  return parsed.ok() ? "" : parsed.error().code + "/" + std::to_string(parsed.error().http_status);
}

TEST(ParseRange, FirstLastSuffixAndOpenEnded) {
  ByteRange r = Range("bytes=0-99", 1000);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 100u);
  r = Range("bytes=900-", 1000);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(r.length, 100u);
  r = Range("bytes=-10", 1000);
  EXPECT_EQ(r.first, 990u);
  EXPECT_EQ(r.length, 10u);
  EXPECT_EQ(r.last(), 999u);
}

TEST(ParseRange, ClampsToTheObject) {
  ByteRange r = Range("bytes=10-5000", 1000);
  EXPECT_EQ(r.first, 10u);
  EXPECT_EQ(r.length, 990u);
  r = Range("bytes=-5000", 1000);  // a suffix longer than the object is all of it
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 1000u);
  r = Range("bytes=999-999", 1000);
  EXPECT_EQ(r.length, 1u);
}

TEST(ParseRange, UnsatisfiableIsInvalidRange) {
  EXPECT_EQ(RangeError("bytes=1000-", 1000), "InvalidRange/416");
  EXPECT_EQ(RangeError("bytes=1000-2000", 1000), "InvalidRange/416");
  EXPECT_EQ(RangeError("bytes=-0", 1000), "InvalidRange/416");
  EXPECT_EQ(RangeError("bytes=0-", 0), "InvalidRange/416");
  EXPECT_EQ(RangeError("bytes=-5", 0), "InvalidRange/416");
}

TEST(ParseRange, NotASingleByteRangeIsIgnored) {
  EXPECT_TRUE(Ignored("bytes=0-1,5-6", 1000));
  EXPECT_TRUE(Ignored("items=0-1", 1000));
  EXPECT_TRUE(Ignored("bytes=5-1", 1000));
  EXPECT_TRUE(Ignored("bytes=a-b", 1000));
  EXPECT_TRUE(Ignored("bytes=", 1000));
  EXPECT_TRUE(Ignored("bytes=-", 1000));
  EXPECT_TRUE(Ignored("bytes=1", 1000));
}

TEST(ParseCopySourceRange, MustBeClosedAndInside) {
  auto r = ParseCopySourceRange("bytes=0-9", 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->length, 10u);
  EXPECT_FALSE(ParseCopySourceRange("bytes=0-", 100).ok());
  EXPECT_FALSE(ParseCopySourceRange("bytes=-5", 100).ok());
  auto overlong = ParseCopySourceRange("bytes=50-100", 100);
  ASSERT_FALSE(overlong.ok());
  EXPECT_EQ(overlong.error().code, "InvalidRange");
  EXPECT_FALSE(ParseCopySourceRange("bytes=9-0", 100).ok());
  auto past = ParseCopySourceRange("bytes=100-200", 100);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, "InvalidRange");
}

constexpr int64_t kModified = 1'700'000'000'500;  // 2023-11-14T22:13:20.5Z
constexpr const char* kAtModified = "Tue, 14 Nov 2023 22:13:20 GMT";
constexpr const char* kBefore = "Tue, 14 Nov 2023 22:13:19 GMT";
constexpr const char* kAfter = "Tue, 14 Nov 2023 22:13:21 GMT";

// The four conditional headers in order; null: absent.
Conditions Headers(const char* if_match, const char* if_none_match, const char* if_modified_since,
                   const char* if_unmodified_since) {
  Conditions c;
  if (if_match) c.if_match = if_match;
  if (if_none_match) c.if_none_match = if_none_match;
  if (if_modified_since) c.if_modified_since = if_modified_since;
  if (if_unmodified_since) c.if_unmodified_since = if_unmodified_since;
  return c;
}

ConditionOutcome Evaluate(Conditions c) { return EvaluateConditions(c, "abc", kModified); }

TEST(EvaluateConditions, IfMatch) {
  EXPECT_EQ(Evaluate(Headers("\"abc\"", nullptr, nullptr, nullptr)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers("\"x\", \"abc\"", nullptr, nullptr, nullptr)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers("*", nullptr, nullptr, nullptr)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers("\"x\"", nullptr, nullptr, nullptr)), ConditionOutcome::kPreconditionFailed);
}

TEST(EvaluateConditions, IfNoneMatch) {
  EXPECT_EQ(Evaluate(Headers(nullptr, "\"abc\"", nullptr, nullptr)), ConditionOutcome::kNotModified);
  EXPECT_EQ(Evaluate(Headers(nullptr, "W/\"abc\"", nullptr, nullptr)), ConditionOutcome::kNotModified);
  EXPECT_EQ(Evaluate(Headers(nullptr, "\"x\"", nullptr, nullptr)), ConditionOutcome::kProceed);
}

TEST(EvaluateConditions, DatesCompareAtWholeSeconds) {
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, kAtModified, nullptr)), ConditionOutcome::kNotModified);
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, kBefore, nullptr)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, nullptr, kAtModified)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, nullptr, kBefore)), ConditionOutcome::kPreconditionFailed);
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, nullptr, kAfter)), ConditionOutcome::kProceed);
  EXPECT_EQ(Evaluate(Headers(nullptr, nullptr, "not a date", nullptr)), ConditionOutcome::kProceed);
}

TEST(EvaluateConditions, S3Precedence) {
  // If-Match holds and If-Unmodified-Since fails: the object is returned.
  EXPECT_EQ(Evaluate(Headers("\"abc\"", nullptr, nullptr, kBefore)), ConditionOutcome::kProceed);
  // If-None-Match fails (matches) and If-Modified-Since holds: 304.
  EXPECT_EQ(Evaluate(Headers(nullptr, "\"abc\"", kBefore, nullptr)), ConditionOutcome::kNotModified);
  // If-None-Match holds: If-Modified-Since is not consulted.
  EXPECT_EQ(Evaluate(Headers(nullptr, "\"x\"", kAfter, nullptr)), ConditionOutcome::kProceed);
  // A failed If-Match wins over everything.
  EXPECT_EQ(Evaluate(Headers("\"x\"", "\"abc\"", nullptr, nullptr)), ConditionOutcome::kPreconditionFailed);
}

}  // namespace
}  // namespace strata::server
