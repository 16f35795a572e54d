// `endpoint`: one socket address as a value. IPv4 (address + port), IPv6
// (address + port + scope id), or a Unix-domain path (including Linux's
// abstract names, which start with a NUL byte); and, as the escape hatch, the
// raw address of a family portsock has no name for (`other_family`).
//
// It is what Python passes around as `('127.0.0.1', 80)`, `('::1', 80, 0, 0)`
// or `'/tmp/s'`: copyable, comparable, hashable and printable. It never
// allocates: the longest Unix path is stored inline, so `recvfrom` and
// `accept` can return one on the data path.
#pragma once

#include <portsock/error.hpp>
#include <portsock/types.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace portsock {

/// A socket address as a value: IPv4, IPv6 or Unix-domain (see the top of this file).
class endpoint {
public:
    /// Capacity for Unix-domain paths, in bytes. The system's own limit may be
    /// smaller (107 on Linux, 103 on macOS): binding or connecting to a longer
    /// path fails with `error::path_too_long`.
    static constexpr std::size_t max_path = 108;

    /// An empty endpoint (family `unspec`): holds no address.
    constexpr endpoint() noexcept = default;

    /// An IPv4 endpoint from the four address bytes in network order.
    static endpoint v4(const std::array<std::uint8_t, 4>& address, std::uint16_t port) noexcept {
        endpoint e;
        e.family_ = portsock::family::inet;
        std::memcpy(e.data_.data(), address.data(), 4);
        e.size_ = 4;
        e.port_ = port;
        return e;
    }
    /// An IPv6 endpoint from the sixteen address bytes in network order.
    static endpoint v6(const std::array<std::uint8_t, 16>& address, std::uint16_t port,
                       std::uint32_t scope_id = 0) noexcept {
        endpoint e;
        e.family_ = portsock::family::inet6;
        std::memcpy(e.data_.data(), address.data(), 16);
        e.size_ = 16;
        e.port_ = port;
        e.scope_id_ = scope_id;
        return e;
    }
    /// A Unix-domain endpoint. A path that starts with a NUL byte is a Linux
    /// abstract name; any other NUL byte is `error::embedded_nul`. An empty
    /// path is the unnamed address. Over `max_path` bytes is `error::path_too_long`.
    PORTSOCK_API static endpoint local(std::string_view path, std::error_code& ec) noexcept;

    /// Parses an endpoint from text: `127.0.0.1:80`, `[::1]:80`,
    /// `[fe80::1%eth0]:80` (scope by interface name or number), a path that
    /// starts with `/`, `./` or `../` (`/tmp/s`, `./s`), or `@name` for a Linux
    /// abstract name. Host names are not resolved here: see `getaddrinfo`.
    PORTSOCK_API static endpoint parse(std::string_view text, std::error_code& ec) noexcept;

    /// An endpoint from Python's (host, port) pair with a numeric host:
    /// `"127.0.0.1"`, `"::1"`, `"fe80::1%2"`; `""` is the IPv4 any address
    /// (0.0.0.0) and `"<broadcast>"` is 255.255.255.255, as in Python.
    /// A port outside 0-65535 is `error::port_out_of_range`.
    PORTSOCK_API static endpoint parse(std::string_view host, int port, std::error_code& ec) noexcept;

    /// An address of a family portsock has no name for (`other_family(n)`):
    /// the bytes that follow the family field in the system's socket address
    /// (for Linux's netlink, `sockaddr_nl` from `nl_pad` on). More than
    /// `max_path` bytes is `error::path_too_long`; a named family is
    /// `std::errc::address_family_not_supported` (use `v4`, `v6`, `local`).
    PORTSOCK_API static endpoint other(portsock::family family, std::string_view bytes,
                                       std::error_code& ec) noexcept;
    /// An endpoint from the system's own socket address (`sockaddr_in`,
    /// `sockaddr_nl`, ...) of `size` bytes. An address too short for its
    /// family is `std::errc::invalid_argument`.
    PORTSOCK_API static endpoint from_sockaddr(const void* address, std::size_t size,
                                               std::error_code& ec) noexcept;
    /// Writes the system's socket address for this endpoint to `out` (128
    /// bytes always suffice) and returns its length; 0 with
    /// `std::errc::no_buffer_space` when `capacity` is too small.
    PORTSOCK_API std::size_t to_sockaddr(void* out, std::size_t capacity,
                                         std::error_code& ec) const noexcept;
#if PORTSOCK_HAS_EXCEPTIONS
    /// Throwing forms of the two `parse` functions and of `local`.
    PORTSOCK_API static endpoint parse(std::string_view text);
    PORTSOCK_API static endpoint parse(std::string_view host, int port);
    PORTSOCK_API static endpoint local(std::string_view path);
    /// Throwing forms of `other`, `from_sockaddr` and `to_sockaddr`.
    PORTSOCK_API static endpoint other(portsock::family family, std::string_view bytes);
    PORTSOCK_API static endpoint from_sockaddr(const void* address, std::size_t size);
    PORTSOCK_API std::size_t to_sockaddr(void* out, std::size_t capacity) const;
#endif

    /// `inet`, `inet6`, `local`, an `other_family`, or `unspec` for an empty endpoint.
    portsock::family family() const noexcept { return family_; }
    /// True when the endpoint holds no address.
    bool empty() const noexcept { return family_ == portsock::family::unspec; }
    /// The port (0 for Unix-domain and empty endpoints).
    std::uint16_t port() const noexcept { return port_; }
    /// The IPv6 scope id (interface index); 0 otherwise.
    std::uint32_t scope_id() const noexcept { return scope_id_; }
    /// The address bytes in network order: 4 for IPv4, 16 for IPv6, the path
    /// bytes (no terminating NUL) for Unix-domain endpoints, the bytes after
    /// the family field for an `other_family`.
    std::string_view bytes() const noexcept {
        return {reinterpret_cast<const char*>(data_.data()), size_};
    }
    /// The Unix-domain path (starts with a NUL byte for an abstract name).
    std::string_view path() const noexcept {
        return family_ == portsock::family::local ? bytes() : std::string_view{};
    }
    /// True for a Linux abstract Unix-domain name (a path that starts with NUL).
    bool is_abstract() const noexcept {
        return family_ == portsock::family::local && size_ > 0 && data_[0] == 0;
    }
    /// True for 0.0.0.0 and ::.
    PORTSOCK_API bool is_any() const noexcept;
    /// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
    PORTSOCK_API bool is_loopback() const noexcept;
    /// True for a multicast group address: 224.0.0.0/4 and ff00::/8 (false
    /// for an IPv4-mapped one, as Python's `ipaddress` says, and for
    /// Unix-domain and empty endpoints).
    PORTSOCK_API bool is_multicast() const noexcept;

    /// The same address with another port.
    endpoint with_port(std::uint16_t port) const noexcept {
        endpoint e = *this;
        const bool ip = family_ == portsock::family::inet || family_ == portsock::family::inet6;
        e.port_ = ip ? port : 0;
        return e;
    }

    /// The host part as text: `127.0.0.1`, `::1`, `fe80::1%2` (RFC 5952 form),
    /// the path of a Unix-domain endpoint (`@name` for an abstract one), or
    /// an `other_family`'s bytes in hex.
    PORTSOCK_API std::string host() const;
    /// `127.0.0.1:80`, `[::1]:80`, `[fe80::1%2]:80`, `/tmp/s`, `@name`,
    /// `<family 16: 0000e8030000>` for an `other_family`, or `<empty>` for an
    /// empty endpoint. `parse` reads the first five forms back.
    PORTSOCK_API std::string to_string() const;
    /// Python's form: `('127.0.0.1', 80)`, `('::1', 80, 0, 0)`, `'/tmp/s'`,
    /// `b'\x00name'` for an abstract name, `(16, b'...')` for an
    /// `other_family`, `None` for an empty endpoint.
    PORTSOCK_API std::string repr() const;

    /// A hash of the whole value (used by `std::hash<endpoint>`).
    PORTSOCK_API std::size_t hash() const noexcept;

    /// Equal when family, address, port and scope id are all equal.
    friend PORTSOCK_API bool operator==(const endpoint& a, const endpoint& b) noexcept;
    /// Not equal.
    friend bool operator!=(const endpoint& a, const endpoint& b) noexcept { return !(a == b); }
    /// A total order: by family, then address bytes, then port, then scope id.
    friend PORTSOCK_API bool operator<(const endpoint& a, const endpoint& b) noexcept;

    /// Prints `to_string()`. A template so that this header needs only <iosfwd>.
    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                         const endpoint& e) {
        return os << e.to_string();
    }

private:
    std::array<std::uint8_t, max_path> data_{};
    std::uint32_t scope_id_ = 0;
    std::uint16_t port_ = 0;
    std::uint8_t size_ = 0;
    portsock::family family_ = portsock::family::unspec;
};

}  // namespace portsock

/// Lets `endpoint` be a key of `std::unordered_map` and `std::unordered_set`.
template <>
struct std::hash<portsock::endpoint> {
    std::size_t operator()(const portsock::endpoint& e) const noexcept { return e.hash(); }
};
