// CloudWatch exports (get-metric-data, get-metric-statistics) through io::read_trace, with the bad
// files under tests/data/bad/cloudwatch/: each message names the file, the position and what was
// expected.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/traces/cloudwatch.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/known_metrics.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
io::TraceSource source(io::TraceFormat f, std::vector<std::string> names, const char* folder = "cloudwatch") {
  io::TraceSource s;
  s.name = "t";
  s.format = f;
  s.period = seconds(60);
  for (const auto& n : names) s.files.push_back({test::data_dir() / folder / n, n});
  return s;
}
io::TraceSource gmd(std::vector<std::string> names, const char* folder = "cloudwatch") {
  auto s = source(io::TraceFormat::CloudWatchMetricData, std::move(names), folder);
  s.id = "requests";
  return s;
}
std::string source_error(const io::TraceSource& s) {
  try {
    io::read_trace(s);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("expected an error");
  return {};
}
using test::at;
const std::vector<double> kTen{10, 20, 30, 40, 50};  // minutes 0..4 of the fixtures
}  // namespace

TEST_CASE("get-metric-data: newest-first output becomes an oldest-first series") {
  auto r = io::read_trace(gmd({"gmd_two_queries.json"}));
  CHECK(r.trace.values == kTen);
  CHECK(r.trace.start == at("2024-05-10T00:00:00Z"));
  CHECK(r.warnings.empty());
  // By label instead of Id.
  auto s = source(io::TraceFormat::CloudWatchMetricData, {"gmd_two_queries.json"});
  s.label = "HTTPCode_Target_5XX_Count";
  CHECK(io::read_trace(s).trace.values == std::vector<double>{2, 0, 0, 1, 0});
}

TEST_CASE("get-metric-data: several queries need an Id; an unknown Id gets a close match") {
  auto s = source(io::TraceFormat::CloudWatchMetricData, {"gmd_two_queries.json"});
  CHECK(source_error(s).find("gmd_two_queries.json: /MetricDataResults: expected one query, got several (Ids 'requests', 'errors')") !=
        std::string::npos);
  s.id = "request";
  CHECK(source_error(s).find("did you mean 'requests'?") != std::string::npos);
}

TEST_CASE("get-metric-data: pages and auto-pagination merge; overlaps must agree") {
  auto pages = io::read_trace(gmd({"gmd_page1.json", "gmd_page2.json"}));
  CHECK(pages.trace.values == std::vector<double>{10, 20, 30, 40, 50, 60});
  // Page 1 is PartialData and page 2, the last, Complete: every page was given, so no PartialData
  // warning; the 40 at minute 3 is on both pages, and page 2 carries a message.
  REQUIRE(pages.warnings.size() == 2);
  CHECK(pages.warnings[0].find("message MaxQueryTimeRangeExceed: example message kept as a warning") != std::string::npos);
  CHECK(pages.warnings[1].find("merged 1 repeated point(s)") != std::string::npos);
  // Page 1 alone ends PartialData: a page is missing, and the warning says so.
  auto first_only = io::read_trace(gmd({"gmd_page1.json"}));
  bool warned = false;
  for (const auto& w : first_only.warnings) warned = warned || w.find("1 result page(s) of query 'requests' are PartialData") != std::string::npos;
  CHECK(warned);
  auto auto_paged = io::read_trace(gmd({"gmd_autopaginated.json"}));
  CHECK(auto_paged.trace.values == std::vector<double>{10, 20, 30, 40, 50, 60});
}

TEST_CASE("get-metric-data: one Id is one metric, and every page holds the query") {
  // Page 2 of the query 'requests' under another Label (TargetResponseTime): two metrics merged.
  CHECK(source_error(gmd({"../../cloudwatch/gmd_page1.json", "other_label_page.json"}, "bad/cloudwatch"))
            .find("other_label_page.json: /MetricDataResults/0/Label: expected the Label of query 'requests' as ../../cloudwatch/gmd_page1.json gives it "
                  "('RequestCount'), got 'TargetResponseTime': two metrics under one Id") != std::string::npos);
  // A page of another query only: its hole would be filled with zeros.
  CHECK(source_error(gmd({"../../cloudwatch/gmd_page1.json", "other_query_page.json"}, "bad/cloudwatch"))
            .find("other_query_page.json: /MetricDataResults: expected a page of query 'requests', got Ids 'errors': a page of another "
                  "query leaves a hole in this one") != std::string::npos);
}

TEST_CASE("gaps: zero by default for requests, counted; other policies on request") {
  auto s = gmd({"gmd_gap.json"});  // minutes 4, 1, 0 present (newest first: minute 4 is Values/0)
  auto zero = io::read_trace(s);
  CHECK(zero.trace.values == std::vector<double>{10, 20, 0, 0, 50});
  REQUIRE(zero.warnings.size() == 1);
  CHECK(zero.warnings[0].find("filled 2 missing point(s) in 1 gap(s) with zero: 2024-05-10T00:02:00Z to 2024-05-10T00:04:00Z (2 point(s))") !=
        std::string::npos);
  // A hole longer than max_gap is an error with where it starts and ends: minutes 2 and 3 are 120 s.
  auto strict = gmd({"gmd_gap.json"});
  strict.max_gap = seconds(60);
  CHECK(source_error(strict).find("expected no gap longer than 60 s (max_gap), got 2 missing points from 2024-05-10T00:02:00Z to "
                              "2024-05-10T00:04:00Z (120 s)") != std::string::npos);
  strict.max_gap = seconds(120);
  CHECK_NOTHROW(io::read_trace(strict));
  s.gaps = GapPolicy::Hold;
  CHECK(io::read_trace(s).trace.values == std::vector<double>{10, 20, 20, 20, 50});
  s.gaps = GapPolicy::Linear;  // 20 → 50 over three steps
  CHECK(io::read_trace(s).trace.values == std::vector<double>{10, 20, 30, 40, 50});
  s.gaps = GapPolicy::Error;
  CHECK(source_error(s).find("gmd_gap.json: /MetricDataResults/0/Values/0: expected a point every 60 s, got a gap of 2 missing points after "
                         "2024-05-10T00:01:00Z") !=
        std::string::npos);
}

TEST_CASE("get-metric-statistics: unordered datapoints, the chosen statistic, units checked") {
  auto s = source(io::TraceFormat::CloudWatchMetricStatistics, {"gms_sum.json"});
  s.statistic = "Sum";
  CHECK(io::read_trace(s).trace.values == kTen);
  auto p = source(io::TraceFormat::CloudWatchMetricStatistics, {"gms_p99.json"});
  p.unit = TraceUnit::Percent;
  p.statistic = "p99";
  CHECK(io::read_trace(p).trace.values == kTen);
  p.statistic = "Average";
  CHECK(io::read_trace(p).trace.values == std::vector<double>{5, 10, 15, 20, 25});
  p.unit = TraceUnit::Requests;  // the datapoints say Percent
  CHECK(source_error(p).find("gms_p99.json: /Datapoints/0/Unit: expected Unit Count for what the trace measures, got Percent") !=
        std::string::npos);
}

TEST_CASE("bad CloudWatch files name the file, the position and what was expected") {
  const char* bad = "bad/cloudwatch";
  CHECK(source_error(gmd({"not_json.json"}, bad)).find("not_json.json:1: column 1: expected valid JSON (get-metric-data output)") !=
        std::string::npos);
  CHECK(source_error(gmd({"other_command.json"}, bad))
            .find("other_command.json: / (document root): expected get-metric-data output (an object with MetricDataResults), "
                  "got describe-spot-price-history output") != std::string::npos);
  CHECK(source_error(gmd({"length_mismatch.json"}, bad))
            .find("length_mismatch.json: /MetricDataResults/0/Values: expected as many Values as Timestamps (3), got 2") !=
        std::string::npos);
  CHECK(source_error(gmd({"nan_value.json"}, bad)).find("nan_value.json:13: column 9: expected valid JSON") != std::string::npos);
  CHECK(source_error(gmd({"negative_count.json"}, bad))
            .find("negative_count.json: /MetricDataResults/0/Values/1: expected a value >= 0 (a trace of requests), got -5") !=
        std::string::npos);
  CHECK(source_error(gmd({"duplicate_differs.json"}, bad))
            .find("duplicate_differs.json: /MetricDataResults/0/Values/1: timestamp 2024-05-10T00:02:00Z appears twice with "
                  "different values: 31 at /MetricDataResults/1/Values/0 and 30 here") != std::string::npos);
  CHECK(source_error(gmd({"off_period.json"}, bad))
            .find("off_period.json: /MetricDataResults/0/Values/1: expected a timestamp on the 60 s grid that starts at "
                  "2024-05-10T00:00:00Z, got 2024-05-10T00:01:30Z") != std::string::npos);
  CHECK(source_error(gmd({"no_zone.json"}, bad))
            .find("no_zone.json: /MetricDataResults/0/Timestamps/2: expected an ISO 8601 timestamp with a zone from 1970 to 2199, got "
                  "\"2024-05-10T00:00:00\"") != std::string::npos);
  CHECK(source_error(gmd({"empty_result.json"}, bad))
            .find("empty_result.json: /MetricDataResults/0: expected data points, got an empty result") != std::string::npos);
  CHECK(source_error(gmd({"internal_error.json"}, bad))
            .find("internal_error.json: /MetricDataResults/0/StatusCode: expected StatusCode Complete or PartialData, got "
                  "InternalError") != std::string::npos);
  auto wrong_unit = source(io::TraceFormat::CloudWatchMetricStatistics, {"gms_wrong_unit.json"}, bad);
  wrong_unit.statistic = "Sum";
  CHECK(source_error(wrong_unit).find("gms_wrong_unit.json: /Datapoints/1/Unit: expected Unit Count for what the trace measures, got Percent") !=
        std::string::npos);
  auto missing = source(io::TraceFormat::CloudWatchMetricStatistics, {"gms_missing_statistic.json"}, bad);
  missing.statistic = "Sum";
  CHECK(source_error(missing).find("gms_missing_statistic.json: /Datapoints/1: expected the statistic Sum (as the scenario says), got Average") !=
        std::string::npos);
}

TEST_CASE("a trace written as get-metric-data reads back to the same series") {
  auto r = io::read_trace(gmd({"gmd_two_queries.json"}));
  const std::string text = io::to_get_metric_data_json(r.trace, "requests", "RequestCount");
  auto doc = nlohmann::json::parse(text);
  CHECK(doc["MetricDataResults"][0]["Timestamps"][0] == "2024-05-10T00:04:00+00:00");  // newest first
  CHECK(doc["MetricDataResults"][0]["Values"][0] == 50.0);
  CHECK(doc["Messages"].empty());
}

TEST_CASE("Container Insights and DCGM GPU metrics are recognised by name") {
  auto s = source(io::TraceFormat::CloudWatchMetricData, {"gmd_node_gpu_utilization.json"});
  // Stated as requests (the default): the metric says percent.
  CHECK(source_error(s).find("gmd_node_gpu_utilization.json: / (document root): expected \"unit\": \"percent\" for "
                         "node_gpu_utilization (ContainerInsights metric") != std::string::npos);
  s.unit = TraceUnit::Percent;
  auto r = io::read_trace(s);
  REQUIRE(r.metric);
  CHECK(r.metric->family == "ContainerInsights");
  CHECK(r.trace.values == std::vector<double>{55.25, 64.0, 71.5});
  CHECK(r.trace.kind() == TraceKind::Gauge);
  auto count = source(io::TraceFormat::CloudWatchMetricData, {"gpu_count_metric.json"}, "bad/cloudwatch");
  CHECK(source_error(count).find("expected a demand or utilization metric, got node_gpu_limit (ContainerInsights metric: GPUs on a node") !=
        std::string::npos);
  CHECK(find_known_metric("DCGM_FI_DEV_GPU_UTIL")->measure == MetricMeasure::Percent);
  CHECK_FALSE(find_known_metric("RequestCount"));
}

TEST_CASE("get-metric-data has no Unit: whole numbers read as a rate, or fractions read as counts, are doubted") {
  // 30 points a minute apart, written through the same writer capsim's tests use for exports.
  auto export_of = [](std::vector<double> values, const char* name) {
    Trace t;
    t.start = at("2024-05-10T00:00:00Z");
    t.period = seconds(60);
    t.values = std::move(values);
    const auto path = test::temp_dir() / name;
    std::ofstream(path) << io::to_get_metric_data_json(t, "requests", "RequestCount");
    io::TraceSource s;
    s.name = "t";
    s.format = io::TraceFormat::CloudWatchMetricData;
    s.period = seconds(60);
    s.files.push_back({path, name});
    return s;
  };
  std::vector<double> counts, rates;
  for (int i = 0; i < 30; ++i) {
    counts.push_back(100 + i);     // requests per minute: whole numbers
    rates.push_back(1.5 + i / 7.0);  // requests per second: fractions (1.5, 1.64..., never whole)
  }
  io::TraceSource as_rate = export_of(counts, "capsim-counts.json");
  as_rate.unit = TraceUnit::RequestsPerSecond;
  auto r = io::read_trace(as_rate);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "trace 't': all 30 non-zero values are whole numbers, as counts per period are; a rate per second rarely is. "
                         "get-metric-data output has no Unit to check: if the query's statistic was Sum or SampleCount, state \"unit\": "
                         "\"requests\"");
  io::TraceSource as_count = export_of(rates, "capsim-rates.json");
  as_count.unit = TraceUnit::Requests;
  auto c = io::read_trace(as_count);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].find("none of its 30 non-zero values is a whole number") != std::string::npos);
  // The right units: no doubt.
  as_rate.unit = TraceUnit::Requests;
  as_count.unit = TraceUnit::RequestsPerSecond;
  CHECK(io::read_trace(as_rate).warnings.empty());
  CHECK(io::read_trace(as_count).warnings.empty());
}
