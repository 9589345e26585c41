#include "capsim/market/catalog_query.hpp"

#include <algorithm>

namespace capsim {

double CatalogRow::price_per_gpu_usd_per_h() const {
  const int n = type.gpus > 0 ? type.gpus : type.accelerators;
  return n > 0 ? price_usd_per_h / n : 0.0;
}

std::vector<CatalogRow> query_catalog(const InstanceCatalog& catalog, const SpotAdvisor& advisor, const CatalogQuery& q) {
  std::vector<CatalogRow> rows;
  for (const InstanceType& t : catalog.types()) {
    Labels l = labels_of(t);
    l[std::string(label::kCapacityType)] = q.spot ? "spot" : "on-demand";
    if (!q.requirements.matches(l)) continue;
    CatalogRow row{t, t.ondemand_usd_per_h, advisor.find(t.name)};
    if (q.spot) {
      if (!row.advisor) continue;
      row.price_usd_per_h = t.ondemand_usd_per_h * (1.0 - row.advisor->savings_pct / 100.0);
    }
    if (q.max_price_usd_per_h && row.price_usd_per_h > *q.max_price_usd_per_h) continue;
    rows.push_back(std::move(row));
  }
  auto key = [&](const CatalogRow& r) {
    switch (q.sort) {
      case CatalogSort::Price: return r.price_usd_per_h;
      case CatalogSort::PricePerGpu: return r.price_per_gpu_usd_per_h() > 0 ? r.price_per_gpu_usd_per_h() : 1e300;
      case CatalogSort::GpuMemory: return -static_cast<double>(r.type.gpu_memory_mib_per_gpu);
    }
    return 0.0;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const CatalogRow& a, const CatalogRow& b) {
    const double ka = key(a), kb = key(b);
    return ka != kb ? ka < kb : a.type.name < b.type.name;
  });
  return rows;
}

}  // namespace capsim
