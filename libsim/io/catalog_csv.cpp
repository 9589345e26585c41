#include "capsim/io/catalog_csv.hpp"

#include <map>
#include <sstream>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"

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
      for (std::size_t i = 0; i < f.size(); ++i) col[f[i]] = i;
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
    InstanceType t;
    t.name = f[col["instance_type"]];
    t.family = f[col["family"]];
    t.vcpu = static_cast<int>(num("vcpu", false));
    t.memory_mib = static_cast<std::int64_t>(num("memory_mib", false));
    t.gpus = static_cast<int>(num("gpus", true));
    t.gpu_manufacturer = f[col["gpu_manufacturer"]];
    t.gpu_model = f[col["gpu_model"]];
    t.gpu_memory_mib_per_gpu = static_cast<std::int64_t>(num("gpu_mem_mib_per_gpu", true));
    t.accelerators = static_cast<int>(num("accelerators", true));
    t.accelerator_model = f[col["accelerator_model"]];
    t.arch = f[col["arch"]];
    t.alloc_cpu_millicores = static_cast<std::int64_t>(num("alloc_cpu_millicores", false));
    t.alloc_memory_mib = static_cast<std::int64_t>(num("alloc_memory_mib", false));
    t.alloc_pods = static_cast<int>(num("alloc_pods", false));
    t.ondemand_usd_per_h = num("ondemand_usd_per_hour", false);
    if (t.ondemand_usd_per_h <= 0)
      throw TraceError(display_file, lineno, fmt::format("expected an on-demand price > 0 for {}", t.name));
    types.push_back(std::move(t));
  }
  if (types.empty()) throw TraceError(display_file, lineno, "expected a header and at least one instance type");
  return InstanceCatalog(std::move(types), std::move(source));
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
