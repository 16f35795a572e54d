# Tests of portsock as a package (included from tests/CMakeLists.txt):
#   version_test          portsock/version.hpp states project()'s version
#   consumer_install      (fixture) cmake --install into a prefix in the build tree
#   consumer_find_package find_package(portsock CONFIG) from that prefix
#   consumer_pkg_config   pkg-config --static portsock from that prefix
#   consumer_exceptions   a program with exceptions on sees the throwing forms
#                         only if that portsock has them (PORTSOCK_EXCEPTIONS)
#   consumer_add_subdirectory  portsock as a subdirectory, built shared
#   consumer_fetchcontent      portsock through FetchContent, built static
#   workflow_check        .github/workflows/ci.yml covers every workflow preset
#   abi_exports           a shared portsock exports no portsock::sys::, ::fault::
#                         or ::detail:: symbol (tests/abi_exports.cmake)
# Each consumer is a separate CMake project (tests/consumers/) configured,
# built and run from an empty folder with `ctest --build-and-test`, with this build's toolchain
# file, compiler, flags and build type, so that a cross build's consumers are
# cross-built too and run under the same emulator (wine, qemu).

portsock_test(version_test version_test.cpp)
target_compile_definitions(version_test PRIVATE
    PORTSOCK_PROJECT_VERSION_MAJOR=${PROJECT_VERSION_MAJOR}
    PORTSOCK_PROJECT_VERSION_MINOR=${PROJECT_VERSION_MINOR}
    PORTSOCK_PROJECT_VERSION_PATCH=${PROJECT_VERSION_PATCH}
    "PORTSOCK_PROJECT_VERSION=\"${PROJECT_VERSION}\"")

# A test that cannot run here: registered anyway, reported as skipped with why.
function(portsock_skipped_test name reason)
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: ${reason}")
    set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED:" LABELS packaging)
endfunction()

set(consumers_src ${CMAKE_CURRENT_SOURCE_DIR}/consumers)
set(consumers_bin ${CMAKE_CURRENT_BINARY_DIR}/consumers)
set(consumers_prefix ${consumers_bin}/prefix)

# What every consumer build inherits from this one.
set(consumer_options "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}")
foreach(var IN ITEMS CMAKE_TOOLCHAIN_FILE CMAKE_SYSROOT CMAKE_CXX_COMPILER CMAKE_CXX_STANDARD
                     CMAKE_CXX_FLAGS CMAKE_EXE_LINKER_FLAGS CMAKE_SHARED_LINKER_FLAGS)
    if(NOT "${${var}}" STREQUAL "")
        list(APPEND consumer_options "-D${var}=${${var}}")
    endif()
endforeach()
# The emulator, when it was given as a cache variable rather than by the
# toolchain file (a CMakeUserPresets.json for an SDK, see ci/CROSS.md): a list,
# so it travels with '|' between its words (tests/consumers/consumer.cmake).
if(CMAKE_CROSSCOMPILING_EMULATOR)
    string(REPLACE ";" "|" consumer_emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
    list(APPEND consumer_options "-DPORTSOCK_CONSUMER_EMULATOR=${consumer_emulator}")
endif()
# A build over the kqueue model (PORTSOCK_KQUEUE_MODEL): an installed
# portsock calls kqueue and kevent, which only the model's library defines
# here, and which is not installed; the consumers link it after everything.
if(PORTSOCK_KQUEUE_MODEL)
    list(APPEND consumer_options "-DCMAKE_CXX_STANDARD_LIBRARIES=$<TARGET_FILE:portsock_kqueue_model>")
endif()
# ...and the builds that compile portsock's sources again, its options.
set(consumer_source_options
    "-DPORTSOCK_EXCEPTIONS=${PORTSOCK_EXCEPTIONS}"
    "-DPORTSOCK_WERROR=${PORTSOCK_WERROR}"
    "-DPORTSOCK_BACKEND=${PORTSOCK_BACKEND}")
if(DEFINED PORTSOCK_POLLER)
    list(APPEND consumer_source_options "-DPORTSOCK_POLLER=${PORTSOCK_POLLER}")
endif()
if(PORTSOCK_KQUEUE_MODEL)
    list(APPEND consumer_source_options "-DPORTSOCK_KQUEUE_MODEL=${PORTSOCK_KQUEUE_MODEL}")
endif()

function(portsock_consumer_test kind)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "OPTIONS;PROPERTIES")
    add_test(NAME consumer_${kind}
        COMMAND ${CMAKE_COMMAND} -DCONSUMER_BINARY_DIR=${consumers_bin}/${kind}
            -P ${consumers_src}/run_consumer.cmake --
            ${consumers_src}/${kind} ${consumers_bin}/${kind}
            --build-generator ${CMAKE_GENERATOR}
            --build-makeprogram ${CMAKE_MAKE_PROGRAM}
            --build-config $<CONFIG>
            --build-noclean
            --build-options ${consumer_options} ${arg_OPTIONS}
            --test-command ${CMAKE_CTEST_COMMAND} -C $<CONFIG> --output-on-failure)
    # A consumer build compiles while other tests run: give it two of
    # ctest's job slots, and time.
    set_tests_properties(consumer_${kind} PROPERTIES
        LABELS packaging PROCESSORS 2 TIMEOUT 900 ${arg_PROPERTIES})
endfunction()

# Install this build into a prefix of its own, for the consumers of an
# installed portsock.
add_test(NAME consumer_install
    COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix ${consumers_prefix}
            --config $<CONFIG>)
set_tests_properties(consumer_install PROPERTIES
    LABELS packaging FIXTURES_SETUP portsock_installed)

# portsock_DIR rather than CMAKE_PREFIX_PATH: a cross toolchain searches for
# packages only below its own root (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY).
portsock_consumer_test(find_package
    OPTIONS "-Dportsock_DIR=${consumers_prefix}/${PORTSOCK_INSTALL_CMAKEDIR}"
            "-DPORTSOCK_WANTED_VERSION=${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}"
    PROPERTIES FIXTURES_REQUIRED portsock_installed)

# Built with exceptions on whatever this build's setting: it must see the
# throwing forms exactly when the installed library has them.
portsock_consumer_test(exceptions
    OPTIONS "-Dportsock_DIR=${consumers_prefix}/${PORTSOCK_INSTALL_CMAKEDIR}"
            "-DPORTSOCK_EXPECT_EXCEPTIONS=${PORTSOCK_EXCEPTIONS}"
    PROPERTIES FIXTURES_REQUIRED portsock_installed)

find_program(PORTSOCK_PKG_CONFIG NAMES pkg-config pkgconf DOC "pkg-config, for the consumer_pkg_config test")
if(PORTSOCK_PKG_CONFIG)
    portsock_consumer_test(pkg_config
        OPTIONS "-DPKG_CONFIG_EXECUTABLE=${PORTSOCK_PKG_CONFIG}"
        PROPERTIES FIXTURES_REQUIRED portsock_installed
                   ENVIRONMENT "PKG_CONFIG_LIBDIR=${consumers_prefix}/${PORTSOCK_INSTALL_PKGCONFIGDIR};PKG_CONFIG_PATH=")
else()
    portsock_skipped_test(consumer_pkg_config "no pkg-config on this machine (Debian: pkgconf)")
endif()

# The two consumers that compile portsock's sources again cost the most
# (about half a minute each on two cores). They run by default where they
# show something the other builds do not: not under the sanitizers (the
# library is the same; dev builds it) and not for the Linux CPUs under qemu
# (find_package and pkg-config already consume the cross build there).
# mingw-cross runs them: a DLL under wine is a case of its own.
set(portsock_source_consumers_default ON)
set(portsock_source_consumers_why "this build")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=")
    set(portsock_source_consumers_default OFF)
    set(portsock_source_consumers_why "a sanitizer build")
elseif(CMAKE_CROSSCOMPILING AND NOT CMAKE_SYSTEM_NAME STREQUAL "Windows")
    set(portsock_source_consumers_default OFF)
    set(portsock_source_consumers_why "a Linux cross build")
endif()
option(PORTSOCK_TEST_SOURCE_CONSUMERS
    "Run the consumer tests that build portsock from source (add_subdirectory, FetchContent)"
    ${portsock_source_consumers_default})
if(PORTSOCK_TEST_SOURCE_CONSUMERS)
    portsock_consumer_test(add_subdirectory
        OPTIONS "-DPORTSOCK_SOURCE_DIR=${PROJECT_SOURCE_DIR}" -DBUILD_SHARED_LIBS=ON
                ${consumer_source_options})
    portsock_consumer_test(fetchcontent
        OPTIONS "-DFETCHCONTENT_SOURCE_DIR_PORTSOCK=${PROJECT_SOURCE_DIR}" ${consumer_source_options})
else()
    foreach(kind IN ITEMS add_subdirectory fetchcontent)
        portsock_skipped_test(consumer_${kind} "builds portsock again: not run in ${portsock_source_consumers_why} (dev, clang and mingw-cross run it; PORTSOCK_TEST_SOURCE_CONSUMERS=ON runs it here)")
    endforeach()
endif()

# What a shared portsock exports: this build's library when it is shared,
# else the one consumer_add_subdirectory builds shared (when that runs).
find_program(PORTSOCK_CXXFILT NAMES c++filt DOC "c++filt, for abi_exports on a DLL")
set(abi_exports_args "-DNM=${CMAKE_NM}" "-DOBJDUMP=${CMAKE_OBJDUMP}" "-DCXXFILT=${PORTSOCK_CXXFILT}")
if(BUILD_SHARED_LIBS)
    add_test(NAME abi_exports
        COMMAND ${CMAKE_COMMAND} "-DLIBRARY=$<TARGET_FILE:portsock>" ${abi_exports_args}
                -P ${CMAKE_CURRENT_SOURCE_DIR}/abi_exports.cmake)
    set_tests_properties(abi_exports PROPERTIES LABELS packaging SKIP_REGULAR_EXPRESSION "SKIPPED:")
elseif(PORTSOCK_TEST_SOURCE_CONSUMERS)
    add_test(NAME abi_exports
        COMMAND ${CMAKE_COMMAND} "-DLIBRARY=${consumers_bin}/add_subdirectory" ${abi_exports_args}
                -P ${CMAKE_CURRENT_SOURCE_DIR}/abi_exports.cmake)
    set_tests_properties(consumer_add_subdirectory PROPERTIES FIXTURES_SETUP portsock_shared_built)
    set_tests_properties(abi_exports PROPERTIES LABELS packaging SKIP_REGULAR_EXPRESSION "SKIPPED:"
                                                FIXTURES_REQUIRED portsock_shared_built)
else()
    portsock_skipped_test(abi_exports "a static build, and no consumer builds portsock shared here (BUILD_SHARED_LIBS=ON or PORTSOCK_TEST_SOURCE_CONSUMERS=ON runs it)")
endif()

# The hosted CI matrix, read with a YAML parser.
find_program(PORTSOCK_HOST_PYTHON3 NAMES python3 python DOC "python3, for workflow_check")
if(PORTSOCK_HOST_PYTHON3)
    add_test(NAME workflow_check
        COMMAND ${PORTSOCK_HOST_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/ci/check_workflow.py
                ${PROJECT_SOURCE_DIR})
    set_tests_properties(workflow_check PROPERTIES LABELS packaging SKIP_RETURN_CODE 77)
else()
    portsock_skipped_test(workflow_check "no python3 on this machine")
endif()
