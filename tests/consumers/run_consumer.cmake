# Runs one consumer project from scratch:
#     cmake -DCONSUMER_BINARY_DIR=<dir> -P run_consumer.cmake -- <ctest --build-and-test arguments>
# The consumer's build folder is emptied first, so that nothing cached by an
# earlier run (a package found, pkg-config's answers) hides a change.
set(args "")
set(take OFF)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
    if(take)
        list(APPEND args "${CMAKE_ARGV${i}}")
    elseif(CMAKE_ARGV${i} STREQUAL "--")
        set(take ON)
    endif()
endforeach()
file(REMOVE_RECURSE "${CONSUMER_BINARY_DIR}")
execute_process(COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test ${args} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "consumer failed: ${status}")
endif()
