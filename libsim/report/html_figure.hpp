#pragma once
// Internal to report/: what every chart section of the HTML page shares, the compare charts and the
// spend charts alike, so the two pages' figures have one width and one frame.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "capsim/report/result.hpp"
#include "report/svg.hpp"

namespace capsim::html {

inline constexpr double kChartWidth = 960;  // every chart's width, px

// The replicate a compare run keeps series, nodes and the bill for.
inline const ReplicateResult* first_replicate(const PolicyResult& p) {
  return p.replicates.empty() ? nullptr : &p.replicates.front();
}

// A chart's whole <section>: heading, the opened <svg> of height h, its body, and the caption.
inline std::string figure(std::string_view heading, std::string_view id, double h, const std::string& body,
                          std::string_view caption) {
  return fmt::format("<section class=\"figure\" id=\"{}\"><h2>{}</h2><figure>\n{}{}</svg>\n<figcaption>{}</figcaption></figure></section>\n", id,
                     svg::esc(heading), svg::open(id, kChartWidth, h, heading), body, svg::esc(caption));
}

}  // namespace capsim::html
