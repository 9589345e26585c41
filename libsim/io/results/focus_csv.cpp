#include "capsim/io/results/focus_csv.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <regex>

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/report/billing_rollup.hpp"
#include "io/results/table_io.hpp"

namespace capsim::io {

namespace {

using detail::csv_cell;

enum Col : std::size_t {
  AvailabilityZone, BilledCost, BillingAccountId, BillingAccountName, BillingCurrency, BillingPeriodEnd, BillingPeriodStart,
  CapacityReservationId, CapacityReservationStatus, ChargeCategory, ChargeClass, ChargeDescription, ChargeFrequency, ChargePeriodEnd,
  ChargePeriodStart, CommitmentDiscountCategory, CommitmentDiscountId, CommitmentDiscountName, CommitmentDiscountQuantity,
  CommitmentDiscountStatus, CommitmentDiscountType, CommitmentDiscountUnit, ConsumedQuantity, ConsumedUnit, ContractedCost,
  ContractedUnitPrice, EffectiveCost, InvoiceId, InvoiceIssuerName, ListCost, ListUnitPrice, PricingCategory, PricingCurrency,
  PricingCurrencyContractedUnitPrice, PricingCurrencyEffectiveCost, PricingCurrencyListUnitPrice, PricingQuantity, PricingUnit,
  ProviderName, PublisherName, RegionId, RegionName, ResourceId, ResourceName, ResourceType, ServiceCategory, ServiceName,
  ServiceSubcategory, SkuId, SkuMeter, SkuPriceDetails, SkuPriceId, SubAccountId, SubAccountName, SubAccountType, Tags,
  x_Policy, x_Replicate, x_NodePool, x_CapacityType, kColumns
};

// Numeric Format: plain decimals (no exponent with a '+', no thousands separators). The shortest
// round-trip form keeps sums exact to the last bit; it is used unless it would need an exponent.
std::string decimal(double v) {
  if (v == 0) return "0";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of("eE") == std::string::npos) return s;
  s = fmt::format("{:.15f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// A zone's region: AWS zone names are the region's name and a letter ("us-east-1a").
std::string region_of(const std::string& zone) {
  static const std::regex az(R"(^([a-z]{2}(-gov)?-[a-z]+-[0-9]+)[a-z]$)");
  std::smatch m;
  return std::regex_match(zone, m, az) ? m[1].str() : std::string();
}

std::string region_name(const std::string& region) {
  // Only the region capsim's bundled catalog covers; others are left null rather than guessed.
  return region == "us-east-1" ? "US East (N. Virginia)" : "";
}

std::string tags_json(const std::map<std::string, std::string>& tags) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : tags) j[k] = v;
  return j.dump();
}

struct MonthSpan {
  std::string start, end;
};

MonthSpan billing_month(UtcTime t) {
  const date::year_month_day ymd{date::floor<date::days>(t)};
  const date::sys_days first{ymd.year() / ymd.month() / 1};
  const date::sys_days next{(ymd.year() / ymd.month() + date::months{1}) / 1};
  return {format_utc(UtcTime{first}), format_utc(UtcTime{next})};
}

bool is_reservation(const CostLine& l) { return l.resource.starts_with("reservation/"); }
bool in_reservation(const CostLine& l) { return l.capacity_type == "reserved" && !is_reservation(l); }

}  // namespace

const std::vector<std::string>& focus_columns() {
  static const std::vector<std::string> names{
      "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
      "BillingPeriodStart", "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription",
      "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
      "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
      "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceId",
      "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
      "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
      "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
      "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags"};
  return names;
}

std::string focus_to_csv(const RunResult& r) {
  // Rows at the lines' own prices would not add up to a committed policy's total, and FOCUS's
  // CommitmentDiscount* rows (covered usage, the plan's fees) are not itemised yet: refused, not wrong.
  for (const PolicyResult& p : r.policies)
    for (const ReplicateResult& rep : p.replicates)
      if (rep.commitments && !rep.billing_hours.empty())
        throw Error(fmt::format("--focus: policy '{}' holds Savings Plans or Reserved Instances, whose discounts the FOCUS export does "
                                "not itemise yet (CommitmentDiscount rows): its rows would not add up to its bill; export the "
                                "policies without commitments (compare --policies) and read the commitments' effect in result.json",
                                p.name));
  fmt::memory_buffer out;
  auto put = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  for (const auto& c : focus_columns()) put(c), put(",");
  put("x_Policy,x_Replicate,x_NodePool,x_CapacityType\n");

  for (const PolicyResult& p : r.policies)
    for (const ReplicateResult& rep : p.replicates) {
      std::string region;
      for (const auto& l : rep.cost_lines)
        if (region.empty()) region = region_of(l.zone);
      // Instance-hours running inside each reservation (its node group), hour by hour.
      // and each reservation's price per instance-hour.
      std::map<std::pair<std::string, int>, double> used_h;
      std::map<std::string, double> reserved_rate;
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& l = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        if (in_reservation(l)) used_h[{l.owner, h.hour}] += h.usage_h;
        if (is_reservation(l) && h.usage_h > 0) reserved_rate.emplace(l.owner, h.cost_usd / h.usage_h);
      }
      auto emit = [&](const CostLine& l, const BillingHour& h, double usage_h, double cost, const char* reservation_status) {
        std::array<std::string, kColumns> v;
        const bool eks = l.category == "eks_control_plane";
        const UtcTime at = billing_hour_start(r.start, h.hour);
        const MonthSpan month = billing_month(at);
        const std::string capacity = eks ? std::string() : l.capacity_type;
        const double rate = usage_h > 0 ? cost / usage_h : 0.0;
        v[AvailabilityZone] = l.zone;
        v[BilledCost] = v[EffectiveCost] = v[ListCost] = v[ContractedCost] = decimal(cost);
        v[BillingAccountId] = "capsim-projection";
        v[BillingAccountName] = csv_cell(r.scenario);
        v[BillingCurrency] = "USD";
        v[BillingPeriodStart] = month.start;
        v[BillingPeriodEnd] = month.end;
        if (reservation_status) {
          v[CapacityReservationId] = csv_cell(is_reservation(l) ? l.resource : "reservation/" + l.owner);
          v[CapacityReservationStatus] = reservation_status;
        }
        v[ChargeCategory] = "Usage";
        v[ChargeDescription] = csv_cell(eks ? std::string("EKS cluster control plane, per cluster-hour")
                                            : is_reservation(l) ? fmt::format("Unused On-Demand Capacity Reservation of {} in {}", l.instance_type, l.zone)
                                                                : fmt::format("{} {} instance in {} ({})", l.instance_type, l.capacity_type, l.zone, l.owner));
        v[ChargeFrequency] = "Usage-Based";
        v[ChargePeriodStart] = format_utc(at);
        v[ChargePeriodEnd] = format_utc(at + std::chrono::hours{1});
        // An unused reservation's row has no consumption (FOCUS: ConsumedQuantity only for what was used).
        if (!is_reservation(l)) v[ConsumedQuantity] = decimal(usage_h), v[ConsumedUnit] = "Hours";
        v[ListUnitPrice] = v[ContractedUnitPrice] = decimal(rate);
        v[InvoiceIssuerName] = v[ProviderName] = v[PublisherName] = "AWS";
        v[PricingCategory] = l.capacity_type == "spot" ? "Dynamic" : "Standard";
        v[PricingQuantity] = decimal(usage_h);
        v[PricingUnit] = "Hours";
        const std::string rg = eks ? region : region_of(l.zone);
        v[RegionId] = rg;
        v[RegionName] = region_name(rg);
        v[ResourceId] = v[ResourceName] = csv_cell(l.resource);
        v[ResourceType] = eks ? "Cluster" : is_reservation(l) ? "Capacity Reservation" : "Instance";
        v[ServiceCategory] = "Compute";
        v[ServiceName] = eks ? "Amazon Elastic Kubernetes Service" : "Amazon Elastic Compute Cloud";
        v[ServiceSubcategory] = eks ? "Containers" : "Virtual Machines";
        v[SkuId] = v[SkuPriceId] =
            eks ? fmt::format("AmazonEKS:cluster-hour:{}", rg) : fmt::format("AmazonEC2:{}:{}:{}", l.instance_type, capacity, rg);
        v[Tags] = csv_cell(tags_json(l.tags));
        v[x_Policy] = csv_cell(p.name);
        v[x_Replicate] = std::to_string(rep.replicate);
        v[x_NodePool] = csv_cell(l.owner);
        v[x_CapacityType] = capacity;
        for (std::size_t c = 0; c < kColumns; ++c) {
          if (c) put(",");
          put(v[c]);
        }
        put("\n");
      };
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& l = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        if (!is_reservation(l) && !in_reservation(l)) {
          emit(l, h, h.usage_h, h.cost_usd, nullptr);
          continue;
        }
        if (in_reservation(l)) {
          // Priced at the reservation's rate; the reservation's row below gives that much up.
          const auto rate = reserved_rate.find(l.owner);
          emit(l, h, h.usage_h, rate == reserved_rate.end() ? 0.0 : h.usage_h * rate->second, "Used");
          continue;
        }
        const double used = std::min(h.usage_h, used_h[{l.owner, h.hour}]);
        const double rate = h.usage_h > 0 ? h.cost_usd / h.usage_h : 0.0;
        if (h.usage_h - used > 1e-12) emit(l, h, h.usage_h - used, h.cost_usd - used * rate, "Unused");
      }
    }
  return fmt::to_string(out);
}

}  // namespace capsim::io
