# What both backends share (BSD-socket address conversion, the option and
# flag tables, the getaddrinfo result loop, the calls made alike): included by
# each platform/<backend>/backend.cmake. Its files reach the backend's native
# names through that backend's system.hpp.
target_sources(portsock PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/address.cpp
    ${CMAKE_CURRENT_LIST_DIR}/multicast.cpp
    ${CMAKE_CURRENT_LIST_DIR}/socket.cpp)
target_include_directories(portsock PRIVATE ${CMAKE_CURRENT_LIST_DIR})
