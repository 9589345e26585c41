// The loader's commitments: the Savings Plan rates the world offers (catalog.savings_plan_rates),
// the Savings Plans and Reserved Instances a policy holds (commitments, a choice), and a node
// group's Capacity Block for ML (a dated reservation bought upfront).
#include <date/date.h>
#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/io/cost/savings_plan_rates.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

void Loader::parse_savings_plan_rates(const json& root) {
  const json* name = find_pointer(root, "/catalog/savings_plan_rates");
  if (!name) return;
  const std::string p = "/catalog/savings_plan_rates";
  if (!name->is_string() || name->get<std::string>().empty()) {
    ck_.fail(p, "the path of a Savings Plan rate file (CSV)", describe(*name));
    return;
  }
  const auto in = input_file(name->get<std::string>(), p);
  if (!in) return;
  try {
    sc_.savings_plan_rates = read_savings_plan_rates(in->path, in->display, sc_.catalog);
  } catch (const TraceError& e) {
    ck_.fail_message(p, e.what());
  }
}

void Loader::parse_capacity_block(const json& cb, const std::string& group_ptr, NodeGroupSpec& ng) {
  const std::string p = group_ptr + "/capacity_block";
  if (ng.capacity_type != CapacityType::Reserved) {
    ck_.fail(p, "a Capacity Block only on a group with capacity_type \"reserved\"",
             std::string("capacity_type \"") + to_string(ng.capacity_type) + "\"");
    return;
  }
  if (!ck_.object(cb, p, {"start", "duration_days", "usd_per_instance_h"}, {"start", "duration_days", "usd_per_instance_h"})) return;
  CapacityBlockSpec block;
  const auto start = ck_.string(cb, p, "start");
  const auto days = ck_.integer(cb, p, "duration_days", 1, 100000);
  const auto usd = ck_.number(cb, p, "usd_per_instance_h", Bound::Positive);
  if (!start || !days || !usd) return;
  const auto at = parse_iso8601(*start);
  if (!at) {
    ck_.fail(p + "/start", "an ISO 8601 instant such as \"2024-05-12T11:30:00Z\"", "\"" + *start + "\"");
    return;
  }
  // A block ends at 11:30 UTC and lasts whole days, so it begins at 11:30 UTC too.
  const auto since_midnight = *at - date::floor<date::days>(*at);
  if (since_midnight != std::chrono::hours{11} + std::chrono::minutes{30})
    ck_.fail(p + "/start", "a start at 11:30 UTC (a Capacity Block ends at 11:30 UTC and lasts whole days)", "\"" + *start + "\"");
  if (!capacity_block_duration_allowed(static_cast<int>(*days)))
    ck_.fail(p + "/duration_days", "a duration AWS sells: 1 to 14 days, then 21, 28, ... up to 182 days (7-day steps)",
             fmt::format("{} days", *days));
  if (ng.reservation_count > kCapacityBlockMaxInstances)
    ck_.fail(group_ptr + "/reservation_count", fmt::format("at most {} instances in a Capacity Block", kCapacityBlockMaxInstances),
             fmt::format("{}", ng.reservation_count));
  if (ng.count > ng.reservation_count)
    ck_.fail(group_ptr + "/count", fmt::format("at most the block's {} instances (reservation_count)", ng.reservation_count),
             fmt::format("{}", ng.count));
  block.start = *at;
  block.duration_days = static_cast<int>(*days);
  block.usd_per_instance_h = *usd;
  ng.capacity_block = block;
}

Commitments Loader::parse_commitments(const json& doc) {
  Commitments out;
  auto it = doc.find("commitments");
  if (it == doc.end()) return out;
  const std::string p = "/commitments";
  if (!ck_.object(*it, p, {"savings_plans", "reserved_instances"})) return out;
  std::vector<std::string> families;
  for (const auto& t : sc_.catalog.types())
    if (std::find(families.begin(), families.end(), t.family) == families.end()) families.push_back(t.family);
  std::vector<std::string> type_names;
  for (const auto& t : sc_.catalog.types()) type_names.push_back(t.name);

  if (auto sps = it->find("savings_plans"); sps != it->end()) {
    const std::string sp_ptr = p + "/savings_plans";
    if (!sps->is_array() || sps->empty()) {
      ck_.fail(sp_ptr, "a non-empty array of Savings Plans", describe(*sps));
    } else {
      for (std::size_t i = 0; i < sps->size(); ++i) {
        const json& j = (*sps)[i];
        const std::string ip = ptr_join(sp_ptr, i);
        if (!ck_.object(j, ip, {"type", "family", "usd_per_h", "term", "payment"}, {"type", "usd_per_h", "term", "payment"})) continue;
        SavingsPlan sp;
        const auto type = ck_.one_of(j, ip, "type", {"compute", "ec2-instance"});
        const auto term = ck_.one_of(j, ip, "term", {"1y", "3y"});
        const auto payment = ck_.one_of(j, ip, "payment", {"no-upfront", "partial-upfront", "all-upfront"});
        const auto usd = ck_.number(j, ip, "usd_per_h", Bound::Positive);
        if (!type || !term || !payment || !usd) continue;
        sp.type = *savings_plan_type_named(*type);
        sp.term = *commitment_term_named(*term);
        sp.payment = *payment_option_named(*payment);
        sp.usd_per_h = *usd;
        if (sp.type == SavingsPlanType::Ec2Instance) {
          // An EC2 Instance Savings Plan is bought for one instance family in one region.
          const auto family = ck_.string(j, ip, "family");
          if (!family) continue;
          if (std::find(families.begin(), families.end(), *family) == families.end()) {
            ck_.fail(ip + "/family", "an instance family of the catalog", "\"" + *family + "\"", did_you_mean(*family, families));
            continue;
          }
          sp.family = *family;
        } else if (j.contains("family")) {
          ck_.fail(ip + "/family", "no family: a Compute Savings Plan applies to every family", describe(j["family"]));
          continue;
        }
        if (sc_.savings_plan_rates.usd_per_h.empty())
          ck_.fail(ip, "Savings Plan rates for the catalog's types in catalog.savings_plan_rates (a CSV file: capsim bundles none, "
                       "see scenarios/data/savings-plan-rates-us-east-1.sources.md)",
                   "no rate file");
        out.savings_plans.push_back(std::move(sp));
      }
    }
  }
  if (auto ris = it->find("reserved_instances"); ris != it->end()) {
    const std::string ri_ptr = p + "/reserved_instances";
    if (!ris->is_array() || ris->empty()) {
      ck_.fail(ri_ptr, "a non-empty array of Reserved Instances", describe(*ris));
      return out;
    }
    for (std::size_t i = 0; i < ris->size(); ++i) {
      const json& j = (*ris)[i];
      const std::string ip = ptr_join(ri_ptr, i);
      if (!ck_.object(j, ip, {"instance_type", "count", "zone", "usd_per_h"}, {"instance_type", "count", "usd_per_h"})) continue;
      ReservedInstance ri;
      const auto type = ck_.string(j, ip, "instance_type");
      const auto count = ck_.integer(j, ip, "count", 1, kMaxNodesPerGroup);
      const auto usd = ck_.number(j, ip, "usd_per_h", Bound::Positive);
      if (!type || !count || !usd) continue;
      const auto t = sc_.catalog.find(*type);
      if (!t) {
        ck_.fail(ip + "/instance_type", "an instance type of the catalog", "\"" + *type + "\"", did_you_mean(*type, type_names));
        continue;
      }
      // A reservation's effective rate is a discount on the on-demand price; above it, a typo.
      if (*usd > t->ondemand_usd_per_h)
        ck_.fail(ip + "/usd_per_h", fmt::format("an effective hourly rate at most {}'s on-demand price, {} USD/h", *type, t->ondemand_usd_per_h),
                 fmt::format("{}", *usd));
      if (j.contains("zone")) {
        const auto zone = ck_.string(j, ip, "zone");
        if (zone && std::find(sc_.zones.begin(), sc_.zones.end(), *zone) == sc_.zones.end())
          ck_.fail(ip + "/zone", "one of the catalog's zones", "\"" + *zone + "\"", did_you_mean(*zone, sc_.zones));
        else if (zone) ri.zone = *zone;
      }
      ri.instance_type = *type;
      ri.count = static_cast<int>(*count);
      ri.effective_usd_per_h = *usd;
      out.reserved_instances.push_back(std::move(ri));
    }
  }
  return out;
}

}  // namespace capsim::io::detail
