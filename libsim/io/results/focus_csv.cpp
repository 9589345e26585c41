#include "capsim/io/results/focus_csv.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <regex>

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/billing_csv.hpp"
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

using Row = std::array<std::string, kColumns>;

bool is_plan(const CommitmentCharge& c) { return c.commitment.starts_with("savings-plan/"); }

// A run's commitment charges found by the covered line's hour, and each commitment's own charge by hour.
struct CommitmentIndex {
  std::map<std::pair<int, int>, std::vector<const CommitmentCharge*>> covered;
  std::map<std::pair<std::string, int>, const CommitmentCharge*> own;
};

CommitmentIndex index_commitments(const std::vector<CommitmentCharge>& charges) {
  CommitmentIndex index;
  for (const CommitmentCharge& c : charges) {
    if (c.line >= 0)
      index.covered[{c.line, c.hour}].push_back(&c);
    else
      index.own[{c.commitment, c.hour}] = &c;
  }
  return index;
}

// The CommitmentDiscount columns. A Savings Plan is a spend commitment counted in USD; a Reserved
// Instance a usage commitment counted in instance-hours of its type.
void fill_commitment(Row& v, const CommitmentCharge& c, const char* status, double quantity) {
  v[CommitmentDiscountId] = csv_cell(c.commitment);
  v[CommitmentDiscountCategory] = is_plan(c) ? "Spend" : "Usage";
  v[CommitmentDiscountName] = csv_cell(c.type + " " + c.name);
  v[CommitmentDiscountType] = csv_cell(c.type);
  v[CommitmentDiscountStatus] = status;
  v[CommitmentDiscountQuantity] = decimal(quantity);
  v[CommitmentDiscountUnit] = is_plan(c) ? "USD" : "Hours";
}

// A row of a commitment's own: its fee (Purchase) or its unused part, over [from, to).
Row commitment_row(const RunResult& r, const PolicyResult& p, const ReplicateResult& rep, const CommitmentCharge& c,
                   const std::string& region, UtcTime from, UtcTime to) {
  Row v;
  const MonthSpan month = billing_month(from);
  v[BillingAccountId] = "capsim-projection";
  v[BillingAccountName] = csv_cell(r.scenario);
  v[BillingCurrency] = "USD";
  v[BillingPeriodStart] = month.start;
  v[BillingPeriodEnd] = month.end;
  v[ChargePeriodStart] = format_utc(from);
  v[ChargePeriodEnd] = format_utc(to);
  v[InvoiceIssuerName] = v[ProviderName] = v[PublisherName] = "AWS";
  v[PricingUnit] = "Hours";
  v[RegionId] = region;
  v[RegionName] = region_name(region);
  v[ResourceId] = v[ResourceName] = csv_cell(c.commitment);
  v[ResourceType] = is_plan(c) ? "Savings Plan" : "Reserved Instance";
  v[ServiceCategory] = "Compute";
  // AWS bills a plan's fees under its own product; a reservation's under EC2.
  v[ServiceName] = is_plan(c) ? "Savings Plans for AWS Compute usage" : "Amazon Elastic Compute Cloud";
  v[ServiceSubcategory] = "Virtual Machines";
  std::string sku = c.name;
  std::replace(sku.begin(), sku.end(), ' ', ':');
  v[SkuId] = v[SkuPriceId] = csv_cell(is_plan(c) ? "SavingsPlans:" + sku : "AmazonEC2:reserved-instance:" + sku);
  v[x_Policy] = csv_cell(p.name);
  v[x_Replicate] = std::to_string(rep.replicate);
  return v;
}

bool is_reservation(const CostLine& l) { return l.resource.starts_with("reservation/"); }
bool in_reservation(const CostLine& l) { return l.capacity_type == "reserved" && !is_reservation(l); }

// Each commitment's own rows, hour by hour: the recurring fee as a Purchase (EffectiveCost 0: it is
// amortised onto the usage it covered and the Unused row), the commitment left unused as a Usage row
// with status Unused; then the window's share of an upfront payment as a one-time Purchase per
// commitment and billing month (the payment was made before the window, for the whole term: this
// row is the part of it that pays for the window's hours, so that each commitment's Purchase rows
// add up to its Usage rows' EffectiveCost, as FOCUS requires).
template <class Write>
void write_commitment_fees(const RunResult& r, const PolicyResult& p, const ReplicateResult& rep, const std::string& region, Write write) {
  struct Upfront {
    const CommitmentCharge* first = nullptr;
    int first_hour = 0, last_hour = 0;
    double usd = 0, committed = 0, held_h = 0;
  };
  std::map<std::pair<std::string, std::string>, Upfront> upfront;  // by (billing month, commitment)
  for (const CommitmentCharge& c : rep.commitment_charges) {
    if (c.line >= 0) continue;
    const UtcTime at = billing_hour_start(r.start, c.hour);
    const double fee = c.recurring_fee_usd + c.upfront_usd;
    if (c.recurring_fee_usd > 0 && c.held_h > 0) {
      Row v = commitment_row(r, p, rep, c, region, at, at + std::chrono::hours{1});
      v[BilledCost] = v[ListCost] = v[ContractedCost] = decimal(c.recurring_fee_usd);
      v[EffectiveCost] = "0";
      // The hour's fee for the part of it the window holds (a whole hour but at the window's edges).
      v[ListUnitPrice] = v[ContractedUnitPrice] = decimal(c.recurring_fee_usd / c.held_h);
      v[PricingQuantity] = decimal(c.held_h);
      v[ChargeCategory] = "Purchase";
      v[ChargeFrequency] = "Recurring";
      v[PricingCategory] = "Standard";
      v[ChargeDescription] = csv_cell(fmt::format("{} {}: hourly fee", c.type, c.name));
      fill_commitment(v, c, "", c.committed * c.recurring_fee_usd / fee);
      write(v);
    }
    if (c.effective_usd > 1e-12 && fee > 0 && c.held_h > 0) {
      Row v = commitment_row(r, p, rep, c, region, at, at + std::chrono::hours{1});
      v[BilledCost] = "0";
      v[EffectiveCost] = v[ListCost] = v[ContractedCost] = decimal(c.effective_usd);
      v[ListUnitPrice] = v[ContractedUnitPrice] = decimal(fee / c.held_h);
      v[PricingQuantity] = decimal(c.effective_usd / fee * c.held_h);  // the unused part of the hour's commitment
      v[ChargeCategory] = "Usage";
      v[ChargeFrequency] = "Usage-Based";
      v[PricingCategory] = "Committed";
      v[ChargeDescription] = csv_cell(fmt::format("{} {}: commitment not used in the hour", c.type, c.name));
      fill_commitment(v, c, "Unused", c.committed * c.effective_usd / fee);
      write(v);
    }
    if (c.upfront_usd > 0) {
      Upfront& u = upfront[{billing_month(at).start, c.commitment}];
      if (!u.first) u.first = &c, u.first_hour = c.hour;
      u.last_hour = c.hour;
      u.usd += c.upfront_usd;
      u.held_h += c.held_h;
      u.committed += c.committed * c.upfront_usd / fee;
    }
  }
  for (const auto& [key, u] : upfront) {
    const CommitmentCharge& c = *u.first;
    Row v = commitment_row(r, p, rep, c, region, billing_hour_start(r.start, u.first_hour),
                           billing_hour_start(r.start, u.last_hour) + std::chrono::hours{1});
    v[BilledCost] = v[ListCost] = v[ContractedCost] = decimal(u.usd);
    v[EffectiveCost] = "0";
    v[ListUnitPrice] = v[ContractedUnitPrice] = decimal(u.usd / u.held_h);
    v[PricingQuantity] = decimal(u.held_h);
    v[ChargeCategory] = "Purchase";
    v[ChargeFrequency] = "One-Time";
    v[PricingCategory] = "Standard";
    v[ChargeDescription] = csv_cell(fmt::format("{} {}: the part of the upfront payment that pays for these hours", c.type, c.name));
    fill_commitment(v, c, "", u.committed);
    write(v);
  }
}

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
  check_commitments_itemised(r, "--focus");
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
      auto write = [&](const Row& v) {
        for (std::size_t c = 0; c < kColumns; ++c) {
          if (c) put(",");
          put(v[c]);
        }
        put("\n");
      };
      auto row_of = [&](const CostLine& l, const BillingHour& h, double usage_h, double cost, const char* reservation_status) {
        Row v;
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
        return v;
      };
      auto emit = [&](const CostLine& l, const BillingHour& h, double usage_h, double cost, const char* reservation_status) {
        write(row_of(l, h, usage_h, cost, reservation_status));
      };
      const CommitmentIndex commitments = index_commitments(rep.commitment_charges);
      for (const BillingHour& h : rep.billing_hours) {
        const CostLine& l = rep.cost_lines.at(static_cast<std::size_t>(h.line));
        if (const auto covered = commitments.covered.find({h.line, h.hour}); covered != commitments.covered.end()) {
          // Usage a commitment covered: billed through the commitment's fee, its amortised cost here;
          // what no commitment covered stays on demand.
          double usage_h = h.usage_h, cost = h.cost_usd;
          for (const CommitmentCharge* c : covered->second) usage_h -= c->usage_h, cost -= c->on_demand_usd;
          if (usage_h > 1e-12) emit(l, h, usage_h, cost, nullptr);
          for (const CommitmentCharge* c : covered->second) {
            Row v = row_of(l, h, c->usage_h, c->on_demand_usd, nullptr);
            v[BilledCost] = "0";
            v[EffectiveCost] = decimal(c->effective_usd);
            v[PricingCategory] = "Committed";
            const CommitmentCharge& own = *commitments.own.at({c->commitment, h.hour});
            const double fee = own.recurring_fee_usd + own.upfront_usd;
            fill_commitment(v, *c, "Used", fee > 0 ? own.committed * c->effective_usd / fee : 0.0);
            write(v);
          }
          continue;
        }
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
      write_commitment_fees(r, p, rep, region, write);
    }
  return fmt::to_string(out);
}

}  // namespace capsim::io
