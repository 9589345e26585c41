#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "capsim/core/action.hpp"
#include "capsim/core/close_match.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/event_queue.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/io/text_parse.hpp"

using namespace capsim;

TEST_CASE("SimTime converts between microseconds, seconds and UTC") {
  CHECK(seconds(1.5) == 1'500'000);
  CHECK(minutes(2) == 120'000'000);
  CHECK(hours(1) == 3'600'000'000LL);
  CHECK(to_seconds(2'500'000) == doctest::Approx(2.5));
  CHECK(to_hours(hours(36)) == doctest::Approx(36.0));
  // 30 days in microseconds fits an int64 with room to spare and does not drift.
  CHECK(hours(24 * 30) == 2'592'000'000'000LL);
  auto start = io::parse_iso8601("2024-05-10T00:00:00Z");
  REQUIRE(start);
  CHECK(format_utc(to_utc(*start, hours(25) + seconds(61))) == "2024-05-11T01:01:01Z");
  CHECK(format_utc(to_utc(*start, 1500)) == "2024-05-10T00:00:00.001500Z");
}

TEST_CASE("ISO 8601 timestamps need a zone; offsets are applied") {
  auto z = io::parse_iso8601("2024-05-10T12:00:00Z");
  auto off = io::parse_iso8601("2024-05-10T14:00:00+02:00");
  auto frac = io::parse_iso8601("2024-05-10T12:00:00.250Z");
  REQUIRE(z);
  REQUIRE(off);
  REQUIRE(frac);
  CHECK(*z == *off);
  CHECK((*frac - *z).count() == 250'000);
  CHECK_FALSE(io::parse_iso8601("2024-05-10T12:00:00"));
  CHECK_FALSE(io::parse_iso8601("2024-05-10 12:00"));
  CHECK_FALSE(io::parse_iso8601("yesterday"));
}

TEST_CASE("durations parse with units and combinations") {
  CHECK(io::parse_duration("30d") == hours(720));
  CHECK(io::parse_duration("1h30m") == minutes(90));
  CHECK(io::parse_duration("90s") == seconds(90));
  CHECK(io::parse_duration("500ms") == 500'000);
  CHECK(io::parse_duration("1w") == hours(168));
  CHECK_FALSE(io::parse_duration("30x"));
  CHECK_FALSE(io::parse_duration("d"));
  CHECK_FALSE(io::parse_duration(""));
}

TEST_CASE("EventQueue orders by time, then priority, then insertion") {
  EventQueue q;
  auto a = q.push(10, 0);
  auto b = q.push(5, 1);
  auto c = q.push(5, 0);
  auto d = q.push(5, 0);
  auto e = q.push(10, -1);
  std::vector<EventId> order;
  while (auto ev = q.pop()) order.push_back(ev->id);
  REQUIRE(order.size() == 5);
  CHECK(order[0] == c);  // t=5, prio 0, pushed before d
  CHECK(order[1] == d);
  CHECK(order[2] == b);  // t=5, prio 1
  CHECK(order[3] == e);  // t=10, prio -1
  CHECK(order[4] == a);
}

TEST_CASE("Action runs small, large and owning callables, moves them and destroys each once") {
  int runs = 0;
  auto counted = std::make_shared<int>(0);  // its use count tells how many copies are alive
  {
    Action small([&runs] { ++runs; });
    std::array<std::int64_t, 8> big{};  // 64 bytes: kept on the heap
    Action large([&runs, big] { runs += 1 + static_cast<int>(big[0]); });
    Action owning([&runs, counted, text = std::string(40, 'x')] { runs += static_cast<int>(text.size()); });
    CHECK(counted.use_count() == 2);
    small();
    large();
    owning();
    CHECK(runs == 42);
    Action moved(std::move(owning));
    CHECK_FALSE(owning);
    CHECK(moved);
    CHECK(counted.use_count() == 2);
    moved();
    CHECK(runs == 82);
    Action assigned;
    assigned = std::move(large);
    CHECK_FALSE(large);
    assigned();
    CHECK(runs == 83);
    moved = nullptr;
    CHECK_FALSE(moved);
    CHECK(counted.use_count() == 1);
    Action again(std::move(small));
    again();
    CHECK(runs == 84);
  }
  CHECK(counted.use_count() == 1);
}

TEST_CASE("EventQueue takes priorities within 16 bits and refuses others") {
  EventQueue q;
  const auto low = q.push(5, EventQueue::kMaxPriority);
  const auto high = q.push(5, EventQueue::kMinPriority);
  CHECK(q.pop()->id == high);
  const auto e = q.pop();
  CHECK(e->id == low);
  CHECK(e->priority == EventQueue::kMaxPriority);
  CHECK_THROWS_AS(q.push(5, EventQueue::kMaxPriority + 1), Error);
  CHECK_THROWS_AS(q.push(5, EventQueue::kMinPriority - 1), Error);
  CHECK(q.empty());
}

TEST_CASE("EventQueue cancellation removes exactly the cancelled event") {
  EventQueue q;
  auto a = q.push(1);
  auto b = q.push(2);
  auto c = q.push(3);
  CHECK(q.cancel(b));
  CHECK_FALSE(q.cancel(b));  // already cancelled
  CHECK(q.size() == 2);
  CHECK(q.pending(a));
  CHECK_FALSE(q.pending(b));
  CHECK(q.pop()->id == a);
  CHECK_FALSE(q.cancel(a));  // already ran
  // The freed slot is reused; the old handle must not cancel the new event.
  auto d = q.push(4);
  CHECK_FALSE(q.cancel(a));
  CHECK(q.pop()->id == c);
  CHECK(q.pop()->id == d);
  CHECK(q.empty());
  CHECK(q.next_time() == kTimeMax);
}

TEST_CASE("EventQueue matches a reference priority queue on a random workload") {
  // Reference: std::priority_queue over the same (time, priority, seq) order.
  struct Ref {
    SimTime t;
    int p;
    std::uint64_t seq;
  };
  auto later = [](const Ref& x, const Ref& y) {
    if (x.t != y.t) return x.t > y.t;
    if (x.p != y.p) return x.p > y.p;
    return x.seq > y.seq;
  };
  std::priority_queue<Ref, std::vector<Ref>, decltype(later)> ref(later);
  EventQueue q;
  std::uint64_t x = 88172645463325252ULL, seq = 0;
  auto next = [&] {  // xorshift64: any deterministic sequence will do
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<std::pair<SimTime, int>> got, want;
  for (int round = 0; round < 20000; ++round) {
    if (next() % 3 != 0 || ref.empty()) {
      SimTime t = static_cast<SimTime>(next() % 1000);
      int p = static_cast<int>(next() % 3);
      q.push(t, p);
      ref.push({t, p, seq++});
    } else {
      auto e = q.pop();
      REQUIRE(e);
      got.emplace_back(e->time, e->priority);
      want.emplace_back(ref.top().t, ref.top().p);
      CHECK(e->seq == ref.top().seq);
      ref.pop();
    }
  }
  CHECK(got == want);
}

TEST_CASE("EventQueue keeps the order across its near and far heaps, with cancellations") {
  // Times from now to days ahead (both sides of the near heap's one-hour horizon), some exactly at
  // the horizon's edges, priorities and ties, and cancellations of near and far events; checked
  // against a sorted reference of what is still pending.
  struct Ref {
    SimTime t;
    int p;
    std::uint64_t seq;
    EventId id;
  };
  auto earlier = [](const Ref& x, const Ref& y) { return std::tie(x.t, x.p, x.seq) < std::tie(y.t, y.p, y.seq); };
  std::vector<Ref> ref;
  EventQueue q;
  std::uint64_t x = 0x9E3779B97F4A7C15ULL, seq = 0;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  SimTime now = 0;
  int popped = 0;
  for (int round = 0; round < 60000; ++round) {
    const auto r = next() % 10;
    if (r < 5 || ref.empty()) {
      const SimDuration ahead = next() % 4 == 0 ? static_cast<SimDuration>(next() % (3 * 86400)) * kMicrosPerSecond
                                                : static_cast<SimDuration>(next() % 7200) * kMicrosPerSecond;
      const SimTime t = now + (next() % 16 == 0 ? EventQueue::kHorizonStep - 1 + static_cast<SimDuration>(next() % 3) : ahead);
      const int p = static_cast<int>(next() % 3);
      ref.push_back({t, p, seq++, q.push(t, p)});
    } else if (r < 7) {
      const std::size_t k = next() % ref.size();
      CHECK(q.cancel(ref[k].id));
      ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      const auto best = std::min_element(ref.begin(), ref.end(), earlier);
      const auto e = q.pop();
      REQUIRE(e);
      CHECK(e->id == best->id);
      CHECK(e->time == best->t);
      now = e->time;
      ref.erase(best);
      ++popped;
    }
    REQUIRE(q.size() == ref.size());
  }
  while (!ref.empty()) {
    const auto best = std::min_element(ref.begin(), ref.end(), earlier);
    CHECK(q.next_time() == best->t);
    CHECK(q.pop()->id == best->id);
    ref.erase(best);
  }
  CHECK(q.empty());
  CHECK_FALSE(q.pop());
  CHECK(popped > 10000);
  // At the end of time: events at kTimeMax still come out, in order.
  EventQueue end;
  const auto a = end.push(kTimeMax, 1);
  const auto b = end.push(kTimeMax, 0);
  end.push(5);
  CHECK(end.pop()->time == 5);
  CHECK(end.pop()->id == b);
  const auto c = end.push(kTimeMax, 0);
  CHECK(end.pop()->id == c);
  CHECK(end.pop()->id == a);
  CHECK(end.empty());
}

TEST_CASE("Engine runs events in order, advances the clock and notifies observers") {
  Engine eng;
  std::vector<std::string> log;
  std::vector<std::pair<SimTime, SimTime>> advances;
  eng.on_time_advance([&](SimTime a, SimTime b) { advances.emplace_back(a, b); });
  SimTime ended = -1;
  eng.on_simulation_end([&](SimTime t) { ended = t; });
  eng.schedule_at(seconds(2), [&] {
    log.push_back("b@" + std::to_string(eng.now()));
    eng.schedule_in(seconds(1), [&] { log.push_back("d@" + std::to_string(eng.now())); });
  });
  eng.schedule_at(seconds(1), [&] { log.push_back("a@" + std::to_string(eng.now())); });
  auto cancelled = eng.schedule_at(seconds(2), [&] { log.push_back("never"); }, 5);
  eng.schedule_at(seconds(10), [&] { log.push_back("late"); });
  CHECK(eng.cancel(cancelled));
  eng.run_until(seconds(5));
  CHECK(log == std::vector<std::string>{"a@1000000", "b@2000000", "d@3000000"});
  CHECK(eng.now() == seconds(5));
  CHECK(ended == seconds(5));
  REQUIRE(advances.size() == 4);
  CHECK(advances.back() == std::make_pair(seconds(3), seconds(5)));
  CHECK(eng.pending() == 1);
  CHECK_THROWS_AS(eng.schedule_at(seconds(1), [] {}), Error);
  eng.run();
  CHECK(log.back() == "late");
}

TEST_CASE("close matches suggest likely typos only") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  std::vector<std::string> keys{"simulation", "services", "cluster", "sources"};
  CHECK(did_you_mean("simulaton", keys) == "did you mean 'simulation'?");
  CHECK(did_you_mean("zzzzzz", keys).empty());
}
