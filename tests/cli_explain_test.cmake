# capsim run --explain: Karpenter's reasons for each node it launched. In
# tests/data/scenarios/karpenter_explain.json two 1-GPU replicas may run on g5.xlarge or g5.12xlarge
# (on-demand only): the first opens a claim [g5.xlarge, g5.12xlarge], the second joins it, which only
# g5.12xlarge can hold: one g5.12xlarge at USD 5.672/h for both pods, and every cheaper type
# rejected because the pods' types are limited to those two: one line for the lot, cheapest first.
execute_process(COMMAND ${CAPSIM} run ${SOURCE_DIR}/tests/data/scenarios/karpenter_explain.json -o ${WORK_DIR}/explain.json -q --explain 5
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim run --explain failed (${rc}): ${err}")
endif()
foreach(expected "Provisioner decisions, policy default (replicate 0): 1 (nodes launched, consolidations, pods not scheduled)"
                 "NodePool gpu: node g5.12xlarge (on-demand, us-east-1a, 5.6720 USD/h) for 2 pod(s) [api#0, api#1]; 2 type(s) considered"
                 "g5.xlarge" "m5.large" " cheaper types ("
                 "USD/h): requirements: node.kubernetes.io/instance-type In [g5.12xlarge, g5.xlarge]: c6i.large, m5.large")
  string(FIND "${out}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "capsim run --explain output lacks '${expected}':\n${out}")
  endif()
endforeach()
message(STATUS "capsim run --explain: ok")
