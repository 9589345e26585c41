"""SimPy baseline for capsim's request-level benchmark: a plain M/M/c queue.

Run by the C++ bench, which compares its requests/s with this script's (one JSON line on stdout).
"""
import argparse
import json
import math
import random
import time

import SimPy
from SimPy.Simulation import Simulation, Process, Resource, hold, request, release


class Customer(Process):
    def run(self, idx, servers, rng, mu, stats, warmup):
        arrived = self.sim.now()
        yield request, self, servers
        wait = self.sim.now() - arrived
        yield hold, self, rng.expovariate(mu)
        yield release, self, servers
        if idx >= warmup:
            stats[0].append(wait)
            stats[1].append(self.sim.now() - arrived)


class Source(Process):
    def run(self, n, servers, rng, lam, mu, stats, warmup):
        for i in range(n):
            c = Customer(name="customer", sim=self.sim)
            self.sim.activate(c, c.run(i, servers, rng, mu, stats, warmup))
            yield hold, self, rng.expovariate(lam)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lam", type=float, default=45.0)
    p.add_argument("--mu", type=float, default=1.0)
    p.add_argument("--c", type=int, default=50)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=int, default=10000)
    a = p.parse_args()

    rng = random.Random(a.seed)
    sim = Simulation()
    servers = Resource(capacity=a.c, name="servers", sim=sim)  # FIFO queue
    stats = ([], [])  # waits, times in system
    src = Source(name="source", sim=sim)
    sim.activate(src, src.run(a.warmup + a.requests, servers, rng,
                              a.lam, a.mu, stats, a.warmup))

    t0 = time.perf_counter()
    sim.simulate(until=math.inf)
    wall = time.perf_counter() - t0

    waits, in_sys = stats
    n = len(waits)
    w_sorted = sorted(waits)
    p99 = w_sorted[min(n - 1, math.ceil(0.99 * n) - 1)] if n else float("nan")
    print(json.dumps({
        "simpy_version": SimPy.__version__,
        "requests": n,
        "wall_s": wall,
        # Every request the timed run simulated, warm-up included (the statistics skip those only).
        "requests_per_s": (n + a.warmup) / wall if wall > 0 else float("nan"),
        "mean_wait_s": sum(waits) / n if n else float("nan"),
        "p99_wait_s": p99,
        "mean_in_system_s": sum(in_sys) / n if n else float("nan"),
        "lam": a.lam, "mu": a.mu, "c": a.c,
    }))


if __name__ == "__main__":
    main()
