#include "capsim/catalog/topology_spread.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace capsim {

int spread_global_min(const TopologySpreadConstraint& c, const DomainCounts& counts) {
  if (counts.empty() || (c.min_domains && static_cast<int>(counts.size()) < *c.min_domains)) return 0;
  int least = counts.begin()->second;
  for (const auto& [domain, n] : counts) least = std::min(least, n);
  return least;
}

std::string spread_violation(const TopologySpreadConstraint& c, const DomainCounts& counts, std::string_view domain, int min) {
  if (spread_allows(c, counts, domain, min)) return {};
  auto it = counts.find(domain);
  const int after = (it == counts.end() ? 0 : it->second) + 1;
  // Name a least-populated domain, so the reader sees which one holds the others back.
  std::string least;
  for (const auto& [d, n] : counts)
    if (n == min) {
      least = fmt::format(" ({} holds {})", d, n);
      break;
    }
  if (least.empty() && c.min_domains) least = fmt::format(" (fewer than minDomains {} eligible domains: the minimum is 0)", *c.min_domains);
  return fmt::format("topology spread: {} {} would hold {} pods of the workload, {} - {} > maxSkew {}{}", c.key, domain, after, after, min,
                     c.max_skew, least);
}

}  // namespace capsim
