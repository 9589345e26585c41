# capsim run --explain: Karpenter's reasons for each node it launched. In
# tests/data/scenarios/karpenter_explain.json two 1-GPU replicas (1 CPU each) may run on g5.xlarge or
# g5.12xlarge, the types their service has a throughput for (on-demand only): the first opens a claim
# [g5.xlarge, g5.12xlarge], the second joins it, which only g5.12xlarge can hold: one g5.12xlarge at
# USD 5.672/h for both pods. Cheaper types are grouped by reason: the 2-vCPU types cannot hold 2000m
# (1930m allocatable), CPU-only types have no GPU, inf2 has Neuron devices, and the NVIDIA GPU types
# that would fit are rejected only because the service has no throughput for them — said as such,
# not as the instance-type requirement that restriction becomes.
execute_process(COMMAND ${CAPSIM} run ${SOURCE_DIR}/tests/data/scenarios/karpenter_explain.json -o ${WORK_DIR}/explain.json -q --explain 5
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim run --explain failed (${rc}): ${err}")
endif()
foreach(expected "Provisioner decisions, policy default (replicate 0): 1 (nodes launched, consolidations, pods not scheduled)"
                 "NodePool gpu: node g5.12xlarge (on-demand, us-east-1a, 5.6720 USD/h) for 2 pod(s) [api#0, api#1]; 2 type(s) considered"
                 "USD/h): fit: cpu 2000m > 1930m: c6i.large, m5.large, m6i.large, r6i.large"
                 "USD/h): fit: nvidia.com/gpu: the type's accelerators are Neuron devices: inf2.xlarge, inf2.8xlarge"
                 "USD/h): throughput: the pod's service has no throughput_rps for this type (a replica runs only on the types listed there): g4dn.xlarge,")
  string(FIND "${out}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "capsim run --explain output lacks '${expected}':\n${out}")
  endif()
endforeach()
message(STATUS "capsim run --explain: ok")
