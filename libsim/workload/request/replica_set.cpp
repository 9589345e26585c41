#include "capsim/workload/request/replica_set.hpp"

#include <algorithm>

namespace capsim {

std::uint32_t ReplicaSet::add(ReplicaId id, double rate_rps, double mean_service_us, std::uint32_t slots, const LlmRates* llm) {
  std::uint32_t x;
  if (!unused_.empty()) {
    x = unused_.back();
    unused_.pop_back();
  } else {
    x = static_cast<std::uint32_t>(replicas_.size());
    replicas_.emplace_back();
  }
  ServingReplica& r = replicas_[x];
  r.id = id;
  r.rate_rps = rate_rps;
  r.mean_service_us = mean_service_us;
  r.slots.assign(slots, {});
  r.free_slots.clear();
  for (std::uint32_t k = slots; k-- > 0;) r.free_slots.push_back(k);  // slot 0 is taken first
  r.queue.clear();
  if (llm) r.batch.emplace(*llm);
  else r.batch.reset();
  ++r.epoch;
  r.live = true;
  r.grace_end = kTimeMax;
  r.active_pos = static_cast<std::int64_t>(active_.size());
  active_.push_back(x);
  loads_.push_back(0);
  free_slots_ += slots;
  by_id_[id] = x;
  capacity_rps_ += rate_rps;
  ++ready_;
  return x;
}

std::optional<std::uint32_t> ReplicaSet::find(ReplicaId id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

void ReplicaSet::stop(std::uint32_t x) {
  by_id_.erase(replicas_[x].id);
  capacity_rps_ = std::max(0.0, capacity_rps_ - replicas_[x].rate_rps);
  --ready_;
}

void ReplicaSet::deactivate(std::uint32_t x) {
  ServingReplica& r = replicas_[x];
  if (r.active_pos < 0) return;
  const auto pos = static_cast<std::size_t>(r.active_pos);
  const std::uint32_t moved = active_.back();
  active_[pos] = moved;
  loads_[pos] = loads_.back();
  replicas_[moved].active_pos = static_cast<std::int64_t>(pos);
  active_.pop_back();
  loads_.pop_back();
  free_slots_ -= static_cast<std::int64_t>(r.free_slots.size());
  r.active_pos = -1;
}

void ReplicaSet::release(std::uint32_t x) {
  replicas_[x].live = false;
  unused_.push_back(x);
}

void ReplicaSet::touch(std::uint32_t x) {
  const ServingReplica& r = replicas_[x];
  if (r.active_pos >= 0) loads_[static_cast<std::size_t>(r.active_pos)] = r.load();
}

void ReplicaSet::slot_change(std::uint32_t x, int delta) {
  if (replicas_[x].active_pos >= 0) free_slots_ += delta;
}

}  // namespace capsim
