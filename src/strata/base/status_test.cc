#include "strata/base/status.h"

#include <cerrno>
#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "OK");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
    std::string_view name;
  };
  const Case cases[] = {
      {Status::NotFound("m"), StatusCode::kNotFound, "NotFound"},
      {Status::Corruption("m"), StatusCode::kCorruption, "Corruption"},
      {Status::IOError("m"), StatusCode::kIOError, "IOError"},
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "InvalidArgument"},
      {Status::Unavailable("m"), StatusCode::kUnavailable, "Unavailable"},
      {Status::DataLoss("m"), StatusCode::kDataLoss, "DataLoss"},
      {Status::AlreadyExists("m"), StatusCode::kAlreadyExists, "AlreadyExists"},
      {Status::NoSpace("m"), StatusCode::kNoSpace, "NoSpace"},
      {Status::FailedPrecondition("m"), StatusCode::kFailedPrecondition, "FailedPrecondition"},
      {Status::Busy("m"), StatusCode::kBusy, "Busy"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "m");
    EXPECT_EQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(c.status.ToString(), std::string(c.name) + ": m");
  }
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_TRUE(Status::NoSpace("x").IsNoSpace());
  EXPECT_FALSE(Status::IOError("x").IsNotFound());
}

TEST(StatusTest, WithContextPrefixesAndKeepsCode) {
  Status status = Status::Corruption("unit 12 checksum mismatch").WithContext("drive d3");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "drive d3: unit 12 checksum mismatch");
  EXPECT_TRUE(Status::OK().WithContext("drive d3").ok());
  EXPECT_EQ(Status::OK().WithContext("drive d3").message(), "");
}

TEST(StatusTest, FromErrnoMapsCodesAndNamesTheOperation) {
  Status missing = Status::FromErrno(ENOENT, "open /x");
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_EQ(missing.message(), "open /x: No such file or directory");
  EXPECT_TRUE(Status::FromErrno(ENOSPC, "write /x").IsNoSpace());
  EXPECT_TRUE(Status::FromErrno(EDQUOT, "write /x").IsNoSpace());
  EXPECT_EQ(Status::FromErrno(EIO, "read /x").code(), StatusCode::kIOError);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.value(), 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad = Status::NotFound("no such thing");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
  EXPECT_EQ(bad.status().message(), "no such thing");
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<std::string>> result = std::make_unique<std::string>("abc");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)->size(), 3u);
  std::unique_ptr<std::string> taken = std::move(result).value();
  EXPECT_EQ(*taken, "abc");
}

TEST(ResultTest, ArrowReachesMembers) {
  Result<std::string> result = std::string("hello");
  EXPECT_EQ(result->size(), 5u);
  result->append("!");
  EXPECT_EQ(*result, "hello!");
}

Status FailIf(bool fail) { return fail ? Status::IOError("boom") : Status::OK(); }

Result<int> HalfOf(int n) {
  if (n % 2 != 0) return Status::InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Status CountSteps(bool fail_second, int* steps) {
  RETURN_IF_ERROR(FailIf(false));
  ++*steps;
  RETURN_IF_ERROR(FailIf(fail_second));
  ++*steps;
  return Status::OK();
}

Result<int> QuarterOf(int n) {
  ASSIGN_OR_RETURN(int half, HalfOf(n));
  ASSIGN_OR_RETURN(auto quarter, HalfOf(half));  // twice in one function
  return quarter;
}

Result<std::unique_ptr<int>> Boxed(int n) { return std::make_unique<int>(n); }

Result<int> Unbox(int n) {
  ASSIGN_OR_RETURN(std::unique_ptr<int> box, Boxed(n));
  return *box;
}

TEST(MacrosTest, ReturnIfErrorStopsAtTheFirstFailure) {
  int steps = 0;
  EXPECT_TRUE(CountSteps(false, &steps).ok());
  EXPECT_EQ(steps, 2);
  steps = 0;
  Status status = CountSteps(true, &steps);
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_EQ(status.message(), "boom");
  EXPECT_EQ(steps, 1);
}

TEST(MacrosTest, AssignOrReturnBindsOrPropagates) {
  Result<int> quarter = QuarterOf(12);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(*quarter, 3);

  Result<int> odd = QuarterOf(7);
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(odd.status().message(), "7 is odd");

  Result<int> odd_half = QuarterOf(6);
  EXPECT_EQ(odd_half.status().message(), "3 is odd");
}

TEST(MacrosTest, AssignOrReturnMovesMoveOnlyValues) {
  Result<int> value = Unbox(9);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 9);
}

}  // namespace
}  // namespace strata
