# Shared by the consumer projects: the program (consumer.cpp) linked with
# what each project found, and a test that runs it (through the toolchain's
# emulator, wine or qemu, in a cross build). Programs and DLLs go to one
# folder, so that a shared portsock.dll is found beside the program.
enable_testing()
set(CMAKE_CXX_STANDARD_REQUIRED ON)
if(NOT CMAKE_CXX_STANDARD)
    set(CMAKE_CXX_STANDARD 17)
endif()
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
set(portsock_consumer_dir ${CMAKE_CURRENT_LIST_DIR})
# The emulator of the build that runs this test, if its toolchain file did
# not already set one (tests/packaging.cmake passes it with '|' for ';').
if(PORTSOCK_CONSUMER_EMULATOR AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
    string(REPLACE "|" ";" CMAKE_CROSSCOMPILING_EMULATOR "${PORTSOCK_CONSUMER_EMULATOR}")
endif()

function(portsock_consumer)
    add_executable(consumer ${portsock_consumer_dir}/consumer.cpp)
    target_link_libraries(consumer PRIVATE ${ARGN})
    # Judged by its exit status (the emulators pass it on), which also shows
    # how it failed: a crash is not hidden behind "expected output not found".
    add_test(NAME consumer COMMAND consumer)
endfunction()

# portsock's own tests and apps are for portsock's developers: a project that
# pulls portsock in must not build them (or need GoogleTest).
function(portsock_consumer_expect_library_only)
    foreach(target IN ITEMS portsock_process thankyou-server endpoint_test)
        if(TARGET ${target})
            message(FATAL_ERROR "portsock as a subproject defined its own target '${target}'")
        endif()
    endforeach()
endfunction()
