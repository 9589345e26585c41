#include "capsim/cost/commitments.hpp"

#include <array>
#include <string>
#include <utility>

namespace capsim {

namespace {
constexpr std::array<std::pair<SavingsPlanType, std::string_view>, 2> kPlanNames{
    {{SavingsPlanType::Compute, "compute"}, {SavingsPlanType::Ec2Instance, "ec2-instance"}}};
constexpr std::array<std::pair<CommitmentTerm, std::string_view>, 2> kTermNames{
    {{CommitmentTerm::OneYear, "1y"}, {CommitmentTerm::ThreeYears, "3y"}}};
constexpr std::array<std::pair<PaymentOption, std::string_view>, 3> kPaymentNames{{{PaymentOption::NoUpfront, "no-upfront"},
                                                                                  {PaymentOption::PartialUpfront, "partial-upfront"},
                                                                                  {PaymentOption::AllUpfront, "all-upfront"}}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& entry : names)
    if (entry.first == value) return entry.second;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_named(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view name) {
  for (const auto& entry : names)
    if (entry.second == name) return entry.first;
  return std::nullopt;
}
}  // namespace

std::string_view to_string(SavingsPlanType type) { return name_of(kPlanNames, type); }
std::string_view to_string(CommitmentTerm term) { return name_of(kTermNames, term); }
std::string_view to_string(PaymentOption payment) { return name_of(kPaymentNames, payment); }
std::optional<SavingsPlanType> savings_plan_type_named(std::string_view name) { return value_named(kPlanNames, name); }
std::optional<CommitmentTerm> commitment_term_named(std::string_view name) { return value_named(kTermNames, name); }
std::optional<PaymentOption> payment_option_named(std::string_view name) { return value_named(kPaymentNames, name); }

std::optional<double> SavingsPlanRates::rate(std::string_view instance_type, SavingsPlanType type, CommitmentTerm term,
                                             PaymentOption payment) const {
  const auto it = usd_per_h.find(SavingsPlanRateKey{std::string(instance_type), type, term, payment});
  if (it == usd_per_h.end()) return std::nullopt;
  return it->second;
}

std::optional<double> NormalizationFactors::of(std::string_view instance_type) const {
  if (const auto it = by_type.find(instance_type); it != by_type.end()) return it->second;
  const auto dot = instance_type.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view size = instance_type.substr(dot + 1);
  if (const auto it = by_size.find(size); it != by_size.end()) return it->second;
  return std::nullopt;
}

NormalizationFactors NormalizationFactors::aws_table() {
  NormalizationFactors f;
  f.by_size = {{"nano", 0.25}, {"micro", 0.5}, {"small", 1},      {"medium", 2},     {"large", 4},      {"xlarge", 8},
               {"2xlarge", 16}, {"4xlarge", 32}, {"8xlarge", 64},  {"9xlarge", 72},   {"10xlarge", 80},  {"12xlarge", 96},
               {"16xlarge", 128}, {"24xlarge", 192}, {"32xlarge", 256}};
  // The table's rule (8 × N for an Nxlarge) carried to the sizes it leaves out: an extrapolation.
  for (int n : {3, 6, 18, 48, 56, 96, 112}) f.by_size.emplace(std::to_string(n) + "xlarge", 8.0 * n);
  return f;
}

}  // namespace capsim
