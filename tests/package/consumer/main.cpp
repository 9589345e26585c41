// A program outside the project that links the installed capsim.
#include <capsim/capsim.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  capsim::Scenario sc = capsim::io::load_scenario(argv[1]);
  capsim::RunResult r = capsim::run_scenario(sc);
  const auto& sla = r.policies.at(0).replicates.at(0).services.at(0).sla;
  std::cout << "requests " << sla.requests << " missed " << sla.missed << "\n";
  return 0;
}
