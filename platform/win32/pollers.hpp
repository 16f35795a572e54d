// The two Windows pollers behind the contract's poller_* functions
// (poller.cpp chooses one per poller): AFD polling (poller_afd.cpp, the
// default) and select() (poller_select.cpp, the fallback). Each keeps the
// contract's rules for poller_* (core/src/sys.hpp) in its own functions.
#pragma once

#include "sys.hpp"

#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock::sys {

struct afd_state;
/// Null with the reason in `ec` when the AFD device or a completion port
/// cannot be opened, or when sockets here have no base handle to poll (a
/// non-IFS layered service provider): poller.cpp then uses select.
afd_state* afd_open(std::error_code& ec) noexcept;
void afd_close(afd_state* p) noexcept;
std::error_code afd_add(afd_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code afd_modify(afd_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code afd_remove(afd_state* p, handle h) noexcept;
std::size_t afd_wait(afd_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                     std::error_code& ec) noexcept;
void afd_wake(afd_state* p) noexcept;

struct select_state;
select_state* select_open(std::error_code& ec) noexcept;
void select_close(select_state* p) noexcept;
std::error_code select_add(select_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code select_modify(select_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code select_remove(select_state* p, handle h) noexcept;
std::size_t select_wait(select_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                        std::error_code& ec) noexcept;
void select_wake(select_state* p) noexcept;

}  // namespace portsock::sys
