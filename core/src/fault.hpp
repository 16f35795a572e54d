// Fault injection: the seam between a backend and its system calls, for the
// tests only (the CMake option PORTSOCK_FAULT_INJECTION, off by default and
// on in the Debug presets). With the option off this header is not used and
// every backend calls the system directly: no branch, no indirection.
//
// With it on, the backend routes socket, connect, accept, send, recv, sendto,
// recvfrom and its readiness wait (poll) through an inline hook (the backend's
// fault_hooks.hpp) that asks decide() what to do: pass the call through, fail
// it with an error, or let it move fewer bytes. The message and batch calls
// count as sendto and recvfrom (sendmsg, sendmmsg, WSASend, WSASendMsg;
// recvmsg, recvmmsg, WSARecv, WSARecvMsg): one decision per call, a limit
// cutting the first buffer. Errors are given as std::errc values; each
// backend turns them into its own (errno, WSAE*) numbers.
//
// Rules are kept in order in a small fixed table (no allocation); a call
// obeys the first live rule for its kind and handle, so a test can script a
// sequence: three short writes, then EPIPE.
#pragma once

#include <portsock/native.hpp>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock::fault {

/// The system calls behind the seam.
enum class call : unsigned char { socket, connect, accept, send, recv, sendto, recvfrom, poll };
inline constexpr std::size_t call_kinds = 8;

/// `rule::times` for a rule that never runs out (until clear()).
inline constexpr unsigned forever = UINT_MAX;
/// `rule::limit` for "no limit".
inline constexpr std::size_t no_limit = SIZE_MAX;

struct rule {
    call target = call::send;
    /// Only calls on this handle; `invalid_native_handle`: any handle (a
    /// `socket` call has none, so its rules always match).
    native_handle_type handle = invalid_native_handle;
    /// Let this many matching calls through untouched first.
    unsigned skip = 0;
    /// Then act on this many matching calls (`forever`: on all of them).
    unsigned times = 1;
    /// Fail the call with this error instead of making it. Exceptions, as
    /// the systems behave: connect with `interrupted` is made first (an
    /// interrupted connect goes on in the background); poll with an error and
    /// a `limit` waits up to `limit` milliseconds first and fails only if
    /// nothing was ready by then (a signal that arrives during the wait).
    std::errc error{};
    /// Without an error: the data calls move at most `limit` bytes (a short
    /// write or read; a datagram then arrives truncated); poll waits at most
    /// `limit` milliseconds.
    std::size_t limit = no_limit;
};

/// Adds a rule after the ones already there. False when the table is full.
bool inject(const rule& r) noexcept;
/// Removes every rule and zeroes the injected() counts (calls() keeps
/// counting).
void clear() noexcept;
/// How many calls of this kind went through the seam since the process
/// started (passed through, shortened or failed).
std::uint64_t calls(call c) noexcept;
/// How many calls of this kind a rule acted on since the last clear().
std::uint64_t injected(call c) noexcept;

/// For the hooks: what to do with one call. Counts it.
struct decision {
    std::errc error{};
    std::size_t limit = no_limit;
};
decision decide(call c, native_handle_type h) noexcept;

/// True when the decision is to fail the call.
inline bool fails(const decision& d) noexcept { return d.error != std::errc{}; }

}  // namespace portsock::fault
