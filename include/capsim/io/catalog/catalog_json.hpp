#pragma once
// Catalog query results as JSON (`capsim catalog --json`).
#include <string>
#include <vector>

#include "capsim/market/catalog_query.hpp"

namespace capsim::io {

/// One object per row: the type's facts, its price (spot when asked), its price per GPU and, for
/// spot, the Spot Instance Advisor's interruption bucket and savings.
std::string catalog_rows_to_json(const std::vector<CatalogRow>& rows);

}  // namespace capsim::io
