// trace/ and the trace readers of io/: read, resample and summarize traces from Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bind_value.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/io/traces/trace_reader.hpp"
#include "capsim/trace/resample.hpp"
#include "capsim/trace/stats.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

namespace {
UtcTime parse_time(const std::string& s, const char* what) {
  auto t = io::parse_iso8601(s);
  if (!t) throw py::value_error(std::string(what) + ": expected an ISO 8601 time with a zone, got '" + s + "'");
  return *t;
}
TraceUnit parse_unit(const std::string& s) {
  auto u = io::parse_trace_unit(s);
  if (!u) throw py::value_error("unit: expected 'requests', 'requests/second' or 'percent', got '" + s + "'");
  return *u;
}
}  // namespace

void bind_trace(py::module_& m) {
  py::class_<Trace>(m, "Trace", "A regular series: one value per period from start.")
      .def_readonly("name", &Trace::name, "trace name")
      .def_readonly("file", &Trace::file, "where it was read from")
      .def_property_readonly("start_utc", [](const Trace& t) { return format_utc(t.start); }, "start of the first period")
      .def_property_readonly("period_s", [](const Trace& t) { return to_seconds(t.period); }, "period in seconds")
      .def_property_readonly("unit", [](const Trace& t) { return std::string(to_string(t.unit)); }, "requests, requests/second or percent")
      .def_property_readonly("values", [](const Trace& t) { return to_python(t.values); }, "one value per period (numpy)")
      .def("__len__", [](const Trace& t) { return t.values.size(); })
      .def(py::pickle(
          [](const Trace& t) {
            return py::make_tuple(t.name, t.file, format_utc(t.start), t.period, to_python(t.values), std::string(to_string(t.unit)));
          },
          [](const py::tuple& s) {
            if (s.size() != 6) throw std::runtime_error("bad pickle state for Trace");
            Trace t;
            t.name = s[0].cast<std::string>();
            t.file = s[1].cast<std::string>();
            t.start = parse_time(s[2].cast<std::string>(), "start");
            t.period = s[3].cast<SimDuration>();
            t.values = s[4].cast<std::vector<double>>();
            t.unit = parse_unit(s[5].cast<std::string>());
            return t;
          }));

  py::class_<RequestLog>(m, "RequestLog", "Every request of a request-level trace with its token counts.")
      .def_readonly("name", &RequestLog::name, "trace name")
      .def_property_readonly(
          "arrivals_us",
          [](const RequestLog& r) {
            py::array_t<std::int64_t> a(static_cast<py::ssize_t>(r.arrivals.size()));
            auto w = a.mutable_unchecked<1>();
            for (std::size_t i = 0; i < r.arrivals.size(); ++i) w(static_cast<py::ssize_t>(i)) = r.arrivals[i].time_since_epoch().count();
            return a;
          },
          "arrival times, microseconds since the Unix epoch (numpy int64; .astype('datetime64[us]') for dates)")
      .def_property_readonly("input_tokens", [](const RequestLog& r) { return to_python(r.input_tokens); }, "input tokens per request")
      .def_property_readonly("output_tokens", [](const RequestLog& r) { return to_python(r.output_tokens); }, "output tokens per request")
      .def("__len__", &RequestLog::size);

  py::class_<io::TraceRead>(m, "TraceRead", "A trace as read, with the warnings of every point filled, merged or clipped.")
      .def_readonly("trace", &io::TraceRead::trace, "the series at its own period")
      .def_readonly("warnings", &io::TraceRead::warnings, "every point filled, merged, dropped or clipped")
      .def_readonly("requests", &io::TraceRead::requests, "request-level formats: every request (else None)")
      .def_readonly("period_inferred", &io::TraceRead::period_inferred, "the period came from the data")
      .def_property_readonly(
          "metric", [](const io::TraceRead& r) { return r.metric ? std::optional<std::string>(std::string(r.metric->name)) : std::nullopt; },
          "a recognised Container Insights or DCGM metric name (else None)");

  m.def(
      "read_trace",
      [](const std::vector<std::filesystem::path>& files, std::optional<std::string> format, const std::string& unit,
         std::optional<double> period_s, std::optional<std::string> id, std::optional<std::string> label,
         std::optional<std::string> statistic, std::optional<std::string> gaps, const std::string& timestamp_column,
         const std::string& value_column, std::optional<std::string> timestamp_format, std::optional<std::string> time_zone,
         std::optional<std::string> origin, double scale, std::optional<double> clip_min, std::optional<double> clip_max) {
        if (files.empty()) throw py::value_error("files: expected at least one file");
        io::TraceSource src;
        src.name = files.front().stem().string();
        for (const auto& f : files) src.files.push_back({f, f.string()});
        if (format) {
          auto fm = io::parse_trace_format(*format);
          if (!fm) throw py::value_error("format: unknown format '" + *format + "'");
          src.format = *fm;
        } else if (auto g = io::guess_trace_format(files.front())) {
          src.format = *g;
        } else {
          throw py::value_error("format: cannot tell the format of " + files.front().string() + "; pass format=");
        }
        src.unit = parse_unit(unit);
        src.period = period_s ? seconds(*period_s) : 0;
        src.id = id;
        src.label = label;
        src.statistic = statistic;
        if (gaps) {
          if (*gaps == "zero") src.gaps = GapPolicy::Zero;
          else if (*gaps == "hold") src.gaps = GapPolicy::Hold;
          else if (*gaps == "linear") src.gaps = GapPolicy::Linear;
          else if (*gaps == "error") src.gaps = GapPolicy::Error;
          else throw py::value_error("gaps: expected zero, hold, linear or error, got '" + *gaps + "'");
        }
        src.timestamp_column = timestamp_column;
        src.value_column = value_column;
        src.timestamp_format = timestamp_format;
        src.time_zone = time_zone;
        if (origin) src.origin = parse_time(*origin, "origin");
        src.scale = scale;
        src.clip_min = clip_min;
        src.clip_max = clip_max;
        return io::read_trace(src);
      },
      py::arg("files"), py::kw_only(), py::arg("format") = py::none(), py::arg("unit") = "requests", py::arg("period_s") = py::none(),
      py::arg("id") = py::none(), py::arg("label") = py::none(), py::arg("statistic") = py::none(), py::arg("gaps") = py::none(),
      py::arg("timestamp_column") = "timestamp", py::arg("value_column") = "value", py::arg("timestamp_format") = py::none(),
      py::arg("time_zone") = py::none(), py::arg("origin") = py::none(), py::arg("scale") = 1.0, py::arg("clip_min") = py::none(),
      py::arg("clip_max") = py::none(),
      "Reads a trace from one or more files (csv, cloudwatch-get-metric-data, cloudwatch-get-metric-statistics, azure-llm-csv, "
      "jsonl-requests; guessed when not given) at its own period (inferred when period_s is None). Raises TraceError naming "
      "the file and the position.");

  m.def(
      "resample_trace",
      [](const Trace& t, double period_s, std::optional<std::string> anchor_utc, std::optional<std::vector<double>> profile) {
        auto opt = default_resample(t.kind(), seconds(period_s), anchor_utc ? parse_time(*anchor_utc, "anchor_utc") : t.start);
        if (profile) opt.profile = *profile;
        std::vector<std::string> warnings;
        Trace out = resample(t, opt, warnings);
        return py::make_tuple(out, warnings);
      },
      py::arg("trace"), py::arg("period_s"), py::arg("anchor_utc") = py::none(), py::arg("profile") = py::none(),
      "The trace at another period (counts sum and split, by `profile` weights if given; gauges average and hold), new "
      "periods starting at anchor_utc + k x period. Returns (trace, warnings).");

  m.def(
      "summarize_trace",
      [](const Trace& t) {
        TraceStats s = summarize(t);
        py::dict d;
        d["points"] = s.points;
        d["min"] = s.min;
        d["mean"] = s.mean;
        d["p95"] = s.p95;
        d["max"] = s.max;
        d["total"] = s.total;
        d["hourly_mean"] = to_python(std::vector<double>(s.hourly_mean.begin(), s.hourly_mean.end()));
        return d;
      },
      py::arg("trace"), "points, min, mean, p95 (nearest rank), max, total, and the mean by UTC hour of day.");
}

}  // namespace capsim::py_bind
