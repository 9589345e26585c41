// The request-level service model against queueing theory and hand-worked cases. Expected values come
// from formulas (Erlang C, Pollaczek–Khinchine, Little's law) or from timelines worked out in comments.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/workload/request/replica_picker.hpp"
#include "capsim/workload/request/request_service.hpp"
#include "capsim/workload/request/slo_tracker.hpp"
#include "capsim/workload/service_spec.hpp"

using namespace capsim;

namespace {

InstanceType type_named(const char* name) {
  InstanceType t;
  t.name = name;
  return t;
}

// Erlang C: the probability an arrival waits in an M/M/c queue with offered load a = λ/μ.
double erlang_c(int c, double a) {
  double term = 1, sum = 1;  // Σ_{k<c} a^k / k!
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  const double last = term * a / c;  // a^c / c!
  const double rho = a / c;
  const double top = last / (1 - rho);
  return top / (sum + top);
}

ServiceSpec spec_with(double throughput_rps, double concurrency, ServiceTimeShape shape, RouterKind router, double max_wait_s) {
  ServiceSpec s;
  s.name = "svc";
  s.model = ServiceModelKind::Request;
  s.concurrency = concurrency;
  s.throughput_rps = {{"x", throughput_rps}};
  s.request.router = router;
  s.request.service_time.shape = shape;
  s.sla.max_wait_s = max_wait_s;
  return s;
}

// Poisson counts per period at `rate_rps` (the world's draw, as the simulation makes it).
std::vector<double> poisson_counts(double rate_rps, double period_s, std::size_t periods, std::uint64_t seed) {
  std::vector<double> out;
  Rng rng(seed);
  for (std::size_t k = 0; k < periods; ++k) out.push_back(static_cast<double>(sample_poisson(rng, rate_rps * period_s)));
  return out;
}

// Runs every period with `replicas` ready from the start.
void run_requests(RequestService& m, int replicas, std::size_t periods, SimDuration period) {
  const InstanceType x = type_named("x");
  for (int i = 0; i < replicas; ++i) m.replica_ready(0, static_cast<ReplicaId>(i), x);
  for (std::size_t k = 1; k <= periods; ++k) m.period_boundary(static_cast<SimTime>(k) * period);
}

}  // namespace

// 2.4 M requests: slow under the sanitizers (the asan preset skips the "slow" suite).
TEST_CASE("M/M/c: mean wait within 2% of Erlang C, p99 wait within 5% of its analytic quantile, Little's law" * doctest::test_suite("slow")) {
  // c = 10 servers of rate μ = 1/s, λ = 8/s (ρ = 0.8): 2.4 M requests over 300,000 s.
  const int c = 10;
  const double lambda = 8, mu = 1;
  const std::size_t periods = 5000;
  const SimDuration period = seconds(60);
  ServiceSpec spec = spec_with(mu, 1, ServiceTimeShape::Exponential, RouterKind::SharedQueue, 1e6);
  RequestService m(spec, {period, poisson_counts(lambda, 60, periods, 7), 11, 0});
  run_requests(m, c, periods, period);
  const LatencySummary l = *m.latency();
  const double pw = erlang_c(c, lambda / mu);
  const double wq = pw / (c * mu - lambda);
  // P(Wq > t) = C e^{-(cμ-λ) t}, so the 99th percentile is ln(C / 0.01) / (cμ - λ).
  const double wq99 = std::log(pw / 0.01) / (c * mu - lambda);
  CHECK(l.wait_mean_s == doctest::Approx(wq).epsilon(0.02));
  CHECK(l.wait_p99_s == doctest::Approx(wq99).epsilon(0.05));
  CHECK(l.e2e_mean_s == doctest::Approx(wq + 1 / mu).epsilon(0.01));
  CHECK(l.mean_in_system == doctest::Approx(l.arrival_rate_rps * l.mean_time_in_system_s).epsilon(1e-9));
  CHECK(m.summary().served == doctest::Approx(m.summary().requests).epsilon(1e-4));
}

TEST_CASE("M/D/1: mean wait against Pollaczek–Khinchine") {
  // One server, fixed 1 s service, λ = 0.7/s: Wq = ρ S / (2 (1 - ρ)) = 0.7 / 0.6 s.
  const std::size_t periods = 20000;
  const SimDuration period = seconds(60);
  ServiceSpec spec = spec_with(1.0, 1, ServiceTimeShape::Fixed, RouterKind::LeastOutstanding, 1e6);
  RequestService m(spec, {period, poisson_counts(0.7, 60, periods, 3), 5, 0});
  run_requests(m, 1, periods, period);
  const LatencySummary l = *m.latency();
  CHECK(l.wait_mean_s == doctest::Approx(0.7 / 0.6).epsilon(0.02));
  CHECK(l.e2e_mean_s == doctest::Approx(l.wait_mean_s + 1.0).epsilon(1e-9));
  CHECK(l.mean_in_system == doctest::Approx(l.arrival_rate_rps * l.mean_time_in_system_s).epsilon(1e-9));
}

TEST_CASE("Waits past max_wait_s: timed out (drop) or served late, with Little's law over the window") {
  // One replica, one request at a time, 10 s each (throughput 0.1/s). Three expected arrivals in a
  // 3 s period land mid-thirds: 0.5, 1.5, 2.5 s. The first is served 0.5 → 10.5 (10 s); the second
  // waits 9 s and is served 10.5 → 20.5 (19 s); the third would start at 20.5 after 18 s.
  for (const bool drop : {true, false}) {
    CAPTURE(drop);
    ServiceSpec spec = spec_with(0.1, 1, ServiceTimeShape::Fixed, RouterKind::RoundRobin, 15);
    spec.sla.on_overload = drop ? OverloadAction::Drop : OverloadAction::Late;
    spec.demand.arrivals = ArrivalModel::Expected;
    std::vector<double> counts(20, 0.0);  // 60 s in 3 s periods
    counts[0] = 3;
    RequestService m(spec, {seconds(3), counts, 1, 0});
    run_requests(m, 1, counts.size(), seconds(3));
    const LatencySummary l = *m.latency();
    const SlaSummary s = m.summary();
    CHECK(s.requests == 3);
    CHECK(s.missed == 1);
    if (drop) {
      // It gives up at 2.5 + 15 = 17.5 s, having spent 15 s.
      CHECK(l.timed_out == 1);
      CHECK(s.served == 2);
      CHECK(l.e2e_mean_s == doctest::Approx((10 + 19) / 2.0));
      CHECK(l.e2e_max_s == doctest::Approx(19));
      CHECK(l.mean_time_in_system_s == doctest::Approx((10 + 19 + 15) / 3.0));
      CHECK(l.mean_in_system == doctest::Approx((10 + 19 + 15) / 60.0));
    } else {
      // Served late 20.5 → 30.5: 28 s in all.
      CHECK(l.served_late == 1);
      CHECK(s.served == 3);
      CHECK(l.e2e_max_s == doctest::Approx(28));
      CHECK(l.wait_max_s == doctest::Approx(18));
      CHECK(l.mean_in_system == doctest::Approx((10 + 19 + 28) / 60.0));
    }
    CHECK(s.busy_replica_hours == doctest::Approx((drop ? 20 : 30) / 3600.0));
  }
}

TEST_CASE("A replica reclaimed under its requests: they are retried at another replica, or lost") {
  // Two replicas of concurrency 2, 10 s per request (throughput 0.2/s). Four expected arrivals in a
  // 4 s period at 0.5, 1.5, 2.5, 3.5 s; least-outstanding routing sends them alternately (cursor
  // ties): replica 0 gets the 1st and 3rd, replica 1 the 2nd and 4th. Replica 0 is cut off at 5 s.
  for (const bool retry : {true, false}) {
    CAPTURE(retry);
    ServiceSpec spec = spec_with(0.2, 2, ServiceTimeShape::Fixed, RouterKind::LeastOutstanding, 1000);
    spec.request.on_interruption = retry ? OnInterruption::Retry : OnInterruption::Lose;
    spec.demand.arrivals = ArrivalModel::Expected;
    std::vector<double> counts(10, 0.0);  // 40 s in 4 s periods
    counts[0] = 4;
    RequestService m(spec, {seconds(4), counts, 1, 0});
    const InstanceType x = type_named("x");
    m.replica_ready(0, 100, x);
    m.replica_ready(0, 200, x);
    m.period_boundary(seconds(4));
    m.replica_cut_off(seconds(5), 100);
    m.replica_stopped(seconds(5), 100, x);
    for (int k = 2; k <= 10; ++k) m.period_boundary(seconds(4) * k);
    const LatencySummary l = *m.latency();
    const SlaSummary s = m.summary();
    if (retry) {
      // Replica 1 ends the 2nd and 4th at 11.5 and 13.5 s; the two retried at 5 s queue there (it is
      // full) and start at 11.5 and 13.5: done at 21.5 (from 0.5: 21 s) and 23.5 (from 2.5: 21 s).
      CHECK(l.retried == 2);
      CHECK(l.lost == 0);
      CHECK(s.served == 4);
      CHECK(l.e2e_max_s == doctest::Approx(21));
      CHECK(l.e2e_mean_s == doctest::Approx((10 + 10 + 21 + 21) / 4.0));
      CHECK(l.wait_mean_s == doctest::Approx((0 + 0 + 11 + 11) / 4.0));
    } else {
      CHECK(l.lost == 2);
      CHECK(s.interrupted == 2);
      CHECK(s.missed == 2);
      CHECK(s.served == 2);
      CHECK(l.e2e_mean_s == doctest::Approx(10));
    }
    CHECK(l.mean_in_system == doctest::Approx(l.arrival_rate_rps * l.mean_time_in_system_s).epsilon(1e-9));
  }
}

TEST_CASE("A graceful stop: requests in service finish there, queued ones move; none is lost or retried") {
  // One replica of concurrency 1, 10 s per request; two arrivals at 0.5 and 1.5 s (the second queues).
  // A second replica is ready at 2 s and the first stops gracefully at 3 s: the first request still
  // ends at 10.5 s; the queued one moves at 3 s and is served 3 → 13 (11.5 s).
  ServiceSpec spec = spec_with(0.1, 1, ServiceTimeShape::Fixed, RouterKind::RoundRobin, 1000);
  spec.demand.arrivals = ArrivalModel::Expected;
  std::vector<double> counts(10, 0.0);
  counts[0] = 2;
  RequestService m(spec, {seconds(2), counts, 1, 0});
  const InstanceType x = type_named("x");
  m.replica_ready(0, 1, x);
  m.period_boundary(seconds(2));
  m.replica_ready(seconds(2), 2, x);
  m.replica_stopped(seconds(3), 1, x);
  for (int k = 2; k <= 10; ++k) m.period_boundary(seconds(2) * k);
  const LatencySummary l = *m.latency();
  CHECK(m.summary().served == 2);
  CHECK(l.retried == 0);
  CHECK(l.lost == 0);
  CHECK(l.e2e_max_s == doctest::Approx(11.5));
  CHECK(l.e2e_mean_s == doctest::Approx((10 + 11.5) / 2));
}

TEST_CASE("Requests with no ready replica wait for the first one (and its start shows in their latency)") {
  // No replica until 30 s; five expected arrivals in the first 10 s period (1, 3, 5, 7, 9 s); one
  // replica of concurrency 5 at 30 s serves them all at once, 2 s each (throughput 2.5/s).
  ServiceSpec spec = spec_with(2.5, 5, ServiceTimeShape::Fixed, RouterKind::PowerOfTwo, 1000);
  spec.demand.arrivals = ArrivalModel::Expected;
  std::vector<double> counts(6, 0.0);
  counts[0] = 5;
  RequestService m(spec, {seconds(10), counts, 1, 0});
  for (int k = 1; k <= 6; ++k) {
    if (k == 4) m.replica_ready(seconds(30), 7, type_named("x"));
    m.period_boundary(seconds(10) * k);
  }
  const LatencySummary l = *m.latency();
  CHECK(l.wait_mean_s == doctest::Approx(30 - 5));
  CHECK(l.e2e_max_s == doctest::Approx(32 - 1));
  CHECK(l.e2e_p50_s == doctest::Approx(32 - 5).epsilon(0.005));
}

TEST_CASE("Routers: round robin cycles, least-outstanding takes the least loaded, two choices the lesser of two") {
  ReplicaPicker rr(RouterKind::RoundRobin, Rng(1));
  const std::vector<int> loads{5, 0, 9};
  CHECK(rr.pick(loads) == 0);
  CHECK(rr.pick(loads) == 1);
  CHECK(rr.pick(loads) == 2);
  CHECK(rr.pick(loads) == 0);
  ReplicaPicker lo(RouterKind::LeastOutstanding, Rng(1));
  CHECK(lo.pick(loads) == 1);
  const std::vector<int> ties{2, 2, 2};
  CHECK(lo.pick(ties) == 1);  // the cursor moved on: ties rotate
  CHECK(lo.pick(ties) == 2);
  // Two choices never picks the most loaded of three; over many picks it picks each of the others.
  ReplicaPicker p2(RouterKind::PowerOfTwo, Rng(3));
  int picked[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) ++picked[p2.pick(loads)];
  CHECK(picked[2] == 0);
  // Replica 1 (least) wins whenever drawn (2 pairs of 3); replica 0 only in the pair {0, 2}.
  CHECK(picked[1] == doctest::Approx(2000).epsilon(0.1));
  CHECK(picked[0] == doctest::Approx(1000).epsilon(0.2));
}

TEST_CASE("SLO windows: a window fails on its latency percentile or its availability") {
  SloSpec spec;
  spec.percentile = 90;
  spec.latency_target_s = 1.0;
  spec.window_s = 60;
  spec.availability = 0.9;
  SloTracker t(spec);
  // Window 0: ten requests at 0.5 s: passes. Window 1: nine at 0.5 s and one at 3 s: its p90 (lower
  // quantile, rank floor(0.9 × 9) = 8 of 0..9) is 0.5 s, passes. Window 2: eight at 0.5, two at
  // 3 s: rank 8 is 3 s, fails. Window 3: nine served fast, two failed: 9/11 < 0.9, fails.
  for (int i = 0; i < 10; ++i) t.served(seconds(1 + i), 0.5);
  for (int i = 0; i < 9; ++i) t.served(seconds(61 + i), 0.5);
  t.served(seconds(70), 3);
  for (int i = 0; i < 8; ++i) t.served(seconds(121 + i), 0.5);
  t.served(seconds(130), 3);
  t.served(seconds(131), 3);
  for (int i = 0; i < 9; ++i) t.served(seconds(181 + i), 0.5);
  t.failed(seconds(190));
  t.failed(seconds(191));
  t.finish(seconds(270));  // a fifth, partial window (30 s) with nothing in it: passes
  const SloSummary s = t.summary(seconds(270));
  CHECK(s.windows == 5);
  CHECK(s.windows_failed == 2);
  CHECK(s.violation_minutes == doctest::Approx(2));
  CHECK(s.requests_over_target_share == doctest::Approx(3.0 / 39));
  CHECK(s.latency_budget_burn == doctest::Approx(3.0 / 39 / 0.1));
  CHECK(s.availability == doctest::Approx(39.0 / 41));
  CHECK(s.availability_budget_burn == doctest::Approx((2.0 / 41) / 0.1));
  CHECK(s.goodput_rps == doctest::Approx(36.0 / 270));
}

TEST_CASE("Recovery after abrupt stops: until as many replicas are ready as before, or unrecovered") {
  // Two replicas; one is reclaimed at 5 s and its replacement is ready at 20 s: 15 s to recover. The
  // other is reclaimed at 30 s and nothing replaces it before the window closes at 40 s.
  ServiceSpec spec = spec_with(1.0, 1, ServiceTimeShape::Fixed, RouterKind::RoundRobin, 1000);
  spec.demand.arrivals = ArrivalModel::Expected;
  RequestService m(spec, {seconds(4), std::vector<double>(10, 0.0), 1, 0});
  const InstanceType x = type_named("x");
  m.replica_ready(0, 1, x);
  m.replica_ready(0, 2, x);
  m.period_boundary(seconds(4));
  m.replica_cut_off(seconds(5), 1);
  m.replica_stopped(seconds(5), 1, x);
  m.replica_ready(seconds(20), 3, x);
  m.replica_cut_off(seconds(30), 2);
  m.replica_stopped(seconds(30), 2, x);
  for (int k = 2; k <= 10; ++k) m.period_boundary(seconds(4) * k);
  const SlaSummary s = m.summary();
  CHECK(s.abrupt_stops == 2);
  CHECK(s.recovery_mean_s == doctest::Approx(15));
  CHECK(s.recovery_max_s == doctest::Approx(15));
  CHECK(s.unrecovered_at_end == 1);
}

TEST_CASE("A graceful stop's grace period runs out: the requests still in service are cut off") {
  // One request at 0.5 s takes 100 s (throughput 0.01/s). Its replica stops gracefully at 3 s with
  // Kubernetes' 30 s grace period; at 33 s it is killed with the request unfinished. Retried at the
  // replica ready since 2 s, it is served 33 → 133 s: 132.5 s end to end. Or it is lost.
  for (const bool retry : {true, false}) {
    CAPTURE(retry);
    ServiceSpec spec = spec_with(0.01, 1, ServiceTimeShape::Fixed, RouterKind::RoundRobin, 1000);
    spec.request.on_interruption = retry ? OnInterruption::Retry : OnInterruption::Lose;
    spec.demand.arrivals = ArrivalModel::Expected;
    std::vector<double> counts(150, 0.0);  // 150 s in 1 s periods
    counts[0] = 1;
    RequestService m(spec, {seconds(1), counts, 1, 0});
    const InstanceType x = type_named("x");
    m.replica_ready(0, 1, x);
    m.period_boundary(seconds(1));
    m.replica_ready(seconds(2), 2, x);
    m.period_boundary(seconds(2));
    m.replica_stopped(seconds(3), 1, x);
    for (int k = 3; k <= 150; ++k) m.period_boundary(seconds(1) * k);
    const LatencySummary l = *m.latency();
    if (retry) {
      CHECK(l.retried == 1);
      CHECK(l.lost == 0);
      CHECK(l.e2e_max_s == doctest::Approx(132.5));
    } else {
      CHECK(l.lost == 1);
      CHECK(m.summary().missed == 1);
    }
  }
}
