// Python's name-service, interface and address-text functions:
// `getnameinfo`, `gethostbyaddr`, `getfqdn`, `getservbyname`,
// `getservbyport`, `if_nameindex`, `if_nametoindex`, `if_indextoname`,
// `has_ipv6`, `has_dualstack_ipv6`, `inet_pton` and `inet_ntop`, with
// Python's names and meanings.
//
// Each function that can fail has a form that reports a `std::error_code`
// and, with exceptions, a throwing form whose message names the operation
// and its input as a Python call would: `getservbyname('nope', 'tcp'):
// Service not known for this socket type`. Resolver failures are
// `resolve_error` codes (`gaierror` when thrown); bad input is refused before
// the system is asked.
#pragma once

#include <portsock/endpoint.hpp>
#include <portsock/error.hpp>
#include <portsock/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portsock {

/// Flags for `getnameinfo` (Python: `NI_*`); combine with `|`.
enum class ni : std::uint8_t {
    none = 0,         ///< no flags: a name for the host, a service name for the port
    numerichost = 1,  ///< NI_NUMERICHOST: the host as a numeric address
    numericserv = 2,  ///< NI_NUMERICSERV: the port as a number
    namereqd = 4,     ///< NI_NAMEREQD: fail (resolve_error) when the host has no name
    nofqdn = 8,       ///< NI_NOFQDN: only the first label of a local host's name
    dgram = 16,       ///< NI_DGRAM: the service is a datagram one (UDP's names)
};
/// Combines two sets of flags.
constexpr ni operator|(ni a, ni b) noexcept {
    return static_cast<ni>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// True when `set` contains `flag`.
constexpr bool has(ni set, ni flag) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

/// What `getnameinfo` returns: Python's `(host, port)` pair of strings.
struct name_info {
    std::string host;     ///< a host name, or the numeric address
    std::string service;  ///< a service name ("http"), or the port as a number ("80")
};

/// What `gethostbyaddr` returns: Python's `(hostname, aliaslist, ipaddrlist)`.
struct host_entry {
    std::string hostname;                ///< the primary name of the host
    std::vector<std::string> aliases;    ///< other names of the host
    std::vector<std::string> addresses;  ///< its addresses as text ("127.0.0.1", "::1")
};

/// One entry of `if_nameindex`: Python's `(index, name)` pair.
struct network_interface {
    std::uint32_t index = 0;  ///< the interface index (never 0)
    std::string name;         ///< the interface's name ("eth0"; Windows: "ethernet_32769")
};

/// The host and service names of an IPv4 or IPv6 endpoint (Python:
/// `socket.getnameinfo((host, port), flags)`; the address is numeric, as
/// Python requires). An empty endpoint is `error::empty_endpoint`, a
/// Unix-domain one `resolve_error::family_not_supported`; resolver failures
/// (no name with `ni::namereqd`) are `resolve_error` codes.
PORTSOCK_API name_info getnameinfo(const endpoint& address, ni flags, std::error_code& ec);

/// The name, aliases and addresses of a host (Python:
/// `socket.gethostbyaddr(ip_address)`): `ip_address` is an IPv4 or IPv6
/// address (a zone is allowed), or a host name, which is resolved first and
/// its first address looked up, as Python does. `""` names no host
/// (`resolve_error::host_not_found`, as `getaddrinfo`); over 253 bytes is
/// `error::host_name_too_long`, a NUL byte `error::embedded_nul`. An address
/// without a name is `resolve_error::host_not_found`. On Windows the names
/// come from the system's getnameinfo and `aliases` is always empty.
PORTSOCK_API host_entry gethostbyaddr(std::string_view ip_address, std::error_code& ec);

/// Python's `socket.gethostbyname(hostname)`: the first IPv4 address of a
/// host, as text (`"127.0.0.1"`); `""` is `"0.0.0.0"` and `"<broadcast>"`
/// `"255.255.255.255"`, as in Python. IPv4 only, as Python's: an IPv6
/// address, or a host with no IPv4 address, fails (`resolve_error` codes, as
/// `getaddrinfo`). New code: `getaddrinfo`, which knows IPv6.
PORTSOCK_API std::string gethostbyname(std::string_view hostname, std::error_code& ec);

/// Python's `socket.gethostbyname_ex(hostname)`: the host's canonical name
/// and every IPv4 address (`aliases` stays empty: the system's getaddrinfo,
/// asked here on every system, gives none).
PORTSOCK_API host_entry gethostbyname_ex(std::string_view hostname, std::error_code& ec);

/// A fully qualified domain name for `name` (Python: `socket.getfqdn(name)`,
/// with its algorithm): leading and trailing white space is removed; `""`,
/// `"0.0.0.0"` and `"::"` mean this machine (`gethostname()`); then the first
/// of the host name and aliases that `gethostbyaddr` gives which contains a
/// dot, else its host name. When the lookup fails, the name is returned as
/// it is. Errors: only bad input (as `gethostbyaddr`) and a failed
/// `gethostname`.
PORTSOCK_API std::string getfqdn(std::string_view name, std::error_code& ec);

/// The port of a service (Python: `socket.getservbyname(name, proto)`),
/// from the system's services database. `proto` is `"tcp"`, `"udp"`, or
/// `""` for any. An unknown service is `resolve_error::service_not_found`;
/// a NUL byte in either string `error::embedded_nul`.
PORTSOCK_API std::uint16_t getservbyname(std::string_view name, std::string_view proto, std::error_code& ec);

/// The name of the service on a port (Python: `socket.getservbyport(port,
/// proto)`). A port outside 0-65535 is `error::port_out_of_range`; a port no
/// service is known for, `resolve_error::service_not_found`.
PORTSOCK_API std::string getservbyport(int port, std::string_view proto, std::error_code& ec);

/// The network interfaces, by index and name (Python: `socket.if_nameindex()`).
PORTSOCK_API std::vector<network_interface> if_nameindex(std::error_code& ec);

/// The index of the interface called `name` (Python: `socket.if_nametoindex`).
/// No such interface (also: `""`, a name longer than the system allows) is
/// `std::errc::no_such_device`; a NUL byte is `error::embedded_nul`.
PORTSOCK_API std::uint32_t if_nametoindex(std::string_view name, std::error_code& ec);

/// The name of the interface with index `index` (Python:
/// `socket.if_indextoname`). No such interface (index 0 included) is
/// `std::errc::no_such_device_or_address`, as Linux reports it.
PORTSOCK_API std::string if_indextoname(std::uint32_t index, std::error_code& ec);

/// Whether an IPv6 socket can be opened here (Python's `socket.has_ipv6` says
/// whether the build supports IPv6; this asks the running system).
PORTSOCK_API bool has_ipv6() noexcept;

/// Whether an IPv6 socket here can also accept IPv4 (Python:
/// `socket.has_dualstack_ipv6()`): a stream socket whose `IPV6_V6ONLY` can be
/// switched off.
PORTSOCK_API bool has_dualstack_ipv6() noexcept;

/// The packed bytes of an address in text (Python: `socket.inet_pton(family,
/// text)`): 4 bytes for `family::inet` (a dotted quad: four decimal parts
/// 0-255 without leading zeros, as inet_pton reads them), 16 for
/// `family::inet6` (RFC 4291 text, without a zone). Other text is
/// `error::bad_address`, another family `std::errc::address_family_not_supported`.
/// The same on every system: portsock reads the text, not the system.
PORTSOCK_API std::string inet_pton(portsock::family family, std::string_view text, std::error_code& ec);

/// The text of packed address bytes (Python: `socket.inet_ntop(family,
/// packed)`): a dotted quad, or RFC 5952's form of an IPv6 address. A
/// length other than 4 (`inet`) or 16 (`inet6`) is `error::bad_address`,
/// another family `std::errc::address_family_not_supported`.
PORTSOCK_API std::string inet_ntop(portsock::family family, std::string_view packed, std::error_code& ec);

#if PORTSOCK_HAS_EXCEPTIONS
/// Throwing forms: `gaierror` for a resolver failure, `socket_error` for
/// anything else, with a message such as `gethostbyaddr('192.0.2.1'): ...`.
PORTSOCK_API name_info getnameinfo(const endpoint& address, ni flags = ni::none);
PORTSOCK_API host_entry gethostbyaddr(std::string_view ip_address);
PORTSOCK_API std::string gethostbyname(std::string_view hostname);
PORTSOCK_API host_entry gethostbyname_ex(std::string_view hostname);
PORTSOCK_API std::string getfqdn(std::string_view name = "");
PORTSOCK_API std::uint16_t getservbyname(std::string_view name, std::string_view proto = "");
PORTSOCK_API std::string getservbyport(int port, std::string_view proto = "");
PORTSOCK_API std::vector<network_interface> if_nameindex();
PORTSOCK_API std::uint32_t if_nametoindex(std::string_view name);
PORTSOCK_API std::string if_indextoname(std::uint32_t index);
PORTSOCK_API std::string inet_pton(portsock::family family, std::string_view text);
PORTSOCK_API std::string inet_ntop(portsock::family family, std::string_view packed);
#endif

}  // namespace portsock
