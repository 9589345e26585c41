// The HTML report of `capsim compare`: every chart once, nothing fetched from elsewhere, the same
// bytes each time, names escaped, no NaN on the page, long series thinned; and the ladder's bars and
// the cumulative cost to scale, worked out from the hand-worked five minutes of compare_ladder.json.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/report/comparison.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/sim/compare.hpp"
#include "test_paths.hpp"

using namespace capsim;

namespace {

const char* const kCharts[] = {"demand-capacity", "cumulative-cost", "cost-breakdown", "ladder", "cost-distribution", "cost-risk", "timeline"};

CompareResult ladder_compare() {
  const Scenario sc = io::load_scenario(test::data_dir() / "scenarios" / "compare_ladder.json");
  CompareOptions opt;
  opt.run.keep_series = true;
  opt.run.series_of_first_replicate_only = true;
  return compare_scenario(sc, opt);
}

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// One chart's <svg> element.
std::string chart(const std::string& html, const std::string& id) {
  const auto at = html.find("data-chart=\"" + id + "\"");
  REQUIRE(at != std::string::npos);
  const auto begin = html.rfind("<svg", at), end = html.find("</svg>", at);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

double number_attr(const std::string& element, const std::string& name) {
  std::smatch m;
  REQUIRE(std::regex_search(element, m, std::regex(" " + name + "=\"([-0-9.]+)\"")));
  return std::stod(m[1]);
}

// A chart's y axis from its grid lines (each holds its value in data-v): value → pixel row.
struct YAxis {
  double v0 = 0, y0 = 0, v1 = 0, y1 = 0, top = 0;
  double at(double v) const { return y0 + (v - v0) * (y1 - y0) / (v1 - v0); }
};
YAxis y_axis(const std::string& svg) {
  std::vector<std::pair<double, double>> grid;
  const std::regex line("<line class=\"grid\" data-v=\"([-0-9.e+]+)\" x1=\"[-0-9.]+\" y1=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line); it != std::sregex_iterator(); ++it)
    grid.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  REQUIRE(grid.size() >= 2);
  return {grid.front().first, grid.front().second, grid.back().first, grid.back().second, grid.back().first};
}

// The <rect> of a ladder bar.
std::string bar(const std::string& svg, const std::string& policy) {
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<rect [^>]*data-policy=\"" + policy + "\"[^>]*>")));
  return m[0];
}

// The (x, y) points of a chart's line for one series.
std::vector<std::pair<double, double>> points(const std::string& svg, const std::string& series) {
  // Found by hand, not by a regex: libstdc++'s regex recurses once per character matched, and a
  // thousand-point path overflowed the stack under the sanitizers.
  const std::size_t at = svg.find("data-series=\"" + series + "\"");
  REQUIRE(at != std::string::npos);
  const std::size_t end_of_tag = svg.find('>', at);
  const std::size_t d_at = svg.find(" d=\"", at);
  REQUIRE((d_at != std::string::npos && d_at < end_of_tag));
  const std::size_t from = d_at + 4;
  const std::string d = svg.substr(from, svg.find('"', from) - from);
  std::vector<std::pair<double, double>> out;
  const std::regex point("[ML]([-0-9.]+),([-0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  return out;
}

void check_self_contained(const std::string& html) {
  for (const auto* id : kCharts) {
    INFO(id);
    CHECK(occurrences(html, std::string("data-chart=\"") + id + "\"") == 1);
  }
  CHECK(occurrences(html, "<svg") == std::size(kCharts));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(\b(nan|inf|infinity)\b)", std::regex::icase)));
  for (const char* outside : {"http://", "https://", "src=", "href=", "url(", "@import", "<link", "<script", "<img", "<iframe"}) {
    INFO(outside);
    CHECK(html.find(outside) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("report html: every chart once, self-contained, the same bytes each time") {
  const CompareResult r = ladder_compare();
  const std::string html = render_report_html(r.comparison, r.run);
  check_self_contained(html);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html == render_report_html(r.comparison, r.run));
  const CompareResult again = ladder_compare();
  CHECK(html == render_report_html(again.comparison, again.run));
  CHECK(html.find("Recommendation: two") != std::string::npos);
  CHECK(html.find("Doubts about this comparison") != std::string::npos);
  CHECK(html.find("Risk tolerance</dt><dd>10%</dd>") != std::string::npos);  // the scenario's, not the default
}

TEST_CASE("report html: the lever ladder's bars to scale") {
  // Monthly costs (comparison_test.cpp): two 1520.64, three 2244.96, one 796.32 USD. The highest
  // level, 2244.96, on about five steps of 1, 2 or 5 × 10^k: 2244.96 / 5 = 449 → steps of 500, so
  // the axis runs from 0 to 2,500 and a dollar is (row of 0 − row of 2500) / 2500 pixels.
  const CompareResult r = ladder_compare();
  const std::string svg = chart(render_report_html(r.comparison, r.run), "ladder");
  const YAxis y = y_axis(svg);
  CHECK(y.v0 == 0);
  CHECK(y.top == 2500);
  const double px_per_usd = (y.at(0) - y.at(2500)) / 2500;
  CHECK(px_per_usd > 0);
  // The root, two: a whole bar from 0 to 1520.64.
  const std::string two = bar(svg, "two");
  CHECK(std::fabs(number_attr(two, "height") - 1520.64 * px_per_usd) < 0.2);
  CHECK(std::fabs(number_attr(two, "y") - y.at(1520.64)) < 0.2);
  // three costs 724.32 more: from 1520.64 up to 2244.96, red; one saves as much: down to 796.32, green.
  const std::string three = bar(svg, "three"), one = bar(svg, "one");
  CHECK(std::fabs(number_attr(three, "height") - 724.32 * px_per_usd) < 0.2);
  CHECK(std::fabs(number_attr(three, "y") - y.at(2244.96)) < 0.2);
  CHECK(three.find("#d55e00") != std::string::npos);
  CHECK(std::fabs(number_attr(one, "height") - 724.32 * px_per_usd) < 0.2);
  CHECK(std::fabs(number_attr(one, "y") - y.at(1520.64)) < 0.2);
  CHECK(one.find("#009e73") != std::string::npos);
  // 724.32 / 1520.64 = 47.63%.
  CHECK(svg.find("saves 47.6%") != std::string::npos);
  CHECK(svg.find("costs 47.6% more") != std::string::npos);
}

TEST_CASE("report html: the cumulative cost ends at the window's bill") {
  // two: two g5.xlarge at 1.006 USD/h and the control plane at 0.10 USD/h for 5 minutes:
  // (2 × 1.006 + 0.10) / 12 = 0.176 USD (= 1520.64 / 8640); three: (3 × 1.006 + 0.10) / 12.
  const CompareResult r = ladder_compare();
  const std::string svg = chart(render_report_html(r.comparison, r.run), "cumulative-cost");
  const YAxis y = y_axis(svg);
  const auto two = points(svg, "two"), three = points(svg, "three");
  REQUIRE(two.size() == 6);  // the start and one point per minute
  CHECK(std::fabs(two.front().second - y.at(0)) < 0.2);
  CHECK(std::fabs(two.back().second - y.at((2 * 1.006 + 0.10) / 12)) < 0.2);
  CHECK(std::fabs(three.back().second - y.at((3 * 1.006 + 0.10) / 12)) < 0.2);
  CHECK(std::fabs(two[1].second - y.at((2 * 1.006 + 0.10) / 60)) < 0.2);  // a steady rate: a straight line
}

TEST_CASE("report html: names and descriptions from the inputs are escaped") {
  CompareResult r = ladder_compare();
  const std::string bad = "a<&>b";
  auto rename = [&](std::string& s) {
    if (s == "two") s = bad;
  };
  rename(r.run.baseline);
  for (auto& p : r.run.policies) rename(p.name), rename(p.extends);
  Comparison& c = r.comparison;
  rename(c.baseline);
  rename(c.recommendation.policy);
  for (auto& p : c.policies) rename(p.name), rename(p.extends), rename(p.vs_baseline.against);
  for (auto& s : c.ladder) rename(s.parent), rename(s.policy);
  c.policies[1].description = "<script>alert(\"x\")</script>";
  c.warnings.push_back("a doubt with <b>markup</b> & an ampersand");
  r.run.policies[0].assumptions.push_back({"/cluster/x<y>", "\"1\" & 2"});
  const std::string html = render_report_html(c, r.run);
  check_self_contained(html);
  CHECK(html.find(bad) == std::string::npos);
  CHECK(html.find("a&lt;&amp;&gt;b") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<b>markup</b>") == std::string::npos);
  CHECK(html.find("/cluster/x&lt;y&gt;") != std::string::npos);
  CHECK(html.find("data-policy=\"a&lt;&amp;&gt;b\"") != std::string::npos);  // the ladder's root, renamed
}

TEST_CASE("report html: a month of minutes is thinned to 1,000 points a line; figures that are NaN never show") {
  // 30 days of 1-minute periods (43,200): buckets of ceil(43200 / 1000) = 44 periods, 982 points.
  // Demand 120 a minute (2 requests/s); capacity 240 a minute (4 requests/s) but none in minute
  // 20,000: the bucket's minimum keeps that dip at 0. One replicate, no objective: the intervals
  // and P(breach) are NaN.
  const std::size_t n = 43200;
  RunResult run;
  run.scenario = "month";
  run.duration = static_cast<SimDuration>(n) * kMicrosPerMinute;
  run.period = kMicrosPerMinute;
  run.baseline = "base";
  run.risk_tolerance = 0.05;
  for (const char* name : {"base", "spot"}) {
    PolicyResult p;
    p.name = name;
    p.extends = std::string(name) == "spot" ? "base" : "";
    ReplicateResult rep;
    rep.cost.total_usd = std::string(name) == "spot" ? 500 : 700;
    ServiceResult s;
    s.name = "api";
    rep.services.push_back(s);
    ServiceSeries ser;
    ser.name = "api";
    ser.arrivals.assign(n, 120);
    ser.capacity_requests.assign(n, 240);
    ser.capacity_requests[20000] = 0;
    ser.arrivals[100] = std::numeric_limits<double>::quiet_NaN();
    rep.service_series.push_back(ser);
    rep.cost_rate_usd_per_h.assign(n, 1.0);
    NodeRecord node;
    node.terminated_s = 15 * 86400;
    node.end_reason = "spot-interruption";
    rep.nodes.push_back(node);
    p.replicates.push_back(rep);
    run.policies.push_back(p);
  }
  const Comparison c = compare_policies(run);
  REQUIRE(std::isnan(c.policies[1].risk.p_breach));
  const std::string html = render_report_html(c, run);
  check_self_contained(html);
  CHECK(html.size() < 250'000);
  const std::string svg = chart(html, "demand-capacity");
  const YAxis y = y_axis(svg);
  const auto capacity = points(svg, "capacity: base");
  CHECK(capacity.size() == 982);
  CHECK(std::any_of(capacity.begin(), capacity.end(), [&](const auto& p) { return std::fabs(p.second - y.at(0)) < 0.2; }));
  CHECK(std::count_if(capacity.begin(), capacity.end(), [&](const auto& p) { return std::fabs(p.second - y.at(4)) < 0.2; }) == 981);
  // The demand's NaN minute breaks the line rather than reaching the page.
  const auto demand = points(svg, "demand");
  CHECK(demand.size() == 981);
  CHECK(std::all_of(demand.begin(), demand.end(), [&](const auto& p) { return std::fabs(p.second - y.at(2)) < 0.2; }));
  CHECK(html.find("a bucket of 44 periods") != std::string::npos);
  CHECK(chart(html, "cost-risk").find("No service declares an objective") != std::string::npos);
  CHECK(chart(html, "timeline").find("<circle") != std::string::npos);
  // Figures nobody could give, everywhere: still no NaN on the page, and still every chart.
  Comparison worst = c;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  worst.month_factor = worst.window_days = worst.risk_tolerance = nan;
  for (auto& p : worst.policies) p.monthly_cost = {nan, nan, nan, nan, nan, nan}, p.vs_baseline.usd = p.vs_baseline.pct = nan;
  for (auto& s : worst.ladder) s.saving.usd = s.saving.pct = s.p_breach_change = nan;
  for (auto& d : worst.baseline_drivers) d.usd = d.share = nan;
  check_self_contained(render_report_html(worst, run));
}
