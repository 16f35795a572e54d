# The shared library exports only portsock's public interface: no symbol of
# portsock::sys:: (the platform contract), portsock::fault:: (the test seam)
# or portsock::detail:: (helpers of the headers' templates).
#
#     cmake -DLIBRARY=<libportsock.so or .dll, or a folder to search>
#           -DNM=<nm> -DOBJDUMP=<objdump> -DCXXFILT=<c++filt> -P abi_exports.cmake
#
# ELF and Mach-O: `nm -DC --defined-only` lists the dynamic symbols. A DLL:
# the names in `objdump -p`'s export table, demangled by c++filt. Prints
# "SKIPPED: why" (ctest reports the test skipped) when there is no shared
# library or no tool to read it.
if(IS_DIRECTORY "${LIBRARY}")
    file(GLOB_RECURSE found "${LIBRARY}/*.so" "${LIBRARY}/*.dylib" "${LIBRARY}/*.dll")
    list(FILTER found INCLUDE REGEX "/(lib)?portsock\\.(so|dylib|dll)$")
    list(LENGTH found count)
    if(count EQUAL 0)
        message("SKIPPED: no shared portsock under ${LIBRARY}")
        return()
    endif()
    list(GET found 0 LIBRARY)
endif()
if(NOT EXISTS "${LIBRARY}")
    message("SKIPPED: no shared library ${LIBRARY}")
    return()
endif()

if(LIBRARY MATCHES "\\.dll$")
    if(NOT OBJDUMP OR NOT CXXFILT)
        message("SKIPPED: no objdump and c++filt to read the DLL's export table")
        return()
    endif()
    execute_process(COMMAND "${OBJDUMP}" -p "${LIBRARY}" OUTPUT_VARIABLE table RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "${OBJDUMP} -p ${LIBRARY} failed: ${status}")
    endif()
    # The lines after "[Ordinal/Name Pointer] Table": "\t[   3] name".
    string(REGEX REPLACE ".*\\[Ordinal/Name Pointer\\] Table" "" table "${table}")
    string(REGEX MATCHALL "\n[ \t]*\\[ *[0-9]+\\] [^\n]+" lines "${table}")
    set(mangled "")
    foreach(line IN LISTS lines)
        string(REGEX REPLACE "^\n[ \t]*\\[ *[0-9]+\\] " "" name "${line}")
        string(APPEND mangled "${name}\n")
    endforeach()
    set(names_file "${CMAKE_CURRENT_BINARY_DIR}/abi_exports_names.txt")
    file(WRITE "${names_file}" "${mangled}")
    execute_process(COMMAND "${CXXFILT}" INPUT_FILE "${names_file}" OUTPUT_VARIABLE symbols
                    RESULT_VARIABLE status)
else()
    if(NOT NM)
        message("SKIPPED: no nm to read ${LIBRARY}")
        return()
    endif()
    execute_process(COMMAND "${NM}" -DC --defined-only "${LIBRARY}" OUTPUT_VARIABLE symbols
                    RESULT_VARIABLE status)
endif()
if(NOT status EQUAL 0)
    message(FATAL_ERROR "reading the symbols of ${LIBRARY} failed: ${status}")
endif()

string(REGEX REPLACE "\n$" "" symbols "${symbols}")
string(REPLACE ";" "\\;" symbols "${symbols}")
string(REPLACE "\n" ";" symbols "${symbols}")
list(LENGTH symbols total)
set(public ${symbols})
list(FILTER public INCLUDE REGEX "portsock::")
list(LENGTH public public_count)
set(internal ${symbols})
list(FILTER internal INCLUDE REGEX "portsock::(sys|fault|detail)::")
list(LENGTH internal internal_count)
message("${LIBRARY}: ${total} exported symbols, ${public_count} naming portsock::, "
        "${internal_count} internal")
if(internal_count GREATER 0)
    list(JOIN internal "\n  " shown)
    message(FATAL_ERROR "exported internals:\n  ${shown}")
endif()
