#include "capsim/io/text_parse.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>

#include <date/date.h>

namespace capsim::io {

namespace {
// Quantities beyond 2^53 (millicores or MiB) are no machine's; they would also lose integer precision.
constexpr double kMaxQuantity = 9007199254740992.0;

// Reads exactly n digits at text[i..]; false when any is not a digit.
bool digits(std::string_view text, std::size_t i, std::size_t n, int& out) {
  if (i + n > text.size()) return false;
  out = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    const char c = text[k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}
}  // namespace

// Hand-written rather than date::parse: CloudWatch exports carry hundreds of thousands of
// timestamps, and a stream-based parse costs about a microsecond each.
std::optional<UtcTime> parse_iso8601(std::string_view text) {
  int y, mo, d, h, mi, sec;
  if (!digits(text, 0, 4, y) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
      !digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, h) ||
      text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, sec))
    return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59 || y < kFirstYear || y > kLastYear) return std::nullopt;
  std::size_t i = 19;
  std::int64_t micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::int64_t scale = 100000;
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      micros += scale * (text[i] - '0');  // digits past microseconds are dropped
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i >= text.size()) return std::nullopt;  // a zone is required
  std::int64_t offset_min = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    ++i;
  } else if (text[i] == '+' || text[i] == '-') {
    const int sign = text[i] == '-' ? -1 : 1;
    int oh, om;
    if (!digits(text, i + 1, 2, oh)) return std::nullopt;
    std::size_t j = i + 3;
    if (j < text.size() && text[j] == ':') ++j;
    if (!digits(text, j, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
    i = j + 2;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  const auto days = date::sys_days{ymd};
  return UtcTime{std::chrono::duration_cast<std::chrono::microseconds>(days.time_since_epoch())} +
         std::chrono::microseconds{((h * 60 + mi) * 60LL + sec - offset_min * 60) * 1'000'000LL + micros};
}

std::optional<SimDuration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total_s = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i) return std::nullopt;
    auto num = parse_number(text.substr(i, j - i));
    if (!num) return std::nullopt;
    std::size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    std::string_view unit = text.substr(j, k - j);
    double scale;
    if (unit == "ms") scale = 1e-3;
    else if (unit == "s") scale = 1;
    else if (unit == "m") scale = 60;
    else if (unit == "h") scale = 3600;
    else if (unit == "d") scale = 86400;
    else if (unit == "w") scale = 7 * 86400;
    else return std::nullopt;
    total_s += *num * scale;
    i = k;
  }
  return checked_seconds(total_s);
}

std::optional<std::int64_t> parse_cpu_millicores(std::string_view text) {
  double scale = 1000;
  if (!text.empty() && text.back() == 'm') {
    scale = 1;
    text.remove_suffix(1);
  }
  auto v = parse_number(text);
  if (!v || *v < 0 || *v * scale > kMaxQuantity) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*v * scale));
}

std::optional<std::int64_t> parse_memory_mib(std::string_view text) {
  static const std::pair<std::string_view, double> kSuffixes[] = {
      {"Ki", 1.0 / 1024}, {"Mi", 1}, {"Gi", 1024}, {"Ti", 1024.0 * 1024},
      {"k", 1e3 / 1048576}, {"K", 1e3 / 1048576}, {"M", 1e6 / 1048576}, {"G", 1e9 / 1048576}, {"T", 1e12 / 1048576}};
  double scale = 1.0 / 1048576;  // plain bytes
  for (const auto& [suffix, s] : kSuffixes)
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
      scale = s;
      text.remove_suffix(suffix.size());
      break;
    }
  auto v = parse_number(text);
  if (!v || *v < 0 || *v * scale > kMaxQuantity) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*v * scale));
}

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace capsim::io
