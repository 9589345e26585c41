# The README's main command: capsim compare on the bundled default scenario (the lever ladder).
# It prints the policies, the comparison, the ladder and a recommendation, and writes its files.
file(REMOVE_RECURSE ${WORK_DIR})
set(scenario ${SOURCE_DIR}/scenarios/gpu-inference-eks.json)
execute_process(COMMAND ${CAPSIM} compare ${scenario} ${ARGS} -j 2 -o ${WORK_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim compare failed (${rc}): ${err}")
endif()
foreach(expected "Policies" "right-sized  [extends baseline]" "Monthly cost (USD per 30-day month" "saving vs baseline"
                 "P(SLO breach)" "Savings per lever" "+spot vs +scheduled" "+quantized vs +spot" "Recommendation: "
                 "monthly cost by what it buys" "Assumptions (figures typed into the scenario without a source)" "/compare/risk_tolerance = 0.05"
                 "/services/0/throughput_rps/g6.xlarge = 1.89  [+quantized, +spot-batch]" "+spot-batch vs +quantized"
                 "Batch job nightly-embeddings" "uniform-progress")
  string(FIND "${out}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "capsim compare output lacks '${expected}':\n${out}")
  endif()
endforeach()
foreach(f result.json summary.csv replicates.csv timeseries.csv report.html)
  if(NOT EXISTS ${WORK_DIR}/${f})
    message(FATAL_ERROR "capsim compare wrote no ${f}")
  endif()
endforeach()
file(READ ${WORK_DIR}/result.json result)
string(JSON recommended GET "${result}" comparison recommendation policy)
string(JSON steps LENGTH "${result}" comparison ladder)
if(recommended STREQUAL "" OR NOT steps EQUAL 7)
  message(FATAL_ERROR "result.json: recommendation '${recommended}', ${steps} ladder steps (expected 7)")
endif()
file(STRINGS ${WORK_DIR}/summary.csv rows)
list(LENGTH rows nrows)
if(NOT nrows EQUAL 9)
  message(FATAL_ERROR "summary.csv has ${nrows} lines, expected a header and 8 policies")
endif()
message(STATUS "capsim compare: ok, recommends ${recommended}")
