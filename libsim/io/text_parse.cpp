#include "capsim/io/text_parse.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>

#include <date/date.h>

namespace capsim::io {

std::optional<UtcTime> parse_iso8601(std::string_view text) {
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  std::string s(text);
  s[10] = 'T';
  UtcTime t{};
  std::istringstream in;
  if (s.back() == 'Z' || s.back() == 'z') {
    s.pop_back();
    in.str(s);
    in >> date::parse("%Y-%m-%dT%H:%M:%S", t);
  } else {
    // An explicit offset: parsing into a sys_time already subtracts it (date's %z rule).
    in.str(s);
    in >> date::parse("%Y-%m-%dT%H:%M:%S%Ez", t);
  }
  if (in.fail()) return std::nullopt;
  in.peek();
  if (!in.eof()) return std::nullopt;
  return t;
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
  return seconds(total_s);
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
