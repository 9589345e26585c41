// Karpenter NodePool disruption budgets against values worked out by hand. Calendar facts used below:
// 2024-01-01 is a Monday, so 2024-01-07 is a Sunday; 2024-05-10 is a Friday, 2024-05-11 a Saturday,
// 2024-05-12 a Sunday, 2024-05-13 a Monday and 2024-05-14 a Tuesday.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "capsim/provisioning/karpenter/disruption_budget.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::at;

DisruptionBudget always(const char* nodes, std::vector<std::string> reasons = {}) {
  return DisruptionBudget::parse(nodes, std::nullopt, std::nullopt, reasons);
}

DisruptionBudget windowed(const char* nodes, const char* schedule, const char* duration,
                          std::vector<std::string> reasons = {}) {
  return DisruptionBudget::parse(nodes, schedule, duration, reasons);
}

// Business hours, Monday to Friday, 09:00 to 17:00 UTC.
DisruptionBudget business_hours_freeze() { return windowed("0", "0 9 * * 1-5", "8h"); }

constexpr DisruptionReason kAllReasons[] = {DisruptionReason::Underutilized, DisruptionReason::Empty,
                                            DisruptionReason::Drifted};
}  // namespace

TEST_CASE("disruption budget: a percentage rounds up, a count is taken as is") {
  // 10% of 25 = 2.5 → 3.
  CHECK(always("10%").allowed(25) == 3);
  // The documentation's examples: 5% of 10 nodes = 0.5 → 1; 20% of 19 = 3.8 → 4.
  CHECK(always("5%").allowed(10) == 1);
  CHECK(always("20%").allowed(19) == 4);
  // Exact multiples stay exact; any non-zero percentage of one node is that node.
  CHECK(always("10%").allowed(30) == 3);
  CHECK(always("1%").allowed(1) == 1);
  CHECK(always("10%").allowed(0) == 0);
  CHECK(always("0%").allowed(100) == 0);
  CHECK(always("100%").allowed(7) == 7);
  CHECK(always("05%").allowed(20) == 1);  // two digits allowed by the pattern: 5% of 20
  // A count does not depend on the pool's size, even when larger than it.
  CHECK(always("5").allowed(100) == 5);
  CHECK(always("5").allowed(2) == 5);
  CHECK(always("0").allowed(50) == 0);

  const auto b = always("10%");
  CHECK(b.is_percent());
  CHECK(b.value() == 10);
  CHECK(b.nodes() == "10%");
  CHECK_FALSE(b.schedule().has_value());
  CHECK(b.duration() == 0);
  CHECK_FALSE(always("7").is_percent());
  CHECK(always("7").value() == 7);
  CHECK_THROWS_WITH_AS(b.allowed(-1), doctest::Contains("total nodes must be >= 0"), Error);
}

TEST_CASE("disruption budget: a business-hours freeze is active Monday 09:00 to 16:59:59") {
  const auto b = business_hours_freeze();
  REQUIRE(b.schedule().has_value());
  CHECK(b.duration() == hours(8));
  CHECK_FALSE(b.active_at(at("2024-05-13T08:59:59Z")));
  CHECK(b.active_at(at("2024-05-13T09:00:00Z")));  // from the firing itself
  CHECK(b.active_at(at("2024-05-13T12:00:00Z")));
  CHECK(b.active_at(at("2024-05-13T16:59:59Z")));
  CHECK(b.active_at(at("2024-05-13T16:59:59.999999Z")));
  CHECK_FALSE(b.active_at(at("2024-05-13T17:00:00Z")));  // half-open: 09:00 + 8h is already out
  CHECK_FALSE(b.active_at(at("2024-05-13T23:00:00Z")));
  CHECK(b.active_at(at("2024-05-10T16:00:00Z")));        // Friday
  CHECK_FALSE(b.active_at(at("2024-05-11T12:00:00Z")));  // Saturday
  CHECK_FALSE(b.active_at(at("2024-05-12T12:00:00Z")));  // Sunday
}

TEST_CASE("disruption budget: windows that overlap or span a firing, as Karpenter's IsActive tests") {
  // @daily for 48h: every instant is inside some window.
  CHECK(windowed("0", "@daily", "48h").active_at(at("2024-01-07T00:00:00Z")));
  CHECK(windowed("0", "@daily", "48h").active_at(at("2024-01-07T13:37:00Z")));
  // @yearly for 24h: 1 January all day, not the 2nd.
  CHECK(windowed("0", "@yearly", "24h").active_at(at("2024-01-01T12:00:00Z")));
  CHECK_FALSE(windowed("0", "@yearly", "24h").active_at(at("2024-01-02T00:00:00Z")));
  // Sundays 06:30 for 6h, asked at Sunday 00:00: last week's window closed long ago.
  CHECK_FALSE(windowed("0", "30 6 * * SUN", "6h").active_at(at("2024-01-07T00:00:00Z")));
  CHECK(windowed("0", "30 6 * * SUN", "6h").active_at(at("2024-01-07T12:29:00Z")));
  CHECK_FALSE(windowed("0", "30 6 * * SUN", "6h").active_at(at("2024-01-07T12:30:00Z")));
  // Hours and minutes together: 1h30m from 09:00 ends at 10:30.
  CHECK(windowed("0", "0 9 * * *", "1h30m").active_at(at("2024-05-13T10:29:00Z")));
  CHECK_FALSE(windowed("0", "0 9 * * *", "1h30m").active_at(at("2024-05-13T10:30:00Z")));
  // A zero duration is accepted but never active.
  CHECK_FALSE(windowed("0", "* * * * *", "0m").active_at(at("2024-05-13T10:00:00Z")));
}

TEST_CASE("disruption budget: the default is one always-active 10% budget for every reason") {
  const auto budgets = default_budgets();
  REQUIRE(budgets.size() == 1);
  CHECK(budgets[0].nodes() == "10%");
  CHECK(budgets[0].reasons().empty());
  for (const DisruptionReason r : kAllReasons) {
    CHECK(budgets[0].applies_to(r));
    CHECK(allowed_disruptions(budgets, r, at("2024-05-13T12:00:00Z"), 25, 0) == 3);
  }
  CHECK_FALSE(next_budget_change_after(budgets, at("2024-05-13T12:00:00Z")).has_value());
}

TEST_CASE("disruption budget: the most restrictive active budget wins; none active is unlimited") {
  const std::vector<DisruptionBudget> freeze_and_default{business_hours_freeze(), always("10%")};
  // 20 nodes: 10% is 2, but the freeze allows 0 during business hours.
  CHECK(allowed_disruptions(freeze_and_default, DisruptionReason::Drifted, at("2024-05-13T10:00:00Z"), 20, 0) == 0);
  CHECK(allowed_disruptions(freeze_and_default, DisruptionReason::Drifted, at("2024-05-13T17:00:00Z"), 20, 0) == 2);
  CHECK(allowed_disruptions(freeze_and_default, DisruptionReason::Drifted, at("2024-05-11T10:00:00Z"), 20, 0) == 2);

  // Only the freeze: outside its window nothing constrains the pool (Karpenter's MaxInt32).
  const std::vector<DisruptionBudget> freeze_only{business_hours_freeze()};
  CHECK(allowed_disruptions(freeze_only, DisruptionReason::Empty, at("2024-05-11T10:00:00Z"), 20, 0) ==
        kUnlimitedDisruptions);
  CHECK(allowed_disruptions(freeze_only, DisruptionReason::Empty, at("2024-05-11T10:00:00Z"), 20, 7) ==
        kUnlimitedDisruptions);
  CHECK(allowed_disruptions(freeze_only, DisruptionReason::Empty, at("2024-05-13T10:00:00Z"), 20, 0) == 0);
  // No budgets at all (an explicit empty list): unlimited.
  CHECK(allowed_disruptions({}, DisruptionReason::Empty, at("2024-05-13T10:00:00Z"), 20, 0) == kUnlimitedDisruptions);
}

TEST_CASE("disruption budget: reasons select which budgets count") {
  // The NodePool of the Karpenter documentation: 20% for Empty and Drifted, 5 for everything, and
  // 0 for Underutilized during the first 10 minutes of each day.
  const std::vector<DisruptionBudget> budgets{always("20%", {"Empty", "Drifted"}), always("5"),
                                              windowed("0", "@daily", "10m", {"Underutilized"})};
  CHECK(budgets[0].applies_to(DisruptionReason::Empty));
  CHECK(budgets[0].applies_to(DisruptionReason::Drifted));
  CHECK_FALSE(budgets[0].applies_to(DisruptionReason::Underutilized));
  CHECK(budgets[1].applies_to(DisruptionReason::Underutilized));
  CHECK(budgets[2].reasons() == std::vector{DisruptionReason::Underutilized});

  const UtcTime noon = at("2024-05-13T12:00:00Z");
  const UtcTime just_after_midnight = at("2024-05-13T00:05:00Z");
  // 19 nodes: 20% → ceil(3.8) = 4 < 5.
  CHECK(allowed_disruptions(budgets, DisruptionReason::Empty, noon, 19, 0) == 4);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Drifted, noon, 19, 0) == 4);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Underutilized, noon, 19, 0) == 5);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Underutilized, just_after_midnight, 19, 0) == 0);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Empty, just_after_midnight, 19, 0) == 4);
  // 30 nodes: 20% is 6, so the count of 5 is the ceiling.
  CHECK(allowed_disruptions(budgets, DisruptionReason::Empty, noon, 30, 0) == 5);
  // Duplicate reasons collapse.
  CHECK(always("1", {"Empty", "Empty"}).reasons() == std::vector{DisruptionReason::Empty});
}

TEST_CASE("disruption budget: nodes already disrupting are subtracted, never below zero") {
  const std::vector<DisruptionBudget> budgets{always("10%")};
  const UtcTime now = at("2024-05-13T12:00:00Z");
  CHECK(allowed_disruptions(budgets, DisruptionReason::Drifted, now, 25, 0) == 3);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Drifted, now, 25, 2) == 1);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Drifted, now, 25, 3) == 0);
  CHECK(allowed_disruptions(budgets, DisruptionReason::Drifted, now, 25, 5) == 0);
  CHECK_THROWS_AS(allowed_disruptions(budgets, DisruptionReason::Drifted, now, 25, -1), Error);
  CHECK_THROWS_AS(allowed_disruptions(budgets, DisruptionReason::Drifted, now, -1, 0), Error);
}

TEST_CASE("disruption budget: when active_at next changes") {
  const auto b = business_hours_freeze();
  // Before the window: it opens at 09:00. Inside: it closes at 17:00. After: next weekday 09:00.
  CHECK(b.next_change_after(at("2024-05-13T08:00:00Z")) == at("2024-05-13T09:00:00Z"));
  CHECK(b.next_change_after(at("2024-05-13T09:00:00Z")) == at("2024-05-13T17:00:00Z"));
  CHECK(b.next_change_after(at("2024-05-13T12:00:00Z")) == at("2024-05-13T17:00:00Z"));
  CHECK(b.next_change_after(at("2024-05-13T17:00:00Z")) == at("2024-05-14T09:00:00Z"));
  // Friday evening: the weekend is skipped.
  CHECK(b.next_change_after(at("2024-05-10T18:00:00Z")) == at("2024-05-13T09:00:00Z"));
  CHECK_FALSE(always("10%").next_change_after(at("2024-05-13T12:00:00Z")).has_value());
  CHECK_FALSE(windowed("0", "@daily", "0h").next_change_after(at("2024-05-13T12:00:00Z")).has_value());

  // Hourly windows of 90 minutes overlap: at 10:15 the 09:00 window closes at 10:30 but the 10:00
  // one keeps it active to 11:30, so nothing changes before the 11:00 firing (which extends it).
  const auto overlapping = windowed("0", "@hourly", "90m");
  CHECK(overlapping.next_change_after(at("2024-05-13T10:15:00Z")) == at("2024-05-13T11:00:00Z"));
  // 08:00-08:59 every minute for 30 minutes: from 09:00 the window stays open until 08:59 + 30m.
  const auto burst = windowed("0", "* 8 * * *", "30m");
  CHECK(burst.next_change_after(at("2024-05-13T09:00:00Z")) == at("2024-05-13T09:29:00Z"));
  CHECK(burst.active_at(at("2024-05-13T09:28:59Z")));
  CHECK_FALSE(burst.active_at(at("2024-05-13T09:29:00Z")));

  // Over a set of budgets: the earliest.
  const std::vector<DisruptionBudget> budgets{always("10%"), b, windowed("1", "0 12 * * *", "1h")};
  CHECK(next_budget_change_after(budgets, at("2024-05-13T10:00:00Z")) == at("2024-05-13T12:00:00Z"));
  CHECK(next_budget_change_after(budgets, at("2024-05-13T12:30:00Z")) == at("2024-05-13T13:00:00Z"));
  CHECK(next_budget_change_after(budgets, at("2024-05-13T13:00:00Z")) == at("2024-05-13T17:00:00Z"));
}

TEST_CASE("disruption budget: active_at is constant up to next_change_after") {
  // Minute by minute over a week, for schedules that overlap, nest and gap.
  const std::vector<DisruptionBudget> budgets{business_hours_freeze(), windowed("0", "@hourly", "90m"),
                                              windowed("0", "*/20 8-9 * * *", "25m"),
                                              windowed("0", "30 6 * * SUN", "6h")};
  for (const DisruptionBudget& b : budgets) {
    CAPTURE(b.schedule()->expression());
    UtcTime t = at("2024-05-10T00:00:00Z");
    const UtcTime end = at("2024-05-17T00:00:00Z");
    while (t < end) {
      const UtcTime change = *b.next_change_after(t);
      REQUIRE(change > t);
      const bool state = b.active_at(t);
      for (UtcTime s = t; s < change && s < end; s += std::chrono::minutes{1}) REQUIRE(b.active_at(s) == state);
      t = change;
    }
  }
}

TEST_CASE("disruption budget: parse errors name the field and the text") {
  CHECK_THROWS_WITH_AS(always("ten"), "nodes: expected a count such as \"5\" or a percentage such as \"10%\", got \"ten\"",
                       Error);
  CHECK_THROWS_WITH_AS(always(""), "nodes: expected a count such as \"5\" or a percentage such as \"10%\", got \"\"",
                       Error);
  CHECK_THROWS_WITH_AS(always("10.5%"), doctest::Contains("got \"10.5%\""), Error);
  CHECK_THROWS_WITH_AS(always("-1"), doctest::Contains("got \"-1\""), Error);
  CHECK_THROWS_WITH_AS(always("%"), doctest::Contains("got \"%\""), Error);
  CHECK_THROWS_WITH_AS(always("101%"), "nodes: expected a percentage from 0% to 100%, got \"101%\"", Error);
  CHECK_THROWS_WITH_AS(always("007%"), doctest::Contains("from 0% to 100%"), Error);
  CHECK_THROWS_WITH_AS(always("99999999999"), doctest::Contains("nodes: expected a count of at most 2147483647"),
                       Error);

  CHECK_THROWS_WITH_AS(DisruptionBudget::parse("0", std::nullopt, "8h", {}),
                       "duration \"8h\" needs a schedule: schedule and duration are set together", Error);
  CHECK_THROWS_WITH_AS(DisruptionBudget::parse("0", "0 9 * * 1-5", std::nullopt, {}),
                       "schedule \"0 9 * * 1-5\" needs a duration: schedule and duration are set together", Error);
  CHECK_THROWS_WITH_AS(windowed("0", "0 25 * * *", "1h"), "schedule: cron '0 25 * * *': hour: expected 0-23, got 25",
                       Error);
  CHECK_THROWS_WITH_AS(windowed("0", "@wrongly", "1h"), doctest::Contains("schedule: cron '@wrongly'"), Error);

  CHECK_THROWS_WITH_AS(windowed("0", "@daily", "90s"),
                       "duration: expected hours and minutes such as \"8h\", \"30m\" or \"1h30m\" (no seconds), got \"90s\"",
                       Error);
  for (const char* bad : {"", "0s", "1.5h", "1d", "h", "1h30", "1m30m", "1h1h", "30m1h", "1h30m15s", "1h0s0s", "8H"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(windowed("0", "@daily", bad), doctest::Contains("duration: expected hours and minutes"), Error);
  }
  CHECK_THROWS_WITH_AS(windowed("0", "@daily", "2562048h"), doctest::Contains("at most 2562047h47m"), Error);

  CHECK_THROWS_WITH_AS(always("1", {"Expired"}), "reasons: expected Underutilized, Empty or Drifted, got \"Expired\"",
                       Error);
  CHECK_THROWS_WITH_AS(always("1", {"drifted"}), doctest::Contains("got \"drifted\""), Error);
}

TEST_CASE("disruption budget: every duration form the CRD pattern accepts") {
  CHECK(windowed("0", "@daily", "8h").duration() == hours(8));
  CHECK(windowed("0", "@daily", "30m").duration() == minutes(30));
  CHECK(windowed("0", "@daily", "90m").duration() == minutes(90));
  CHECK(windowed("0", "@daily", "1h30m").duration() == minutes(90));
  CHECK(windowed("0", "@daily", "160h").duration() == hours(160));
  // With the "0s" that Go's Duration.String() appends.
  CHECK(windowed("0", "@daily", "8h0s").duration() == hours(8));
  CHECK(windowed("0", "@daily", "8h0m0s").duration() == hours(8));
  CHECK(windowed("0", "@daily", "10h5m0s").duration() == hours(10) + minutes(5));
  CHECK(windowed("0", "@daily", "2562047h47m").duration() == (2562047LL * 60 + 47) * kMicrosPerMinute);
  CHECK(to_string(DisruptionReason::Underutilized) == "Underutilized");
  CHECK(parse_disruption_reason("Drifted") == DisruptionReason::Drifted);
  CHECK_FALSE(parse_disruption_reason("Expired").has_value());
}
