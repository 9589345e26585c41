#include "catalog_command.hpp"

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "capsim/market/catalog_query.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/catalog/catalog_json.hpp"

namespace capsim::cli {

namespace {

struct Flags {
  std::vector<std::vector<std::string>> require;
  double max_price = -1;
  bool spot = false;
  std::string sort = "price";
  bool json = false;
  std::string builtin = "aws-us-east-1";
};

std::vector<std::string> split_values(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

int run(const Flags& f) {
  std::vector<Requirement> reqs;
  for (const auto& r : f.require) {
    if (r.size() < 2) {
      const std::string one = r.empty() ? std::string() : r[0];
      const auto eq = one.find('=');
      throw Error(fmt::format("--require '{}': expected KEY OP [VALUES] as separate words{}", one,
                              eq == std::string::npos ? std::string(", such as --require karpenter.k8s.aws/instance-gpu-memory Gt 24575")
                                                      : fmt::format(", such as --require {} In {}", one.substr(0, eq), one.substr(eq + 1))));
    }
    Requirement req;
    req.key = r.at(0);
    auto op = parse_operator(r.at(1));
    if (!op) throw Error(fmt::format("--require {}: expected an operator In, NotIn, Exists, DoesNotExist, Gt or Lt, got '{}'", r[0], r[1]));
    req.op = *op;
    if (r.size() > 2) req.values = split_values(r[2]);
    if (auto bad = check_requirement(req); !bad.empty()) throw Error(fmt::format("--require {} {}: expected {}", r[0], r[1], bad));
    reqs.push_back(req);
  }
  CatalogQuery q;
  q.requirements = Requirements(reqs);
  if (f.max_price >= 0) q.max_price_usd_per_h = f.max_price;
  q.spot = f.spot;
  q.sort = f.sort == "price-per-gpu" ? CatalogSort::PricePerGpu : f.sort == "gpu-mem" ? CatalogSort::GpuMemory : CatalogSort::Price;
  const InstanceCatalog catalog = io::builtin_catalog(f.builtin);
  const SpotAdvisor advisor = io::builtin_spot_advisor(f.builtin);
  const auto rows = query_catalog(catalog, advisor, q);
  if (f.json) {
    std::cout << io::catalog_rows_to_json(rows);
    return 0;
  }
  // Allocatable beside capacity: what pods can request after the kubelet's reservations and eviction
  // threshold (the catalog's figures, as Karpenter lists them).
  std::cout << fmt::format("{:<15} {:>5} {:>9} {:>8} {:>9} {:>4} {:<12} {:>8} {:>10} {:>10}{}\n", "type", "vCPU", "alloc CPU", "mem GiB",
                           "alloc GiB", "GPU", "GPU model", "GiB/GPU", f.spot ? "spot $/h" : "$/h", "$/GPU-h", f.spot ? "  interrupts/month" : "");
  static const char* kBucket[] = {"<5%", "5-10%", "10-15%", "15-20%", ">20%"};
  for (const auto& r : rows) {
    const auto& t = r.type;
    const std::string gpu = t.gpus > 0 ? t.gpu_model : t.accelerators > 0 ? t.accelerator_model : "-";
    const int n = t.gpus > 0 ? t.gpus : t.accelerators;
    std::cout << fmt::format("{:<15} {:>5} {:>9} {:>8.0f} {:>9.1f} {:>4} {:<12} {:>8} {:>10.4f} {:>10}{}\n", t.name, t.vcpu,
                             fmt::format("{}m", t.alloc_cpu_millicores), t.memory_mib / 1024.0, t.alloc_memory_mib / 1024.0, n, gpu,
                             t.gpus > 0 ? fmt::format("{:.1f}", t.gpu_memory_mib_per_gpu / 1024.0) : "-", r.price_usd_per_h,
                             n > 0 ? fmt::format("{:.4f}", r.price_per_gpu_usd_per_h()) : "-",
                             f.spot && r.advisor && r.advisor->bucket >= 0 && r.advisor->bucket <= 4
                                 ? fmt::format("  {}", kBucket[r.advisor->bucket]) : "");
  }
  std::cout << fmt::format("{} type(s). {}{}\n", rows.size(), catalog.source(), f.spot ? "; spot prices estimated from " + advisor.source() : "");
  return 0;
}

}  // namespace

std::function<int()> add_catalog_command(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("catalog", "Instance types by requirements, price and order");
  cmd->add_option("--require", f->require,
                  "KEY OP [VALUES]: a Karpenter requirement, values comma-separated "
                  "(e.g. --require karpenter.k8s.aws/instance-gpu-memory Gt 24575)")
      ->expected(2, 3)
      ->allow_extra_args(false);
  cmd->add_option("--max-price", f->max_price, "Only types at or under this USD per hour (the spot price with --spot)");
  cmd->add_flag("--spot", f->spot, "Price by the Spot Instance Advisor's savings and show the interruption bucket");
  cmd->add_option("--sort", f->sort, "price, price-per-gpu or gpu-mem")->capture_default_str()
      ->check(CLI::IsMember({"price", "price-per-gpu", "gpu-mem"}));
  cmd->add_flag("--json", f->json, "Print JSON");
  cmd->add_option("--builtin", f->builtin, "The builtin catalog")->capture_default_str();
  return [=]() -> int { return cmd->parsed() ? run(*f) : -1; };
}

}  // namespace capsim::cli
