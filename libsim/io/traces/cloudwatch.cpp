#include "capsim/io/traces/cloudwatch.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "io/text_file.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/json/json_checker.hpp"

namespace capsim::io {

using nlohmann::json;

namespace {

/// Says which AWS CLI output a top-level object looks like, for "got another command's output".
std::string looks_like(const std::vector<std::string>& keys) {
  auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  if (has("MetricDataResults")) return "get-metric-data output";
  if (has("Datapoints")) return "get-metric-statistics output";
  if (has("SpotPriceHistory")) return "describe-spot-price-history output";
  if (has("Metrics")) return "list-metrics output";
  if (has("InstanceTypes")) return "describe-instance-types output";
  std::string s = "an object with keys ";
  for (std::size_t i = 0; i < keys.size() && i < 5; ++i) s += (i ? ", " : "") + keys[i];
  return keys.empty() ? "an empty object" : s;
}

/// Reads a file in 64 KiB chunks behind an input iterator, so the JSON parser streams the file at
/// close to the speed of parsing it from memory (an istream reads a character per virtual call)
/// without holding the whole file.
class ChunkedFile {
 public:
  explicit ChunkedFile(const std::filesystem::path& path) : f_(std::fopen(path.c_str(), "rb")), buf_(1 << 16) {}
  ~ChunkedFile() {
    if (f_) std::fclose(f_);
  }
  ChunkedFile(const ChunkedFile&) = delete;
  ChunkedFile& operator=(const ChunkedFile&) = delete;
  bool ok() const { return f_ != nullptr; }

  // The parser asks "at the end?" before every character: the iterator keeps the current chunk's
  // bounds itself, so that costs one comparison until the chunk runs out.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;
    iterator() = default;
    explicit iterator(ChunkedFile* f) : f_(f) {}
    reference operator*() const { return *p_; }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    bool operator==(const iterator& o) const { return at_end() == o.at_end(); }
    bool operator!=(const iterator& o) const { return !(*this == o); }

   private:
    bool at_end() const {
      if (p_ != e_) return false;
      if (f_ == nullptr || !f_->refill()) return true;
      p_ = f_->buf_.data();
      e_ = p_ + f_->len_;
      return false;
    }
    ChunkedFile* f_ = nullptr;
    mutable const char* p_ = nullptr;  // the unread part of the current chunk
    mutable const char* e_ = nullptr;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  // Reads the next chunk; false at the end of the file.
  bool refill() {
    if (!f_) return false;
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    return len_ > 0;
  }
  std::FILE* f_;
  std::vector<char> buf_;
  std::size_t len_ = 0;
};

// One query result of get-metric-data as read.
struct MetricResult {
  std::string id, label, status;
  std::vector<UtcTime> times;
  std::vector<double> values;
  std::size_t index = 0;  // position in MetricDataResults
  std::size_t file = 0;
};

/// SAX reader for get-metric-data output: the DOM of a year of 1-minute points costs several times
/// the file in memory, so the values go straight into vectors.
class MetricDataSax : public nlohmann::json_sax<json> {
 public:
  MetricDataSax(const InputFile& file, std::size_t file_index, std::vector<MetricResult>& out, std::vector<std::string>& messages)
      : file_(file), file_index_(file_index), out_(out), messages_(messages) {}

  bool null() override { return scalar("null"); }
  bool boolean(bool) override { return scalar("a boolean"); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool binary(binary_t&) override { return scalar("binary data"); }

  bool string(string_t& s) override {
    const std::size_t d = frames_.size();
    if (d == 4 && in_result() && frames_[2].key_is("Timestamps")) {
      auto t = parse_iso8601(s);
      if (!t) return fail(pointer(), fmt::format("expected an ISO 8601 timestamp with a zone from 1970 to 2199, got \"{}\"", s));
      cur().times.push_back(*t);
      ++frames_.back().index;
      return true;
    }
    if (d == 3 && in_result()) {
      const std::string& k = frames_[2].key;
      if (k == "Id") cur().id = s;
      else if (k == "Label") cur().label = s;
      else if (k == "StatusCode") cur().status = s;
      return true;
    }
    if (d == 5 && frames_[2].key_is("Messages") && in_result()) return message(s, cur().id);
    if (d == 3 && frames_[0].key_is("Messages")) return message(s, "");
    advance();
    return true;
  }

  bool start_object(std::size_t) override {
    if (frames_.empty()) {
      root_is_object_ = true;
      frames_.push_back({true, {}, 0});
      return true;
    }
    if (frames_.size() == 2 && frames_[0].key_is("MetricDataResults")) {
      MetricResult r;
      r.index = frames_[1].index;
      r.file = file_index_;
      out_.push_back(std::move(r));
      result_open_ = true;
    }
    frames_.push_back({true, {}, 0});
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    if (frames_.size() == 2 && frames_[0].key_is("MetricDataResults")) {
      result_open_ = false;
      MetricResult& r = out_.back();
      if (r.times.size() != r.values.size())
        return fail(fmt::format("/MetricDataResults/{}/Values", r.index),
                    fmt::format("expected as many Values as Timestamps ({}), got {}", r.times.size(), r.values.size()));
    }
    advance();
    return true;
  }
  bool start_array(std::size_t) override {
    frames_.push_back({false, {}, 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    advance();
    return true;
  }
  bool key(string_t& k) override {
    if (frames_.size() == 1) root_keys_.push_back(k);
    frames_.back().key = k;
    return true;
  }
  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& ex) override {
    parse_failed_at_ = byte;
    parse_message_ = fmt::format("expected valid JSON (get-metric-data output), got {}", detail::json_syntax_error(ex.what()));
    return false;
  }
  std::optional<std::size_t> parse_failed_at() const { return parse_failed_at_; }
  const std::string& parse_message() const { return parse_message_; }

  const std::optional<TraceError>& error() const { return error_; }
  const std::vector<std::string>& root_keys() const { return root_keys_; }
  bool saw_root_object() const { return saw_root_ && root_is_object_; }

 private:
  struct Frame {
    bool object;
    std::string key;
    std::size_t index;
    bool key_is(const char* k) const { return key == k; }
  };

  MetricResult& cur() { return out_.back(); }
  bool in_result() const { return result_open_ && frames_.size() >= 3 && frames_[0].key_is("MetricDataResults"); }
  void advance() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    if (frames_.empty()) saw_root_ = true;
  }
  std::string pointer() const {
    std::string p;
    for (std::size_t i = 0; i < frames_.size(); ++i)
      p = frames_[i].object ? detail::ptr_join(p, frames_[i].key) : detail::ptr_join(p, frames_[i].index);
    return p;
  }
  bool number(double v) {
    if (frames_.size() == 4 && in_result() && frames_[2].key_is("Values")) {
      cur().values.push_back(v);
      ++frames_.back().index;
      return true;
    }
    if (frames_.size() == 4 && in_result() && frames_[2].key_is("Timestamps"))
      return fail(pointer(), fmt::format("expected an ISO 8601 timestamp string, got the number {}", v));
    advance();
    return true;
  }
  bool scalar(const char* what) {
    if (frames_.size() == 4 && in_result() && (frames_[2].key_is("Values") || frames_[2].key_is("Timestamps")))
      return fail(pointer(), fmt::format("expected a {}, got {}", frames_[2].key_is("Values") ? "number" : "timestamp", what));
    advance();
    return true;
  }
  bool message(const std::string& s, const std::string& id) {
    // Messages are {Code, Value} objects; keep "Code: Value" pairs.
    Frame& f = frames_.back();
    if (f.key_is("Code")) pending_code_ = s;
    if (f.key_is("Value")) {
      messages_.push_back(fmt::format("{}: {}message {}: {}", file_.display, id.empty() ? "" : "query '" + id + "' ",
                                      pending_code_.empty() ? "(no code)" : pending_code_, s));
      pending_code_.clear();
    }
    return true;
  }
  bool fail(const std::string& ptr, const std::string& msg) {
    error_ = TraceError(file_.display, ptr, msg);
    return false;
  }

  const InputFile& file_;
  std::optional<std::size_t> parse_failed_at_;
  std::string parse_message_;
  std::size_t file_index_;
  std::vector<MetricResult>& out_;
  std::vector<std::string>& messages_;
  std::vector<Frame> frames_;
  std::vector<std::string> root_keys_;
  std::string pending_code_;
  std::optional<TraceError> error_;
  bool result_open_ = false;
  bool saw_root_ = false;
  bool root_is_object_ = false;
};

}  // namespace

TracePoints read_get_metric_data(const std::vector<InputFile>& files, const MetricDataSelection& sel,
                                 std::vector<std::string>& warnings) {
  if (files.empty()) throw Error("get-metric-data: no files given");
  std::vector<MetricResult> results;
  for (std::size_t f = 0; f < files.size(); ++f) {
    std::vector<MetricResult> mine;
    {
      // Streamed rather than read whole: the peak memory of a year of points stays below the file's size.
      detail::check_input_file(files[f].path, files[f].display);
      ChunkedFile in(files[f].path);
      if (!in.ok()) throw TraceError(files[f].display, std::size_t{0}, detail::cannot_open(files[f].path));
      MetricDataSax sax(files[f], f, mine, warnings);
      const bool ok = json::sax_parse(in.begin(), in.end(), &sax);
      if (!ok && sax.error()) throw *sax.error();
      if (!ok && sax.parse_failed_at()) {
        // Only on the error path: read the file again for the line and column.
        const std::string text = detail::read_text_file(files[f]);
        auto [line, col] = detail::line_column(text, *sax.parse_failed_at());
        throw TraceError(files[f].display, line, fmt::format("column {}: {}", col, sax.parse_message()));
      }
      if (!sax.saw_root_object())
        throw TraceError(files[f].display, std::string(), "expected get-metric-data output (an object with MetricDataResults), got "
                                                           "a JSON value that is not an object");
      const auto& keys = sax.root_keys();
      if (std::find(keys.begin(), keys.end(), "MetricDataResults") == keys.end())
        throw TraceError(files[f].display, std::string(),
                         "expected get-metric-data output (an object with MetricDataResults), got " + looks_like(keys));
    }
    for (auto& r : mine) results.push_back(std::move(r));
  }
  // Select the query.
  std::vector<std::string> ids, labels;
  for (const auto& r : results) {
    if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
    if (std::find(labels.begin(), labels.end(), r.label) == labels.end()) labels.push_back(r.label);
  }
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "'" : ", '") + x + "'";
    return s;
  };
  std::vector<const MetricResult*> chosen;
  for (const auto& r : results) {
    bool take = sel.id ? r.id == *sel.id : sel.label ? r.label == *sel.label : true;
    if (take) chosen.push_back(&r);
  }
  const std::string shown = files.size() == 1 ? files[0].display : files[0].display + " and " + std::to_string(files.size() - 1) + " more";
  if (results.empty())
    throw TraceError(files[0].display, "/MetricDataResults", "expected at least one query result, got an empty MetricDataResults");
  if (!sel.id && !sel.label && ids.size() > 1)
    throw TraceError(files[0].display, "/MetricDataResults",
                     "expected one query, got several (Ids " + list(ids) + "): say which with \"id\" or \"label\"");
  if (chosen.empty()) {
    const std::string want = sel.id ? "Id '" + *sel.id + "'" : "Label '" + *sel.label + "'";
    const std::string hint = sel.id ? did_you_mean(*sel.id, ids) : did_you_mean(*sel.label, labels);
    throw TraceError(files[0].display, "/MetricDataResults",
                     fmt::format("expected a result with {}, got Ids {} and Labels {}{}", want, list(ids), list(labels),
                                 hint.empty() ? "" : " (" + hint + ")"));
  }
  // One query is one metric: the same Id under another Label is another metric (latency read as
  // requests), and a page with none of the query's results would leave a hole.
  for (const MetricResult* r : chosen)
    if (r->label != chosen.front()->label)
      throw TraceError(files[r->file].display, fmt::format("/MetricDataResults/{}/Label", r->index),
                       fmt::format("expected the Label of query '{}' as {} gives it ('{}'), got '{}': two metrics under one Id", r->id,
                                   files[chosen.front()->file].display, chosen.front()->label, r->label));
  for (std::size_t f = 0; f < files.size(); ++f)
    if (std::none_of(chosen.begin(), chosen.end(), [&](const MetricResult* r) { return r->file == f; })) {
      std::vector<std::string> theirs;
      for (const auto& r : results)
        if (r.file == f && std::find(theirs.begin(), theirs.end(), r.id) == theirs.end()) theirs.push_back(r.id);
      throw TraceError(files[f].display, "/MetricDataResults",
                       fmt::format("expected a page of query '{}', got Ids {}: a page of another query leaves a hole in this one",
                                   chosen.front()->id, theirs.empty() ? std::string("none") : list(theirs)));
    }
  std::size_t partial = 0;
  for (const MetricResult* r : chosen) {
    if (r->status == "InternalError" || r->status == "Forbidden")
      throw TraceError(files[r->file].display, fmt::format("/MetricDataResults/{}/StatusCode", r->index),
                       fmt::format("expected StatusCode Complete or PartialData, got {} (the query failed in CloudWatch)", r->status));
    if (r->status == "PartialData") ++partial;
    else if (!r->status.empty() && r->status != "Complete")
      throw TraceError(files[r->file].display, fmt::format("/MetricDataResults/{}/StatusCode", r->index),
                       fmt::format("expected StatusCode Complete, PartialData, InternalError or Forbidden, got {}", r->status));
  }
  // Every page but the last is PartialData (it had a NextToken); the warning is for a missing last page.
  const MetricResult* last = *std::max_element(chosen.begin(), chosen.end(), [](const MetricResult* a, const MetricResult* b) {
    return std::make_pair(a->file, a->index) < std::make_pair(b->file, b->index);
  });
  if (partial > 0 && last->status == "PartialData")
    warnings.push_back(fmt::format("{}: {} result page(s) of query '{}' are PartialData: CloudWatch had more points than it "
                                   "returned (NextToken); unless the later pages are given too, the trace has gaps",
                                   shown, partial, chosen.front()->id));

  TracePoints pts;
  pts.file = files[0].display;
  pts.metric = chosen.front()->label;
  struct Segment {
    std::size_t first_point, file, result;
  };
  std::vector<Segment> segments;
  std::size_t total = 0;
  for (const MetricResult* r : chosen) total += r->times.size();
  pts.times.reserve(total);
  pts.values.reserve(total);
  for (const MetricResult* r : chosen) {
    segments.push_back({pts.times.size(), r->file, r->index});
    pts.times.insert(pts.times.end(), r->times.begin(), r->times.end());
    pts.values.insert(pts.values.end(), r->values.begin(), r->values.end());
  }
  if (pts.times.empty())
    throw TraceError(files[chosen.front()->file].display, fmt::format("/MetricDataResults/{}", chosen.front()->index),
                     "expected data points, got an empty result (no Timestamps)");
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.display);
  pts.locate = [segments, names](std::size_t i) {
    auto it = std::upper_bound(segments.begin(), segments.end(), i,
                               [](std::size_t x, const Segment& s) { return x < s.first_point; });
    const Segment& s = *(it - 1);
    SourcePosition p;
    p.pointer = fmt::format("/MetricDataResults/{}/Values/{}", s.result, i - s.first_point);
    p.file = names[s.file];
    return p;
  };
  return pts;
}

std::vector<std::string> get_metric_statistics_held(const InputFile& file) {
  static const std::vector<std::string> kBasic = {"Sum", "Average", "Maximum", "Minimum", "SampleCount"};
  std::vector<std::string> out;
  const json doc = json::parse(detail::read_text_file(file), nullptr, false);
  if (!doc.is_object() || !doc.contains("Datapoints") || !doc["Datapoints"].is_array()) return out;
  auto add = [&](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const json& d : doc["Datapoints"]) {
    if (!d.is_object()) continue;
    for (const auto& b : kBasic)
      if (d.contains(b)) add(b);
    if (auto es = d.find("ExtendedStatistics"); es != d.end() && es->is_object())
      for (const auto& [k, _] : es->items()) add(k);
  }
  return out;
}

TracePoints read_get_metric_statistics(const std::vector<InputFile>& files, const std::string& statistic,
                                       const std::vector<std::string>& units, std::vector<std::string>& warnings) {
  if (files.empty()) throw Error("get-metric-statistics: no files given");
  static const std::vector<std::string> kBasic = {"Sum", "Average", "Maximum", "Minimum", "SampleCount"};
  const bool extended = std::find(kBasic.begin(), kBasic.end(), statistic) == kBasic.end();
  TracePoints pts;
  pts.file = files[0].display;
  struct Origin {
    std::size_t file, index;
  };
  std::vector<Origin> origin;
  std::size_t unit_none = 0;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::string text = detail::read_text_file(files[f]);
    json doc;
    try {
      doc = json::parse(text);
    } catch (const json::parse_error& e) {
      auto [line, col] = detail::line_column(text, e.byte);
      throw TraceError(files[f].display, line,
                       fmt::format("column {}: expected valid JSON (get-metric-statistics output), got {}", col,
                                   detail::json_syntax_error(e.what())));
    } catch (const json::exception& e) {  // a number too large for any type
      throw TraceError(files[f].display, std::size_t{0},
                       fmt::format("expected valid JSON (get-metric-statistics output), got {}", detail::json_syntax_error(e.what())));
    }
    if (!doc.is_object() || !doc.contains("Datapoints")) {
      std::vector<std::string> keys;
      if (doc.is_object())
        for (const auto& [k, _] : doc.items()) keys.push_back(k);
      throw TraceError(files[f].display, std::string(),
                       "expected get-metric-statistics output (an object with Datapoints), got " +
                           (doc.is_object() ? looks_like(keys) : detail::describe(doc)));
    }
    if (f == 0 && doc.contains("Label") && doc["Label"].is_string()) pts.metric = doc["Label"].get<std::string>();
    const json& dps = doc["Datapoints"];
    if (!dps.is_array()) throw TraceError(files[f].display, "/Datapoints", "expected an array, got " + detail::describe(dps));
    for (std::size_t i = 0; i < dps.size(); ++i) {
      const json& d = dps[i];
      const std::string p = fmt::format("/Datapoints/{}", i);
      if (!d.is_object()) throw TraceError(files[f].display, p, "expected a datapoint object, got " + detail::describe(d));
      auto ts = d.find("Timestamp");
      if (ts == d.end() || !ts->is_string())
        throw TraceError(files[f].display, p + "/Timestamp", "expected an ISO 8601 timestamp string");
      auto t = parse_iso8601(ts->get<std::string>());
      if (!t)
        throw TraceError(files[f].display, p + "/Timestamp",
                         fmt::format("expected an ISO 8601 timestamp with a zone from 1970 to 2199, got \"{}\"", ts->get<std::string>()));
      const json* v = nullptr;
      if (extended) {
        auto es = d.find("ExtendedStatistics");
        if (es != d.end() && es->is_object() && es->contains(statistic)) v = &(*es)[statistic];
      } else if (d.contains(statistic)) {
        v = &d[statistic];
      }
      if (!v) {
        std::vector<std::string> have;
        for (const auto& [k, _] : d.items())
          if (k != "Timestamp" && k != "Unit") have.push_back(k);
        std::string hs;
        for (const auto& h : have) hs += (hs.empty() ? "" : ", ") + h;
        throw TraceError(files[f].display, p, fmt::format("expected the statistic {} (as the scenario says), got {}", statistic, hs));
      }
      if (!v->is_number())
        throw TraceError(files[f].display, p + (extended ? "/ExtendedStatistics/" : "/") + statistic,
                         "expected a number, got " + detail::describe(*v));
      if (!units.empty()) {
        auto u = d.find("Unit");
        const std::string unit = u != d.end() && u->is_string() ? u->get<std::string>() : "";
        if (unit == "None") {
          ++unit_none;
        } else if (std::find(units.begin(), units.end(), unit) == units.end()) {
          std::string want;
          for (const auto& x : units) want += (want.empty() ? "" : " or ") + x;
          throw TraceError(files[f].display, p + "/Unit",
                           fmt::format("expected Unit {} for what the trace measures, got {}", want, unit.empty() ? "none" : unit));
        }
      }
      pts.times.push_back(*t);
      pts.values.push_back(v->get<double>());
      origin.push_back({f, i});
    }
  }
  if (pts.times.empty()) throw TraceError(files[0].display, "/Datapoints", "expected data points, got an empty Datapoints array");
  if (unit_none > 0)
    warnings.push_back(fmt::format("{}: {} datapoint(s) have Unit None; taken as the scenario's unit", pts.file, unit_none));
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.display);
  pts.locate = [origin, names, statistic, extended](std::size_t i) {
    SourcePosition p;
    p.pointer = fmt::format("/Datapoints/{}{}{}", origin[i].index, extended ? "/ExtendedStatistics/" : "/", statistic);
    p.file = names[origin[i].file];
    return p;
  };
  return pts;
}

std::string to_get_metric_data_json(const Trace& trace, const std::string& id, const std::string& label) {
  std::string out = fmt::format("{{\n  \"MetricDataResults\": [\n    {{\n      \"Id\": {},\n      \"Label\": {},\n",
                                json(id).dump(), json(label).dump());
  out += "      \"Timestamps\": [";
  const std::size_t n = trace.values.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = n - 1 - k;  // newest first, as the CLI prints by default
    const UtcTime t = trace.start + std::chrono::microseconds{trace.period * static_cast<SimDuration>(i)};
    std::string s = format_utc(t);
    s.replace(s.size() - 1, 1, "+00:00");  // the CLI prints +00:00 rather than Z
    out += fmt::format("{}\n        \"{}\"", k ? "," : "", s);
  }
  out += "\n      ],\n      \"Values\": [";
  for (std::size_t k = 0; k < n; ++k) out += fmt::format("{}\n        {}", k ? "," : "", json(trace.values[n - 1 - k]).dump());
  out += "\n      ],\n      \"StatusCode\": \"Complete\"\n    }\n  ],\n  \"Messages\": []\n}\n";
  return out;
}

}  // namespace capsim::io
