#include "capsim/io/catalog/catalog_json.hpp"

#include <nlohmann/json.hpp>

namespace capsim::io {

std::string catalog_rows_to_json(const std::vector<CatalogRow>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    nlohmann::ordered_json j;
    j["instance_type"] = r.type.name;
    j["vcpu"] = r.type.vcpu;
    j["alloc_cpu_millicores"] = r.type.alloc_cpu_millicores;
    j["memory_mib"] = r.type.memory_mib;
    j["alloc_memory_mib"] = r.type.alloc_memory_mib;
    j["alloc_pods"] = r.type.alloc_pods;
    j["gpus"] = r.type.gpus;
    j["gpu_model"] = r.type.gpu_model;
    j["gpu_memory_mib_per_gpu"] = r.type.gpu_memory_mib_per_gpu;
    j["accelerators"] = r.type.accelerators;
    j["ondemand_usd_per_h"] = r.type.ondemand_usd_per_h;
    j["price_usd_per_h"] = r.price_usd_per_h;
    j["price_per_gpu_usd_per_h"] = r.price_per_gpu_usd_per_h();
    if (r.advisor) {
      j["spot_interruption_bucket"] = r.advisor->bucket;
      j["spot_savings_pct"] = r.advisor->savings_pct;
    }
    out.push_back(j);
  }
  return out.dump(2) + "\n";
}

}  // namespace capsim::io
