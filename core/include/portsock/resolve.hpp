// Name resolution: `getaddrinfo` and `gethostname`, with Python's meanings.
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/error.hpp>
#include <portsock/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portsock {

/// Flags for `getaddrinfo` (Python: `AI_*`); combine with `|`.
enum class ai : std::uint8_t {
    none = 0,          ///< no flags
    passive = 1,       ///< AI_PASSIVE: addresses for bind (an empty host is "any")
    canonname = 2,     ///< AI_CANONNAME: fill in the canonical name of the host
    numerichost = 4,   ///< AI_NUMERICHOST: the host must be a numeric address
    numericserv = 8,   ///< AI_NUMERICSERV: the port must be a number
    addrconfig = 16,   ///< AI_ADDRCONFIG: only families configured on this host
    v4mapped = 32,     ///< AI_V4MAPPED: IPv4 addresses as ::ffff:a.b.c.d for inet6
};
/// Combines two sets of flags.
constexpr ai operator|(ai a, ai b) noexcept {
    return static_cast<ai>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// True when `set` contains `flag`.
constexpr bool has(ai set, ai flag) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

/// One result of `getaddrinfo`: Python's 5-tuple
/// `(family, type, proto, canonname, sockaddr)`.
struct address_info {
    /// The address family.
    portsock::family family = portsock::family::unspec;
    /// The socket type to use with this address.
    portsock::type type = portsock::type::stream;
    /// The protocol to use with this address.
    int proto = 0;
    std::string canonname;  ///< only in the first result, with `ai::canonname`
    /// The address to bind or connect to.
    endpoint address;
};

/// Resolves `host` and `port` (a number such as `"80"` or a service name such
/// as `"http"`) into the addresses to try, in the order the system prefers.
///
/// As in Python: a `host` of `""` means "any address" for a server (0.0.0.0
/// and/or ::, as `ai::passive` gives), `"<broadcast>"` means 255.255.255.255,
/// and `port` `""` means port 0. `type` of `std::nullopt` returns every socket
/// type the system offers for each address.
///
/// Bad input fails before the resolver is asked: a host over 253 bytes
/// (`error::host_name_too_long`), a NUL byte in either string
/// (`error::embedded_nul`), a numeric port over 65535
/// (`error::port_out_of_range`). Resolver failures are `resolve_error` codes.
PORTSOCK_API std::vector<address_info> getaddrinfo(std::string_view host, std::string_view port,
                                      portsock::family family, std::optional<portsock::type> type,
                                      int proto, ai flags, std::error_code& ec);

/// The same with a numeric port (0-65535, else `error::port_out_of_range`).
PORTSOCK_API std::vector<address_info> getaddrinfo(std::string_view host, int port, portsock::family family,
                                      std::optional<portsock::type> type, int proto, ai flags,
                                      std::error_code& ec);

/// The name of this machine (Python: `socket.gethostname()`).
PORTSOCK_API std::string gethostname(std::error_code& ec);

#if PORTSOCK_HAS_EXCEPTIONS
/// Throwing form: throws `gaierror` on a resolver failure, `socket_error` on
/// bad input. The message names the host and port.
PORTSOCK_API std::vector<address_info> getaddrinfo(std::string_view host, std::string_view port,
                                      portsock::family family = portsock::family::unspec,
                                      std::optional<portsock::type> type = std::nullopt,
                                      int proto = 0, ai flags = ai::none);
/// Convenience: a numeric port.
PORTSOCK_API std::vector<address_info> getaddrinfo(std::string_view host, int port,
                                      portsock::family family = portsock::family::unspec,
                                      std::optional<portsock::type> type = std::nullopt,
                                      int proto = 0, ai flags = ai::none);
/// Throwing form of `gethostname`.
PORTSOCK_API std::string gethostname();
#endif

}  // namespace portsock
