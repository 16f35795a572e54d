// The platform contract: the system calls portsock needs, declared once here
// and defined by exactly one backend (`platform/posix/` or `platform/win32/`),
// chosen by CMake. Each backend keeps these functions in files of the same
// names, so the two can be read side by side:
//
//   socket.cpp    open, close, bind, listen, accept, connect, shutdown, the
//                 data calls, wait, addresses, options, errors, socketpair
//   resolve.cpp   getaddrinfo, gethostname, interface_index
//   address.hpp/.cpp  endpoint <-> native socket address (backend-internal)
//   backend.cmake the backend's sources, feature checks and libraries
//
// The rules every backend keeps:
//   - a function reports failure in its std::error_code and never throws;
//     codes compare with std::errc the same way on every backend;
//   - an interrupted call (EINTR) is retried inside, keeping any deadline;
//   - handles are created close-on-exec / not inheritable, and no call ever
//     raises SIGPIPE;
//   - nothing allocates except getaddrinfo and gethostname.
//
// Arguments were validated by the core before they get here: handles are
// open, buffers are non-empty where that matters, endpoints are non-empty.
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/native.hpp>
#include <portsock/poller.hpp>
#include <portsock/resolve.hpp>
#include <portsock/types.hpp>

#include "sys_support.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace portsock::sys {

using handle = native_handle_type;

// Opening and closing -----------------------------------------------------------

/// A new socket, close-on-exec and (where the system needs it per socket)
/// with SIGPIPE suppressed.
handle open(family f, type t, int proto, std::error_code& ec) noexcept;
/// Releases the handle, whatever the outcome (never retried on EINTR).
std::error_code close(handle h) noexcept;
std::error_code set_nonblocking(handle h, bool on) noexcept;

// Connections ---------------------------------------------------------------

std::error_code bind(handle h, const endpoint& address) noexcept;
std::error_code listen(handle h, int backlog) noexcept;
/// Accepts one connection. The new handle is close-on-exec and in blocking
/// mode even when the listener is non-blocking (`listener_nonblocking`).
/// `peer` receives the peer's address.
handle accept(handle h, endpoint& peer, bool listener_nonblocking, std::error_code& ec) noexcept;
/// Starts or makes a connection. Blocking handle: returns when connected or
/// failed (an interrupted connect is completed, never repeated). Non-blocking
/// handle: a connection in progress is `std::errc::operation_in_progress`.
std::error_code connect(handle h, const endpoint& address) noexcept;
/// The outcome of a non-blocking connect once the handle is writable.
std::error_code connect_result(handle h) noexcept;
std::error_code shutdown(handle h, shut how) noexcept;

// Data: each is one system call (retried only on EINTR) ---------------------

std::size_t send(handle h, const void* data, std::size_t size, msg flags,
                 std::error_code& ec) noexcept;
std::size_t recv(handle h, void* buffer, std::size_t size, msg flags,
                 std::error_code& ec) noexcept;
std::size_t sendto(handle h, const void* data, std::size_t size, const endpoint& to, msg flags,
                   std::error_code& ec) noexcept;
/// Receives one message from a message socket (datagram, raw, seqpacket:
/// never a stream, which recv serves). A message longer than `size` fills
/// the buffer and reports `std::errc::message_size`; `from` is still set.
std::size_t recvfrom(handle h, void* buffer, std::size_t size, endpoint* from, msg flags,
                     std::error_code& ec) noexcept;
/// Whether recvfrom learns a truncated message's whole length from the
/// system itself (then a shortened call, as the fault seam makes, cannot
/// show the shortened count: the system reports the whole length).
bool recvfrom_reports_whole_length() noexcept;

// Waiting -------------------------------------------------------------------

enum class direction : unsigned char { read, write };
/// Waits until the handle is ready in `dir` or `deadline` passes
/// (`std::errc::timed_out`). Readiness includes errors and hang-up.
std::error_code wait(handle h, direction dir, clock::time_point deadline) noexcept;

// Addresses and options -----------------------------------------------------

std::error_code getsockname(handle h, endpoint& out) noexcept;
std::error_code getpeername(handle h, endpoint& out) noexcept;
std::error_code set_option(handle h, option_id id, int value) noexcept;
std::error_code get_option(handle h, option_id id, int& value) noexcept;
std::error_code set_raw_option(handle h, int level, int name, const void* value,
                               std::size_t size) noexcept;
std::error_code get_raw_option(handle h, int level, int name, void* value,
                               std::size_t& size) noexcept;
/// A native error number (as SO_ERROR reports it) as a portable code.
std::error_code error_from_native(int code) noexcept;
/// See portsock::would_block: the backend's own codes are recognised by
/// number (a non-blocking receive loop ends with one every time), any other
/// code through std::errc.
bool would_block(std::error_code ec) noexcept;

// Readiness (poller.hpp) ------------------------------------------------------

/// The backend's poller (epoll, kqueue, poll or select), defined in its
/// poller_*.cpp. Created by poller_open, which may allocate; nothing else
/// allocates except poller_add where the backend keeps a table.
struct poller_state;
poller_state* poller_open(std::error_code& ec) noexcept;
void poller_close(poller_state* p) noexcept;
std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept;
std::error_code poller_remove(poller_state* p, handle h) noexcept;
/// Fills `out`; returns 0 on timeout or wake. EINTR is retried to the deadline.
std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                        std::error_code& ec) noexcept;
/// Async-signal-safe on POSIX.
void poller_wake(poller_state* p) noexcept;

/// See portsock::raise_handle_limit.
std::size_t raise_handle_limit(std::size_t wanted, std::error_code& ec) noexcept;

/// Two connected sockets of the given kind.
std::error_code socketpair(family f, type t, int proto, handle (&out)[2]) noexcept;

// Resolution ----------------------------------------------------------------

/// The system resolver. `host` and `service` are NUL-terminated or null;
/// the core has already checked lengths, NUL bytes and numeric ports.
std::vector<address_info> getaddrinfo(const char* host, const char* service, family f,
                                      std::optional<type> t, int proto, ai flags,
                                      std::error_code& ec);
std::string gethostname(std::error_code& ec);
/// The index of a network interface by name (for IPv6 scope ids), 0 if none.
std::uint32_t interface_index(std::string_view name) noexcept;
/// The size of the system's Unix-domain path field (`sun_path`): a pathname
/// must be shorter (it needs its NUL), an abstract name may fill it.
std::size_t local_path_capacity() noexcept;

}  // namespace portsock::sys
