#include "capsim/io/catalog/catalog_csv.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/text_file.hpp"

namespace capsim::io {

// Generated at configure time from scenarios/data/aws-us-east-1/instance_catalog.csv.
extern const char* const kBuiltinCatalogAwsUsEast1;
extern const char* const kBuiltinSpotAdvisorAwsUsEast1;

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}
}  // namespace

InstanceCatalog parse_catalog_csv(std::string_view text, const std::string& display_file, std::string source) {
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t lineno = 0;
  std::map<std::string, std::size_t> col;
  std::vector<InstanceType> types;
  static const char* const kRequired[] = {"instance_type", "family", "vcpu", "memory_mib", "gpus", "gpu_manufacturer",
                                          "gpu_model", "gpu_mem_mib_per_gpu", "accelerators", "accelerator_model", "arch",
                                          "alloc_cpu_millicores", "alloc_memory_mib", "alloc_pods", "ondemand_usd_per_hour"};
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    auto f = split(line);
    if (col.empty()) {
      for (std::size_t i = 0; i < f.size(); ++i)
        if (!col.emplace(f[i], i).second)
          throw TraceError(display_file, lineno, fmt::format("expected each column once in the header, got '{}' twice", f[i]));
      for (const char* c : kRequired)
        if (!col.count(c)) throw TraceError(display_file, lineno, fmt::format("expected a header with column '{}'", c));
      continue;
    }
    if (f.size() != col.size())
      throw TraceError(display_file, lineno, fmt::format("expected {} fields as in the header, got {}", col.size(), f.size()));
    auto num = [&](const char* c, bool allow_empty) -> double {
      const std::string& s = f[col[c]];
      if (s.empty() && allow_empty) return 0;
      auto v = parse_number(s);
      if (!v || *v < 0) throw TraceError(display_file, lineno, fmt::format("expected a number >= 0 in column '{}', got '{}'", c, s));
      return *v;
    };
    // Counts and sizes are whole numbers no machine exceeds by orders of magnitude; checked before
    // they are converted, so a typo cannot overflow the integer they go into.
    auto whole = [&](const char* c, bool allow_empty, double max) {
      const double v = num(c, allow_empty);
      if (v != std::floor(v) || v > max)
        throw TraceError(display_file, lineno, fmt::format("expected a whole number from 0 to {:g} in column '{}', got '{}'", max, c, f[col[c]]));
      return v;
    };
    constexpr double kMaxCount = 1e6, kMaxMib = 1e12;
    InstanceType t;
    t.name = f[col["instance_type"]];
    t.family = f[col["family"]];
    t.vcpu = static_cast<int>(whole("vcpu", false, kMaxCount));
    t.memory_mib = static_cast<std::int64_t>(whole("memory_mib", false, kMaxMib));
    t.gpus = static_cast<int>(whole("gpus", true, kMaxCount));
    t.gpu_manufacturer = f[col["gpu_manufacturer"]];
    t.gpu_model = f[col["gpu_model"]];
    t.gpu_memory_mib_per_gpu = static_cast<std::int64_t>(whole("gpu_mem_mib_per_gpu", true, kMaxMib));
    t.accelerators = static_cast<int>(whole("accelerators", true, kMaxCount));
    t.accelerator_model = f[col["accelerator_model"]];
    t.arch = f[col["arch"]];
    t.alloc_cpu_millicores = static_cast<std::int64_t>(whole("alloc_cpu_millicores", false, kMaxMib));
    t.alloc_memory_mib = static_cast<std::int64_t>(whole("alloc_memory_mib", false, kMaxMib));
    t.alloc_pods = static_cast<int>(whole("alloc_pods", false, kMaxCount));
    t.ondemand_usd_per_h = num("ondemand_usd_per_hour", false);
    if (t.ondemand_usd_per_h <= 0)
      throw TraceError(display_file, lineno, fmt::format("expected an on-demand price > 0 for {}", t.name));
    types.push_back(std::move(t));
  }
  if (types.empty()) throw TraceError(display_file, lineno, "expected a header and at least one instance type");
  return InstanceCatalog(std::move(types), std::move(source));
}

std::vector<InstanceType> read_catalog_file(const std::filesystem::path& path, const std::string& display) {
  std::ifstream in = detail::open_input_file(path, display);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (path.extension() != ".json") return parse_catalog_csv(text, display, display).types();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw TraceError(display, std::size_t{0}, fmt::format("expected valid JSON (an array of instance types), got {}", detail::json_syntax_error(e.what())));
  }
  if (!doc.is_array() || doc.empty()) throw TraceError(display, std::string(), "expected a non-empty array of instance types");
  // Through the CSV parser, so both forms are checked by the same rules.
  static const char* const kColumns[] = {"instance_type", "family", "vcpu", "memory_mib", "gpus", "gpu_manufacturer",
                                         "gpu_model", "gpu_mem_mib_per_gpu", "accelerators", "accelerator_model", "arch",
                                         "alloc_cpu_millicores", "alloc_memory_mib", "alloc_pods", "ondemand_usd_per_hour"};
  std::vector<InstanceType> out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& t = doc[i];
    const std::string ptr = "/" + std::to_string(i);
    if (!t.is_object()) throw TraceError(display, ptr, "expected an object describing an instance type");
    std::string header, row;
    for (const char* c : kColumns) {
      header += std::string(header.empty() ? "" : ",") + c;
      std::string v;
      if (auto f = t.find(c); f != t.end()) {
        if (f->is_string()) v = f->get<std::string>();
        else if (f->is_number()) v = f->dump();
        else throw TraceError(display, ptr + "/" + c, "expected a string or a number");
      }
      if (v.find(',') != std::string::npos) throw TraceError(display, ptr + "/" + c, "expected a value without commas");
      row += (row.empty() && std::string(c) == "instance_type" ? "" : ",") + v;
    }
    for (const auto& [k, _] : t.items())
      if (std::find(std::begin(kColumns), std::end(kColumns), k) == std::end(kColumns))
        throw TraceError(display, ptr + "/" + k, "expected one of the catalog columns (instance_type, vcpu, memory_mib, gpus, ...), got '" + k + "'");
    try {
      auto one = parse_catalog_csv(header + "\n" + row + "\n", display, display).types();
      out.push_back(one.front());
    } catch (const TraceError& e) {
      throw TraceError(display, ptr, e.message());
    }
  }
  return out;
}

std::vector<std::string> builtin_catalog_names() { return {"aws-us-east-1"}; }

InstanceCatalog builtin_catalog(std::string_view name) {
  if (name == "aws-us-east-1")
    return parse_catalog_csv(kBuiltinCatalogAwsUsEast1, "builtin:aws-us-east-1",
                             "Instance facts and us-east-1 on-demand prices from the Karpenter AWS provider's generated "
                             "data (aws/karpenter-provider-aws @1d927085, prices generated 2026-07-20)");
  std::string msg = fmt::format("unknown builtin catalog '{}'", name);
  auto hint = did_you_mean(name, builtin_catalog_names());
  throw Error(hint.empty() ? msg : msg + " (" + hint + ")");
}

}  // namespace capsim::io

namespace capsim::io {

SpotAdvisor builtin_spot_advisor(std::string_view name) {
  if (name != "aws-us-east-1") builtin_catalog(name);  // throws with close matches
  std::istringstream in{std::string(kBuiltinSpotAdvisorAwsUsEast1)};
  std::string line;
  std::map<std::string, SpotAdvisorEntry, std::less<>> entries;
  std::getline(in, line);  // header: instance_type,interruption_bucket,interruption_label,savings_pct_vs_ondemand
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = split(line);
    if (f.size() != 4) throw Error("builtin spot advisor data: bad row '" + line + "'");
    entries[f[0]] = SpotAdvisorEntry{std::stoi(f[1]), std::stod(f[3])};
  }
  return SpotAdvisor(std::move(entries), "Spot Instance Advisor data, AWS, as of 2025-06 (us-east-1, Linux)");
}

}  // namespace capsim::io
