// Line charts as standalone SVG: panels stacked top to bottom, each with
// axes, ticks, a title and a legend, sharing one x axis. Enough to plot a
// popularity simulation week by week; no dependencies. Pure function.
#pragma once

#include <string>
#include <vector>

namespace strata::tiering {

struct ChartSeries {
  std::string label;
  std::vector<double> y;  // one value per x
};

struct ChartPanel {
  std::string title;
  std::string y_label;
  std::vector<ChartSeries> series;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::vector<double> x;
  std::vector<ChartPanel> panels;
};

// The chart as an SVG document. Text is XML-escaped; non-finite values are
// left out of their line.
std::string RenderSvg(const LineChart& chart);

}  // namespace strata::tiering
