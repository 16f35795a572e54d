// Endpoints to and from the system's socket addresses (POSIX). Ports and
// addresses are copied as bytes in network order, so no byte-swapping is
// written by hand anywhere.
#pragma once

#include <portsock/endpoint.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <system_error>

namespace portsock::sys {

/// A socket address as the system takes it, with its length. The storage is
/// not zeroed: to_native or the system fills it, and only its first `size`
/// bytes are ever read (zeroing 128 bytes on every sendto and recvfrom was
/// measurable).
struct native_address {
    sockaddr_storage storage;
    socklen_t size = sizeof(sockaddr_storage);

    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

int native_family(family f) noexcept;
int native_type(type t) noexcept;
/// portsock's family for a native one (`unspec` for anything else).
family from_native_family(int f) noexcept;

/// Fills `out` from an endpoint; `error::path_too_long` for a Unix path the
/// system cannot take.
std::error_code to_native(const endpoint& e, native_address& out) noexcept;
/// The endpoint for a native address (empty for families portsock lacks).
endpoint from_native(const sockaddr* address, socklen_t size) noexcept;

}  // namespace portsock::sys
