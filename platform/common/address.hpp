// Endpoints to and from the system's socket addresses, for both backends
// (BSD sockets and Winsock lay them out alike; system.hpp names what
// differs). Ports and addresses are copied as bytes in network order, so no
// byte-swapping is written by hand anywhere.
#pragma once

#include "sys.hpp"
#include "system.hpp"

#include <portsock/endpoint.hpp>

#include <system_error>

namespace portsock::sys {

/// A socket address as the system takes it, with its length. The storage is
/// not zeroed: to_native or the system fills it, and only its first `size`
/// bytes are ever read (zeroing 128 bytes on every sendto and recvfrom was
/// measurable).
struct native_address {
    sockaddr_storage storage;
    os::socklen size = sizeof(sockaddr_storage);

    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// Fills `out` from an endpoint; `error::path_too_long` for a Unix path the
/// system cannot take.
std::error_code to_native(const endpoint& e, native_address& out) noexcept;
/// The endpoint for the first `size` bytes at `address`, which are all it
/// reads: empty for an address too short for its family (a Unix-domain one
/// may stop anywhere after its family) or, of a family portsock has no name
/// for, one longer than an endpoint holds.
endpoint from_native(const sockaddr* address, os::socklen size) noexcept;

}  // namespace portsock::sys
