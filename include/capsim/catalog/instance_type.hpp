#pragma once
// The facts of one EC2 instance type, as published (vCPU, memory, accelerators, Kubernetes
// allocatable) and its on-demand price.
#include <cstdint>
#include <string>
#include <string_view>

namespace capsim {

struct InstanceType {
  std::string name;    // "g5.xlarge"
  std::string family;  // "g5"
  int vcpu = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;
  std::string gpu_manufacturer;  // "nvidia", empty without GPUs
  std::string gpu_model;         // "a10g"
  std::int64_t gpu_memory_mib_per_gpu = 0;
  int accelerators = 0;  // non-GPU accelerators (Inferentia)
  std::string accelerator_model;
  std::string arch;  // "amd64"
  std::int64_t alloc_cpu_millicores = 0;
  std::int64_t alloc_memory_mib = 0;
  int alloc_pods = 0;
  double ondemand_usd_per_h = 0;

  /// Billed as `gpu_instances` (GPUs or other accelerators) rather than `other_instances`.
  bool accelerated() const { return gpus > 0 || accelerators > 0; }

  friend bool operator==(const InstanceType&, const InstanceType&) = default;
};

/// The extended resource a pod's accelerator request names: NVIDIA GPUs, or AWS Neuron devices
/// (Inferentia, Trainium), as the NVIDIA and Neuron device plugins advertise them on EKS nodes.
enum class DeviceResource { NvidiaGpu, AwsNeuron };

inline std::string_view to_string(DeviceResource d) { return d == DeviceResource::AwsNeuron ? "aws.amazon.com/neuron" : "nvidia.com/gpu"; }

/// How many devices of `d` an instance type offers (NVIDIA GPUs, or Inferentia/Trainium devices).
inline int device_count(const InstanceType& t, DeviceResource d) {
  if (d == DeviceResource::AwsNeuron) return t.accelerators;
  return t.gpu_manufacturer.empty() || t.gpu_manufacturer == "nvidia" ? t.gpus : 0;
}

}  // namespace capsim
