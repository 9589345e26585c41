// Request-level traces (Azure LLM CSV, JSON Lines) and generated traces, through the loader.
#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/traces/request_log_reader.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

TEST_CASE("the bundled Azure 2023 code hour: every request counted in its minute") {
  // Independent count: the minute is the first 16 characters of each row ("2023-11-16 18:17").
  std::ifstream in(test::source_dir() / "scenarios" / "data" / "azure-llm-2023" / "code_requests.csv");
  std::string line;
  std::getline(in, line);
  std::map<std::string, int> per_minute;
  double context = 0;
  int rows = 0;
  while (std::getline(in, line)) {
    ++per_minute[line.substr(0, 16)];
    context += std::stod(line.substr(line.find(',') + 1));
    ++rows;
  }
  REQUIRE(rows == 8819);
  Scenario sc = io::load_scenario(test::source_dir() / "scenarios" / "azure-2023-code-hour.json");
  const TraceInput& t = sc.traces.at("code");
  REQUIRE(t.requests);
  CHECK(t.requests->size() == 8819u);
  double ctx = 0;
  for (double v : t.requests->input_tokens) ctx += v;
  CHECK(ctx == context);
  CHECK(t.trace.start == *io::parse_iso8601("2023-11-16T18:17:00Z"));
  // 18:17 to 19:14 is 58 minutes; the minutes without a request count zero.
  REQUIRE(t.trace.values.size() == 58u);
  double total = 0;
  for (std::size_t i = 0; i < 58; ++i) {
    const std::string iso = format_utc(t.trace.start + std::chrono::minutes{i});  // 2023-11-16T18:17:00Z
    const std::string minute = iso.substr(0, 10) + " " + iso.substr(11, 5);
    auto it = per_minute.find(minute);
    CHECK(t.trace.values[i] == (it == per_minute.end() ? 0 : it->second));
    total += t.trace.values[i];
  }
  CHECK(total == 8819);
}

TEST_CASE("JSON Lines requests: offsets from an origin, or epoch milliseconds") {
  std::vector<std::string> w;
  const auto file = test::data_dir() / "traces" / "mooncake_head.jsonl";
  const UtcTime origin = *io::parse_iso8601("2024-01-01T00:00:00Z");
  RequestLog log = io::read_jsonl_requests(file, "mooncake_head.jsonl", origin, w);
  // The fixture's first 40 requests arrive between 0 and 12,000 ms.
  CHECK(log.size() == 40u);
  CHECK(log.arrivals.front() == origin);
  CHECK(log.arrivals.back() == origin + std::chrono::seconds{12});
  CHECK(log.input_tokens.front() == 6758);
  CHECK(log.output_tokens.front() == 500);
  CHECK(w.empty());
  Trace counts = to_count_trace(log, seconds(10));
  CHECK(counts.values.size() == 2u);
  CHECK(counts.values[0] + counts.values[1] == 40);
  RequestLog epoch = io::read_jsonl_requests(file, "mooncake_head.jsonl", std::nullopt, w);
  CHECK(epoch.arrivals.front() == UtcTime{});
}

TEST_CASE("an Azure LLM CSV in another zone is moved to UTC, daylight saving included") {
  const auto path = test::temp_dir() / "capsim_azure_tz.csv";
  std::ofstream(path) << "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 10:17:03.5000000,100,10\n"
                         "2023-07-01 10:00:00.0000000,100,10\n";
  std::vector<std::string> w;
  RequestLog log = io::read_azure_llm_csv(path, "tz.csv", "America/Los_Angeles", w);
  // November: PST = UTC-8, July: PDT = UTC-7. Out of order rows are sorted and counted.
  CHECK(log.arrivals[0] == *io::parse_iso8601("2023-07-01T17:00:00Z"));
  CHECK(log.arrivals[1] == *io::parse_iso8601("2023-11-16T18:17:03.5Z"));
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("1 request(s) were out of time order") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("a generated trace drives a run like a recorded one") {
  // Constant 2 req/s at 60 s periods: 120 requests a minute; 'expected' arrivals take them as they are.
  json doc = json::parse(std::ifstream(test::data_dir() / "scenarios" / "hand.json"));
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 2}}}};
  Scenario sc = io::load_scenario_text(doc.dump(), "gen.json", test::data_dir() / "scenarios");
  CHECK(sc.traces.at("t").trace.values == std::vector<double>(5, 120.0));
  RunResult r = run_scenario(sc);
  // Capacity is 2 req/s too: nothing missed.
  CHECK(r.policies[0].replicates[0].services[0].sla.requests == doctest::Approx(600));
  CHECK(r.policies[0].replicates[0].services[0].sla.missed == doctest::Approx(0));
  bool listed = false;
  for (const auto& a : sc.policies[0].assumptions) listed = listed || a.pointer == "/traces/t/generator";
  CHECK(listed);
}
