// The loader's market.capacity_reservations: the On-Demand Capacity Reservations and Capacity Blocks
// for ML the account holds (world: every policy pays for them; Karpenter NodePools select them).
#include <date/date.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "capsim/catalog/labels.hpp"
#include "capsim/cluster/capacity_block.hpp"
#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/k8s/workloads.hpp"
#include "io/scenario/scenario_loader_impl.hpp"

namespace capsim::io::detail {

void Loader::parse_capacity_reservations(const json& list) {
  const std::string lp = "/market/capacity_reservations";
  if (!list.is_array()) {
    ck_.fail(lp, "an array of capacity reservations {id, type, instance_type, zone, instance_count, ...}", describe(list));
    return;
  }
  std::vector<std::string> type_names;
  for (const auto& t : sc_.catalog.types()) type_names.push_back(t.name);
  std::set<std::string> ids;
  const UtcTime run_start = sc_.simulation.start;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& r = list[i];
    const std::string p = ptr_join(lp, i);
    if (!ck_.object(r, p, {"id", "type", "instance_type", "zone", "instance_count", "owner_id", "tags", "start", "end", "duration_days",
                           "usd_per_instance_h"},
                    {"id", "instance_type", "zone", "instance_count"}))
      continue;
    const std::size_t before = ck_.errors();
    CapacityReservation cr;
    cr.id = ck_.string(r, p, "id").value_or("");
    if (!cr.id.empty() && !ids.insert(cr.id).second) ck_.fail(p + "/id", "a capacity reservation id used once", "\"" + cr.id + "\" again");
    cr.type = *parse_reservation_type(ck_.one_of(r, p, "type", {"default", "capacity-block"}).value_or("default"));
    const bool block = cr.type == ReservationType::CapacityBlock;
    if (auto t = ck_.string(r, p, "instance_type")) {
      if (!sc_.catalog.find(*t)) ck_.fail(p + "/instance_type", "an instance type of the catalog", "\"" + *t + "\"", did_you_mean(*t, type_names));
      cr.instance_type = *t;
    }
    if (auto z = ck_.string(r, p, "zone")) {
      if (std::find(sc_.zones.begin(), sc_.zones.end(), *z) == sc_.zones.end())
        ck_.fail(p + "/zone", fmt::format("a zone of the catalog ({})", fmt::join(sc_.zones, ", ")), "\"" + *z + "\"", did_you_mean(*z, sc_.zones));
      cr.zone = *z;
    }
    const std::int64_t max_count = block ? kCapacityBlockMaxInstances : 100000;
    if (auto n = ck_.integer(r, p, "instance_count", 1, max_count)) cr.instance_count = static_cast<int>(*n);
    cr.owner_id = ck_.string(r, p, "owner_id", false).value_or("");
    cr.tags = ck_.string_map(r, p, "tags");
    auto instant = [&](const char* key) -> std::optional<UtcTime> {
      auto s = ck_.string(r, p, key);
      if (!s) return std::nullopt;
      auto at = parse_iso8601(*s);
      if (!at) ck_.fail(p + "/" + key, "an ISO 8601 instant such as \"2024-05-12T11:30:00Z\"", "\"" + *s + "\"");
      return at;
    };
    if (block) {
      // A Capacity Block is bought for whole days from 11:30 UTC to 11:30 UTC (capacity_block.hpp).
      for (const char* key : {"start", "duration_days", "usd_per_instance_h"})
        if (!r.contains(key)) ck_.fail(p, fmt::format("the key '{}' for a reservation of type \"capacity-block\"", key), "an object without it");
      if (r.contains("end"))
        ck_.fail(p + "/end", "no 'end' for a Capacity Block (it ends duration_days after its start, at 11:30 UTC)", "an end");
      const auto start = r.contains("start") ? instant("start") : std::nullopt;
      const auto days = r.contains("duration_days") ? ck_.integer(r, p, "duration_days", 1, 100000) : std::nullopt;
      const auto usd = r.contains("usd_per_instance_h") ? ck_.number(r, p, "usd_per_instance_h", Bound::Positive) : std::nullopt;
      if (start && *start - date::floor<date::days>(*start) != std::chrono::hours{11} + std::chrono::minutes{30})
        ck_.fail(p + "/start", "a start at 11:30 UTC (a Capacity Block ends at 11:30 UTC and lasts whole days)", "\"" + r["start"].get<std::string>() + "\"");
      if (days && !capacity_block_duration_allowed(static_cast<int>(*days)))
        ck_.fail(p + "/duration_days", "a duration AWS sells: 1 to 14 days, then 21, 28, ... up to 182 days (7-day steps)",
                 fmt::format("{} days", *days));
      if (start && days) {
        cr.begins = (*start - run_start).count();
        cr.ends = cr.begins + *days * 24 * kMicrosPerHour;
      }
      cr.usd_per_instance_h = usd;
    } else {
      // An ODCR is billed at the on-demand rate: it has no price of its own, nor a length in days.
      for (const char* key : {"duration_days", "usd_per_instance_h"})
        if (r.contains(key))
          ck_.fail(p + "/" + key, "no '" + std::string(key) + "' on an On-Demand Capacity Reservation (type \"default\"): only a Capacity Block has one",
                   "a value");
      cr.begins = 0;
      if (r.contains("start"))
        if (auto s = instant("start")) cr.begins = (*s - run_start).count();
      if (r.contains("end"))
        if (auto e = instant("end")) {
          cr.ends = (*e - run_start).count();
          if (*cr.ends <= cr.begins) ck_.fail(p + "/end", "an end after the reservation's start", "\"" + r["end"].get<std::string>() + "\"");
        }
    }
    if (ck_.errors() == before) sc_.market.capacity_reservations.push_back(std::move(cr));
  }
}

}  // namespace capsim::io::detail

namespace capsim::io::detail {

void Loader::parse_node_classes(const json& cluster, const json& list, const std::string& cp, KarpenterSpec& karpenter) {
  const std::string lp = cp + "/node_classes";
  if (!list.is_array()) {
    ck_.fail(lp, "an array of Karpenter EC2NodeClasses (karpenter.k8s.aws/v1)", describe(list));
    return;
  }
  // Said once per scenario (every policy may hold the same classes), here and in bind_node_class.
  auto note = [&](const std::string& text) {
    if (std::find(sc_.warnings.begin(), sc_.warnings.end(), text) == sc_.warnings.end()) sc_.warnings.push_back(text);
  };
  std::map<std::string, k8s::Ec2NodeClassSpec> classes;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto nc = k8s::ec2_node_class(ck_, list[i], ptr_join(lp, i));
    if (!nc) continue;
    if (classes.count(nc->name)) {
      ck_.fail(ptr_join(lp, i) + "/metadata/name", "an EC2NodeClass name used once", "\"" + nc->name + "\" again");
      continue;
    }
    names.push_back(nc->name);
    const auto& all = sc_.market.capacity_reservations;
    for (std::size_t t = 0; t < nc->capacity_reservation_terms.size(); ++t)
      if (std::none_of(all.begin(), all.end(), [&](const CapacityReservation& r) { return selects(nc->capacity_reservation_terms[t], r); }))
        // Karpenter does not fail a class whose terms find nothing: it has no reservations to offer.
        note(fmt::format("EC2NodeClass '{}': capacityReservationSelectorTerms[{}] selects no reservation of market.capacity_reservations, "
                         "so Karpenter has no reserved capacity from it",
                         nc->name, t));
    classes.emplace(nc->name, std::move(*nc));
  }
  const json* pools = cluster.contains("node_pools") && cluster["node_pools"].is_array() ? &cluster["node_pools"] : nullptr;
  // A NodePool that failed to decode is reported already; the rest cannot be matched up by position.
  if (!pools || pools->size() != karpenter.node_pools.size()) return;
  for (std::size_t i = 0; i < pools->size(); ++i) {
    const json* ref = &(*pools)[i];
    for (const char* k : {"spec", "template", "spec", "nodeClassRef", "name"})
      ref = ref && ref->is_object() && ref->contains(k) ? &(*ref)[k] : nullptr;
    const std::string rp = ptr_join(cp + "/node_pools", i) + "/spec/template/spec/nodeClassRef/name";
    if (!ref || !ref->is_string()) continue;
    auto it = classes.find(ref->get<std::string>());
    if (it == classes.end()) {
      ck_.fail(rp, fmt::format("the name of an EC2NodeClass of cluster.node_classes ({})", fmt::join(names, ", ")), describe(*ref),
               did_you_mean(ref->get<std::string>(), names));
      continue;
    }
    bind_node_class(karpenter.node_pools[i], it->second, ptr_join(cp + "/node_pools", i));
  }
}

void Loader::bind_node_class(KarpenterNodePool& pool, const k8s::Ec2NodeClassSpec& nc, const std::string& pool_ptr) {
  auto note = [&](const std::string& text) {
    if (std::find(sc_.warnings.begin(), sc_.warnings.end(), text) == sc_.warnings.end()) sc_.warnings.push_back(text);
  };
  pool.node_class_hash = nc.static_hash;
  pool.node_class_terms = nc.resolution_terms;
  pool.scheduling.capacity_reservations.clear();
  const Requirements& req = pool.scheduling.requirements;
  const auto type_key = req.keys().find(std::string(label::kCapacityReservationType));
  if (type_key != req.keys().end() && !type_key->second.allows("default") && !type_key->second.allows("capacity-block")) {
    ck_.fail(pool_ptr + "/spec/template/spec/requirements",
             "a karpenter.k8s.aws/capacity-reservation-type requirement that allows \"default\" or \"capacity-block\"",
             type_key->second.describe());
    return;
  }
  std::size_t of_type = 0;
  for (const CapacityReservation& r : sc_.market.capacity_reservations) {
    const auto& terms = nc.capacity_reservation_terms;
    if (std::none_of(terms.begin(), terms.end(), [&](const CapacityReservationTerm& t) { return selects(t, r); })) continue;
    pool.scheduling.capacity_reservations.push_back(r.id);
    if (type_key == req.keys().end() || type_key->second.allows(to_string(r.type))) ++of_type;
  }
  const auto cap = req.keys().find(std::string(label::kCapacityType));
  const bool reserved_only = cap != req.keys().end() && cap->second.allows("reserved") && !cap->second.allows("on-demand") && !cap->second.allows("spot");
  // A capacity-reservation-type requirement (In) leaves only reserved offerings: others lack the label.
  const bool typed = type_key != req.keys().end() && !type_key->second.allows_absent();
  if (of_type == 0 && (reserved_only || typed))
    note(fmt::format("NodePool '{}' allows only reserved capacity{}, but its EC2NodeClass '{}' selects no such capacity reservation: its "
                     "pods get no node from it",
                     pool.scheduling.name, typed ? " of type " + type_key->second.describe() : std::string(), nc.name));
}

}  // namespace capsim::io::detail
