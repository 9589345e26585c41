#include "capsim/cost/allocation.hpp"

namespace capsim {

std::vector<double> allocate_costs(const std::vector<LedgerLine>& lines, const std::vector<NodeAllocation>& nodes, std::size_t services) {
  std::vector<double> allocated(services, 0.0);
  for (const NodeAllocation& a : nodes) {
    const LedgerLine& line = lines[a.ledger_line];
    const double life_s = to_seconds(line.end - line.start);
    if (life_s <= 0) continue;
    for (std::size_t s = 0; s < a.share_s.size() && s < services; ++s) allocated[s] += line.cost_usd * a.share_s[s] / life_s;
  }
  return allocated;
}

}  // namespace capsim
