#include <doctest/doctest.h>

#include "capsim/workload/fluid/fluid_queue.hpp"
#include "capsim/workload/fluid/fluid_service.hpp"

using namespace capsim;

TEST_CASE("fluid queue, drop: an overloaded minute worked by hand") {
  // Capacity 2 req/s, arrivals 3 req/s, max wait 10 s: the backlog may hold 2 × 10 = 20 requests.
  // It fills at 1 req/s for 20 s, then the excess 1 req/s is dropped for the remaining 40 s.
  FluidQueue q(10, OverloadAction::Drop);
  q.advance(60, 3, 2);
  CHECK(q.totals().arrived == doctest::Approx(180));
  CHECK(q.totals().missed == doctest::Approx(40));
  CHECK(q.backlog() == doctest::Approx(20));
  CHECK(q.totals().served == doctest::Approx(120));  // 2 req/s × 60 s
  CHECK(q.totals().under_provisioned_s == doctest::Approx(60));
  // Next minute at 1 req/s: the 20 queued drain at 1 req/s net in 20 s; nothing is missed.
  q.advance(60, 1, 2);
  CHECK(q.totals().missed == doctest::Approx(40));
  CHECK(q.backlog() == doctest::Approx(0));
  CHECK(q.totals().served == doctest::Approx(120 + 60 + 20));
  CHECK(q.totals().backlog_max == doctest::Approx(20));
  CHECK(q.totals().under_provisioned_s == doctest::Approx(60));
}

TEST_CASE("fluid queue, drop: capacity falls under a queued backlog") {
  FluidQueue q(10, OverloadAction::Drop);
  q.advance(20, 3, 2);  // backlog 20 = the limit at 2 req/s
  REQUIRE(q.backlog() == doctest::Approx(20));
  // Capacity halves: the limit becomes 10; 10 queued requests can no longer make it and time out.
  q.advance(10, 0, 1);
  CHECK(q.totals().missed == doctest::Approx(10));
  CHECK(q.backlog() == doctest::Approx(0));  // the remaining 10 drain at 1 req/s in 10 s
  // No capacity at all: every arrival is missed.
  q.advance(5, 2, 0);
  CHECK(q.totals().missed == doctest::Approx(20));
}

TEST_CASE("fluid queue, late: nothing dropped, late arrivals counted") {
  // 3 req/s against 2 req/s for 60 s, max wait 10 s (limit 20 queued). The backlog passes 20 at
  // t = 20 s; the 3 × 40 = 120 requests arriving after that wait longer than 10 s.
  FluidQueue q(10, OverloadAction::Late);
  q.advance(60, 3, 2);
  CHECK(q.totals().missed == doctest::Approx(120));
  CHECK(q.backlog() == doctest::Approx(60));
  CHECK(q.totals().served == doctest::Approx(120));
  // Then 1 req/s: the backlog (60) falls at 1 req/s and stays above 20 for 40 s: 40 more are late.
  q.advance(60, 1, 2);
  CHECK(q.totals().missed == doctest::Approx(160));
  CHECK(q.backlog() == doctest::Approx(0));
  CHECK(q.totals().served == doctest::Approx(120 + 120));
}

TEST_CASE("service model: periods, mid-period capacity change, availability and p95") {
  // Four 60 s periods of 120 arrivals (2 req/s). Capacity 1 req/s from t=0, +2 req/s at t=30 s.
  FluidService m(0, OverloadAction::Drop, seconds(60), {120, 120, 120, 120});
  m.change_capacity(0, 1.0, 1);
  m.change_capacity(seconds(30), 2.0, 2);
  for (int k = 1; k <= 4; ++k) m.period_boundary(seconds(60 * k));
  // First 30 s: 2 req/s arrive, 1 served, max wait 0 → 1 req/s dropped: 30 missed.
  const SlaSummary s = m.summary();
  CHECK(s.requests == doctest::Approx(480));
  CHECK(s.missed == doctest::Approx(30));
  CHECK(s.missed_share == doctest::Approx(30.0 / 480));
  CHECK(s.minutes_under_provisioned == doctest::Approx(0.5));
  // Period 1's capacity: 30 s × 1 + 30 s × 3 = 120 ≥ 120 arrivals → covered; all four covered.
  CHECK(m.periods()[0].capacity_requests == doctest::Approx(120));
  CHECK(m.periods()[0].missed == doctest::Approx(30));
  CHECK(m.periods()[1].missed == doctest::Approx(0));
  CHECK(m.periods()[3].ready_replicas_end == 3);
  CHECK(s.availability == doctest::Approx(1.0));
}

TEST_CASE("service model: busy replica time, and requests cut off when a replica stops abruptly") {
  // 30 arrivals per 60 s (0.5 req/s) on one replica of 1 req/s: busy half the time. A replica with 4
  // requests in service at once that stops at 30 s loses 0.5 × 4 = 2 of them (Little's law).
  FluidService m(10, OverloadAction::Drop, seconds(60), {30, 30});
  m.change_capacity(0, 1.0, 1);
  CHECK(m.busy_share() == doctest::Approx(0.5));
  m.interrupt_replica(seconds(30), 4);
  m.change_capacity(seconds(30), -1.0, -1);
  m.change_capacity(seconds(60), 1.0, 1);
  for (int k = 1; k <= 2; ++k) m.period_boundary(seconds(60 * k));
  const SlaSummary s = m.summary();
  CHECK(s.interrupted == doctest::Approx(2));
  // Ready 30 s + 60 s, busy half of it: 45 replica-seconds.
  CHECK(s.ready_replica_hours == doctest::Approx(90.0 / 3600));
  CHECK(s.busy_replica_hours == doctest::Approx(45.0 / 3600));
  // With a backlog the replica is fully busy: 3 req/s arriving on 1 req/s.
  FluidService busy(60, OverloadAction::Late, seconds(60), {180});
  busy.change_capacity(0, 1.0, 1);
  busy.advance_to(seconds(10));
  CHECK(busy.busy_share() == doctest::Approx(1.0));
  busy.interrupt_replica(seconds(10), 4);
  CHECK(busy.summary().interrupted == doctest::Approx(4));
}
