// Loads a scenario, runs every policy and prints each policy's monthly GPU bill and SLA, through the
// public API only. Usage: example_run-compare scenarios/fleet-options.json
#include <capsim/capsim.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SCENARIO.json\n", argv[0]);
    return 2;
  }
  try {
    const capsim::Scenario scenario = capsim::io::load_scenario(argv[1]);
    const capsim::RunResult result = capsim::run_scenario(scenario);
    for (const capsim::PolicyResult& policy : result.policies) {
      const capsim::ReplicateResult& run = policy.replicates.front();
      const capsim::ServiceResult& service = run.services.front();
      std::printf("%s: GPU instances USD %.2f, total USD %.2f, %s missed %.3f%% of %.0f requests\n", policy.name.c_str(),
                  run.cost.gpu_instances_usd, run.cost.total_usd, service.name.c_str(), 100.0 * service.sla.missed_share,
                  service.sla.requests);
    }
  } catch (const capsim::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
