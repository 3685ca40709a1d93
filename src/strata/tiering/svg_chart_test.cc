#include "strata/tiering/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>

namespace strata::tiering {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChartTest, OneLineAndLegendEntryPerSeries) {
  LineChart chart;
  chart.title = "fast tier <model & LRU>";
  chart.x_label = "week";
  chart.x = {1, 2, 3, 4};
  chart.panels = {{"share", "%", {{"model", {50, 40, 30, 35}}, {"LRU", {60, 55, 50, 45}}}},
                  {"mistakes", "count", {{"model", {0, 1, NAN, 2}}}}};
  const std::string svg = RenderSvg(chart);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>\n"), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline"), 3u);
  EXPECT_NE(svg.find("fast tier &lt;model &amp; LRU&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<model"), std::string::npos);
  EXPECT_EQ(Count(svg, ">model</text>"), 2u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);  // the missing point is left out
}

TEST(SvgChartTest, FlatAndEmptySeriesStillRender) {
  LineChart chart;
  chart.x = {5};
  chart.panels = {{"flat", "", {{"zero", {0}}}}, {"empty", "", {}}};
  const std::string svg = RenderSvg(chart);
  EXPECT_EQ(Count(svg, "<polyline"), 1u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

}  // namespace
}  // namespace strata::tiering
