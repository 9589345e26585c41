"""Python twin of main.cpp: load a scenario, run every policy, print each policy's GPU bill and SLA.

Usage: PYTHONPATH=build/release/python python3 examples/run-compare/run_compare.py scenarios/fleet-options.json
"""
import sys

import capsim


def main(path):
    result = capsim.run(capsim.load_scenario(path))
    for policy in result.policies:
        run = policy.replicates[0]
        service = run.services[0]
        print(f"{policy.name}: GPU instances USD {run.cost.gpu_instances_usd:.2f}, total USD {run.cost.total_usd:.2f}, "
              f"{service.name} missed {100 * service.sla.missed_share:.3f}% of {service.sla.requests:.0f} requests")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
