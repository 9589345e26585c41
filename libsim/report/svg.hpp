#pragma once
// Internal to report/: the small SVG vocabulary the HTML report draws its charts with: escaping,
// pixel numbers, linear scales with round ticks, axes, lines, marks and legends. Every number goes
// through fmt with a fixed precision, so a page is the same bytes on every platform, and no
// non-finite value is ever written (a page must never show "nan").
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "report/text_table.hpp"

namespace capsim::svg {

/// Text for HTML and SVG alike: the characters markup gives a meaning to, as entities.
inline std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

/// A pixel coordinate to 0.1 px. A non-finite one (a bug upstream) is written as 0, never as
/// "nan"; -0.0 is written as 0.0 so equal pictures are equal bytes.
inline std::string px(double v) {
  double r = std::isfinite(v) ? std::round(v * 10) / 10 : 0.0;
  if (r == 0) r = 0;
  return fmt::format("{:.1f}", r);
}

/// Maps the domain [d0, d1] onto the pixels [r0, r1].
struct Scale {
  double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
  double operator()(double v) const { return d1 == d0 ? r0 : r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

/// An axis' domain widened to whole steps of 1, 2 or 5 × 10^k, about `target` of them: the
/// largest value 2,244.96 on an axis from 0 gives steps of 500 and a top of 2,500.
struct Ticks {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> values() const {
    std::vector<double> out;
    for (int i = 0; lo + i * step <= hi + step * 1e-9; ++i) out.push_back(lo + i * step);
    return out;
  }
};

inline Ticks nice(double lo, double hi, int target = 5) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo = lo == 0 ? 0 : lo - pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / mag;
  const double step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
  return {std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, step};
}

/// A tick's label with as many decimals as its step needs ("2,500", "0.5").
inline std::string tick_label(double v, double step) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  if (decimals == 0) return text::count(v);
  const std::string s = fmt::format("{:.{}f}", v, decimals);
  return s.find_first_not_of("-0.") == std::string::npos ? s.substr(s[0] == '-' ? 1 : 0) : s;
}

/// A plot area in pixels and the scales of its two axes.
struct Plot {
  double x = 0, y = 0, w = 0, h = 0;
  Ticks tx, ty;
  Scale sx, sy;
  Plot(double x_, double y_, double w_, double h_, Ticks tx_, Ticks ty_)
      : x(x_), y(y_), w(w_), h(h_), tx(tx_), ty(ty_), sx{tx_.lo, tx_.hi, x_, x_ + w_}, sy{ty_.lo, ty_.hi, y_ + h_, y_} {}
};

inline std::string open(std::string_view id, double w, double h, std::string_view title) {
  return fmt::format("<svg class=\"chart\" data-chart=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\">"
                     "<title>{}</title>\n",
                     id, px(w), px(h), px(w), px(h), esc(title));
}

inline std::string text(double x, double y, std::string_view s, std::string_view cls = "", std::string_view anchor = "start") {
  return fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>\n", px(x), px(y),
                     cls.empty() ? std::string() : fmt::format(" class=\"{}\"", cls),
                     anchor == "start" ? std::string() : fmt::format(" text-anchor=\"{}\"", anchor), esc(s));
}

inline std::string line(double x1, double y1, double x2, double y2, std::string_view cls, std::string_view stroke = "") {
  return fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>\n", cls, px(x1), px(y1), px(x2), px(y2),
                     stroke.empty() ? std::string() : fmt::format(" stroke=\"{}\"", stroke));
}

inline std::string rect(double x, double y, double w, double h, std::string_view fill, std::string_view attrs = "") {
  return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}/>\n", px(x), px(y), px(std::max(0.0, w)),
                     px(std::max(0.0, h)), fill, attrs);
}

/// The left axis: a grid line per tick (data-v holds the tick's value), its label, the axis title.
inline std::string y_axis(const Plot& p, std::string_view title, std::string_view suffix = "") {
  std::string out;
  for (double v : p.ty.values()) {
    const double y = p.sy(v);
    out += fmt::format("<line class=\"grid\" data-v=\"{:g}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", v, px(p.x), px(y), px(p.x + p.w), px(y));
    out += text(p.x - 6, y + 4, tick_label(v, p.ty.step) + std::string(suffix), "tick", "end");
  }
  out += line(p.x, p.y, p.x, p.y + p.h, "axis");
  out += fmt::format("<text class=\"label\" transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", px(p.x - 52),
                     px(p.y + p.h / 2), esc(title));
  return out;
}

/// The bottom axis: tick marks, their labels and the axis title.
inline std::string x_axis(const Plot& p, std::string_view title) {
  std::string out = line(p.x, p.y + p.h, p.x + p.w, p.y + p.h, "axis");
  for (double v : p.tx.values()) {
    const double x = p.sx(v);
    out += line(x, p.y + p.h, x, p.y + p.h + 5, "axis");
    out += text(x, p.y + p.h + 18, tick_label(v, p.tx.step), "tick", "middle");
  }
  out += text(p.x + p.w / 2, p.y + p.h + 36, title, "label", "middle");
  return out;
}

/// A line through (xs, ys) in the plot's units, broken where a value is not finite.
inline std::string path(const Plot& p, const std::vector<double>& xs, const std::vector<double>& ys, std::string_view stroke,
                        std::string_view series, bool dashed = false) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
      pen_down = false;
      continue;
    }
    d += fmt::format("{}{},{}", pen_down ? "L" : "M", px(p.sx(xs[i])), px(p.sy(ys[i])));
    pen_down = true;
  }
  if (d.empty()) return {};
  return fmt::format("<path class=\"line{}\" data-series=\"{}\" stroke=\"{}\" d=\"{}\"/>\n", dashed ? " dashed" : "", esc(series), stroke, d);
}

/// A mark centred on (x, y): 'c' circle, 's' square, 'd' diamond, 't' triangle, 'l' line, 'k' dashed line.
inline std::string mark(char kind, double x, double y, std::string_view color, double r = 4) {
  switch (kind) {
    case 'c': return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>\n", px(x), px(y), px(r), color);
    case 'd':
      return fmt::format("<path d=\"M{},{}L{},{}L{},{}L{},{}Z\" fill=\"{}\"/>\n", px(x), px(y - r - 1), px(x + r + 1), px(y), px(x),
                         px(y + r + 1), px(x - r - 1), px(y), color);
    case 't':
      return fmt::format("<path d=\"M{},{}L{},{}L{},{}Z\" fill=\"{}\"/>\n", px(x), px(y - r - 1), px(x + r + 1), px(y + r), px(x - r - 1),
                         px(y + r), color);
    case 'l': return line(x - 2 * r, y, x + 2 * r, y, "key", color);
    case 'k': return line(x - 2 * r, y, x + 2 * r, y, "key dashed", color);
    default: return rect(x - r, y - r, 2 * r, 2 * r, color);
  }
}

/// One entry of a legend: its words, its colour and its mark (see mark()).
struct Key {
  std::string label, color;
  char kind = 's';
};

/// A legend in a row from (x, y), wrapping below `right`; returns the y of its last row.
inline std::string legend(double x, double y, double right, const std::vector<Key>& keys, double* last_y = nullptr) {
  std::string out = "<g class=\"legend\">\n";
  double cx = x;
  for (const auto& k : keys) {
    const double w = 36 + 7 * static_cast<double>(k.label.size());  // about 7 px a character at 12 px
    if (cx > x && cx + w > right) {
      cx = x;
      y += 18;
    }
    out += mark(k.kind, cx + 8, y - 4, k.color);
    out += text(cx + 20, y, k.label);
    cx += w;
  }
  if (last_y) *last_y = y;
  return out + "</g>\n";
}

/// Colours told apart by colour-blind readers (Okabe and Ito's palette), then greys.
inline const char* color(std::size_t i) {
  static constexpr const char* kColors[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#666666", "#000000"};
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

}  // namespace capsim::svg
