// The service models capsim has: one line each.
#include "capsim/workload/fluid/fluid_service.hpp"
#include "capsim/workload/service.hpp"
#include "capsim/workload/service_spec.hpp"

namespace capsim {

std::unique_ptr<Service> make_service(const ServiceSpec& spec, SimDuration period, std::vector<double> arrivals_per_period) {
  return std::make_unique<FluidService>(spec, period, std::move(arrivals_per_period));
}

}  // namespace capsim
