# capsim validate: exit 0 on a good file, exit 2 with every problem listed on a bad one.
execute_process(COMMAND ${CAPSIM} validate ${SOURCE_DIR}/scenarios/gpu-inference-eks.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "ok: .*gpu-inference-eks.json \\(8 policies")
  message(FATAL_ERROR "validate on the default scenario: rc ${rc}, output ${out}")
endif()
execute_process(COMMAND ${CAPSIM} validate ${SOURCE_DIR}/tests/data/bad/unknown_key.json
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "validate on a bad file exited ${rc}, expected 2")
endif()
foreach(expected "unknown_key.json: /simulaton: expected one of the keys" "did you mean 'simulation'?"
                 "/cluster/node_groups/0/instance_typ" "did you mean 'instance_type'" "4 problems")
  string(FIND "${err}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "validate output lacks '${expected}':\n${err}")
  endif()
endforeach()
execute_process(COMMAND ${CAPSIM} run ${SOURCE_DIR}/tests/data/bad/malformed.json -o /dev/null
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "malformed.json:27:[0-9]+: expected valid JSON")
  message(FATAL_ERROR "run on malformed JSON: rc ${rc}, ${err}")
endif()
message(STATUS "capsim validate: ok")
