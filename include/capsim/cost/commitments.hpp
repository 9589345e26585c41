#pragma once
// What a policy has committed to pay for whether it uses it or not (Savings Plans, standard Reserved
// Instances), the Savings Plan rates they are billed at, and one hour of the usage they can cover.
// Value types only; commitment_billing.hpp applies them.
//
// The facts these types follow (AWS Savings Plans FAQ, https://aws.amazon.com/savingsplans/faqs/):
// a Savings Plan is an hourly commitment in USD for a 1- or 3-year term, paid all, partly or not
// at all upfront. A Compute Savings Plan covers any EC2 instance usage (up to 66% off on demand);
// an EC2 Instance Savings Plan covers one instance family in one region (up to 72% off). Every
// instance type has its own Savings Plan rate per plan type, term and payment option.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace capsim {

enum class SavingsPlanType { Compute, Ec2Instance };
enum class CommitmentTerm { OneYear, ThreeYears };
enum class PaymentOption { NoUpfront, PartialUpfront, AllUpfront };

/// The names scenario and rate files use: "compute", "ec2-instance"; "1y", "3y"; "no-upfront",
/// "partial-upfront", "all-upfront".
std::string_view to_string(SavingsPlanType type);
std::string_view to_string(CommitmentTerm term);
std::string_view to_string(PaymentOption payment);
std::optional<SavingsPlanType> savings_plan_type_named(std::string_view name);
std::optional<CommitmentTerm> commitment_term_named(std::string_view name);
std::optional<PaymentOption> payment_option_named(std::string_view name);

/// One Savings Plan. The commitment is billed every hour of the term whether used or not; an upfront
/// payment only prepays it (and buys a lower rate), so spread over the term it costs usd_per_h an
/// hour under every payment option.
struct SavingsPlan {
  SavingsPlanType type = SavingsPlanType::Compute;
  std::string family;  // an EC2 Instance Savings Plan's instance family ("g5"); empty for Compute
  double usd_per_h = 0;  // the hourly commitment
  CommitmentTerm term = CommitmentTerm::OneYear;
  PaymentOption payment = PaymentOption::NoUpfront;

  friend bool operator==(const SavingsPlan&, const SavingsPlan&) = default;
};

/// Standard Reserved Instances of one type (Linux, default tenancy). Zonal (a zone given): covers
/// that type in that zone only. Regional (no zone): covers the type's family in any zone of the
/// region, sized by normalization factors (instance size flexibility).
struct ReservedInstance {
  std::string instance_type;  // "g5.2xlarge"
  int count = 1;
  std::string zone;  // "us-east-1a" for a zonal reservation; empty for a regional one
  // Per instance and hour, used or not: the upfront payment spread over the term plus the hourly fee.
  double effective_usd_per_h = 0;

  bool zonal() const { return !zone.empty(); }
  friend bool operator==(const ReservedInstance&, const ReservedInstance&) = default;
};

/// Everything a policy holds. Several plans of each kind may be held at once.
struct Commitments {
  std::vector<SavingsPlan> savings_plans;
  std::vector<ReservedInstance> reserved_instances;

  bool empty() const { return savings_plans.empty() && reserved_instances.empty(); }
  friend bool operator==(const Commitments&, const Commitments&) = default;
};

/// Which Savings Plan product a rate is for.
struct SavingsPlanRateKey {
  std::string instance_type;
  SavingsPlanType type = SavingsPlanType::Compute;
  CommitmentTerm term = CommitmentTerm::OneYear;
  PaymentOption payment = PaymentOption::NoUpfront;

  friend bool operator<(const SavingsPlanRateKey& a, const SavingsPlanRateKey& b) {
    return std::tie(a.instance_type, a.type, a.term, a.payment) < std::tie(b.instance_type, b.type, b.term, b.payment);
  }
  friend bool operator==(const SavingsPlanRateKey&, const SavingsPlanRateKey&) = default;
};

/// Savings Plan rates of one region: USD per instance-hour. An EC2 Instance Savings Plan's rate
/// is listed under each type of its family.
struct SavingsPlanRates {
  std::map<SavingsPlanRateKey, double> usd_per_h;
  std::string source;  // where the figures come from (kept with results)

  /// The rate, or nullopt when the file lists none for this type and product.
  std::optional<double> rate(std::string_view instance_type, SavingsPlanType type, CommitmentTerm term,
                             PaymentOption payment) const;
};

/// Regional Reserved Instances are sized in normalization units: an instance of factor 16 uses
/// twice the reservation an instance of factor 8 does.
struct NormalizationFactors {
  std::map<std::string, double, std::less<>> by_size;  // "xlarge" -> 8
  std::map<std::string, double, std::less<>> by_type;  // by full name, before by_size (a metal size, whose factor the user knows)

  /// The factor of an instance type ("g5.2xlarge" -> 16); nullopt for a size nobody listed, which a
  /// regional reservation then covers only as exactly its own type.
  std::optional<double> of(std::string_view instance_type) const;

  /// AWS's table of sizes and factors (nano 0.25 ... 32xlarge 256), from "Maximizing Utilization
  /// with Size Flexibility in Regional Reserved Instances", https://docs.aws.amazon.com/whitepapers/
  /// latest/cost-optimization-reservation-models/maximizing-utilization-with-size-flexibility-in-
  /// regional-reserved-instances.html. Every "Nxlarge" in that table has factor 8 × N; sizes it does
  /// not list (48xlarge) are given 8 × N as well: an extrapolation, not a published figure. Metal
  /// sizes are left out (their factor depends on the family).
  static NormalizationFactors aws_table();
};

/// One instance type's on-demand usage in one hour that a commitment could cover. Spot usage is
/// never eligible (neither Savings Plans nor Reserved Instances apply to it) and is not passed in;
/// neither are capacity reservations paid whole.
struct EligibleUsage {
  std::string instance_type;  // "g5.xlarge"
  std::string family;         // "g5"
  std::string zone;           // "us-east-1a"
  double usage_h = 0;         // instance-hours within the hour: one instance running all of it is 1.0
  double on_demand_usd = 0;   // what that usage costs on demand

  friend bool operator==(const EligibleUsage&, const EligibleUsage&) = default;
};

/// One hour's eligible usage, one entry per (type, zone) in use; and a run's hours, in order, every
/// hour of the window present (an hour without usage still bills the commitments).
using HourUsage = std::vector<EligibleUsage>;
using RunUsage = std::vector<HourUsage>;

/// The part of each clock hour of a run its window holds, in hours (1 for a whole hour; the first
/// and last may be less); empty: every hour whole.
using HeldHours = std::vector<double>;
inline double held_in(const HeldHours& held_h, std::size_t hour) { return hour < held_h.size() ? held_h[hour] : 1.0; }

}  // namespace capsim
