#include "strata/tiering/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::tiering {
namespace {

constexpr double kWidth = 900;
constexpr double kPanelHeight = 260;
constexpr double kTop = 50;
constexpr double kLeft = 80;
constexpr double kRight = 200;  // room for the legend
constexpr double kGap = 50;
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

std::string Escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string TickLabel(double value) {
  char buffer[32];
  if (std::fabs(value) >= 1000 || value == std::floor(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2g", value);
  }
  return buffer;
}

// A "nice" step (1, 2 or 5 times a power of ten) giving about `count` ticks.
double TickStep(double span, int count) {
  if (span <= 0) return 1;
  const double raw = span / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= factor * magnitude) return factor * magnitude;
  }
  return 10 * magnitude;
}

struct Range {
  double low = 0;
  double high = 1;
};

Range RangeOf(const std::vector<double>& values, bool from_zero) {
  Range range{from_zero ? 0.0 : INFINITY, from_zero ? 0.0 : -INFINITY};
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    range.low = std::min(range.low, v);
    range.high = std::max(range.high, v);
  }
  if (!std::isfinite(range.low)) return {0, 1};
  if (range.high <= range.low) range.high = range.low + 1;
  return range;
}

void RenderPanel(const LineChart& chart, const ChartPanel& panel, double top, std::string* svg) {
  const double plot_width = kWidth - kLeft - kRight;
  const double plot_height = kPanelHeight - kGap;
  const Range xr = RangeOf(chart.x, false);
  std::vector<double> all;
  for (const ChartSeries& s : panel.series) all.insert(all.end(), s.y.begin(), s.y.end());
  Range yr = RangeOf(all, true);
  const double y_step = TickStep(yr.high - yr.low, 5);
  yr.high = std::ceil(yr.high / y_step) * y_step;
  auto px = [&](double x) { return kLeft + (x - xr.low) / (xr.high - xr.low) * plot_width; };
  auto py = [&](double y) { return top + plot_height - (y - yr.low) / (yr.high - yr.low) * plot_height; };

  *svg += "<text x=\"" + Number(kLeft) + "\" y=\"" + Number(top - 8) + "\" font-weight=\"bold\">" +
          Escape(panel.title) + "</text>\n";
  *svg += "<rect x=\"" + Number(kLeft) + "\" y=\"" + Number(top) + "\" width=\"" + Number(plot_width) +
          "\" height=\"" + Number(plot_height) + "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (double y = yr.low; y <= yr.high + y_step / 2; y += y_step) {
    *svg += "<line x1=\"" + Number(kLeft) + "\" x2=\"" + Number(kLeft + plot_width) + "\" y1=\"" + Number(py(y)) +
            "\" y2=\"" + Number(py(y)) + "\" stroke=\"#ddd\"/>";
    *svg += "<text x=\"" + Number(kLeft - 6) + "\" y=\"" + Number(py(y) + 4) + "\" text-anchor=\"end\">" +
            TickLabel(y) + "</text>\n";
  }
  const double x_step = TickStep(xr.high - xr.low, 8);
  for (double x = std::ceil(xr.low / x_step) * x_step; x <= xr.high; x += x_step) {
    *svg += "<text x=\"" + Number(px(x)) + "\" y=\"" + Number(top + plot_height + 16) +
            "\" text-anchor=\"middle\">" + TickLabel(x) + "</text>\n";
  }
  *svg += "<text transform=\"translate(" + Number(kLeft - 55) + "," + Number(top + plot_height / 2) +
          ") rotate(-90)\" text-anchor=\"middle\">" + Escape(panel.y_label) + "</text>\n";
  for (size_t s = 0; s < panel.series.size(); ++s) {
    const ChartSeries& series = panel.series[s];
    const char* color = kColors[s % std::size(kColors)];
    std::string points;
    for (size_t i = 0; i < series.y.size() && i < chart.x.size(); ++i) {
      if (!std::isfinite(series.y[i]) || !std::isfinite(chart.x[i])) continue;
      points += Number(px(chart.x[i])) + "," + Number(py(series.y[i])) + " ";
    }
    *svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(color) + "\" points=\"" + points +
            "\"/>\n";
    const double legend_y = top + 14 + 18 * static_cast<double>(s);
    *svg += "<line x1=\"" + Number(kWidth - kRight + 15) + "\" x2=\"" + Number(kWidth - kRight + 40) + "\" y1=\"" +
            Number(legend_y - 4) + "\" y2=\"" + Number(legend_y - 4) + "\" stroke-width=\"2\" stroke=\"" + color +
            "\"/><text x=\"" + Number(kWidth - kRight + 46) + "\" y=\"" + Number(legend_y) + "\">" +
            Escape(series.label) + "</text>\n";
  }
}

}  // namespace

std::string RenderSvg(const LineChart& chart) {
  const double height = kTop + kPanelHeight * static_cast<double>(chart.panels.size()) + 20;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Number(kWidth) + "\" height=\"" +
                    Number(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + Number(kWidth / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">" +
         Escape(chart.title) + "</text>\n";
  for (size_t p = 0; p < chart.panels.size(); ++p) {
    RenderPanel(chart, chart.panels[p], kTop + 10 + kPanelHeight * static_cast<double>(p), &svg);
  }
  svg += "<text x=\"" + Number(kLeft + (kWidth - kLeft - kRight) / 2) + "\" y=\"" + Number(height - 6) +
         "\" text-anchor=\"middle\">" + Escape(chart.x_label) + "</text>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace strata::tiering
