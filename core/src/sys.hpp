// The platform contract: the system calls portsock needs, declared once here
// and defined by exactly one backend (`platform/posix/` or `platform/win32/`),
// chosen by CMake, with the code both write alike in `platform/common/`.
// Each backend keeps these functions in files of the same names, so the two
// can be read side by side:
//
//   platform/<backend>/
//     socket.cpp      open, close, set_nonblocking, accept, connect, the data
//                     calls, wait, set/get_keepalive, bind_to_device,
//                     bound_device, socketpair, raise_handle_limit
//     resolve.cpp     getaddrinfo, getnameinfo, gethostbyaddr, getservbyname,
//                     getservbyport, gethostname, if_nametoindex,
//                     if_indextoname, if_nameindex
//     error.hpp/.cpp  error_from_native, would_block, and the backend's own
//                     helpers: last_error, resolver_error (on POSIX also
//                     host_error, for h_errno; on Windows Winsock's
//                     start-up, its error category, UTF-8/16)
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
//     flags.hpp       msg, ai and ni flags, socket types, the option table
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
//   - what allocates: the resolution and name-service calls (getaddrinfo,
//     getnameinfo, gethostbyaddr, getservbyname, getservbyport, gethostname,
//     if_indextoname, if_nameindex: their results, the buffers of the
//     reentrant netdb calls, and on Windows the UTF-16 names; never
//     if_nametoindex), share (its bytes), poller_open (the poller's state) and
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

#include <portsock/datagram.hpp>
#include <portsock/endpoint.hpp>
#include <portsock/names.hpp>
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

// Numbers ---------------------------------------------------------------------

/// The system's numbers for families and types (`other_family(n)` is `n`),
/// and back: a number portsock has no name for becomes `other_family(n)` /
/// `other_type(n)`, or `unspec` / `type{}` outside 1-127 (platform/common).
int native_family(family f) noexcept;
int native_type(type t) noexcept;
family from_native_family(int f) noexcept;
type from_native_type(int t) noexcept;

/// `endpoint::from_sockaddr` and `endpoint::to_sockaddr` (platform/common).
endpoint from_sockaddr(const void* address, std::size_t size, std::error_code& ec) noexcept;
std::size_t to_sockaddr(const endpoint& e, void* out, std::size_t capacity, std::error_code& ec) noexcept;

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
/// (0 where the system does not tell); a family or type portsock has no
/// name for as `other_family` / `other_type`. Fails for a handle that is no
/// socket.
std::error_code describe(handle h, family& f, type& t, int& proto) noexcept;
/// Windows' share / fromshare: `share` sets `out` to the bytes (a
/// WSAPROTOCOL_INFOW from WSADuplicateSocketW) with which process
/// `process_id` makes its own handle; `fromshare` makes that handle (not
/// inheritable) and says what it is. Data of the wrong size is
/// error::bad_share_data; a family or type portsock has no name for,
/// std::errc::address_family_not_supported. POSIX: error::not_supported.
std::error_code share(handle h, std::uint32_t process_id, std::string& out);
handle fromshare(std::string_view data, family& f, type& t, int& proto, std::error_code& ec) noexcept;

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
/// Keepalive and its timing (opt::tcp_keepalive), validated by the core.
/// Each backend sets them its own way (POSIX: four options; Windows:
/// SIO_KEEPALIVE_VALS and TCP_KEEPCNT); what the system lacks is
/// error::not_supported, found before anything changes.
std::error_code set_keepalive(handle h, const keepalive_settings& value) noexcept;
std::error_code get_keepalive(handle h, keepalive_settings& value) noexcept;
/// Binds an IP socket to one interface by name ("": unbinds): Linux
/// SO_BINDTODEVICE, macOS IP_BOUND_IF / IPV6_BOUND_IF, Windows IP_UNICAST_IF
/// / IPV6_UNICAST_IF. An unknown name is std::errc::no_such_device.
std::error_code bind_to_device(handle h, family f, std::string_view name) noexcept;
/// The interface's name, empty when unbound.
std::error_code bound_device(handle h, family f, std::string& name);
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
/// The system's getnameinfo for an IPv4 or IPv6 endpoint (the core refuses
/// others); failures are resolve_error codes (or system ones, as getaddrinfo's).
name_info getnameinfo(const endpoint& address, ni flags, std::error_code& ec);
/// What the system knows of an IPv4 or IPv6 address by reverse lookup: the
/// host's name, its aliases and addresses (of the address's family; other
/// entries are left out). Failures are resolve_error codes: an address
/// without a name is host_not_found.
struct host_names {
    std::string name;
    std::vector<std::string> aliases;
    std::vector<endpoint> addresses;
};
host_names gethostbyaddr(const endpoint& address, std::error_code& ec);
/// The services database, thread-safely. `name` and `proto` are
/// NUL-terminated; `proto` null for any protocol. An unknown service is
/// resolve_error::service_not_found.
std::uint16_t getservbyname(const char* name, const char* proto, std::error_code& ec);
std::string getservbyport(std::uint16_t port, const char* proto, std::error_code& ec);
/// The index of the network interface `name` (also for IPv6 scope ids).
/// No such interface, a name too long for the system or holding a NUL byte
/// included, is std::errc::no_such_device (and 0); any other failure (no
/// descriptor to ask with) is the system's error.
std::uint32_t if_nametoindex(std::string_view name, std::error_code& ec) noexcept;
/// The name of the interface `index` (not 0). No such interface is
/// std::errc::no_such_device_or_address.
std::string if_indextoname(std::uint32_t index, std::error_code& ec);
/// Every interface, by index and name, in the system's order.
std::vector<network_interface> if_nameindex(std::error_code& ec);
/// The size of the system's Unix-domain path field (`sun_path`): a pathname
/// must be shorter (it needs its NUL), an abstract name may fill it.
std::size_t local_path_capacity() noexcept;


// Datagram batches (platform/<backend>/batch.cpp) -----------------------------

/// Receives up to `count` (> 0) datagrams into the slots: one recvmmsg where
/// the system has it (PORTSOCK_HAVE_RECVMMSG), else one receive per
/// datagram. Only the first receive may wait, and only on a blocking handle
/// (`nonblocking` false). Returns how many arrived; `ec` is set only when
/// none did (an error after some is left for the next call). Sets each
/// filled slot's nbytes, truncated and peer. EINTR is retried.
std::size_t recv_many(handle h, datagram* slots, std::size_t count, msg flags, bool nonblocking,
                      std::error_code& ec) noexcept;
/// Sends up to `count` (> 0) datagrams, each to its slot's peer (none when
/// empty): one sendmmsg where the system has it (PORTSOCK_HAVE_SENDMMSG),
/// else one send per datagram. Returns how many went; `ec` as recv_many.
std::size_t send_many(handle h, datagram* slots, std::size_t count, msg flags, std::error_code& ec) noexcept;

}  // namespace portsock::sys
