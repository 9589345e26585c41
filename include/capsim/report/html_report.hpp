#pragma once
// The report of `capsim compare` as one self-contained HTML page: the comparison's conclusions
// (recommendation, doubts, the policies' costs and risks, assumptions, cost drivers) and charts drawn
// as inline SVG (demand against capacity, cumulative cost, the cost's breakdown, the lever ladder,
// the spread of monthly cost, cost against risk, the disruption timeline). The page fetches nothing
// (no script, font, image or style from elsewhere), so it can be mailed or archived as one file, and
// it holds no time, host or path: equal inputs give equal bytes.
#include <string>

#include "capsim/report/comparison.hpp"
#include "capsim/report/result.hpp"

namespace capsim {

/// The page. The charts of one policy's run (series, node log, bill) come from its first replicate,
/// the only one a compare run keeps them for; every other figure is across replicates. Each chart is
/// an <svg class="chart" data-chart="..."> with one of the ids demand-capacity, cumulative-cost,
/// cost-breakdown, ladder, cost-distribution, cost-risk, timeline.
std::string render_report_html(const Comparison& c, const RunResult& run);

}  // namespace capsim
