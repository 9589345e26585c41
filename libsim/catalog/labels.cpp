#include "capsim/catalog/labels.hpp"

#include <cctype>

namespace capsim {

const std::vector<std::string>& well_known_label_keys() {
  static const std::vector<std::string> keys = {
      std::string(label::kInstanceType),   std::string(label::kArch),          std::string(label::kOs),
      std::string(label::kZone),           std::string(label::kCapacityType),  std::string(label::kFamily),
      std::string(label::kCategory),       std::string(label::kGeneration),    std::string(label::kSize),
      std::string(label::kCpu),            std::string(label::kMemory),        std::string(label::kGpuName),
      std::string(label::kGpuManufacturer), std::string(label::kGpuCount),     std::string(label::kGpuMemory),
      std::string(label::kAcceleratorName), std::string(label::kAcceleratorCount), std::string(label::kCapacityReservationId),
      std::string(label::kCapacityReservationType)};
  return keys;
}

Labels labels_of(const InstanceType& t) {
  Labels l;
  l[std::string(label::kInstanceType)] = t.name;
  l[std::string(label::kArch)] = t.arch;
  l[std::string(label::kOs)] = "linux";
  l[std::string(label::kFamily)] = t.family;
  // "g4dn" → category "g", generation "4"; "inf2" → "inf", "2" (as Karpenter's AWS provider splits them).
  std::size_t i = 0;
  while (i < t.family.size() && std::isalpha(static_cast<unsigned char>(t.family[i]))) ++i;
  std::size_t j = i;
  while (j < t.family.size() && std::isdigit(static_cast<unsigned char>(t.family[j]))) ++j;
  l[std::string(label::kCategory)] = t.family.substr(0, i);
  if (j > i) l[std::string(label::kGeneration)] = t.family.substr(i, j - i);
  if (auto dot = t.name.find('.'); dot != std::string::npos) l[std::string(label::kSize)] = t.name.substr(dot + 1);
  l[std::string(label::kCpu)] = std::to_string(t.vcpu);
  l[std::string(label::kMemory)] = std::to_string(t.memory_mib);
  if (t.gpus > 0) {
    l[std::string(label::kGpuName)] = t.gpu_model;
    l[std::string(label::kGpuManufacturer)] = t.gpu_manufacturer;
    l[std::string(label::kGpuCount)] = std::to_string(t.gpus);
    l[std::string(label::kGpuMemory)] = std::to_string(t.gpu_memory_mib_per_gpu);
  }
  if (t.accelerators > 0) {
    l[std::string(label::kAcceleratorName)] = t.accelerator_model;
    l[std::string(label::kAcceleratorCount)] = std::to_string(t.accelerators);
  }
  return l;
}

Labels labels_of(const InstanceType& t, const Offering& o) {
  Labels l = labels_of(t);
  l[std::string(label::kZone)] = o.zone;
  l[std::string(label::kCapacityType)] = to_string(o.capacity_type);
  if (!o.reservation_id.empty()) {
    l[std::string(label::kCapacityReservationId)] = o.reservation_id;
    l[std::string(label::kCapacityReservationType)] = o.reservation_type;
  }
  return l;
}

bool is_offering_label(std::string_view key) {
  return key == label::kZone || key == label::kCapacityType || key == label::kCapacityReservationId || key == label::kCapacityReservationType;
}

}  // namespace capsim
