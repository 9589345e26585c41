#pragma once
// Internal to report/: the aligned text table and number formats the summaries share.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/report/field.hpp"

namespace capsim::text {

inline std::string money(double usd) {
  // 12345.678 → "12,345.68"
  std::string digits = fmt::format("{:.2f}", std::fabs(usd));
  std::string whole = digits.substr(0, digits.size() - 3);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return (usd < 0 ? "-" : "") + out + digits.substr(digits.size() - 3);
}

inline std::string count(double v) {
  std::string s = money(std::round(v));
  return s.substr(0, s.size() - 3);
}

struct Table {
  std::vector<std::vector<std::string>> rows;  // first cell: label; empty row = blank line
  void add(std::vector<std::string> r) { rows.push_back(std::move(r)); }
  std::string render() const {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        if (r.size() > 1) width[i] = std::max(width[i], r[i].size());
      }
    std::string out;
    for (const auto& r : rows) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (r.size() == 1) {
          line += r[i];
        } else if (i == 0) {
          line += fmt::format("{:<{}}", r[i], width[i]);
        } else {
          line += fmt::format("  {:>{}}", r[i], width[i]);
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }
};

inline std::string show(Show how, double v) {
  switch (how) {
    case Show::Count: return count(v);
    case Show::Money: return money(v);
    case Show::Fixed0: return fmt::format("{:.0f}", v);
    case Show::Fixed1: return fmt::format("{:.1f}", v);
    case Show::Fixed2: return fmt::format("{:.2f}", v);
    case Show::Fixed3: return fmt::format("{:.3f}", v);
    case Show::Millis: return fmt::format("{:.1f}", 1000.0 * v);
    case Show::Percent: return fmt::format("{:.4f}%", 100.0 * v);
    case Show::Hidden: break;
  }
  return {};
}


}  // namespace capsim::text
