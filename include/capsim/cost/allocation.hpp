#pragma once
// Cost allocation by requests, capsim's own rule: each node's billed cost is split among the
// services whose pods it held, in proportion to (seconds bound × the share of the node the pod
// requested) over the node's life; what no pod requested is idle capacity.
#include <cstddef>
#include <vector>

#include "capsim/cost/ledger.hpp"

namespace capsim {

/// A node's ledger line and, per service, the seconds × share of the node its pods requested.
struct NodeAllocation {
  std::size_t ledger_line = 0;
  std::vector<double> share_s;
};

/// Per service (of `services`), the instance cost its pods' requests take up.
std::vector<double> allocate_costs(const std::vector<LedgerLine>& lines, const std::vector<NodeAllocation>& nodes, std::size_t services);

}  // namespace capsim
