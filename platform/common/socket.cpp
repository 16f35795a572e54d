// The contract's calls (core/src/sys.hpp) that BSD sockets and Winsock make
// alike: binding, listening, addresses, options, a connect's outcome. What
// differs (the socket type, the length type, a few option names) comes from
// the backend's system.hpp; every other call is in platform/<backend>/socket.cpp.
#include "address.hpp"
#include "flags.hpp"
#include "sys.hpp"
#include "system.hpp"

#include <limits>

namespace portsock::sys {
namespace {

// A size as the system's length type, clamped to what it holds (Winsock's
// lengths are int).
os::socklen to_socklen(std::size_t size) noexcept {
    constexpr auto most = static_cast<std::size_t>(std::numeric_limits<os::socklen>::max());
    return static_cast<os::socklen>(size > most ? most : size);
}

// SO_LINGER's seconds: an int on POSIX, an unsigned short on Windows.
using linger_seconds = decltype(::linger{}.l_linger);

}  // namespace

bool flags_supported(msg flags) noexcept {
    const auto all = static_cast<std::uint32_t>(supported_msg_flags());
    return (static_cast<std::uint32_t>(flags) & ~all) == 0;
}

std::error_code bind(handle h, const endpoint& address) noexcept {
    native_address a;
    if (std::error_code ec = to_native(address, a)) return ec;
    if (::bind(os::native(h), a.get(), a.size) != 0) return os::bind_error();
    return {};
}

std::error_code listen(handle h, int backlog) noexcept {
    if (::listen(os::native(h), backlog) != 0) return last_error();
    return {};
}

std::error_code connect_result(handle h) noexcept {
    int value = 0;
    os::socklen size = sizeof value;
    if (::getsockopt(os::native(h), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&value), &size) != 0) {
        return last_error();
    }
    return error_from_native(value);
}

std::error_code shutdown(handle h, shut how) noexcept {
    const int native_how = how == shut::rd ? os::shut_rd : how == shut::wr ? os::shut_wr : os::shut_rdwr;
    if (::shutdown(os::native(h), native_how) != 0) return last_error();
    return {};
}

std::error_code getsockname(handle h, endpoint& out) noexcept {
    native_address a;
    if (::getsockname(os::native(h), a.get(), &a.size) != 0) return last_error();
    out = from_native(a.get(), a.size);
    return {};
}

std::error_code getpeername(handle h, endpoint& out) noexcept {
    native_address a;
    if (::getpeername(os::native(h), a.get(), &a.size) != 0) return last_error();
    out = from_native(a.get(), a.size);
    return {};
}

std::error_code set_option(handle h, family f, type t, option_id id, int value) noexcept {
    if (is_ip_option(id) && f != family::inet && f != family::inet6) return error::family_mismatch;
    const option_place place = place_of(id, f, t);
    if (place.level < 0) return make_error_code(error::not_supported);
    if (id == option_id::linger) {
        // Negative: off. Seconds beyond what the field holds are its largest.
        constexpr int most = std::numeric_limits<linger_seconds>::max() < std::numeric_limits<int>::max()
                                 ? static_cast<int>(std::numeric_limits<linger_seconds>::max())
                                 : std::numeric_limits<int>::max();
        ::linger l{};
        l.l_onoff = value >= 0 ? 1 : 0;
        l.l_linger = static_cast<linger_seconds>(value < 0 ? 0 : value > most ? most : value);
        return set_raw_option(h, place.level, place.name, &l, sizeof l);
    }
    if (os::ipv4_multicast_byte && f == family::inet &&
        (id == option_id::multicast_ttl || id == option_id::multicast_loop)) {
        // A byte where the system takes one (os::ipv4_multicast_byte); a
        // value beyond it is refused as the system refuses it elsewhere.
        if (value < 0 || value > 255) return std::make_error_code(std::errc::invalid_argument);
        const auto byte = static_cast<unsigned char>(value);
        return set_raw_option(h, place.level, place.name, &byte, sizeof byte);
    }
    return set_raw_option(h, place.level, place.name, &value, sizeof value);
}

std::error_code get_option(handle h, family f, type t, option_id id, int& value) noexcept {
    if (is_ip_option(id) && f != family::inet && f != family::inet6) return error::family_mismatch;
    const option_place place = place_of(id, f, t);
    if (place.level < 0) return make_error_code(error::not_supported);
    if (id == option_id::linger) {
        ::linger l{};
        std::size_t size = sizeof l;
        if (std::error_code ec = get_raw_option(h, place.level, place.name, &l, size)) return ec;
        value = l.l_onoff != 0 ? l.l_linger : -1;
        return {};
    }
    if (os::ipv4_multicast_byte && f == family::inet &&
        (id == option_id::multicast_ttl || id == option_id::multicast_loop)) {
        unsigned char byte = 0;
        std::size_t size = sizeof byte;
        if (std::error_code ec = get_raw_option(h, place.level, place.name, &byte, size)) return ec;
        value = byte;
        return {};
    }
    value = 0;  // some options fill only one byte (a Windows BOOLEAN)
    std::size_t size = sizeof value;
    return get_raw_option(h, place.level, place.name, &value, size);
}

std::error_code set_raw_option(handle h, int level, int name, const void* value,
                               std::size_t size) noexcept {
    // Winsock takes the value as a char pointer; POSIX as a void pointer.
    if (::setsockopt(os::native(h), level, name, static_cast<const char*>(value), to_socklen(size)) != 0) {
        return last_error();
    }
    return {};
}

std::error_code get_raw_option(handle h, int level, int name, void* value,
                               std::size_t& size) noexcept {
    os::socklen native_size = to_socklen(size);
    if (::getsockopt(os::native(h), level, name, static_cast<char*>(value), &native_size) != 0) {
        return last_error();
    }
    size = static_cast<std::size_t>(native_size);
    return {};
}

std::size_t local_path_capacity() noexcept { return sizeof(sockaddr_un::sun_path); }

}  // namespace portsock::sys
