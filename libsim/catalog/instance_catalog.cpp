#include "capsim/catalog/instance_catalog.hpp"

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

InstanceCatalog::InstanceCatalog(std::vector<InstanceType> types, std::string source)
    : types_(std::move(types)), source_(std::move(source)) {
  for (std::size_t i = 0; i < types_.size(); ++i) {
    if (!index_.emplace(types_[i].name, i).second) throw Error("instance catalog lists '" + types_[i].name + "' twice");
  }
}

const InstanceType& InstanceCatalog::at(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) {
    std::string msg = "unknown instance type '" + std::string(name) + "'";
    auto near = closest(name);
    if (!near.empty()) {
      msg += " (closest: ";
      for (std::size_t i = 0; i < near.size(); ++i) msg += (i ? ", " : "") + near[i];
      msg += ")";
    }
    throw Error(msg);
  }
  return types_[it->second];
}

std::optional<InstanceType> InstanceCatalog::find(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return types_[it->second];
}

std::vector<std::string> InstanceCatalog::closest(std::string_view name, std::size_t n) const {
  std::vector<std::string> names;
  names.reserve(types_.size());
  for (const auto& t : types_) names.push_back(t.name);
  return close_matches(name, names, n);
}

bool InstanceCatalog::upsert(InstanceType type) {
  auto it = index_.find(type.name);
  if (it != index_.end()) {
    types_[it->second] = std::move(type);
    return true;
  }
  index_.emplace(type.name, types_.size());
  types_.push_back(std::move(type));
  return false;
}

void InstanceCatalog::override_price(std::string_view name, double ondemand_usd_per_h) {
  auto it = index_.find(name);
  if (it == index_.end()) at(name);  // throws with close matches
  types_[it->second].ondemand_usd_per_h = ondemand_usd_per_h;
}

}  // namespace capsim
