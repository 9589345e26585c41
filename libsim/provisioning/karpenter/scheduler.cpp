#include "capsim/provisioning/karpenter/scheduler.hpp"

#include <algorithm>
#include <tuple>
#include <limits>
#include <map>
#include <set>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "capsim/catalog/topology_spread.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

namespace {

constexpr double kNoPrice = std::numeric_limits<double>::infinity();

struct Res {
  std::int64_t cpu = 0, mem = 0, gpu = 0, pods = 0;
};

Res res_of(const ResourceList& r) { return {r.cpu_millicores, r.memory_mib, r.gpus, r.pods}; }
Res operator+(Res a, const Res& b) { return {a.cpu + b.cpu, a.mem + b.mem, a.gpu + b.gpu, a.pods + b.pods}; }
Res max_of(const Res& a, const Res& b) {
  return {std::max(a.cpu, b.cpu), std::max(a.mem, b.mem), std::max(a.gpu, b.gpu), std::max(a.pods, b.pods)};
}
bool fits(const Res& need, const Res& room) {
  return need.cpu <= room.cpu && need.mem <= room.mem && need.gpu <= room.gpu && need.pods <= room.pods;
}

// "fit: cpu 8000m > 3920m", "fit: nvidia.com/gpu 4 > 1": the first resource that does not fit (requested > allocatable).
std::string fit_reason(const Res& need, const Res& room, DeviceResource device = DeviceResource::NvidiaGpu) {
  if (need.cpu > room.cpu) return fmt::format("fit: cpu {}m > {}m", need.cpu, room.cpu);
  if (need.mem > room.mem) return fmt::format("fit: memory {}Mi > {}Mi", need.mem, room.mem);
  if (need.gpu > room.gpu)
    return fmt::format("fit: {} {} > {}{}", to_string(device), need.gpu, room.gpu,
                       room.gpu == 0 ? (device == DeviceResource::AwsNeuron ? " (not a Neuron type)" : " (not a GPU type)") : "");
  if (need.pods > room.pods) return fmt::format("fit: pods {} > {}", need.pods, room.pods);
  return {};
}

bool is_gpu_key(std::string_view key) {
  return key == label::kGpuName || key == label::kGpuManufacturer || key == label::kGpuCount ||
         key == label::kGpuMemory || key == label::kAcceleratorName || key == label::kAcceleratorCount;
}

// Requirements::why_not on the instance-type keys only (zone and capacity type belong to offerings).
std::string type_mismatch(const Requirements& r, const Labels& labels) { return r.why_not(labels, is_offering_label); }
bool type_matches(const Requirements& r, const Labels& labels) { return r.matches(labels, is_offering_label); }
// Stands in a Candidates::reason for "requirements: <why_not>", formatted when asked for.
constexpr std::string_view kRequirementsReason = "requirements";

// The first key on which two requirement sets cannot both hold, described; "" when compatible.
std::string incompatibility(const Requirements& pool, const Requirements& pod) {
  for (const auto& [key, k] : pod.keys()) {
    auto it = pool.keys().find(key);
    if (it != pool.keys().end() && it->second.intersect(k).empty())
      return fmt::format("pod needs {} {}, pool allows {}", key, k.describe(), it->second.describe());
  }
  return {};
}

// Pods with equal requirements and equal "requests GPUs" share type filtering (their group).
std::string group_key(const PodSpec& p) {
  std::string s = p.requests.gpus == 0 ? "-|" : p.requests.device == DeviceResource::AwsNeuron ? "N|" : "G|";
  for (const auto& [key, k] : p.requirements.keys()) {
    s += key;
    s += '=';
    s += k.describe();
    s += k.allows_absent() ? "/1;" : "/0;";
  }
  for (const Toleration& t : p.tolerations) {
    s += '|';
    s += t.key;
    s += t.op == Toleration::Op::Exists ? ":Exists:" : ":Equal:";
    s += t.value;
    s += ':';
    s += t.effect ? to_string(*t.effect) : std::string_view("*");
  }
  return s;
}

// Whether two pods are of one group without building their keys: the fields group_key reads are
// equal (a round's pending pods are mostly replicas of one template).
bool same_group_fields(const PodSpec& a, const PodSpec& b) {
  auto kind = [](const PodSpec& p) { return p.requests.gpus == 0 ? 0 : p.requests.device == DeviceResource::AwsNeuron ? 1 : 2; };
  if (kind(a) != kind(b) || a.tolerations.size() != b.tolerations.size() || !(a.requirements == b.requirements)) return false;
  for (std::size_t i = 0; i < a.tolerations.size(); ++i) {
    const Toleration& x = a.tolerations[i];
    const Toleration& y = b.tolerations[i];
    if (x.key != y.key || x.op != y.op || x.value != y.value || x.effect != y.effect) return false;
  }
  return true;
}

struct TypeInfo {
  const InstanceType* type = nullptr;
  const Labels* labels = nullptr;
  Res alloc, capacity;
  bool gpu_like = false, metal = false;
  bool nvidia = false;                 // its devices are NVIDIA GPUs (NodePool limits count them as nvidia.com/gpu)
  std::vector<std::size_t> offerings;  // indices into the offerings argument
  double ref_price = kNoPrice;         // cheapest available offering, else the on-demand price
};

// Which offerings a claim's requirements and its NodePool allow. A reserved offering needs the
// NodePool's EC2NodeClass to select its reservation; the reservation labels (id, type) exist only on
// reserved offerings, so an In requirement on them leaves only those.
struct OfferingFilter {
  const KeyConstraint* zone = nullptr;
  const KeyConstraint* capacity = nullptr;
  const KeyConstraint* reservation_id = nullptr;
  const KeyConstraint* reservation_type = nullptr;
  const std::vector<std::string>* reservations = nullptr;
  OfferingFilter(const Requirements& r, const NodePoolSpec& pool) : reservations(&pool.capacity_reservations) {
    auto key = [&](std::string_view k) -> const KeyConstraint* {
      auto it = r.keys().find(std::string(k));
      return it == r.keys().end() ? nullptr : &it->second;
    };
    zone = key(label::kZone);
    capacity = key(label::kCapacityType);
    reservation_id = key(label::kCapacityReservationId);
    reservation_type = key(label::kCapacityReservationType);
  }
  static bool label_allows(const KeyConstraint* k, const std::string& value) {
    return !k || (value.empty() ? k->allows_absent() : k->allows(value));
  }
  bool allows(const Offering& o) const {
    if (!o.available || (zone && !zone->allows(o.zone)) || (capacity && !capacity->allows(to_string(o.capacity_type)))) return false;
    if (o.capacity_type == CapacityType::Reserved &&
        std::find(reservations->begin(), reservations->end(), o.reservation_id) == reservations->end())
      return false;
    return label_allows(reservation_id, o.reservation_id) && label_allows(reservation_type, o.reservation_type);
  }
};

// Type filtering for one pod group in one NodePool, computed once.
struct Candidates {
  bool computed = false;
  std::string pool_reason;          // non-empty: the pool cannot take this group at all
  Requirements req;                 // pool ∩ pod
  std::vector<std::size_t> ok;      // types passing requirements, offering and exotic filters, by price
  std::vector<double> price;        // by type: cheapest compatible available offering
  std::vector<std::string_view> reason;  // by type: why it failed those filters ("" when in `ok`); static text
  std::vector<char> allowed;        // by type: in `ok`
};

struct Claim {
  std::size_t pool = 0;
  Requirements req;
  std::vector<std::size_t> groups;
  std::vector<std::size_t> types;  // cheapest first
  std::vector<double> prices;      // parallel to `types`
  std::vector<std::size_t> pods;
  Res total, max_alloc, min_alloc, reserved;  // min_alloc: the smallest allocatable per resource over its types
  std::vector<std::size_t> excluded_groups;  // groups none of its types allows (types only shrink)
  ClaimExplanation explanation;
  bool min_values_relaxed = false;  // BestEffort gave way on a minValues for it
};

/// Whether a pod can join a claim: no; yes, and every type of the claim still holds it; or yes, with
/// the claim's types narrowed (to the scheduler's scratch Narrowed).
enum class Join { No, Unchanged, Narrowed };

struct Narrowed {
  std::vector<std::size_t> types;
  std::vector<double> prices;
  std::optional<Requirements> req;  // set when the pod brings a new group
  bool relaxed = false;              // BestEffort gave way on a minValues to take the pod
};

}  // namespace

struct SchedulingSnapshot::Impl {
  std::vector<Offering> offerings;
  std::vector<TypeInfo> types;
  std::map<std::string, NodePoolBeliefs, std::less<>> beliefs;  // by NodePool name
  // (pool name, pod group key) -> type filtering: it depends only on these and the offerings, so
  // every round against the snapshot shares it.
  std::map<std::string, Candidates, std::less<>> candidates;
};

namespace {

class Scheduler {
 public:
  Scheduler(std::vector<const PodSpec*> pods, const std::vector<NodePoolSpec>& pools, const std::vector<const ExistingNode*>& existing,
            SchedulingSnapshot::Impl& snapshot, bool explain)
      : explain_(explain), pods_(std::move(pods)), pools_(pools), offerings_(snapshot.offerings), nodes_free_(existing.size()), existing_(existing),
        types_(snapshot.types), snapshot_(snapshot) {
    // Pools by weight, higher first, ties in input order.
    pool_order_.resize(pools.size());
    std::iota(pool_order_.begin(), pool_order_.end(), std::size_t{0});
    std::stable_sort(pool_order_.begin(), pool_order_.end(),
                     [&](std::size_t a, std::size_t b) { return pools[a].weight > pools[b].weight; });
    pool_used_.resize(pools.size());
    pool_nodes_.assign(pools.size(), 0);
    beliefs_.assign(pools.size(), nullptr);
    if (!snapshot.beliefs.empty())
      for (std::size_t p = 0; p < pools.size(); ++p)
        if (auto it = snapshot.beliefs.find(pools[p].name); it != snapshot.beliefs.end()) beliefs_[p] = &it->second;
    for (std::size_t n = 0; n < existing.size(); ++n) {
      const ExistingNode& e = *existing[n];
      nodes_free_[n] = res_of(e.free);
      for (std::size_t p = 0; p < pools.size(); ++p)
        if (pools[p].name == e.node_pool) {
          ++pool_nodes_[p];
          // Its nvidia.com/gpu capacity as the node reports it: a capacity overlay's (time-slicing) or its GPUs.
          if (e.type) {
            const int gpus = e.overlay_devices > 0 && device_count(*e.type, DeviceResource::NvidiaGpu) > 0 ? e.overlay_devices : e.type->gpus;
            pool_used_[p] = pool_used_[p] + Res{std::int64_t{e.type->vcpu} * 1000, e.type->memory_mib, gpus, 0};
          }
          break;
        }
    }
    // Pod groups.
    pod_group_.resize(pods_.size());
    for (std::size_t i = 0; i < pods_.size(); ++i) {
      const ResourceList& r = pods_[i]->requests;
      if (r.cpu_millicores < 0 || r.memory_mib < 0 || r.gpus < 0 || r.pods < 0)
        throw Error(fmt::format("pod {}: negative resource request", pods_[i]->name));
      pod_group_[i] = group_of(i);
    }
    candidates_.assign(group_pod_.size() * pools.size(), nullptr);
    node_match_.assign(group_pod_.size() * existing.size(), -1);
    collect_spreads();
  }

  SchedulingResult run() {
    // The queue: largest first by cpu, then memory; ties keep the input order.
    std::vector<std::size_t> queue(pods_.size());
    std::iota(queue.begin(), queue.end(), std::size_t{0});
    std::stable_sort(queue.begin(), queue.end(), [&](std::size_t a, std::size_t b) {
      const ResourceList& x = pods_[a]->requests;
      const ResourceList& y = pods_[b]->requests;
      if (x.cpu_millicores != y.cpu_millicores) return x.cpu_millicores > y.cpu_millicores;
      return x.memory_mib > y.memory_mib;
    });
    SchedulingResult result;
    // Reasons already written for pods of a group and size that no pool took, since the last pod
    // placed (placing one changes what pools have left, and so the reasons).
    std::vector<std::tuple<std::size_t, Res, std::string>> refused;
    for (std::size_t pod : queue) {
      // ScheduleAnyway spread is honoured as if required first, and dropped only when the pod
      // cannot be placed otherwise (Karpenter's preference relaxation).
      relaxed_ = false;
      bool placed = try_existing(pod, result) || try_planned(pod) || try_new_claim(pod, nullptr);
      if (!placed && has_preferred_spread(pod)) {
        relaxed_ = true;
        placed = try_existing(pod, result) || try_planned(pod) || try_new_claim(pod, nullptr);
      }
      if (placed) {
        refused.clear();
        continue;
      }
      // Why not, in words, only for a pod no pool takes: the same search again, now describing
      // every refusal (building them for each pod tried was a third of a month's scheduling time).
      const Res need = res_of(pods_[pod]->requests);
      auto same = std::find_if(refused.begin(), refused.end(), [&](const auto& r) {
        const Res& n = std::get<1>(r);
        return std::get<0>(r) == pod_group_[pod] && n.cpu == need.cpu && n.mem == need.mem && n.gpu == need.gpu && n.pods == need.pods;
      });
      std::string why;
      if (same != refused.end()) {
        why = std::get<2>(*same);
      } else {
        try_new_claim(pod, &why);
        refused.emplace_back(pod_group_[pod], need, why);
      }
      result.unschedulable.push_back({pods_[pod]->name, std::move(why)});
    }
    for (Claim& c : claims_) {
      std::string unmet;
      PlannedNodeClaim claim = finalize(c, unmet);
      if (unmet.empty()) {
        result.claims.push_back(std::move(claim));
        continue;
      }
      // Strict: the launch request cut to 60 types no longer meets a minValues, so the launch fails
      // (karpenter-provider-aws truncates the types and validates minValues before CreateFleet) and
      // the claim's pods stay pending.
      for (const auto& name : claim.pods) result.unschedulable.push_back({name, fmt::format("pool {}: {}", claim.node_pool, unmet)});
    }
    return result;
  }

 private:
  // One (workload, constraint) of the round's pods with its count per domain.
  struct Spread {
    std::string workload;
    TopologySpreadConstraint c;
    DomainCounts counts;  // zone: by zone; hostname: by node name, or "claim <i>" for planned claim i
    std::size_t owner = 0;  // a pod of the workload (its requirements say which domains are eligible)
  };

  bool try_existing(std::size_t pod, SchedulingResult& result) {
    const Res need = res_of(pods_[pod]->requests);
    const std::size_t g = pod_group_[pod];
    for (std::size_t n = 0; n < existing_.size(); ++n) {
      if (!fits(need, nodes_free_[n])) continue;
      signed char& m = node_match_[g * existing_.size() + n];
      if (m < 0)
        m = pods_[pod]->requirements.matches(*existing_[n]->labels) && !first_untolerated(existing_[n]->taints, pods_[pod]->tolerations) &&
                    (pods_[pod]->requests.gpus == 0 || !existing_[n]->type ||
                     device_count(*existing_[n]->type, pods_[pod]->requests.device) > 0)
                ? 1
                : 0;
      if (!m) continue;
      if (!pod_spreads_[pod].empty()) {
        const std::string zone = zone_of(*existing_[n]->labels);
        if (!spread_allows_node(pod, zone, existing_[n]->name)) continue;
        record(pod, zone, existing_[n]->name);
      }
      Res& f = nodes_free_[n];
      f = {f.cpu - need.cpu, f.mem - need.mem, f.gpu - need.gpu, f.pods - need.pods};
      result.bound_to_existing.push_back({pods_[pod]->name, existing_[n]->name});
      return true;
    }
    return false;
  }

  // Claims planned this round, fewest pods first (`claim_order_` is kept sorted, stable).
  bool try_planned(std::size_t pod) {
    for (std::size_t pos = 0; pos < claim_order_.size(); ++pos) {
      Claim& c = claims_[claim_order_[pos]];
      const bool spread = !pod_spreads_[pod].empty();
      std::size_t q = pod;
      if (spread) {
        const std::optional<std::size_t> pinned = spread_placement(pod, c.req, claim_host(claim_order_[pos]), nullptr);
        if (!pinned) continue;
        q = *pinned;
      }
      const Join join = can_add(c, q);
      if (join == Join::No) continue;
      add(c, q, join);
      if (spread) record(pod, pinned_zone(q), claim_host(claim_order_[pos]));
      // One more pod: move right past the claims with fewer pods than it now has (a stable re-sort).
      const std::size_t n = c.pods.size();
      while (pos + 1 < claim_order_.size() && claims_[claim_order_[pos + 1]].pods.size() < n) {
        std::swap(claim_order_[pos], claim_order_[pos + 1]);
        ++pos;
      }
      return true;
    }
    return false;
  }

  // Query: the claim's types narrowed to those that can hold the pod too (into `scratch_`, whose
  // buffers are reused). Changes nothing but a cache of the pod groups the claim can never take.
  Join can_add(Claim& c, std::size_t pod) {
    const Res total = c.total + res_of(pods_[pod]->requests);
    if (!fits(total, c.max_alloc)) return Join::No;
    const std::size_t g = pod_group_[pod];
    Narrowed& out = scratch_;
    out.types.clear();
    out.prices.clear();
    out.req.reset();
    out.relaxed = false;
    if (std::find(c.groups.begin(), c.groups.end(), g) != c.groups.end()) {
      // The pod's group is already in the claim, so its requirements narrow nothing; when even the
      // smallest type still holds the total, no type drops out either.
      if (fits(total, c.min_alloc)) return Join::Unchanged;
      for (std::size_t i = 0; i < c.types.size(); ++i)
        if (fits(total, alloc(c.pool, c.types[i]))) {
          out.types.push_back(c.types[i]);
          out.prices.push_back(c.prices[i]);
        }
    } else {
      if (std::find(c.excluded_groups.begin(), c.excluded_groups.end(), g) != c.excluded_groups.end()) return Join::No;
      const Candidates& cand = candidates(g, c.pool);
      if (!cand.pool_reason.empty() || !incompatibility(c.req, pods_[pod]->requirements).empty() ||
          std::none_of(c.types.begin(), c.types.end(), [&](std::size_t t) { return cand.allowed[t] != 0; })) {
        c.excluded_groups.push_back(g);  // requirements only narrow and types only shrink: a permanent no
        return Join::No;
      }
      Requirements req = c.req.intersect(pods_[pod]->requirements);
      const OfferingFilter filter(req, pools_[c.pool]);
      std::vector<std::pair<double, std::size_t>> kept;
      for (std::size_t t : c.types) {
        if (!cand.allowed[t] || !fits(total, alloc(c.pool, t))) continue;
        if (double p = offering_price(c.pool, filter, t); p < kNoPrice) kept.emplace_back(p, t);
      }
      std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [p, t] : kept) {
        out.types.push_back(t);
        out.prices.push_back(p);
      }
      out.req = std::move(req);
    }
    if (out.types.empty()) return Join::No;
    if (!min_values_unmet(c.pool, out.types).empty()) {
      if (pools_[c.pool].min_values_policy == MinValuesPolicy::Strict) return Join::No;
      out.relaxed = true;  // BestEffort: the floor gives way to what is left
    }
    return Join::Narrowed;
  }

  // The first minValues of pool p that `types` do not meet, said ("" when all are met).
  std::string min_values_unmet(std::size_t p, const std::vector<std::size_t>& types) const {
    for (const MinValues& mv : pools_[p].min_values) {
      std::set<std::string_view> seen;
      for (std::size_t t : types) {
        if (auto it = types_[t].labels->find(mv.key); it != types_[t].labels->end()) seen.insert(it->second);
        if (static_cast<int>(seen.size()) >= mv.min) break;
      }
      if (static_cast<int>(seen.size()) < mv.min)
        return fmt::format("minValues: the types that fit have {} distinct value(s) of {}, the NodePool requires {}", seen.size(), mv.key,
                           mv.min);
    }
    return {};
  }

  // Commit what can_add computed.
  void add(Claim& c, std::size_t pod, Join join) {
    c.total = c.total + res_of(pods_[pod]->requests);
    c.pods.push_back(pod);
    if (join == Join::Unchanged) return;  // same types: same bounds and reservation
    Narrowed& n = scratch_;
    if (n.req) {
      c.req = std::move(*n.req);
      c.groups.push_back(pod_group_[pod]);
    }
    c.min_values_relaxed = c.min_values_relaxed || n.relaxed;
    c.types.swap(n.types);  // the claim's old buffers become the next scratch
    c.prices.swap(n.prices);
    refresh_bounds(c);
  }

  // The claim's largest allocatable per resource (a quick reject) and its limits reservation: the
  // largest capacity per resource over its remaining types (Karpenter's subtractMax), re-tightened
  // as the claim narrows.
  void refresh_bounds(Claim& c) {
    Res largest, cap, smallest = alloc(c.pool, c.types.front());
    for (std::size_t t : c.types) {
      const Res a = alloc(c.pool, t);
      largest = max_of(largest, a);
      cap = max_of(cap, capacity(c.pool, t));
      smallest = {std::min(smallest.cpu, a.cpu), std::min(smallest.mem, a.mem), std::min(smallest.gpu, a.gpu), std::min(smallest.pods, a.pods)};
    }
    cap.pods = 0;
    Res& used = pool_used_[c.pool];
    used = {used.cpu - c.reserved.cpu + cap.cpu, used.mem - c.reserved.mem + cap.mem, used.gpu - c.reserved.gpu + cap.gpu, 0};
    c.max_alloc = largest;
    c.min_alloc = smallest;
    c.reserved = cap;
  }

  // The cheapest offering of type t the filter allows, at the price NodePool p decides by.
  double offering_price(std::size_t p, const OfferingFilter& f, std::size_t t) const {
    double best = kNoPrice;
    for (std::size_t o : types_[t].offerings)
      if (f.allows(offerings_[o])) best = std::min(best, price(p, o));
    return best;
  }

  // What NodePool p believes (its NodeOverlays'): offering o's price, type t's allocatable and
  // capacity (the device slot a capacity overlay replaces; limits count nvidia.com/gpu as overlaid).
  double price(std::size_t p, std::size_t o) const {
    const NodePoolBeliefs* b = beliefs_[p];
    return b && !b->prices.empty() ? b->prices[o] : offerings_[o].price_usd_per_h;
  }
  Res alloc(std::size_t p, std::size_t t) const {
    const NodePoolBeliefs* b = beliefs_[p];
    if (!b || b->devices.empty()) return types_[t].alloc;
    Res a = types_[t].alloc;
    a.gpu = b->devices[t];
    return a;
  }
  Res capacity(std::size_t p, std::size_t t) const {
    const NodePoolBeliefs* b = beliefs_[p];
    if (!b || b->devices.empty() || !types_[t].nvidia) return types_[t].capacity;
    Res c = types_[t].capacity;
    c.gpu = b->devices[t];
    return c;
  }

  const Candidates& candidates(std::size_t g, std::size_t p) {
    Candidates*& slot = candidates_[g * pools_.size() + p];
    if (slot) return *slot;
    std::string key = pools_[p].name + '\x1f' + group_key_[g];
    auto [it, fresh] = snapshot_.candidates.try_emplace(std::move(key));
    slot = &it->second;
    Candidates& c = it->second;
    if (!fresh) return c;
    c.computed = true;
    const PodSpec& pod = *pods_[group_pod_[g]];
    const NodePoolSpec& pool = pools_[p];
    if (auto bad = incompatibility(pool.requirements, pod.requirements); !bad.empty()) {
      c.pool_reason = "requirements: " + bad;
      return c;
    }
    if (const Taint* t = first_untolerated(pool.taints, pod.tolerations)) {
      c.pool_reason = "taints: the pod does not tolerate " + to_string(*t);
      return c;
    }
    c.req = pool.requirements.intersect(pod.requirements);
    const OfferingFilter filter(c.req, pool);
    const std::size_t n = types_.size();
    c.price.assign(n, kNoPrice);
    c.reason.assign(n, {});
    c.allowed.assign(n, 0);
    bool mentions_gpu = pod.requests.gpus > 0, mentions_size = false;
    for (const auto& [key, k] : c.req.keys()) {
      mentions_gpu = mentions_gpu || is_gpu_key(key);
      mentions_size = mentions_size || key == label::kSize || key == label::kInstanceType;
    }
    std::vector<std::size_t> passing;
    for (std::size_t t = 0; t < n; ++t) {
      if (!type_matches(c.req, *types_[t].labels)) {
        c.reason[t] = kRequirementsReason;  // the message is built only if an explanation needs it
        continue;
      }
      // A type's device slot counts its GPUs or its Neuron devices: the pod's kind must be the one.
      // (a type with none at all fails the fit with its count, 0, like any other resource).
      if (auto wrong = wrong_device(pod, t); !wrong.empty()) {
        c.reason[t] = wrong;
        continue;
      }
      c.price[t] = offering_price(p, filter, t);
      if (c.price[t] == kNoPrice) {
        const bool any = std::any_of(types_[t].offerings.begin(), types_[t].offerings.end(),
                                     [&](std::size_t o) { return offerings_[o].available; });
        c.reason[t] = any ? "offering: no available offering in the required zones and capacity types"
                          : "offering: none available";
        continue;
      }
      passing.push_back(t);
    }
    // The exotic filter: GPU/accelerator types unless a GPU is requested or a GPU/accelerator key is
    // required, metal types unless the size or type is required; skipped when nothing else remains.
    auto exotic = [&](std::size_t t) -> const char* {
      if (types_[t].gpu_like && !mentions_gpu) return "exotic: GPU/accelerator type, and the pod neither requests nor requires one";
      if (types_[t].metal && !mentions_size) return "exotic: metal type, and no instance size or type is required";
      return nullptr;
    };
    if (std::any_of(passing.begin(), passing.end(), [&](std::size_t t) { return !exotic(t); }))
      std::erase_if(passing, [&](std::size_t t) {
        if (const char* why = exotic(t)) c.reason[t] = why;
        return exotic(t) != nullptr;
      });
    std::stable_sort(passing.begin(), passing.end(), [&](std::size_t a, std::size_t b) { return c.price[a] < c.price[b]; });
    for (std::size_t t : passing) c.allowed[t] = 1;
    c.ok = std::move(passing);
    return c;
  }

  // "limits: nvidia.com/gpu 8 > 4 remaining"; "" when the type fits in what the pool has left.
  std::string limits_reason(std::size_t p, std::size_t t) const {
    const PoolLimits& l = pools_[p].limits;
    const Res& used = pool_used_[p];
    const Res cap = capacity(p, t);
    if (l.nodes && pool_nodes_[p] + 1 > *l.nodes)
      return fmt::format("limits: nodes {} + 1 > {}", pool_nodes_[p], *l.nodes);
    if (l.cpu_millicores && cap.cpu > *l.cpu_millicores - used.cpu)
      return fmt::format("limits: cpu {}m > {}m remaining", cap.cpu, *l.cpu_millicores - used.cpu);
    if (l.memory_mib && cap.mem > *l.memory_mib - used.mem)
      return fmt::format("limits: memory {}Mi > {}Mi remaining", cap.mem, *l.memory_mib - used.mem);
    if (l.gpus && cap.gpu > *l.gpus - used.gpu)
      return fmt::format("limits: nvidia.com/gpu {} > {} remaining", cap.gpu, *l.gpus - used.gpu);
    return {};
  }
  bool within_limits(std::size_t p, std::size_t t) const {
    const PoolLimits& l = pools_[p].limits;
    const Res& used = pool_used_[p];
    const Res cap = capacity(p, t);
    return (!l.nodes || pool_nodes_[p] + 1 <= *l.nodes) && (!l.cpu_millicores || cap.cpu <= *l.cpu_millicores - used.cpu) &&
           (!l.memory_mib || cap.mem <= *l.memory_mib - used.mem) && (!l.gpus || cap.gpu <= *l.gpus - used.gpu);
  }

  bool try_new_claim(std::size_t original, std::string* why) {
    const Res need = res_of(pods_[original]->requests);
    if (pools_.empty() && why) *why = "no NodePool";
    // Karpenter first honours PreferNoSchedule taints as if they were NoSchedule, and tolerates them
    // only when no NodePool can take the pod otherwise (its preference relaxation).
    for (int pass = 0; pass < 2; ++pass) {
      bool held_back = false;
      for (std::size_t p : pool_order_) {
        if (pass == 0 && first_untolerated_any_effect(pools_[p].taints, pods_[original]->tolerations) &&
            !first_untolerated(pools_[p].taints, pods_[original]->tolerations)) {
          held_back = true;
          continue;
        }
        // The pod as it opens a claim of this pool: pinned to the zone its topology spread picks
        // among those the pool allows.
        const bool spread = !pod_spreads_[original].empty();
        std::size_t pod = original;
        if (spread) {
          std::string spread_why;
          const std::optional<std::size_t> q = spread_placement(original, pools_[p].requirements, claim_host(claims_.size()), why ? &spread_why : nullptr);
          if (!q) {
            if (why) *why += fmt::format("{}pool {}: {}", why->empty() ? "" : "; ", pools_[p].name, spread_why);
            continue;
          }
          pod = *q;
        }
        const std::size_t g = pod_group_[pod];
        const Candidates& cand = candidates(g, p);
        std::string reason = cand.pool_reason;
        std::vector<std::size_t> kept;
        if (reason.empty()) {
          for (std::size_t t : cand.ok) {
            if (!fits(need, alloc(p, t)) || !within_limits(p, t)) continue;
            kept.push_back(t);
            if (kept.size() == karpenter::kMaxTypesWhileScheduling) break;
          }
          if (kept.empty()) {
            if (!why) continue;
            reason = no_type_reason(cand, p, *pods_[pod], need);
          }
        }
        bool relaxed = false;
        if (reason.empty()) {
          reason = min_values_unmet(p, kept);
          relaxed = !reason.empty() && pools_[p].min_values_policy == MinValuesPolicy::BestEffort;
          if (relaxed) reason.clear();
        }
        if (!reason.empty() && pod != original)
          reason = fmt::format("topology spread picks {} {} (the least-populated zone within maxSkew), where {}", label::kZone,
                               pinned_zone(pod), reason);
        if (!reason.empty()) {
          if (why) *why += fmt::format("{}pool {}: {}", why->empty() ? "" : "; ", pools_[p].name, reason);
          continue;
        }
        if (spread) record(original, pinned_zone(pod), claim_host(claims_.size()));
        open_claim(pod, p, cand, std::move(kept));
        claims_.back().min_values_relaxed = relaxed;
        return true;
      }
      if (!held_back) break;
      if (why) why->clear();
    }
    return false;
  }

  // A type whose accelerators are of another kind than the pod asks for ("" when not so).
  std::string_view wrong_device(const PodSpec& pod, std::size_t t) const {
    if (pod.requests.gpus == 0 || types_[t].alloc.gpu == 0 || device_count(*types_[t].type, pod.requests.device) > 0) return {};
    return pod.requests.device == DeviceResource::AwsNeuron ? "fit: aws.amazon.com/neuron: the type's accelerators are GPUs"
                                                            : "fit: nvidia.com/gpu: the type's accelerators are Neuron devices";
  }

  // Why type t fails the requirements: capsim's serving-type restriction when that is all that
  // rejects it (the pool and the pod's own affinity allow it), else the failing requirement.
  // `allowed` is the pool's requirements with the pod's own affinity (without the serving types).
  std::string requirements_reason(const PodSpec& pod, const Requirements& allowed, const Candidates& cand, std::size_t t) const {
    if (only_throughput_rejects(pod, allowed, t))
      return "throughput: the pod's service has no throughput_rps for this type (a replica runs only on the types listed there)";
    return "requirements: " + type_mismatch(cand.req, *types_[t].labels);
  }
  bool only_throughput_rejects(const PodSpec& pod, const Requirements& allowed, std::size_t t) const {
    const std::string& name = types_[t].type->name;
    return !pod.serving_types.empty() && std::find(pod.serving_types.begin(), pod.serving_types.end(), name) == pod.serving_types.end() &&
           type_matches(allowed, *types_[t].labels);
  }

  // Why no type of the pool can take the pod: a type held back only by limits if there is one, else
  // the cheapest type's reason; and the types that would fit but for the service's throughput list.
  std::string no_type_reason(const Candidates& cand, std::size_t p, const PodSpec& pod, const Res& need) const {
    for (std::size_t t : cand.ok)
      if (fits(need, alloc(p, t))) return fmt::format("{} ({})", limits_reason(p, t), types_[t].type->name);
    std::string reason = cand.ok.empty() ? "no instance type passes the requirements, offering and exotic filters"
                                         : fmt::format("no instance type fits the pod; the cheapest, {}: {}", types_[cand.ok.front()].type->name,
                                                       fit_reason(need, alloc(p, cand.ok.front()), pod.requests.device));
    std::vector<std::string> blocked;
    const Requirements allowed = pools_[p].requirements.intersect(pod.affinity);
    for (std::size_t t = 0; t < types_.size(); ++t)
      if (cand.reason[t] == kRequirementsReason && fits(need, alloc(p, t)) && wrong_device(pod, t).empty() &&
          only_throughput_rejects(pod, allowed, t))
        blocked.push_back(types_[t].type->name);
    if (!blocked.empty()) {
      std::sort(blocked.begin(), blocked.end());
      std::string names;
      for (std::size_t i = 0; i < blocked.size() && i < 6; ++i) names += (i ? ", " : "") + blocked[i];
      if (blocked.size() > 6) names += fmt::format(", ... {} in all", blocked.size());
      reason += fmt::format("; {} type(s) of the pool would fit but the pod's service has no throughput_rps for them ({})",
                            blocked.size(), names);
    }
    return reason;
  }

  void open_claim(std::size_t pod, std::size_t p, const Candidates& cand, std::vector<std::size_t> kept) {
    Claim c;
    c.pool = p;
    c.req = cand.req;
    c.groups = {pod_group_[pod]};
    c.total = res_of(pods_[pod]->requests);
    c.pods = {pod};
    c.prices.reserve(kept.size());
    for (std::size_t t : kept) c.prices.push_back(cand.price[t]);
    c.types = std::move(kept);
    ClaimExplanation& e = c.explanation;
    e.opened_by = pods_[pod]->name;
    e.types_considered = c.types.size();
    e.opened_price_usd_per_h = c.prices.front();
    std::vector<std::pair<double, std::size_t>> cheaper;  // (price, type) of rejected, cheaper types
    if (explain_) {
    std::vector<char> chosen(types_.size(), 0);
    for (std::size_t t : c.types) chosen[t] = 1;
    for (std::size_t t = 0; t < types_.size(); ++t) {
      const double price = cand.price[t] < kNoPrice ? cand.price[t] : types_[t].ref_price;
      if (!chosen[t] && price < e.opened_price_usd_per_h) cheaper.emplace_back(price, t);
    }
    }
    std::stable_sort(cheaper.begin(), cheaper.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (!explain_) cheaper.clear();
    const Requirements allowed = cheaper.empty() ? Requirements() : pools_[p].requirements.intersect(pods_[pod]->affinity);
    for (const auto& [price, t] : cheaper) {
      // A type the service has no throughput for is named so only when the pods would otherwise fit
      // it: a type too small for them is explained by its size, which no throughput figure changes.
      std::string reason = cand.reason[t] == kRequirementsReason ? requirements_reason(*pods_[pod], allowed, cand, t) : std::string(cand.reason[t]);
      if (reason.rfind("throughput: ", 0) == 0) {
        std::string fit(wrong_device(*pods_[pod], t));
        if (fit.empty()) fit = fit_reason(c.total, alloc(p, t), pods_[pod]->requests.device);
        if (!fit.empty()) reason = fit;
      }
      if (reason.empty()) reason = fit_reason(c.total, alloc(p, t), pods_[pod]->requests.device);
      if (reason.empty()) reason = limits_reason(p, t);
      e.cheaper_rejected.push_back({types_[t].type->name, price, std::move(reason)});
    }
    ++pool_nodes_[p];
    claims_.push_back(std::move(c));
    refresh_bounds(claims_.back());
    // A one-pod claim goes after every claim with one pod (stable order), before the larger ones.
    auto at = std::find_if(claim_order_.begin(), claim_order_.end(), [&](std::size_t i) { return claims_[i].pods.size() > 1; });
    claim_order_.insert(at, claims_.size() - 1);
  }

  // The launch request: capacity type by priority reserved > spot > on-demand among the claim's
  // compatible offerings, spot offerings priced above the cheapest on-demand one dropped; types
  // ordered by the chosen capacity type's cheapest offering, at most kMaxTypesInClaim.
  // The claim is spent: its requirements and explanation move into the launch request.
  PlannedNodeClaim finalize(Claim& c, std::string& min_values_unmet_after_cut) {
    PlannedNodeClaim out;
    out.min_values_relaxed = c.min_values_relaxed;
    out.node_pool = pools_[c.pool].name;
    for (std::size_t p : c.pods) out.pods.push_back(pods_[p]->name);
    out.requests = {c.total.cpu, c.total.mem, static_cast<int>(c.total.gpu), static_cast<int>(c.total.pods)};
    if (!c.pods.empty()) out.requests.device = pods_[c.pods.front()]->requests.device;
    out.explanation = std::move(c.explanation);
    // The offerings of the claim's types its zone and capacity type requirements allow, by type in
    // the claim's order: asked once each (a label lookup), then read for every capacity type.
    const OfferingFilter filter(c.req, pools_[c.pool]);
    std::vector<std::pair<std::size_t, std::size_t>> allowed;  // (type, offering)
    double cheapest_od = kNoPrice;
    bool reserved = false;
    for (std::size_t t : c.types)
      for (std::size_t o : types_[t].offerings) {
        const Offering& off = offerings_[o];
        if (!filter.allows(off)) continue;
        allowed.emplace_back(t, o);
        if (off.capacity_type == CapacityType::OnDemand) cheapest_od = std::min(cheapest_od, price(c.pool, o));
        reserved = reserved || off.capacity_type == CapacityType::Reserved;
      }
    // A reserved offering holds only its reservation's free instances, shared by this round's claims
    // (Karpenter's scheduler counts them so it never plans more claims into a reservation than it holds).
    if (reserved && reserved_taken_.empty()) reserved_taken_.assign(offerings_.size(), 0);
    auto usable = [&](const Offering& off, CapacityType ct) {
      if (off.capacity_type != ct) return false;
      if (ct == CapacityType::Reserved) return !off.capacity || reserved_taken_[static_cast<std::size_t>(&off - offerings_.data())] < *off.capacity;
      return ct != CapacityType::Spot || price(c.pool, static_cast<std::size_t>(&off - offerings_.data())) <= cheapest_od;
    };
    auto pick = [&](CapacityType ct) {
      std::vector<std::pair<double, std::pair<std::size_t, std::size_t>>> best;  // price, (type, offering)
      for (std::size_t i = 0; i < allowed.size();) {
        const std::size_t t = allowed[i].first;
        std::optional<std::size_t> b;
        for (; i < allowed.size() && allowed[i].first == t; ++i) {
          const std::size_t o = allowed[i].second;
          if (usable(offerings_[o], ct) && (!b || price(c.pool, o) < price(c.pool, *b))) b = o;
        }
        if (b) best.push_back({price(c.pool, *b), {t, *b}});
      }
      std::stable_sort(best.begin(), best.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      return best;
    };
    std::vector<std::pair<double, std::pair<std::size_t, std::size_t>>> chosen;
    for (CapacityType ct : {CapacityType::Reserved, CapacityType::Spot, CapacityType::OnDemand}) {
      if (ct == CapacityType::Reserved && !reserved) continue;
      chosen = pick(ct);
      if (!chosen.empty()) {
        out.capacity_type = ct;
        break;
      }
    }
    if (out.capacity_type == CapacityType::Reserved) {
      // The launch goes to the cheapest (first) reserved offering: it takes one of its instances.
      ++reserved_taken_[chosen.front().second.second];
    }
    if (chosen.size() > karpenter::kMaxTypesInClaim) {
      chosen.resize(karpenter::kMaxTypesInClaim);
      if (pools_[c.pool].min_values_policy == MinValuesPolicy::Strict) {
        std::vector<std::size_t> kept;
        for (const auto& entry : chosen) kept.push_back(entry.second.first);
        if (std::string why = min_values_unmet(c.pool, kept); !why.empty())
          min_values_unmet_after_cut = fmt::format("{} among the {} cheapest types of the launch request", why, karpenter::kMaxTypesInClaim);
      }
    }
    for (const auto& [price, to] : chosen) {
      out.instance_types.push_back(types_[to.first].type->name);
      out.instance_type_prices.push_back(price);
    }
    if (!chosen.empty()) {
      out.cheapest_price_usd_per_h = chosen.front().first;
      out.zone = offerings_[chosen.front().second.second].zone;
    }
    out.requirements = std::move(c.req);  // after the filter's last look at it
    return out;
  }

  // Pod groups: a pod joins the first group whose fields it shares, else the group of its key.
  std::size_t group_of(std::size_t i) {
    auto same = std::find_if(group_pod_.begin(), group_pod_.end(), [&](std::size_t r) { return same_group_fields(*pods_[r], *pods_[i]); });
    if (same != group_pod_.end()) return static_cast<std::size_t>(same - group_pod_.begin());
    auto [it, fresh] = groups_.emplace(group_key(*pods_[i]), groups_.size());
    if (fresh) {
      group_pod_.push_back(i);
      group_key_.push_back(it->first);
    }
    return it->second;
  }

  // Topology spread, as Karpenter's TopologyGroups keep it: per (workload, constraint), the
  // workload's pods per domain. Zone domains are the zones of the available offerings of the types
  // some NodePool allows (and its zone requirement admits), those the pod's own zone requirement
  // allows, plus the zones of existing nodes that pass the pod's node affinity, whose pods of the
  // workload are counted (nodeAffinityPolicy Honor). Hostname domains are nodes, and a planned
  // claim is a node of its own ("claim <i>"); their global minimum is 0, as a new node can always
  // be made.
  void collect_spreads() {
    pod_spreads_.assign(pods_.size(), {});
    bool zones = false;
    for (std::size_t i = 0; i < pods_.size(); ++i)
      for (const TopologySpreadConstraint& c : pods_[i]->topology_spread) {
        auto it = std::find_if(spreads_.begin(), spreads_.end(), [&](const Spread& s) { return s.workload == pods_[i]->workload && s.c == c; });
        if (it == spreads_.end()) {
          spreads_.push_back({pods_[i]->workload, c, {}, i});
          it = spreads_.end() - 1;
          zones = zones || c.key == label::kZone;
        }
        pod_spreads_[i].push_back(static_cast<std::size_t>(it - spreads_.begin()));
      }
    if (spreads_.empty()) return;
    std::set<std::string> pool_zones;
    if (zones)
      for (const NodePoolSpec& pool : pools_) {
        const OfferingFilter filter(pool.requirements, pool);
        for (const TypeInfo& t : types_) {
          if (!type_matches(pool.requirements, *t.labels)) continue;
          for (std::size_t o : t.offerings)
            if (filter.allows(offerings_[o])) pool_zones.insert(offerings_[o].zone);
        }
      }
    for (Spread& s : spreads_) {
      const PodSpec& owner = *pods_[s.owner];
      const bool by_zone = s.c.key == label::kZone;
      if (by_zone) {
        const KeyConstraint* allowed = zone_constraint(owner.requirements);
        for (const std::string& z : pool_zones)
          if (!allowed || allowed->allows(z)) s.counts.emplace(z, 0);
      }
      for (const ExistingNode* n : existing_) {
        if (!owner.affinity.matches(*n->labels)) continue;
        const std::string domain = by_zone ? zone_of(*n->labels) : n->name;
        if (domain.empty()) continue;
        auto w = n->workload_pods.find(s.workload);
        s.counts[domain] += w == n->workload_pods.end() ? 0 : w->second;
      }
    }
  }

  static const KeyConstraint* zone_constraint(const Requirements& r) {
    auto it = r.keys().find(std::string(label::kZone));
    return it == r.keys().end() ? nullptr : &it->second;
  }
  static std::string zone_of(const Labels& labels) {
    auto it = labels.find(label::kZone);
    return it == labels.end() ? std::string() : it->second;
  }
  static std::string claim_host(std::size_t claim) { return fmt::format("claim {}", claim); }
  const std::string& pinned_zone(std::size_t pod) const {
    static const std::string none;
    return pod < pinned_.size() ? pinned_[pod] : none;
  }
  bool active(const Spread& s) const { return !(relaxed_ && s.c.schedule_anyway); }
  bool has_preferred_spread(std::size_t pod) const {
    return std::any_of(pod_spreads_[pod].begin(), pod_spreads_[pod].end(), [&](std::size_t k) { return spreads_[k].c.schedule_anyway; });
  }

  // Whether one more pod of `pod`'s workload on an existing node of `zone` named `host` keeps its spread.
  bool spread_allows_node(std::size_t pod, const std::string& zone, const std::string& host) const {
    for (std::size_t k : pod_spreads_[pod]) {
      const Spread& s = spreads_[k];
      if (!active(s)) continue;
      if (s.c.key == label::kHostname) {
        if (!spread_allows(s.c, s.counts, host, 0)) return false;
      } else if (!s.counts.count(zone) || !spread_allows(s.c, s.counts, zone, spread_global_min(s.c, s.counts))) {
        return false;
      }
    }
    return true;
  }

  // The pod as it joins a claim whose requirements are `req` (a planned claim's, or a NodePool's for
  // a new one) and whose node is `host`: itself when it has no zone spread, else a copy pinned to the
  // zone Karpenter's topology picks: the least-populated zone `req` allows where one more pod keeps
  // every zone constraint within maxSkew (ties: the first by name; Karpenter takes any). None, with
  // the reason in `why`, when no zone (or the host) keeps the spread.
  std::optional<std::size_t> spread_placement(std::size_t original, const Requirements& req, const std::string& host, std::string* why) {
    if (pod_spreads_[original].empty()) return original;
    const Spread* first = nullptr;
    for (std::size_t k : pod_spreads_[original]) {
      const Spread& s = spreads_[k];
      if (!active(s)) continue;
      if (s.c.key == label::kHostname) {
        if (!spread_allows(s.c, s.counts, host, 0)) {
          if (why) *why = spread_violation(s.c, s.counts, host, 0);
          return std::nullopt;
        }
      } else if (!first) {
        first = &s;
      }
    }
    if (!first) return original;
    const KeyConstraint* allowed = zone_constraint(req);
    std::optional<std::string> best;
    int best_count = 0;
    std::string refused;
    for (const auto& [zone, n] : first->counts) {
      if (allowed && !allowed->allows(zone)) continue;
      bool ok = true;
      for (std::size_t k : pod_spreads_[original]) {
        const Spread& s = spreads_[k];
        if (!active(s) || s.c.key != label::kZone) continue;
        const int min = spread_global_min(s.c, s.counts);
        if (spread_allows(s.c, s.counts, zone, min)) continue;
        ok = false;
        if (why && refused.empty()) refused = spread_violation(s.c, s.counts, zone, min);
        break;
      }
      if (ok && (!best || n < best_count)) {
        best = zone;
        best_count = n;
      }
    }
    if (!best) {
      if (why)
        *why = !refused.empty() ? refused
                                : fmt::format("topology spread: no eligible {} domain that both the NodePool and the pod allow", label::kZone);
      return std::nullopt;
    }
    return variant(original, *best);
  }

  // A copy of the pod pinned to `zone` (its name and requests the same), made once per pod and zone.
  std::size_t variant(std::size_t original, const std::string& zone) {
    auto key = std::make_pair(original, zone);
    if (auto it = variants_.find(key); it != variants_.end()) return it->second;
    auto spec = std::make_unique<PodSpec>(*pods_[original]);
    const Requirements pin({{std::string(label::kZone), Operator::In, {zone}}});
    spec->requirements = spec->requirements.intersect(pin);
    spec->affinity = spec->affinity.intersect(pin);
    pods_.push_back(spec.get());
    variant_specs_.push_back(std::move(spec));
    const std::size_t i = pods_.size() - 1;
    pinned_.resize(pods_.size());
    pinned_[i] = zone;
    pod_group_.push_back(group_of(i));
    candidates_.resize(group_pod_.size() * pools_.size(), nullptr);
    node_match_.resize(group_pod_.size() * existing_.size(), -1);
    variants_.emplace(std::move(key), i);
    return i;
  }

  // The pod is placed in `zone` ("" when not pinned to one: Karpenter records a pod only once its
  // domain is known) on the node `host`: it counts for its workload's spreads.
  void record(std::size_t original, const std::string& zone, const std::string& host) {
    for (std::size_t k : pod_spreads_[original]) {
      Spread& s = spreads_[k];
      if (s.c.key == label::kHostname) ++s.counts[host];
      else if (!zone.empty() && s.counts.count(zone)) ++s.counts[zone];
    }
  }

  bool explain_ = true;
  std::vector<const PodSpec*> pods_;
  const std::vector<NodePoolSpec>& pools_;
  const std::vector<Offering>& offerings_;
  std::vector<Res> nodes_free_;
  std::vector<const ExistingNode*> existing_;
  const std::vector<TypeInfo>& types_;
  SchedulingSnapshot::Impl& snapshot_;
  std::vector<std::size_t> pool_order_;
  std::vector<const NodePoolBeliefs*> beliefs_;  // by pool: its NodeOverlays' beliefs, or nullptr
  std::vector<Res> pool_used_;  // capacity of the pool's existing nodes plus claim reservations
  std::vector<int> pool_nodes_;
  std::vector<std::size_t> pod_group_;
  std::vector<std::size_t> group_pod_;     // a representative pod per group
  std::vector<std::string> group_key_;
  std::vector<Candidates*> candidates_;    // group × pool, into the snapshot's cache
  std::vector<signed char> node_match_;    // group × existing node: -1 unknown
  std::vector<Claim> claims_;
  Narrowed scratch_;  // can_add writes here; add takes it (buffers reused across calls)
  std::vector<int> reserved_taken_;  // by offering: reserved instances this round's claims take (empty: none yet)
  std::vector<std::size_t> claim_order_;
  std::map<std::string, std::size_t> groups_;  // group key -> group
  std::vector<Spread> spreads_;
  std::vector<std::vector<std::size_t>> pod_spreads_;  // by original pod: its spreads
  bool relaxed_ = false;                               // ScheduleAnyway spreads dropped for the pod at hand
  std::map<std::pair<std::size_t, std::string>, std::size_t> variants_;  // (pod, zone) -> its pinned copy
  std::vector<std::unique_ptr<PodSpec>> variant_specs_;
  std::vector<std::string> pinned_;  // by pod: the zone its copy is pinned to ("" for the originals)
};

}  // namespace

std::optional<std::size_t> SchedulingResult::claim_of(std::string_view pod) const {
  for (std::size_t i = 0; i < claims.size(); ++i)
    if (std::find(claims[i].pods.begin(), claims[i].pods.end(), pod) != claims[i].pods.end()) return i;
  return std::nullopt;
}

std::string SchedulingResult::node_of(std::string_view pod) const {
  for (const Binding& b : bound_to_existing)
    if (b.pod == pod) return b.node;
  return {};
}

SchedulingCatalog::SchedulingCatalog(const InstanceCatalog& c) : catalog(&c) {
  labels.reserve(c.types().size());
  for (std::size_t i = 0; i < c.types().size(); ++i) {
    labels.push_back(labels_of(c.types()[i]));
    index.emplace(c.types()[i].name, i);
    devices.push_back(c.types()[i].gpus + c.types()[i].accelerators);
  }
}

SchedulingSnapshot::SchedulingSnapshot(const SchedulingCatalog& catalog, std::vector<Offering> offerings,
                                       std::map<std::string, NodePoolBeliefs, std::less<>> beliefs)
    : impl_(std::make_unique<Impl>()) {
  for (const auto& [name, b] : beliefs) {
    if (!b.prices.empty() && b.prices.size() != offerings.size())
      throw Error(fmt::format("NodePool {}: {} overlaid prices for {} offerings", name, b.prices.size(), offerings.size()));
    if (!b.devices.empty() && b.devices.size() != catalog.catalog->types().size())
      throw Error(fmt::format("NodePool {}: {} overlaid device counts for {} instance types", name, b.devices.size(), catalog.catalog->types().size()));
  }
  impl_->offerings = std::move(offerings);
  impl_->beliefs = std::move(beliefs);
  const auto& cat = catalog.catalog->types();
  auto& types = impl_->types;
  types.reserve(cat.size());
  for (std::size_t i = 0; i < cat.size(); ++i) {
    const InstanceType& t = cat[i];
    TypeInfo ti;
    ti.type = &t;
    ti.labels = &catalog.labels[i];
    // The device slot holds whichever accelerators the type has (a type has GPUs or Neuron devices, not both).
    ti.alloc = {t.alloc_cpu_millicores, t.alloc_memory_mib, catalog.devices[i], t.alloc_pods};
    // Limits count nvidia.com/gpu as Karpenter's instance type gives it: a capacity overlay's count on
    // an NVIDIA type (time-slicing: the node advertises its slices), else its GPUs.
    ti.nvidia = device_count(t, DeviceResource::NvidiaGpu) > 0;
    ti.capacity = {std::int64_t{t.vcpu} * 1000, t.memory_mib, ti.nvidia ? catalog.devices[i] : t.gpus, 1};
    ti.gpu_like = t.accelerated();
    ti.metal = t.name.find("metal") != std::string::npos;
    ti.ref_price = t.ondemand_usd_per_h;
    types.push_back(std::move(ti));
  }
  const auto& offs = impl_->offerings;
  std::vector<char> seen(types.size(), 0);
  for (std::size_t o = 0; o < offs.size(); ++o) {
    auto it = catalog.index.find(offs[o].instance_type);
    if (it == catalog.index.end()) continue;
    TypeInfo& ti = types[it->second];
    ti.offerings.push_back(o);
    if (offs[o].available) {
      ti.ref_price = seen[it->second] ? std::min(ti.ref_price, offs[o].price_usd_per_h) : offs[o].price_usd_per_h;
      seen[it->second] = 1;
    }
  }
}

SchedulingSnapshot::~SchedulingSnapshot() = default;
SchedulingSnapshot::SchedulingSnapshot(SchedulingSnapshot&&) noexcept = default;
SchedulingSnapshot& SchedulingSnapshot::operator=(SchedulingSnapshot&&) noexcept = default;

SchedulingResult schedule(const std::vector<const PodSpec*>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<const ExistingNode*>& existing, const SchedulingSnapshot& snapshot, bool explain) {
  return Scheduler(pods, pools, existing, *snapshot.impl_, explain).run();
}

SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<const ExistingNode*>& existing, const SchedulingSnapshot& snapshot, bool explain) {
  std::vector<const PodSpec*> ptrs;
  ptrs.reserve(pods.size());
  for (const auto& p : pods) ptrs.push_back(&p);
  return schedule(ptrs, pools, existing, snapshot, explain);
}

SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<ExistingNode>& existing, const SchedulingCatalog& catalog,
                          const std::vector<Offering>& offerings) {
  std::vector<const ExistingNode*> nodes;
  nodes.reserve(existing.size());
  for (const auto& n : existing) nodes.push_back(&n);
  return schedule(pods, pools, nodes, SchedulingSnapshot(catalog, offerings));
}

SchedulingResult schedule(const std::vector<PodSpec>& pods, const std::vector<NodePoolSpec>& pools,
                          const std::vector<ExistingNode>& existing, const InstanceCatalog& catalog,
                          const std::vector<Offering>& offerings) {
  return schedule(pods, pools, existing, SchedulingCatalog(catalog), offerings);
}

std::vector<Offering> ondemand_offerings(const InstanceCatalog& catalog, const std::vector<std::string>& zones) {
  std::vector<Offering> out;
  out.reserve(catalog.types().size() * zones.size());
  for (const InstanceType& t : catalog.types())
    for (const std::string& z : zones) {
      Offering o;
      o.instance_type = t.name;
      o.zone = z;
      o.capacity_type = CapacityType::OnDemand;
      o.price_usd_per_h = t.ondemand_usd_per_h;
      out.push_back(std::move(o));
    }
  return out;
}

const Labels* SchedulingSnapshot::type_labels(std::string_view name) const {
  for (const TypeInfo& t : impl_->types)
    if (t.type->name == name) return t.labels;
  return nullptr;
}

int distinct_values(const std::string& key, const std::vector<std::string>& types, const SchedulingSnapshot& snapshot) {
  std::set<std::string> seen;
  for (const auto& name : types)
    if (const Labels* labels = snapshot.type_labels(name))
      if (auto it = labels->find(key); it != labels->end()) seen.insert(it->second);
  return static_cast<int>(seen.size());
}

std::string min_values_unmet(const std::vector<MinValues>& min_values, const std::vector<std::string>& types, const SchedulingSnapshot& snapshot) {
  for (const MinValues& mv : min_values)
    if (const int n = distinct_values(mv.key, types, snapshot); n < mv.min)
      return fmt::format("minValues: the types have {} distinct value(s) of {}, the NodePool requires {}", n, mv.key, mv.min);
  return {};
}

}  // namespace capsim
