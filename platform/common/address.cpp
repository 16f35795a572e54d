#include "address.hpp"

#include <cstddef>
#include <cstring>

namespace portsock::sys {
namespace {

void put_port(void* field, std::uint16_t port) noexcept {
    const unsigned char bytes[2] = {static_cast<unsigned char>(port >> 8),
                                    static_cast<unsigned char>(port & 0xff)};
    std::memcpy(field, bytes, 2);
}

std::uint16_t get_port(const void* field) noexcept {
    unsigned char bytes[2];
    std::memcpy(bytes, field, 2);
    return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

// The fewest bytes that hold an address's family: on the BSDs a length byte
// comes first (sa_len), so the family field does not start at 0.
constexpr std::size_t family_end = offsetof(sockaddr, sa_family) + sizeof(sockaddr{}.sa_family);

}  // namespace

// A family or type made by other_family / other_type carries the system's
// number in its low seven bits.
constexpr unsigned other_bit = 0x80;

int native_family(family f) noexcept {
    if (is_other(f)) return static_cast<int>(static_cast<unsigned>(f) & ~other_bit);
    switch (f) {
    case family::inet: return AF_INET;
    case family::inet6: return AF_INET6;
    case family::local: return AF_UNIX;
    case family::unspec: break;
    }
    return AF_UNSPEC;
}

int native_type(type t) noexcept {
    if (is_other(t)) return static_cast<int>(static_cast<unsigned>(t) & ~other_bit);
    switch (t) {
    case type::stream: return SOCK_STREAM;
    case type::dgram: return SOCK_DGRAM;
    case type::raw: return SOCK_RAW;
    case type::seqpacket: return SOCK_SEQPACKET;
    }
    return 0;
}

family from_native_family(int f) noexcept {
    switch (f) {
    case AF_INET: return family::inet;
    case AF_INET6: return family::inet6;
    case AF_UNIX: return family::local;
    case AF_UNSPEC: return family::unspec;
    default: return other_family(f);
    }
}

type from_native_type(int t) noexcept {
    for (type named : {type::stream, type::dgram, type::raw, type::seqpacket}) {
        if (native_type(named) == t) return named;
    }
    return other_type(t);
}

std::error_code to_native(const endpoint& e, native_address& out) noexcept {
    switch (e.family()) {
    case family::inet: {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        put_port(&sin.sin_port, e.port());
        std::memcpy(&sin.sin_addr, e.bytes().data(), 4);
        std::memcpy(&out.storage, &sin, sizeof sin);
        out.size = sizeof sin;
        return {};
    }
    case family::inet6: {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        put_port(&sin6.sin6_port, e.port());
        std::memcpy(&sin6.sin6_addr, e.bytes().data(), 16);
        sin6.sin6_scope_id = e.scope_id();
        std::memcpy(&out.storage, &sin6, sizeof sin6);
        out.size = sizeof sin6;
        return {};
    }
    case family::local: {
        sockaddr_un sun{};
        const std::string_view path = e.path();
        const bool abstract = e.is_abstract();
        if (abstract && !os::abstract_names) return std::make_error_code(std::errc::address_family_not_supported);
        // A pathname needs its terminating NUL inside sun_path; an abstract
        // name (leading NUL) is exactly as long as it is.
        if (abstract ? path.size() > sizeof sun.sun_path : path.size() >= sizeof sun.sun_path) {
            return error::path_too_long;
        }
        sun.sun_family = AF_UNIX;
        std::memcpy(sun.sun_path, path.data(), path.size());
        std::memcpy(&out.storage, &sun, sizeof sun);
        // The empty path is the address with no path at all (an unnamed
        // socket; bound, one the system names, as Python's socket does):
        // with its NUL it would be the abstract name of one NUL byte.
        const bool terminated = !abstract && !(os::abstract_names && path.empty());
        out.size = static_cast<os::socklen>(offsetof(sockaddr_un, sun_path) + path.size() + (terminated ? 1 : 0));
        return {};
    }
    case family::unspec: break;
    default: {
        // A family portsock has no name for: the family field, then the
        // bytes that follow it as the endpoint holds them.
        const std::string_view rest = e.bytes();
        std::memset(&out.storage, 0, family_end);
        out.get()->sa_family = static_cast<decltype(sockaddr{}.sa_family)>(native_family(e.family()));
        std::memcpy(reinterpret_cast<unsigned char*>(&out.storage) + family_end, rest.data(), rest.size());
        out.size = static_cast<os::socklen>(family_end + rest.size());
        return {};
    }
    }
    return error::empty_endpoint;
}

endpoint from_native(const sockaddr* address, os::socklen size) noexcept {
    if (size <= 0 || static_cast<std::size_t>(size) < family_end) return {};
    const auto length = static_cast<std::size_t>(size);
    switch (address->sa_family) {
    case AF_INET: {
        sockaddr_in sin;
        if (length < sizeof sin) return {};
        std::memcpy(&sin, address, sizeof sin);
        std::array<std::uint8_t, 4> bytes;
        std::memcpy(bytes.data(), &sin.sin_addr, 4);
        return endpoint::v4(bytes, get_port(&sin.sin_port));
    }
    case AF_INET6: {
        sockaddr_in6 sin6;
        if (length < sizeof sin6) return {};
        std::memcpy(&sin6, address, sizeof sin6);
        std::array<std::uint8_t, 16> bytes;
        std::memcpy(bytes.data(), &sin6.sin6_addr, 16);
        return endpoint::v6(bytes, get_port(&sin6.sin6_port), sin6.sin6_scope_id);
    }
    case AF_UNIX: {
        sockaddr_un sun{};
        std::memcpy(&sun, address, length < sizeof sun ? length : sizeof sun);
        constexpr std::size_t offset = offsetof(sockaddr_un, sun_path);
        std::size_t path_length = length > offset ? length - offset : 0;
        if (path_length > sizeof sun.sun_path) path_length = sizeof sun.sun_path;
        // A pathname ends at its first NUL; an abstract name keeps every byte.
        const bool abstract = os::abstract_names && path_length > 0 && sun.sun_path[0] == '\0';
        if (!abstract) path_length = strnlen(sun.sun_path, path_length);
        std::error_code ec;
        endpoint e = endpoint::local(std::string_view(sun.sun_path, path_length), ec);
        return ec ? endpoint{} : e;
    }
    default: {
        const family f = from_native_family(address->sa_family);
        if (!is_other(f)) return {};
        std::error_code ec;
        const auto* bytes = reinterpret_cast<const char*>(address) + family_end;
        endpoint e = endpoint::other(f, std::string_view(bytes, length - family_end), ec);
        return ec ? endpoint{} : e;
    }
    }
}

endpoint from_sockaddr(const void* address, std::size_t size, std::error_code& ec) noexcept {
    ec.clear();
    native_address native;
    if (address == nullptr || size < family_end) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return {};
    }
    if (size > sizeof native.storage) size = sizeof native.storage;
    std::memcpy(&native.storage, address, size);
    endpoint e = from_native(native.get(), static_cast<os::socklen>(size));
    if (e.empty()) ec = std::make_error_code(std::errc::invalid_argument);
    return e;
}

std::size_t to_sockaddr(const endpoint& e, void* out, std::size_t capacity, std::error_code& ec) noexcept {
    native_address native;
    ec = to_native(e, native);
    if (ec) return 0;
    const auto size = static_cast<std::size_t>(native.size);
    if (out == nullptr || capacity < size) {
        ec = std::make_error_code(std::errc::no_buffer_space);
        return 0;
    }
    std::memcpy(out, &native.storage, size);
    return size;
}

}  // namespace portsock::sys
