#include "strata/tiering/access_history.h"

#include <gtest/gtest.h>

#include <fstream>

#include "strata/testing/temp_dir.h"

namespace strata::tiering {
namespace {

TEST(AccessHistoryTest, ParsesTheLhcbShape) {
  auto history = ParseHistoryCsv(
      ",Name,1,2,3,Label,Target\n"
      "0,/MC/a.DST,0,4,1,0,0.5\n"
      "1,\"/MC/b,c\",0,0,0,1,0\n");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->weeks, 3);
  ASSERT_EQ(history->datasets(), 2u);
  EXPECT_EQ(history->names[1], "/MC/b,c");
  EXPECT_EQ(std::vector<float>(history->Row(0).begin(), history->Row(0).end()), (std::vector<float>{0, 4, 1}));
  EXPECT_EQ(history->future_unused, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(history->future_rate, (std::vector<double>{0.5, 0}));
}

TEST(AccessHistoryTest, IndexAndFutureColumnsAreOptional) {
  auto history = ParseHistoryCsv("Name,1,2\r\nx,1.5,2e3\r\n\r\ny,0,7\r\n");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_FALSE(history->has_future());
  EXPECT_EQ(history->counts, (std::vector<float>{1.5f, 2000.0f, 0.0f, 7.0f}));
}

TEST(AccessHistoryTest, FormatParsesBackToTheSameHistory) {
  auto history = ParseHistoryCsv(",Name,1,2,Label,Target\n0,\"a \"\"b\"\"\",3,0.25,1,0\n1, c ,0,9,0,1.75\n");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  const std::string text = FormatHistoryCsv(*history);
  EXPECT_EQ(text, ",Name,1,2,Label,Target\n0,\"a \"\"b\"\"\",3,0.25,1,0\n1,\" c \",0,9,0,1.75\n");
  auto again = ParseHistoryCsv(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->names, history->names);
  EXPECT_EQ(again->counts, history->counts);
}

// Each bad file is refused with the line (and week) it is wrong on.
TEST(AccessHistoryTest, RefusesBadInputNamingTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "empty history file"},
      {",Dataset,1,2\n", "line 1: missing column 'Name'"},
      {",Name\n0,x\n", "line 1: missing week columns"},
      {",Name,1,3\n", "line 1: column 4 is week '3', expected week 2"},
      {",Name,1,2,Popularity\n", "line 1: unexpected column 'Popularity' after week 2"},
      {",Name,1,Label\n", "line 1: 'Label' and 'Target' come together"},
      {",Name,1,2\n0,x,1,2\n1,y,3\n", "line 3: 3 fields, the header has 4"},
      {",Name,1,2\n0,x,1,2\n1,y,3,4,5\n", "line 3: 5 fields, the header has 4"},
      {",Name,1,2\n0,x,1,-2\n", "line 2: week 2: negative count -2"},
      {",Name,1,2\n0,x,one,2\n", "line 2: week 1: count 'one' is not a number"},
      {",Name,1,2\n0,x,,2\n", "line 2: week 1: count '' is not a number"},
      {",Name,1,2\n0,x,nan,2\n", "line 2: week 1: count 'nan' is not a number"},
      {",Name,1,2\n0,x,1e300,2\n", "line 2: week 1: count 1e300 is too large"},
      {",Name,1\n0,x,1\n1,x,2\n", "line 3: dataset 'x' is already on line 2"},
      {",Name,1\n0,,1\n", "line 2: empty dataset name"},
      {",Name,1,Label,Target\n0,x,1,2,0\n", "line 2: Label '2' is not 0 or 1"},
      {",Name,1,Label,Target\n0,x,1,0,-1\n", "line 2: Target '-1' is not a count per week >= 0"},
      {",Name,1\n0,\"x,1\n", "line 2: quoted field is never closed"},
  };
  for (const Case& c : cases) {
    auto history = ParseHistoryCsv(c.text, "h.csv");
    ASSERT_FALSE(history.ok()) << c.text;
    EXPECT_NE(history.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << history.status().ToString();
    EXPECT_NE(history.status().message().find("h.csv"), std::string::npos) << history.status().ToString();
  }
}

TEST(AccessHistoryTest, ReadsAFileInPiecesAndNamesItInErrors) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/history.csv";
  std::string text = ",Name,1,2\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + ",/sim/run" + std::to_string(i) + "/," + std::to_string(i % 7) + ",0\n";
  std::ofstream(path) << text;
  auto history = ReadHistoryCsv(path);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->datasets(), 100000u);
  EXPECT_EQ(history->names[99999], "/sim/run99999/");
  EXPECT_EQ(history->Row(99999)[0], 99999 % 7);

  std::ofstream(path) << text << "100000,/sim/last/,1,-4\n";
  history = ReadHistoryCsv(path);
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.status().message(), path + " line 100002: week 2: negative count -4");

  history = ReadHistoryCsv(dir.path() + "/missing.csv");
  ASSERT_FALSE(history.ok());
  EXPECT_NE(history.status().message().find("missing.csv"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
