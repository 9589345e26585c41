#pragma once
// Choosing instance types from a catalog: requirements, a price ceiling, on-demand or spot prices,
// and an order (what `capsim catalog` prints).
#include <optional>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/market/spot_advisor.hpp"

namespace capsim {

enum class CatalogSort { Price, PricePerGpu, GpuMemory };

struct CatalogQuery {
  Requirements requirements;
  std::optional<double> max_price_usd_per_h;  // on the price shown (spot with `spot`)
  bool spot = false;                          // price by the Advisor's savings; types without Advisor data drop out
  CatalogSort sort = CatalogSort::Price;
};

struct CatalogRow {
  InstanceType type;
  double price_usd_per_h = 0;  // on-demand, or the Advisor-estimated spot price
  std::optional<SpotAdvisorEntry> advisor;
  /// Price per GPU (or accelerator) hour; 0 for types without either.
  double price_per_gpu_usd_per_h() const;
};

/// The types matching the query, in its order (ties by name). With `spot`, the labels carry
/// karpenter.sh/capacity-type=spot, else on-demand.
std::vector<CatalogRow> query_catalog(const InstanceCatalog& catalog, const SpotAdvisor& advisor, const CatalogQuery& query);

}  // namespace capsim
