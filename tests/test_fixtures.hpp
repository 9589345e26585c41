#pragma once
// Fixtures several test files share, so each file does not define its own copy.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/report/result.hpp"

namespace capsim::test {

/// An instant written in ISO 8601 ("2024-05-10T00:00:00Z"); the tests' literals are valid.
inline UtcTime at(const char* iso) { return *io::parse_iso8601(iso); }

/// The built-in us-east-1 catalog, read once per test process.
inline const InstanceCatalog& catalog() {
  static const InstanceCatalog c = io::builtin_catalog("aws-us-east-1");
  return c;
}

/// A made-up on-demand GPU type ("gx.4"; its family is the part before the dot) with an A10G's
/// GPU memory, 4 GiB of memory a vCPU, and 100m CPU and 1 GiB held back from allocatable.
inline InstanceType gpu_type(std::string name, int vcpu, int gpus, double price) {
  InstanceType t;
  t.name = std::move(name);
  t.family = t.name.substr(0, t.name.find('.'));
  t.vcpu = vcpu;
  t.memory_mib = std::int64_t{vcpu} * 4096;
  t.gpus = gpus;
  t.gpu_manufacturer = "nvidia";
  t.gpu_model = "a10g";
  t.gpu_memory_mib_per_gpu = 24576;
  t.arch = "amd64";
  t.alloc_cpu_millicores = std::int64_t{vcpu} * 1000 - 100;
  t.alloc_memory_mib = t.memory_mib - 1024;
  t.alloc_pods = 110;
  t.ondemand_usd_per_h = price;
  return t;
}

/// The three zones the hand-worked cluster tests spread over.
inline const std::vector<std::string> kZones = {"us-east-1a", "us-east-1b", "us-east-1c"};

/// A scheduling requirement: key, operator, values.
inline Requirement req(std::string_view key, Operator op, std::vector<std::string> values = {}) {
  return Requirement{std::string(key), op, std::move(values)};
}

/// The node records of a replicate that ended for `reason` ("drifted", "consolidated", ...).
inline std::vector<const NodeRecord*> ended(const ReplicateResult& rep, const std::string& reason) {
  std::vector<const NodeRecord*> out;
  for (const auto& n : rep.nodes)
    if (n.end_reason == reason) out.push_back(&n);
  return out;
}

}  // namespace capsim::test
