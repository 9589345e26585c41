// Cron schedules against instants worked out by hand with a calendar. Calendar facts used below:
// 2024 is a leap year; 2024-01-01 is a Monday, so 2024-05-10 is a Friday (day 131: 130 days later,
// 130 mod 7 = 4), 2024-06-13 a Thursday, 2024-06-14 and 2024-09-13 Fridays. New York switches to EDT
// (UTC-4) at 2024-03-10 02:00 EST = 07:00Z (02:00-02:59 local do not exist) and back to EST (UTC-5)
// at 2024-11-03 02:00 EDT = 06:00Z (01:00-01:59 local happen twice: 05:xxZ, then 06:xxZ).
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "capsim/core/cron.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::at;

// The successive firings after `start`.
std::vector<UtcTime> firings(const CronSchedule& s, const char* start, int n) {
  std::vector<UtcTime> out;
  UtcTime t = at(start);
  for (int i = 0; i < n; ++i) out.push_back(t = s.next_after(t));
  return out;
}
}  // namespace

TEST_CASE("cron: weekdays at 09:00") {
  const auto s = CronSchedule::parse("0 9 * * 1-5");
  CHECK(s.expression() == "0 9 * * 1-5");
  CHECK(s.time_zone() == "UTC");
  // Friday 17:00 → Saturday and Sunday skipped → Monday 13 May 09:00, then Tuesday.
  CHECK(firings(s, "2024-05-10T17:00:00Z", 2) == std::vector{at("2024-05-13T09:00:00Z"), at("2024-05-14T09:00:00Z")});
  // Half a second before: the firing itself. Exactly at it: strictly after, so the next day.
  CHECK(s.next_after(at("2024-05-13T08:59:59.5Z")) == at("2024-05-13T09:00:00Z"));
  CHECK(s.next_after(at("2024-05-13T09:00:00Z")) == at("2024-05-14T09:00:00Z"));
  CHECK(CronSchedule::parse("0 9 * * mon-FRI").next_after(at("2024-05-10T17:00:00Z")) == at("2024-05-13T09:00:00Z"));
}

TEST_CASE("cron: every 15 minutes") {
  const auto s = CronSchedule::parse("*/15 * * * *");
  // :07:30 → :15, then :30, :45 and the top of the next hour.
  CHECK(firings(s, "2024-05-10T10:07:30Z", 4) == std::vector{at("2024-05-10T10:15:00Z"), at("2024-05-10T10:30:00Z"),
                                                             at("2024-05-10T10:45:00Z"), at("2024-05-10T11:00:00Z")});
  // 23:50 on New Year's Eve: 23:45 is past, so midnight of the next year.
  CHECK(s.next_after(at("2024-12-31T23:50:00Z")) == at("2025-01-01T00:00:00Z"));
}

TEST_CASE("cron: the first of the month across month ends") {
  const auto s = CronSchedule::parse("0 0 1 * *");
  // 31 Jan → 1 Feb; then February has 29 days in 2024 → 1 Mar.
  CHECK(firings(s, "2024-01-31T12:00:00Z", 2) == std::vector{at("2024-02-01T00:00:00Z"), at("2024-03-01T00:00:00Z")});
  CHECK(s.next_after(at("2024-04-30T23:59:59Z")) == at("2024-05-01T00:00:00Z"));  // April has 30 days
  CHECK(s.next_after(at("2024-12-01T00:00:00Z")) == at("2025-01-01T00:00:00Z"));  // across the year end
}

TEST_CASE("cron: macros") {
  // @daily: 28 Feb → 29 Feb (leap year) → 1 Mar.
  CHECK(firings(CronSchedule::parse("@daily"), "2024-02-28T00:00:00Z", 2) ==
        std::vector{at("2024-02-29T00:00:00Z"), at("2024-03-01T00:00:00Z")});
  CHECK(CronSchedule::parse("@midnight").next_after(at("2024-02-28T00:00:00Z")) == at("2024-02-29T00:00:00Z"));
  CHECK(CronSchedule::parse("@hourly").next_after(at("2024-05-10T10:00:00Z")) == at("2024-05-10T11:00:00Z"));
  // From Friday 10 May: @weekly is Sunday 00:00 = 12 May; @monthly 1 Jun; @yearly 1 Jan 2025.
  CHECK(CronSchedule::parse("@weekly").next_after(at("2024-05-10T17:00:00Z")) == at("2024-05-12T00:00:00Z"));
  CHECK(CronSchedule::parse("@monthly").next_after(at("2024-05-10T17:00:00Z")) == at("2024-06-01T00:00:00Z"));
  CHECK(CronSchedule::parse("@yearly").next_after(at("2024-05-10T17:00:00Z")) == at("2025-01-01T00:00:00Z"));
  CHECK(CronSchedule::parse("@annually").next_after(at("2024-05-10T17:00:00Z")) == at("2025-01-01T00:00:00Z"));
  CHECK(CronSchedule::parse("@daily").expression() == "@daily");
}

TEST_CASE("cron: month names, any case") {
  const auto s = CronSchedule::parse("30 2 * jan,Mar *");
  CHECK(s.next_after(at("2024-01-15T02:29:00Z")) == at("2024-01-15T02:30:00Z"));
  // After the last January day: February skipped → 1 Mar 02:30.
  CHECK(s.next_after(at("2024-01-31T03:00:00Z")) == at("2024-03-01T02:30:00Z"));
  // After the last March firing: April-December skipped → 1 Jan 2025.
  CHECK(s.next_after(at("2024-03-31T02:30:00Z")) == at("2025-01-01T02:30:00Z"));
  CHECK(CronSchedule::parse("30 2 * 1,3 *").next_after(at("2024-01-31T03:00:00Z")) == at("2024-03-01T02:30:00Z"));
}

TEST_CASE("cron: both day fields restricted means either (Vixie)") {
  const auto s = CronSchedule::parse("0 0 13 * 5");
  // From Saturday 8 Jun: Thursday the 13th, Friday the 14th, Friday the 21st.
  CHECK(firings(s, "2024-06-08T00:00:00Z", 3) ==
        std::vector{at("2024-06-13T00:00:00Z"), at("2024-06-14T00:00:00Z"), at("2024-06-21T00:00:00Z")});
  // Friday 13 Sep matches twice over but fires once; then the next Friday (the next 13th is in October).
  CHECK(firings(s, "2024-09-12T12:00:00Z", 2) == std::vector{at("2024-09-13T00:00:00Z"), at("2024-09-20T00:00:00Z")});
  // With one day field '*' both must match.
  CHECK(CronSchedule::parse("0 0 13 * *").next_after(at("2024-06-13T00:00:00Z")) == at("2024-07-13T00:00:00Z"));
  CHECK(CronSchedule::parse("0 0 * * 5").next_after(at("2024-06-08T00:00:00Z")) == at("2024-06-14T00:00:00Z"));
  // A field starting with '*' counts as unrestricted (Vixie): "*/7" is days 0 and 7, Sunday, so this is
  // "29 February that is a Sunday". Leap days move 5 weekdays every 4 years: 2024 Thu, 2028 Tue,
  // 2032 Sun. Also shows the search steps through years without scanning minutes.
  CHECK(CronSchedule::parse("0 0 29 2 */7").next_after(at("2024-01-01T00:00:00Z")) == at("2032-02-29T00:00:00Z"));
}

TEST_CASE("cron: day-of-week 7 is Sunday") {
  // Friday 10 May 17:00 → Sunday 12 May 12:00, written 7, 0 or SUN.
  for (const char* e : {"0 12 * * 7", "0 12 * * 0", "0 12 * * sun"})
    CHECK(CronSchedule::parse(e).next_after(at("2024-05-10T17:00:00Z")) == at("2024-05-12T12:00:00Z"));
  // 5-7 is Friday to Sunday: Saturday 11 → Sunday 12 → (Monday-Thursday skipped) Friday 17. FRI-SUN
  // reads the same (SUN is 0, but a range ending on Sunday means 7).
  for (const char* e : {"0 12 * * 5-7", "0 12 * * FRI-SUN"})
    CHECK(firings(CronSchedule::parse(e), "2024-05-11T12:00:00Z", 2) ==
          std::vector{at("2024-05-12T12:00:00Z"), at("2024-05-17T12:00:00Z")});
}

TEST_CASE("cron: New York local time, EDT and EST") {
  const auto s = CronSchedule::parse("0 9 * * *", "America/New_York");
  CHECK(s.time_zone() == "America/New_York");
  CHECK(s.next_after(at("2024-07-01T00:00:00Z")) == at("2024-07-01T13:00:00Z"));  // 09:00 EDT = 13:00Z
  CHECK(s.next_after(at("2024-01-15T00:00:00Z")) == at("2024-01-15T14:00:00Z"));  // 09:00 EST = 14:00Z
  // Fall back: Saturday 2 Nov 09:00 EDT = 13:00Z, Sunday 3 Nov 09:00 EST = 14:00Z (25 h later).
  CHECK(firings(s, "2024-11-02T12:00:00Z", 2) == std::vector{at("2024-11-02T13:00:00Z"), at("2024-11-03T14:00:00Z")});
  // Spring forward: Saturday 9 Mar 09:00 EST = 14:00Z, Sunday 10 Mar 09:00 EDT = 13:00Z (23 h later).
  CHECK(firings(s, "2024-03-09T12:00:00Z", 2) == std::vector{at("2024-03-09T14:00:00Z"), at("2024-03-10T13:00:00Z")});
}

TEST_CASE("cron: a local time that does not exist fires when the gap ends") {
  const auto s = CronSchedule::parse("30 2 * * *", "America/New_York");
  // 9 Mar 02:30 EST = 07:30Z; 10 Mar 02:30 does not exist → 03:00 EDT = 07:00Z; 11 Mar 02:30 EDT = 06:30Z.
  CHECK(firings(s, "2024-03-09T06:00:00Z", 3) ==
        std::vector{at("2024-03-09T07:30:00Z"), at("2024-03-10T07:00:00Z"), at("2024-03-11T06:30:00Z")});
  // Every 15 minutes: 01:45 EST (06:45Z), then 02:00/02:15/02:30/02:45 all map to 07:00Z and fire once,
  // then 03:15 EDT = 07:15Z.
  CHECK(firings(CronSchedule::parse("*/15 * * * *", "America/New_York"), "2024-03-10T06:45:00Z", 2) ==
        std::vector{at("2024-03-10T07:00:00Z"), at("2024-03-10T07:15:00Z")});
  // Hourly: 01:00 EST = 06:00Z → (02:00 missing) 03:00 EDT = 07:00Z → 04:00 EDT = 08:00Z.
  CHECK(firings(CronSchedule::parse("0 * * * *", "America/New_York"), "2024-03-10T06:00:00Z", 2) ==
        std::vector{at("2024-03-10T07:00:00Z"), at("2024-03-10T08:00:00Z")});
}

TEST_CASE("cron: a local time that happens twice fires once, the first time") {
  const auto s = CronSchedule::parse("30 1 * * *", "America/New_York");
  // 2 Nov 01:30 EDT = 05:30Z; 3 Nov 01:30 EDT = 05:30Z (not again at 01:30 EST = 06:30Z);
  // 4 Nov 01:30 EST = 06:30Z.
  CHECK(firings(s, "2024-11-02T00:00:00Z", 3) ==
        std::vector{at("2024-11-02T05:30:00Z"), at("2024-11-03T05:30:00Z"), at("2024-11-04T06:30:00Z")});
  // Hourly too: 01:00 EDT = 05:00Z → the repeated 01:00 EST (06:00Z) is skipped → 02:00 EST = 07:00Z.
  CHECK(CronSchedule::parse("0 * * * *", "America/New_York").next_after(at("2024-11-03T05:00:00Z")) ==
        at("2024-11-03T07:00:00Z"));
  // Asked from inside the repeat (01:30 EST = 06:30Z): 01:45 already fired at 05:45Z → 02:00 EST.
  CHECK(CronSchedule::parse("*/15 * * * *", "America/New_York").next_after(at("2024-11-03T06:30:00Z")) ==
        at("2024-11-03T07:00:00Z"));
}

TEST_CASE("cron: agrees with a minute-by-minute scan (UTC)") {
  // Each predicate restates its expression by hand, on std::chrono's calendar.
  namespace ch = std::chrono;
  struct Case {
    const char* expression;
    bool (*fires)(ch::year_month_day d, unsigned weekday, long hour, long minute);
  };
  const Case cases[] = {
      {"0 9 * * 1-5", [](ch::year_month_day, unsigned wd, long h, long m) { return m == 0 && h == 9 && wd >= 1 && wd <= 5; }},
      {"*/20 8-17/3 * * *", [](ch::year_month_day, unsigned, long h, long m) { return m % 20 == 0 && (h == 8 || h == 11 || h == 14 || h == 17); }},
      // Day-of-month starts with '*': AND. Odd days that are Mondays.
      {"0 0 */2 * 1", [](ch::year_month_day d, unsigned wd, long h, long m) { return m == 0 && h == 0 && unsigned{d.day()} % 2 == 1 && wd == 1; }},
      // Both restricted: OR. The 1st, the 15th, or a weekend day, at 06:15.
      {"15 6 1,15 * SAT-SUN", [](ch::year_month_day d, unsigned wd, long h, long m) {
         return m == 15 && h == 6 && (unsigned{d.day()} == 1 || unsigned{d.day()} == 15 || wd == 6 || wd == 0);
       }},
      // "a/n" runs to the field's end, and day-of-week ends on Saturday there: minutes 5, 25, 45 of
      // hours 22 and 23 on Mondays, Wednesdays and Fridays (not Sunday = 7).
      {"5/20 22/1 * * 1/2", [](ch::year_month_day, unsigned wd, long h, long m) {
         return (m == 5 || m == 25 || m == 45) && h >= 22 && (wd == 1 || wd == 3 || wd == 5);
       }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expression);
    const auto s = CronSchedule::parse(c.expression);
    // Starts spread over 2024 at odd offsets (97 h 13 min 7 s apart).
    for (UtcTime start = at("2024-01-01T00:00:00Z"); start < at("2025-01-01T00:00:00Z");
         start += ch::hours{97} + ch::minutes{13} + ch::seconds{7}) {
      UtcTime expected = ch::floor<ch::minutes>(start) + ch::minutes{1};
      for (;; expected += ch::minutes{1}) {
        const auto day = ch::floor<ch::days>(expected);
        const auto time = ch::hh_mm_ss{expected - day};
        if (c.fires(ch::year_month_day{day}, ch::weekday{day}.c_encoding(), time.hours().count(), time.minutes().count())) break;
      }
      CHECK(s.next_after(start) == expected);
    }
  }
}

TEST_CASE("cron: bad expressions name the field, the text and what was expected") {
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 0 * * * *"),
                       "cron '0 0 * * * *': expected 5 fields (minute hour day-of-month month day-of-week) or a macro "
                       "such as @daily, got 6 fields",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse(""),
                       "cron '': expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as "
                       "@daily, got 0 fields",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 25 * * *"), "cron '0 25 * * *': hour: expected 0-23, got 25", Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 9 * * FOO"), "cron '0 9 * * FOO': day-of-week: expected 0-7 or SUN-SAT, got FOO",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 9 * FOO *"), "cron '0 9 * FOO *': month: expected 1-12 or JAN-DEC, got FOO",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("*/0 * * * *"), "cron '*/0 * * * *': minute: expected a step of at least 1, got 0",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("*/ * * * *"), "cron '*/ * * * *': minute: expected a step of at least 1, got nothing",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("5-1 * * * *"),
                       "cron '5-1 * * * *': minute: expected a range low-high with low <= high, got 5-1", Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("1,,2 * * * *"),
                       "cron '1,,2 * * * *': minute: expected 0-59, a range or '*' in each list item, got an empty item",
                       Error);
  CHECK_THROWS_WITH_AS(CronSchedule::parse("@reboot"),
                       "cron '@reboot': expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, "
                       "got @reboot",
                       Error);
  // 30 February never comes: an error rather than a schedule that silently never fires.
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 0 30 2 *"),
                       "cron '0 0 30 2 *': day-of-month: expected a day that occurs in one of the chosen months, got 30",
                       Error);
  CHECK_NOTHROW(CronSchedule::parse("0 0 30 2 1"));  // OR: every Monday in February
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 9 * * *", "Mars/Base"),
                       "cron '0 9 * * *': time zone: expected an IANA time zone such as \"UTC\" or "
                       "\"America/New_York\", got \"Mars/Base\"",
                       Error);
}

TEST_CASE("a misspelt time zone gets a close match from the zone database") {
  CHECK_THROWS_WITH_AS(CronSchedule::parse("0 9 * * *", "Europe/Pari"),
                       doctest::Contains("got \"Europe/Pari\" (did you mean 'Europe/Paris'"), Error);
}
