// The service models capsim has: one line each.
#include "capsim/workload/fluid/fluid_service.hpp"
#include "capsim/workload/request/request_service.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

std::unique_ptr<Service> make_service(const ServiceSpec& spec, ServiceInputs inputs) {
  switch (spec.model) {
    case ServiceModelKind::Fluid: return std::make_unique<FluidService>(spec, inputs.period, std::move(inputs.arrivals_per_period));
    case ServiceModelKind::Request: return std::make_unique<RequestService>(spec, std::move(inputs));
  }
  return nullptr;
}

void summarize_periods(const std::vector<ServicePeriod>& periods, SlaSummary& s) {
  if (periods.empty()) return;
  std::size_t covered = 0;
  std::vector<double> backlog;
  backlog.reserve(periods.size());
  for (const auto& p : periods) {
    if (p.capacity_requests >= p.arrivals) ++covered;
    backlog.push_back(p.backlog_end);
  }
  s.availability = static_cast<double>(covered) / static_cast<double>(periods.size());
  // Only the rank's element: selecting it costs a fraction of sorting a month of periods.
  const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(backlog.size())));
  const auto at = backlog.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
  std::nth_element(backlog.begin(), at, backlog.end());
  s.backlog_p95 = *at;
}

}  // namespace capsim
