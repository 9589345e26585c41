#include "capsim/core/cron.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstddef>
#include <exception>
#include <optional>
#include <vector>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

namespace {

// The Gregorian calendar repeats every 400 years, so a schedule that passed the parse-time check
// (some month has one of the days) fires within this span whatever its weekday restriction.
constexpr int kSearchYears = 401;

constexpr std::array<std::string_view, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
// The longest each month can be (February in a leap year), for the "can it ever fire" check.
constexpr std::array<unsigned, 13> kMaxDaysInMonth{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  std::string_view expected;  // what a single value may be, for messages
  const std::string_view* names = nullptr;  // names[i] is the value min_named + i
  std::size_t name_count = 0;
  int min_named = 0;
};

constexpr FieldSpec kMinute{"minute", 0, 59, "0-59"};
constexpr FieldSpec kHour{"hour", 0, 23, "0-23"};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, "1-31"};
constexpr FieldSpec kMonth{"month", 1, 12, "1-12 or JAN-DEC", kMonthNames.data(), kMonthNames.size(), 1};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, "0-7 or SUN-SAT", kDayNames.data(), kDayNames.size(), 0};

struct Field {
  std::uint64_t bits = 0;
  bool starred = false;  // the text starts with '*': Vixie's DOM_STAR / DOW_STAR
};

class Parser {
 public:
  explicit Parser(std::string_view expression) : expression_(expression) {}

  [[noreturn]] void fail(std::string_view field, std::string_view expected, std::string_view got) const {
    const std::string_view shown = got.empty() ? std::string_view{"nothing"} : got;
    if (field.empty()) throw Error(fmt::format("cron '{}': expected {}, got {}", expression_, expected, shown));
    throw Error(fmt::format("cron '{}': {}: expected {}, got {}", expression_, field, expected, shown));
  }

  Field field(const FieldSpec& spec, std::string_view text) const {
    Field f;
    f.starred = !text.empty() && text.front() == '*';
    std::size_t begin = 0;
    for (;;) {
      const std::size_t comma = text.find(',', begin);
      item(spec, text.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin), f.bits);
      if (comma == std::string_view::npos) break;
      begin = comma + 1;
    }
    return f;
  }

 private:
  // One list item: '*', a value, a range, each optionally with a step.
  void item(const FieldSpec& spec, std::string_view text, std::uint64_t& bits) const {
    if (text.empty()) fail(spec.name, fmt::format("{}, a range or '*' in each list item", spec.expected), "an empty item");
    const std::size_t slash = text.find('/');
    const std::string_view range = text.substr(0, slash);
    int low = spec.min;
    int high = spec.max;
    if (range != "*") {
      const std::size_t dash = range.find('-');
      low = value(spec, range.substr(0, dash));
      if (dash != std::string_view::npos) {
        high = value(spec, range.substr(dash + 1));
        // SUN is 0, so "FRI-SUN" would read as reversed; Sunday is also 7, which is what was meant.
        if (&spec == &kDayOfWeek && high == 0 && low > 0) high = 7;
        if (low > high) fail(spec.name, "a range low-high with low <= high", range);
      } else if (slash == std::string_view::npos) {
        high = low;
      } else if (&spec == &kDayOfWeek) {
        high = std::max(low, 6);  // robfig's week ends on Saturday: "1/2" is MON,WED,FRI there, not also 7 = SUN
      }  // otherwise "a/n" runs from a to the field's end, as robfig/cron (Kubernetes) reads it
    }
    int step = 1;
    if (slash != std::string_view::npos) {
      const std::string_view step_text = text.substr(slash + 1);
      const std::optional<int> n = number(step_text);
      if (!n || *n < 1) fail(spec.name, "a step of at least 1", step_text);
      step = *n;
    }
    for (int v = low; v <= high; v += step) bits |= std::uint64_t{1} << v;
  }

  int value(const FieldSpec& spec, std::string_view text) const {
    if (const std::optional<int> n = number(text)) {
      if (*n < spec.min || *n > spec.max) fail(spec.name, spec.expected, text);
      return *n;
    }
    for (std::size_t i = 0; i < spec.name_count; ++i) {
      const std::string_view name = spec.names[i];
      if (text.size() == name.size() &&
          std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
            return std::toupper(static_cast<unsigned char>(a)) == b;
          }))
        return spec.min_named + static_cast<int>(i);
    }
    fail(spec.name, spec.expected, text);
  }

  // Digits only (no sign, no spaces); more than 9 digits is out of every range anyway.
  static std::optional<int> number(std::string_view text) {
    if (text.empty() || text.size() > 9) return std::nullopt;
    int n = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }

  std::string_view expression_;
};

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t begin = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > begin) fields.push_back(text.substr(begin, i - begin));
  }
  return fields;
}

std::optional<std::string_view> expand_macro(std::string_view macro) {
  std::string lower(macro);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "@yearly" || lower == "@annually") return "0 0 1 1 *";
  if (lower == "@monthly") return "0 0 1 * *";
  if (lower == "@weekly") return "0 0 * * 0";
  if (lower == "@daily" || lower == "@midnight") return "0 0 * * *";
  if (lower == "@hourly") return "0 * * * *";
  return std::nullopt;
}

// The lowest set bit at or above `from`, or -1.
int next_bit(std::uint64_t bits, unsigned from) {
  if (from >= 64) return -1;
  const std::uint64_t rest = bits & (~std::uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view expression, std::string_view time_zone) {
  const Parser parser(expression);
  std::vector<std::string_view> fields = split_fields(expression);
  if (fields.size() == 1 && fields[0].front() == '@') {
    const std::optional<std::string_view> expanded = expand_macro(fields[0]);
    if (!expanded) parser.fail("", "@yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly", fields[0]);
    fields = split_fields(*expanded);
  }
  if (fields.size() != 5)
    parser.fail("", "5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily",
                fmt::format("{} field{}", fields.size(), fields.size() == 1 ? "" : "s"));

  CronSchedule s;
  s.expression_ = std::string(expression);
  s.time_zone_ = std::string(time_zone);
  s.minutes_ = parser.field(kMinute, fields[0]).bits;
  s.hours_ = static_cast<std::uint32_t>(parser.field(kHour, fields[1]).bits);
  const Field dom = parser.field(kDayOfMonth, fields[2]);
  s.days_of_month_ = static_cast<std::uint32_t>(dom.bits);
  s.months_ = static_cast<std::uint16_t>(parser.field(kMonth, fields[3]).bits);
  const Field dow = parser.field(kDayOfWeek, fields[4]);
  s.days_of_week_ = static_cast<std::uint8_t>((dow.bits | (dow.bits >> 7)) & 0x7F);  // 7 is Sunday too
  s.either_day_ = !dom.starred && !dow.starred;

  // With both day fields restricted every weekday in the set recurs, so only the AND case can be
  // empty: no chosen month is long enough for any chosen day ("0 0 30 2 *").
  if (!s.either_day_) {
    const auto first_day = static_cast<unsigned>(next_bit(s.days_of_month_, 1));  // the field is never empty
    bool possible = false;
    for (unsigned m = 1; m <= 12; ++m)
      if ((s.months_ >> m & 1U) != 0 && first_day <= kMaxDaysInMonth[m]) possible = true;
    if (!possible) parser.fail(kDayOfMonth.name, "a day that occurs in one of the chosen months", fields[2]);
  }

  try {
    s.zone_ = date::locate_zone(s.time_zone_);
  } catch (const std::exception&) {
    // The zone database's names, for a close match ("Europe/Pari" → "Europe/Paris").
    std::vector<std::string> names;
    for (const auto& z : date::get_tzdb().zones) names.push_back(std::string(z.name()));
    const std::string hint = did_you_mean(time_zone, names);
    parser.fail("time zone", "an IANA time zone such as \"UTC\" or \"America/New_York\"",
                fmt::format("\"{}\"{}", time_zone, hint.empty() ? "" : " (" + hint + ")"));
  }
  return s;
}

bool CronSchedule::day_matches(unsigned day_of_month, unsigned weekday) const {
  const bool dom = (days_of_month_ >> day_of_month & 1U) != 0;
  const bool dow = (days_of_week_ >> weekday & 1U) != 0;
  return either_day_ ? (dom || dow) : (dom && dow);
}

std::chrono::minutes CronSchedule::next_local_match(std::chrono::minutes from) const {
  using std::chrono::minutes;
  const date::local_days start_day = date::floor<date::days>(date::local_time<minutes>{from});
  const date::year_month_day ymd{start_day};
  const minutes time_of_day = from - start_day.time_since_epoch();
  int year = static_cast<int>(ymd.year());
  unsigned month = static_cast<unsigned>(ymd.month());
  unsigned day = static_cast<unsigned>(ymd.day());
  // Lower bounds for the first day searched; every later day starts at 00:00.
  unsigned hour = static_cast<unsigned>(time_of_day.count() / 60);
  unsigned minute = static_cast<unsigned>(time_of_day.count() % 60);
  const int last_year = year + kSearchYears;

  while (year <= last_year) {
    if ((months_ >> month & 1U) == 0) {
      const int next = next_bit(months_, month + 1);
      if (next < 0) {
        ++year;
        month = static_cast<unsigned>(next_bit(months_, 1));
      } else {
        month = static_cast<unsigned>(next);
      }
      day = 1;
      hour = minute = 0;
      continue;
    }
    const date::year_month ym{date::year{year}, date::month{month}};
    const unsigned last_day = static_cast<unsigned>((ym / date::last).day());
    const unsigned first_weekday = date::weekday{date::local_days{ym / 1}}.c_encoding();  // Sunday = 0
    for (; day <= last_day; ++day, hour = minute = 0) {
      if (!day_matches(day, (first_weekday + day - 1) % 7)) continue;
      for (int h = next_bit(hours_, hour); h >= 0; h = next_bit(hours_, static_cast<unsigned>(h) + 1)) {
        const int m = next_bit(minutes_, static_cast<unsigned>(h) == hour ? minute : 0);
        if (m >= 0)
          return (date::local_days{ym / date::day{day}} + std::chrono::hours{h} + minutes{m}).time_since_epoch();
      }
    }
    if (++month > 12) {
      ++year;
      month = 1;
    }
    day = 1;
    hour = minute = 0;
  }
  // Unreachable for a schedule that passed parse(): kept so a bug cannot loop forever.
  throw Error(fmt::format("cron '{}': no firing within {} years", expression_, kSearchYears));
}

UtcTime CronSchedule::next_after(UtcTime after) const {
  using std::chrono::minutes;
  // Local minutes before the one holding `after` fire at or before `after`: the local-to-UTC mapping
  // below (earliest occurrence, gap end for missing times) never decreases as local time grows.
  minutes from = date::floor<minutes>(zone_->to_local(after)).time_since_epoch();
  for (;;) {
    const minutes local = next_local_match(from);
    // choose::earliest: an ambiguous time maps to its first occurrence and a missing one to the end
    // of the gap (date's to_sys returns the transition instant for it).
    const UtcTime t = zone_->to_sys(date::local_time<minutes>{local}, date::choose::earliest);
    // At most one hour of candidates (a fall-back repeat, or the minute holding `after`) is skipped.
    if (t > after) return t;
    from = local + minutes{1};
  }
}

}  // namespace capsim
