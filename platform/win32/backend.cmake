# The Windows backend: Winsock 2, for Windows 10 and later (MSVC, clang-cl,
# MinGW-w64; tested here under wine).
target_sources(portsock PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/batch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poller.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poller_afd.cpp
    ${CMAKE_CURRENT_LIST_DIR}/poller_select.cpp
    ${CMAKE_CURRENT_LIST_DIR}/resolve.cpp
    ${CMAKE_CURRENT_LIST_DIR}/socket.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/../common/common.cmake)
target_compile_definitions(portsock PRIVATE WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0A00)
target_link_libraries(portsock PRIVATE ws2_32 iphlpapi)
