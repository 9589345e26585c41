#include "capsim/io/cost/savings_plan_rates.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/text_file.hpp"

namespace capsim::io {

namespace {

constexpr std::array<std::string_view, 6> kColumns{"instance_type", "family", "plan", "term", "payment", "usd_per_h"};

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') out.emplace_back();
    else if (c != '\r') out.back() += c;
  }
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.erase(f.begin());
  }
  return out;
}

std::string with_hint(std::string message, std::string_view got, const std::vector<std::string>& candidates) {
  const std::string hint = did_you_mean(got, candidates);
  return hint.empty() ? message : message + " (" + hint + ")";
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

template <class T>
T named(std::optional<T> value, std::string_view column, const std::string& got, const std::vector<std::string>& names,
        const std::string& file, std::size_t line) {
  if (!value)
    throw TraceError(file, line, with_hint(fmt::format("expected {} to be one of {}, got '{}'", column, listed(names), got), got, names));
  return *value;
}

}  // namespace

SavingsPlanRates parse_savings_plan_rates(std::string_view text, const std::string& display, const InstanceCatalog& catalog) {
  std::set<std::string> families;
  for (const InstanceType& t : catalog.types()) families.insert(t.family);
  const std::vector<std::string> family_names(families.begin(), families.end());
  const std::vector<std::string> column_names(kColumns.begin(), kColumns.end());

  SavingsPlanRates rates;
  rates.source = display;
  std::map<SavingsPlanRateKey, std::size_t> first_line;
  std::map<std::string, std::size_t> col;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (line.find('"') != std::string::npos) throw TraceError(display, lineno, "expected plain comma-separated fields, got a quoted field");
    const std::vector<std::string> f = split_fields(line);
    if (col.empty()) {
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (std::find(kColumns.begin(), kColumns.end(), f[i]) == kColumns.end())
          throw TraceError(display, lineno,
                           with_hint(fmt::format("expected the columns {}, got an unknown column '{}'", listed(column_names), f[i]), f[i],
                                     column_names));
        if (!col.emplace(f[i], i).second)
          throw TraceError(display, lineno, fmt::format("expected each column once in the header, got '{}' twice", f[i]));
      }
      for (std::string_view c : kColumns)
        if (!col.count(std::string(c))) throw TraceError(display, lineno, fmt::format("expected a header with the column '{}'", c));
      continue;
    }
    if (f.size() != col.size())
      throw TraceError(display, lineno, fmt::format("expected {} fields as in the header, got {}", col.size(), f.size()));
    auto field = [&](std::string_view c) -> const std::string& { return f[col.at(std::string(c))]; };

    const std::string& type_name = field("instance_type");
    const std::optional<InstanceType> type = catalog.find(type_name);
    if (!type) {
      const std::string hint = did_you_mean(type_name, catalog.closest(type_name));
      throw TraceError(display, lineno,
                       fmt::format("expected an instance type of the catalog, got '{}'{}", type_name, hint.empty() ? "" : " (" + hint + ")"));
    }
    const std::string& family = field("family");
    if (!families.count(family))
      throw TraceError(display, lineno,
                       with_hint(fmt::format("expected an instance family of the catalog ({}), got '{}'", listed(family_names), family), family,
                                 family_names));
    if (family != type->family)
      throw TraceError(display, lineno, fmt::format("expected the family of {} in the catalog, '{}', got '{}'", type_name, type->family, family));

    SavingsPlanRateKey key;
    key.instance_type = type_name;
    key.type = named(savings_plan_type_named(field("plan")), "plan", field("plan"), {"compute", "ec2-instance"}, display, lineno);
    key.term = named(commitment_term_named(field("term")), "term", field("term"), {"1y", "3y"}, display, lineno);
    key.payment = named(payment_option_named(field("payment")), "payment", field("payment"),
                        {"no-upfront", "partial-upfront", "all-upfront"}, display, lineno);

    const std::string& rate_text = field("usd_per_h");
    const std::optional<double> rate = parse_number(rate_text);
    if (!rate || *rate <= 0)
      throw TraceError(display, lineno, fmt::format("expected a rate in USD per hour > 0 in column 'usd_per_h', got '{}'", rate_text));
    if (*rate > type->ondemand_usd_per_h)
      throw TraceError(display, lineno,
                       fmt::format("expected a rate at most the on-demand price of {} ({:g} USD/h in the catalog), got {:g}: a Savings "
                                   "Plan never costs more than on demand",
                                   type_name, type->ondemand_usd_per_h, *rate));
    if (const auto [it, fresh] = first_line.emplace(key, lineno); !fresh)
      throw TraceError(display, lineno,
                       fmt::format("expected one rate per instance type, plan, term and payment, got {} {} {} {} again (first on line {})",
                                   type_name, to_string(key.type), to_string(key.term), to_string(key.payment), it->second));
    rates.usd_per_h.emplace(std::move(key), *rate);
  }
  if (col.empty()) throw TraceError(display, std::max<std::size_t>(lineno, 1), "expected a header row and rate rows, got an empty file");
  if (rates.usd_per_h.empty()) throw TraceError(display, lineno, "expected rate rows after the header, got none");
  return rates;
}

SavingsPlanRates read_savings_plan_rates(const std::filesystem::path& path, const std::string& display, const InstanceCatalog& catalog) {
  std::ifstream in = detail::open_input_file(path, display);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_savings_plan_rates(text.str(), display, catalog);
}

}  // namespace capsim::io
