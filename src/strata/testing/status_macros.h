// gtest assertions on Status and Result values: ASSERT_OK(status) and
// ASSERT_OK_AND_ASSIGN(auto x, result), which print the error on failure.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "strata/base/status.h"

#define ASSERT_OK(expr)                                       \
  do {                                                        \
    const ::strata::Status _st = (expr);                      \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.ToString(); \
  } while (0)

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(STRATA_CONCAT(_test_result_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)                    \
  auto tmp = (expr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()
