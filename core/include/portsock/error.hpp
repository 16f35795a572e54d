// How portsock reports failure.
//
// Every operation has a `noexcept` form that reports a `std::error_code`, and
// (when the compiler has exceptions switched on) a throwing form on top of it.
// Codes compare portably with `std::errc` on every backend:
//
//     std::error_code ec;
//     sock.connect(ep, ec);
//     if (ec == std::errc::connection_refused) ...
//
// Three kinds of code reach the caller:
//   - system errors from the operating system (`std::system_category()` on
//     POSIX, a Winsock category on Windows), which compare with `std::errc`;
//   - `portsock::error`: bad input or misuse detected before any system call
//     (a port over 65535, a closed socket, ...), which also compare with
//     `std::errc` (mostly `invalid_argument`);
//   - `portsock::resolve_error`: name resolution failures (Python's
//     `socket.gaierror`), in their own category.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include <portsock/export.hpp>

// The throwing forms exist when the library was built with exceptions and
// the program including this header has them on too.
#if !defined(PORTSOCK_NO_EXCEPTIONS) && \
    (defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND))
#define PORTSOCK_HAS_EXCEPTIONS 1
#else
#define PORTSOCK_HAS_EXCEPTIONS 0
#endif

namespace portsock {

/// Errors portsock detects itself, before asking the operating system.
enum class error {
    not_open = 1,         ///< the socket is closed, moved from, or never opened
    port_out_of_range,    ///< a port outside 0-65535
    host_name_too_long,   ///< a host name over 253 bytes
    embedded_nul,         ///< a NUL character inside a host, service or path
    bad_address,          ///< text that is not a valid IPv4/IPv6 address or endpoint
    path_too_long,        ///< a Unix-domain path longer than the system allows
    empty_buffer,         ///< a receive into a buffer of size zero
    bad_timeout,          ///< a negative, NaN or overlarge timeout
    family_mismatch,      ///< an endpoint whose family does not match the socket's
    empty_endpoint,       ///< an endpoint that holds no address
    no_address,           ///< resolution produced no usable address
    not_supported,        ///< a flag, option or call this system does not have
    bad_share_data,       ///< data for `fromshare` that `share` did not make (wrong size)
    not_multicast,        ///< a group address that is no multicast address (join_group)
    too_many_buffers,     ///< more buffers (or descriptors) than one message takes (message.hpp)
    control_too_small,    ///< a control message that does not fit its buffer
};

/// Name resolution failures (Python's `socket.gaierror`; C's `EAI_*`).
enum class resolve_error {
    host_not_found = 1,      ///< EAI_NONAME: no such host, or no such service
    try_again,               ///< EAI_AGAIN: temporary failure, try again later
    fail,                    ///< EAI_FAIL: non-recoverable failure in resolution
    no_data,                 ///< EAI_NODATA / EAI_ADDRFAMILY: the host has no address of this kind
    family_not_supported,    ///< EAI_FAMILY
    socktype_not_supported,  ///< EAI_SOCKTYPE
    service_not_found,       ///< EAI_SERVICE: the service is unknown for this socket type
    bad_flags,               ///< EAI_BADFLAGS
    out_of_memory,           ///< EAI_MEMORY
    other,                   ///< any other resolver failure
};

/// The category of `portsock::error` codes (name "portsock").
PORTSOCK_API const std::error_category& error_category() noexcept;
/// The category of `portsock::resolve_error` codes (name "portsock.resolve").
PORTSOCK_API const std::error_category& resolve_category() noexcept;

/// Makes `portsock::error` values usable as `std::error_code`.
inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}
/// Makes `portsock::resolve_error` values usable as `std::error_code`.
inline std::error_code make_error_code(resolve_error e) noexcept {
    return {static_cast<int>(e), resolve_category()};
}

/// A native error number of the system's socket calls (an `errno` value on
/// POSIX; a `WSAE*` or Win32 code on Windows) as the code portsock reports
/// for it: it compares with `std::errc` and its message is in words on every
/// backend. 0 gives the empty code. For errors of raw calls a program makes
/// itself (Python's `OSError(errno, ...)`).
PORTSOCK_API std::error_code native_error(int code) noexcept;

/// True when `ec` means "the operation would block" (non-blocking mode), on
/// every backend (EAGAIN, EWOULDBLOCK, WSAEWOULDBLOCK).
PORTSOCK_API bool would_block(std::error_code ec) noexcept;

/// The message portsock's exceptions carry and its apps print:
/// `"<what>: <ec.message()>"`, for example
/// `"connect to 127.0.0.1:9: Connection refused"`. `what` names the operation
/// and the endpoint, as the exceptions' `what()` does.
PORTSOCK_API std::string describe(std::string_view what, std::error_code ec);

#if PORTSOCK_HAS_EXCEPTIONS
/// Every exception portsock throws (Python's `OSError`).
class PORTSOCK_EXCEPTION_API socket_error : public std::system_error {
public:
    /// `what` names the operation and endpoint; `transferred` is for `sendall`.
    socket_error(std::error_code ec, const std::string& what, std::size_t transferred = 0)
        : std::system_error(ec, what), transferred_(transferred) {}
    /// Bytes that were sent or received before the failure (`sendall`).
    std::size_t transferred() const noexcept { return transferred_; }

private:
    std::size_t transferred_;
};

/// A timeout expired (Python's `socket.timeout` / `TimeoutError`).
class PORTSOCK_EXCEPTION_API timeout_error : public socket_error {
public:
    using socket_error::socket_error;
};

/// Name resolution failed (Python's `socket.gaierror`).
class PORTSOCK_EXCEPTION_API gaierror : public socket_error {
public:
    using socket_error::socket_error;
};

/// Throws the exception that matches `ec`: `timeout_error` for
/// `std::errc::timed_out`, `gaierror` for resolver codes, otherwise
/// `socket_error`. `what` names the operation and endpoint.
[[noreturn]] PORTSOCK_API void throw_error(std::error_code ec, const std::string& what,
                              std::size_t transferred = 0);
#endif

}  // namespace portsock

namespace std {
/// `portsock::error` values convert to `std::error_code` (`ec == error::not_open`).
template <>
struct is_error_code_enum<portsock::error> : true_type {};
/// `portsock::resolve_error` values convert to `std::error_code`.
template <>
struct is_error_code_enum<portsock::resolve_error> : true_type {};
}  // namespace std
