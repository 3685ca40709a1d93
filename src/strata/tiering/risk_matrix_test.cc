#include "strata/tiering/risk_matrix.h"

#include <gtest/gtest.h>

#include <limits>

namespace strata::tiering {
namespace {

TEST(RiskMatrixTest, TwoTiersMoveBelowTheBreakEvenProbability) {
  RiskMatrix matrix = RiskMatrix::TwoTier("hot", "capacity", 4.0);
  // Break-even at P(used) = 1 / (1 + 4) = 0.2.
  EXPECT_EQ(matrix.Choose(0.9), 0u);
  EXPECT_EQ(matrix.Choose(0.25), 0u);
  EXPECT_EQ(matrix.Choose(0.15), 1u);
  EXPECT_EQ(matrix.Choose(0.0), 1u);
  const std::vector<double> risks = matrix.Risks(0.5);
  EXPECT_DOUBLE_EQ(risks[0], 0.5);
  EXPECT_DOUBLE_EQ(risks[1], 2.0);
}

TEST(RiskMatrixTest, ThreeTiers) {
  auto matrix = RiskMatrix::Make({{"hot", 0, 3}, {"capacity", 2, 1}, {"archive", 20, 0}});
  ASSERT_TRUE(matrix.ok());
  EXPECT_EQ(matrix->Choose(0.9), 0u);   // 0.3 / 1.9 / 18
  EXPECT_EQ(matrix->Choose(0.5), 0u);   // 1.5 / 1.5 / 10: the first on a tie
  EXPECT_EQ(matrix->Choose(0.3), 1u);   // 2.1 / 1.3 / 6
  EXPECT_EQ(matrix->Choose(0.01), 2u);  // 2.97 / 1.01 / 0.2
}

TEST(RiskMatrixTest, RefusesBadMatrices) {
  EXPECT_FALSE(RiskMatrix::Make({}).ok());
  EXPECT_FALSE(RiskMatrix::Make({{"hot", 0, 1}, {"hot", 1, 0}}).ok());
  EXPECT_FALSE(RiskMatrix::Make({{"", 0, 1}}).ok());
  auto nan = RiskMatrix::Make({{"hot", std::numeric_limits<double>::quiet_NaN(), 1}});
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("'hot'"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
