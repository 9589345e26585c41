#include "trace_commands.hpp"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/traces/cloudwatch.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/stats.hpp"

namespace capsim::cli {

namespace {

struct ReadFlags {
  std::vector<std::string> files;
  std::string format, id, label, statistic, unit = "requests", gaps, timestamp_column = "timestamp",
                                                  value_column = "value", timestamp_format, time_zone;
  double period_s = 0;
};

void add_read_flags(CLI::App* cmd, ReadFlags& f) {
  cmd->add_option("files", f.files, "Trace file(s): several are pages or consecutive exports of one series")->required();
  cmd->add_option("--format", f.format, "csv, cloudwatch-get-metric-data or cloudwatch-get-metric-statistics (default: guessed)")
      ->check(CLI::IsMember({"csv", "cloudwatch-get-metric-data", "cloudwatch-get-metric-statistics"}));
  cmd->add_option("--id", f.id, "get-metric-data: the query Id");
  cmd->add_option("--label", f.label, "get-metric-data: the query Label");
  cmd->add_option("--statistic", f.statistic, "get-metric-statistics: Sum, Average, Maximum, Minimum, SampleCount, pNN");
  cmd->add_option("--unit", f.unit, "requests, requests/second or percent")->capture_default_str()
      ->check(CLI::IsMember({"requests", "requests/second", "percent"}));
  cmd->add_option("--period", f.period_s, "Seconds between points (default: inferred from the data)");
  cmd->add_option("--gaps", f.gaps, "zero, hold, linear or error (default: zero for requests, hold otherwise)")
      ->check(CLI::IsMember({"zero", "hold", "linear", "error"}));
  cmd->add_option("--timestamp-column", f.timestamp_column, "csv: timestamp column")->capture_default_str();
  cmd->add_option("--value-column", f.value_column, "csv: value column")->capture_default_str();
  cmd->add_option("--timestamp-format", f.timestamp_format, "csv: format of zone-less timestamps, e.g. \"%Y-%m-%d %H:%M\"");
  cmd->add_option("--time-zone", f.time_zone, "csv: IANA zone of zone-less timestamps");
}

io::TraceRead read(const ReadFlags& f) {
  io::TraceSource src;
  src.name = std::filesystem::path(f.files.front()).stem().string();
  for (const auto& file : f.files) src.files.push_back({file, file});
  if (!f.format.empty()) {
    src.format = *io::parse_trace_format(f.format);
  } else if (auto g = io::guess_trace_format(f.files.front())) {
    src.format = *g;
  } else {
    throw Error(f.files.front() + ": cannot tell the format (expected a .csv file, or JSON output of get-metric-data or "
                                  "get-metric-statistics); say it with --format");
  }
  src.unit = *io::parse_trace_unit(f.unit);
  src.period = seconds(f.period_s);
  if (!f.id.empty()) src.id = f.id;
  if (!f.label.empty()) src.label = f.label;
  if (!f.statistic.empty()) src.statistic = f.statistic;
  if (src.format == io::TraceFormat::CloudWatchMetricStatistics && !src.statistic) {
    // One statistic in the export: that is the one to read.
    const auto held = io::get_metric_statistics_held(src.files.front());
    if (held.size() == 1) src.statistic = held.front();
    else {
      std::string list;
      for (const auto& s : held) list += (list.empty() ? "" : ", ") + s;
      throw Error(held.empty() ? std::string("get-metric-statistics output with no datapoints: nothing to inspect")
                               : "get-metric-statistics output holds the statistics " + list + ": say which with --statistic");
    }
  }
  if (!f.gaps.empty())
    src.gaps = f.gaps == "zero" ? GapPolicy::Zero : f.gaps == "hold" ? GapPolicy::Hold : f.gaps == "linear" ? GapPolicy::Linear : GapPolicy::Error;
  src.timestamp_column = f.timestamp_column;
  src.value_column = f.value_column;
  if (!f.timestamp_format.empty()) src.timestamp_format = f.timestamp_format;
  if (!f.time_zone.empty()) src.time_zone = f.time_zone;
  return io::read_trace(src);
}

std::string number(double v) {
  // 16803371 → "16,803,371"; fractions kept to one decimal
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  auto dot = s.find('.');
  std::string whole = s.substr(0, dot == std::string::npos ? s.size() : dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  bool neg = !whole.empty() && whole[0] == '-';
  if (neg) whole.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return (neg ? "-" : "") + out + frac;
}

int inspect(const ReadFlags& f) {
  io::TraceRead r = read(f);
  const Trace& t = r.trace;
  const TraceStats s = summarize(t);
  std::cout << fmt::format("trace: {} ({})\n", t.file, f.format.empty() ? io::to_string(*io::guess_trace_format(f.files.front())) : f.format);
  if (r.metric) std::cout << fmt::format("metric: {} ({} metric: {})\n", r.metric->name, r.metric->family, r.metric->meaning);
  std::cout << fmt::format("unit: {}; period: {:g} s{}\n", to_string(t.unit), to_seconds(t.period),
                           r.period_inferred ? " (inferred from the data)" : "");
  const double days = to_seconds((t.end() - t.start).count()) / 86400.0;
  std::cout << fmt::format("span: {} to {} ({:.2f} days), {} points ({} read)\n", format_utc(t.start), format_utc(t.end()), days,
                           number(static_cast<double>(s.points)), number(static_cast<double>(r.stats.points_read)));
  std::cout << fmt::format("gaps: {} missing point(s) in {} gap(s){}\n", number(static_cast<double>(r.stats.filled)), r.stats.gaps,
                           r.stats.gaps ? fmt::format(", the longest {} point(s)", r.stats.largest_gap_points) : "");
  std::cout << fmt::format("values: min {}, mean {}, p95 (nearest rank) {}, max {}; total {}\n", number(s.min), number(s.mean), number(s.p95),
                           number(s.max), number(s.total));
  std::cout << fmt::format("daily profile (mean by UTC hour, 00-23): {}\n", sparkline(s.hourly_mean.data(), 24));
  if (!r.warnings.empty()) {
    std::cout << "warnings:\n";
    for (const auto& w : r.warnings) std::cout << "  " << w << "\n";
  }
  return 0;
}

int convert(const ReadFlags& f, const std::string& to, const std::string& out, const std::string& id, const std::string& label) {
  io::TraceRead r = read(f);
  std::string text;
  if (to == "csv") {
    text = "timestamp,value\n";
    for (std::size_t i = 0; i < r.trace.values.size(); ++i)
      text += fmt::format("{},{}\n", format_utc(r.trace.start + std::chrono::microseconds{r.trace.period * static_cast<SimDuration>(i)}),
                          r.trace.values[i]);
  } else {
    text = io::to_get_metric_data_json(r.trace, id, label);
  }
  io::write_file_atomically(out, text);
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  std::cerr << fmt::format("wrote {} ({} points, {})\n", out, r.trace.values.size(), to);
  return 0;
}

}  // namespace

std::function<int()> add_trace_commands(CLI::App& app) {
  auto* trace = app.add_subcommand("trace", "Look at and convert trace files");
  trace->require_subcommand(1);
  auto flags_inspect = std::make_shared<ReadFlags>();
  auto* ins = trace->add_subcommand("inspect", "Span, period, points, gaps, min/mean/p95/max, a daily profile and the warnings");
  add_read_flags(ins, *flags_inspect);
  auto flags_convert = std::make_shared<ReadFlags>();
  auto to = std::make_shared<std::string>("csv");
  auto out = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>("requests");
  auto label = std::make_shared<std::string>("RequestCount");
  auto* conv = trace->add_subcommand("convert", "Write a trace as CSV or as get-metric-data JSON");
  add_read_flags(conv, *flags_convert);
  conv->add_option("--to", *to, "csv or get-metric-data")->capture_default_str()->check(CLI::IsMember({"csv", "get-metric-data"}));
  conv->add_option("-o,--output", *out, "Output file")->required();
  conv->add_option("--out-id", *id, "get-metric-data: the Id to write")->capture_default_str();
  conv->add_option("--out-label", *label, "get-metric-data: the Label to write")->capture_default_str();
  return [=]() -> int {
    if (ins->parsed()) return inspect(*flags_inspect);
    if (conv->parsed()) return convert(*flags_convert, *to, *out, *id, *label);
    return -1;
  };
}

}  // namespace capsim::cli
