// The platform contract: the system calls portsock needs, declared once here
// and defined by exactly one backend (`platform/posix/` or `platform/win32/`),
// chosen by CMake, with the code both write alike in `platform/common/`.
// Each backend keeps these functions in files of the same names, so the two
// can be read side by side:
//
//   platform/<backend>/
//     socket.cpp      open, close, set_nonblocking, accept, connect, the data
//                     calls, wait, socketpair, raise_handle_limit
//     resolve.cpp     getaddrinfo, gethostname, interface_index
//     error.hpp/.cpp  error_from_native, would_block, and the backend's own
//                     helpers: last_error, resolver_error (and on Windows
//                     Winsock's start-up, its error category, UTF-8/16)
//     poller_*.cpp    the poller: posix/poller_epoll.cpp, poller_kqueue.cpp
//                     or poller_poll.cpp (one, chosen by PORTSOCK_POLLER);
//                     win32/poller.cpp chooses per poller between
//                     win32/poller_afd.cpp (AFD polling, the default) and
//                     win32/poller_select.cpp (PORTSOCK_WINDOWS_POLLER=select,
//                     or where AFD cannot be used), declared in pollers.hpp
//     fault_hooks.hpp the system calls the fault-injection seam can fail
//     system.hpp      the native names platform/common uses (sys::os)
//     backend.cmake   the backend's sources, feature checks and libraries
//     include/portsock/native.hpp  native_handle_type (public)
//   platform/posix/wake_pipe.hpp   the self-pipe the POSIX pollers wake by
//   platform/common/
//     socket.cpp      bind, listen, connect_result, shutdown, getsockname,
//                     getpeername, set/get_option, set/get_raw_option,
//                     local_path_capacity
//     address.hpp/.cpp  endpoint <-> native socket address
//     flags.hpp       msg and ai flags, socket types, the option table
//     resolve.hpp     the getaddrinfo hints and result loop
//     poller_support.hpp  the pollers' state allocation
//     multicast.cpp   membership, set/get_multicast_interface
//     common.cmake    the common sources, included by each backend.cmake
//
// The rules every backend keeps:
//   - a function reports failure in its std::error_code and never throws;
//     codes compare with std::errc the same way on every backend;
//   - an interrupted call (EINTR) is retried inside, keeping any deadline;
//   - handles are created close-on-exec / not inheritable, and no call ever
//     raises SIGPIPE;
//   - what allocates: getaddrinfo and gethostname (their results, and on
//     Windows the UTF-16 names), poller_open (the poller's state) and
//     poller_add where the poller keeps a table of its sockets (poll,
//     kqueue, select, AFD: epoll does not). Nothing else: no data call, no wait,
//     no poller_wait, poller_modify or poller_remove.
//
// The rules every poller keeps (each checked by tests/contract_test.cpp on
// every backend):
//   - one wait reports a socket at most once: a socket ready in several
//     ways at once is one poll_event carrying all of them;
//   - the poller's own descriptors (the epoll or kqueue, a wake-up pipe or
//     socket, the AFD device and its completion port) are created
//     close-on-exec / not inheritable, like sockets.
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
/// A second handle for the same socket, not inherited by child processes
/// (POSIX: F_DUPFD_CLOEXEC; Windows: WSADuplicateSocketW for this process).
handle dup(handle h, std::error_code& ec) noexcept;
/// Whether child processes inherit the handle (POSIX: FD_CLOEXEC clear;
/// Windows: HANDLE_FLAG_INHERIT).
std::error_code set_inheritable(handle h, bool on) noexcept;
std::error_code get_inheritable(handle h, bool& on) noexcept;
/// What the system says a socket handle is: its family, type and protocol
/// (0 where the system does not tell). Fails for a handle that is no socket,
/// or of a family or type portsock has no name for.
std::error_code describe(handle h, family& f, type& t, int& proto) noexcept;

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

/// Whether this system has every flag in `flags` (the core asks only when
/// a call is given flags, before the call).
bool flags_supported(msg flags) noexcept;

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

// Waiting -------------------------------------------------------------------

enum class direction : unsigned char { read, write };
/// Waits until the handle is ready in `dir` or `deadline` passes
/// (`std::errc::timed_out`). Readiness includes errors and hang-up.
std::error_code wait(handle h, direction dir, clock::time_point deadline) noexcept;

// Addresses and options -----------------------------------------------------

std::error_code getsockname(handle h, endpoint& out) noexcept;
std::error_code getpeername(handle h, endpoint& out) noexcept;
/// A typed option; the socket's family picks IPv4's or IPv6's option for
/// the IP ones (`error::family_mismatch` on another family), and its type
/// what `reuse_address` means.
std::error_code set_option(handle h, family f, type t, option_id id, int value) noexcept;
std::error_code get_option(handle h, family f, type t, option_id id, int& value) noexcept;
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

/// The backend's poller (epoll, kqueue, poll, AFD or select), defined in its
/// poller_*.cpp. Created by poller_open, which allocates; nothing else
/// allocates except poller_add where the backend keeps a table. The rules
/// above hold: one poll_event per socket per wait, descriptors close-on-exec.
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

// Multicast (platform/common/multicast.cpp) -----------------------------------

/// Joins (`join`) or leaves `group` on a socket of family `f`, from
/// `source` only when it is not null. The core has checked that the
/// families match and `group` is a multicast address. The interface is `index` (0: any)
/// or, for IPv4 with index 0, `address` when it is not null.
std::error_code membership(handle h, family f, bool join, const endpoint& group, const endpoint* source,
                           std::uint32_t index, const endpoint* address) noexcept;
/// IP_MULTICAST_IF / IPV6_MULTICAST_IF: by `index` (0: any) or, for IPv4
/// with index 0, by `address` when it is not null.
std::error_code set_multicast_interface(handle h, family f, std::uint32_t index,
                                        const endpoint* address) noexcept;
/// Reads it back: the index (0 if none or unknown) and, for IPv4, the
/// address (left empty for the any address).
std::error_code get_multicast_interface(handle h, family f, std::uint32_t& index, endpoint& address) noexcept;

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
