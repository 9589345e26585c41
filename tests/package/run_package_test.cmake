# Installs capsim from the build tree into a scratch prefix, then configures, builds and runs a
# consumer that only knows find_package(capsim).
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed (${rc})")
endif()
set(build_type ${BUILD_TYPE})
if(NOT build_type)
  set(build_type Release)
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
                        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=${build_type}
                        "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer configure failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer build failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer ${SOURCE_DIR}/tests/data/scenarios/hand.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# hand.json: 480 requests, 100 missed (worked out in tests/simulation_test.cpp).
if(NOT rc EQUAL 0 OR NOT out MATCHES "requests 480 missed 100")
  message(FATAL_ERROR "consumer run: rc ${rc}\n${out}\n${err}")
endif()
if(NOT EXISTS ${WORK_DIR}/prefix/bin/capsim)
  message(FATAL_ERROR "the capsim CLI was not installed")
endif()
message(STATUS "find_package(capsim) consumer: ${out}")
