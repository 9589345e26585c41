# capsim diff as a CI gate: tests/data/scenarios/manifests_diff.json with the manifests of
# tests/data/manifests/diff/before and /after, whose NodePool drops the g6 family. Two one-GPU pods
# move from g6.xlarge (0.8048 USD/h) to g5.xlarge (1.006 USD/h) for 3599 s of the hour each:
# 2 × 0.2012 × 719.8 = +289.65 USD a month on 1230.59, +23.5% (tests/manifest_policy_test.cpp).
set(SC ${SOURCE_DIR}/tests/data/scenarios/manifests_diff.json)
set(M ${SOURCE_DIR}/tests/data/manifests/diff)
execute_process(COMMAND ${CAPSIM} diff ${SC} --before ${M}/before --after ${M}/after --fail-above 25 -o ${WORK_DIR}/pass
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim diff --fail-above 25 should pass (exit 0), got ${rc}: ${out}${err}")
endif()
foreach(expected "monthly cost          1230.59 USD -> 1520.24 USD: +289.65 USD (+23.5%)"
                 "instance types appearing: g5.xlarge" "instance types disappearing: g6.xlarge"
                 "changed NodePool gpu: spec.template.spec.requirements[1].values[1]")
  string(FIND "${out}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "capsim diff output lacks '${expected}':\n${out}")
  endif()
endforeach()
foreach(f diff.json diff.txt result.json report.html)
  if(NOT EXISTS ${WORK_DIR}/pass/${f})
    message(FATAL_ERROR "capsim diff did not write ${f}")
  endif()
endforeach()
file(READ ${WORK_DIR}/pass/report.html html)
string(FIND "${html}" "<section id=\"diff\"><h2>Change from before to after</h2>" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "report.html lacks the diff's section")
endif()
execute_process(COMMAND ${CAPSIM} diff ${SC} --before ${M}/before --after ${M}/after --fail-above 20 -o ${WORK_DIR}/fail
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "capsim diff --fail-above 20 should fail the gate (exit 3), got ${rc}: ${out}${err}")
endif()
string(FIND "${out}" "FAIL: the monthly cost rises by 23.5%, more than --fail-above 20%" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "capsim diff --fail-above 20 does not say why it failed:\n${out}")
endif()
message(STATUS "capsim diff: ok")
