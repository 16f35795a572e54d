// Parsing and formatting of endpoints. Platform-neutral: the address text
// itself is ip_text.cpp's; this file adds ports, brackets, zones and Unix
// paths. Only interface names and the Unix path limit come from the backend.
#include <portsock/endpoint.hpp>

#include "checks.hpp"
#include "ip_text.hpp"
#include "sys.hpp"
#include "text.hpp"

#include <cstring>

namespace portsock {
namespace {

// Whether an interface name may stand for the zone of address `b`: only
// where a zone names a link, link-local unicast (fe80::/10) and node- or
// link-local multicast (ff01::/16, ff02::/16), as glibc's getaddrinfo has it
// (inet6_scopeid_pton); a decimal scope id is taken on any address.
bool zone_names_a_link(const std::uint8_t* b) noexcept {
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || (b[0] == 0xff && ((b[1] & 0x0f) == 1 || (b[1] & 0x0f) == 2));
}

// The zone after '%': a decimal scope id, or an interface name.
bool parse_zone(std::string_view zone, const std::uint8_t* address, std::uint32_t& scope) noexcept {
    if (zone.empty()) return false;
    std::uint64_t value = 0;
    bool numeric = zone.size() <= 10;
    for (char c : zone) {
        if (!detail::is_digit(c)) {
            numeric = false;
            break;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (numeric && value <= 0xffffffffu) {
        scope = static_cast<std::uint32_t>(value);
        return true;
    }
    if (!zone_names_a_link(address)) return false;
    std::error_code unknown;
    scope = sys::if_nametoindex(zone, unknown);
    return !unknown && scope != 0;
}

// A host that is a numeric address: IPv4, or IPv6 with an optional zone.
// Without brackets: they belong to the "[host]:port" text form only, and a
// host "[::1]" is no address (as in Python, and to the system's resolver).
bool parse_numeric_host(std::string_view host, std::uint16_t port, endpoint& out) noexcept {
    if (host.find(':') == std::string_view::npos) {
        std::array<std::uint8_t, 4> v4{};
        if (!detail::parse_v4(host, v4.data())) return false;
        out = endpoint::v4(v4, port);
        return true;
    }
    std::uint32_t scope = 0;
    const std::size_t percent = host.find('%');
    std::array<std::uint8_t, 16> v6{};
    if (!detail::parse_v6(host.substr(0, percent), v6.data())) return false;
    if (percent != std::string_view::npos && !parse_zone(host.substr(percent + 1), v6.data(), scope)) return false;
    out = endpoint::v6(v6, port, scope);
    return true;
}

// A decimal port 0-65535 given as text.
bool parse_port_text(std::string_view text, std::uint16_t& port, std::error_code& ec) noexcept {
    if (text.empty() || text.size() > 5) {
        ec = text.size() > 5 && text.find_first_not_of("0123456789") == std::string_view::npos
                 ? error::port_out_of_range
                 : error::bad_address;
        return false;
    }
    unsigned value = 0;
    for (char c : text) {
        if (!detail::is_digit(c)) {
            ec = error::bad_address;
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) {
        ec = error::port_out_of_range;
        return false;
    }
    port = static_cast<std::uint16_t>(value);
    return true;
}

std::uint64_t fnv1a(std::uint64_t hash, const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < size; ++k) {
        hash ^= p[k];
        hash *= 1099511628211ull;
    }
    return hash;
}

}  // namespace

endpoint endpoint::local(std::string_view path, std::error_code& ec) noexcept {
    ec.clear();
    const bool abstract = !path.empty() && path[0] == '\0';
    if (path.find('\0', abstract ? 1 : 0) != std::string_view::npos) {
        ec = error::embedded_nul;
        return {};
    }
    // A pathname needs room for its terminating NUL; an abstract name does not.
    const std::size_t capacity = sys::local_path_capacity();
    if (abstract ? path.size() > capacity : path.size() >= capacity) {
        ec = error::path_too_long;
        return {};
    }
    endpoint e;
    e.family_ = portsock::family::local;
    std::memcpy(e.data_.data(), path.data(), path.size());
    e.size_ = static_cast<std::uint8_t>(path.size());
    return e;
}

endpoint endpoint::other(portsock::family family, std::string_view bytes, std::error_code& ec) noexcept {
    ec.clear();
    if (!is_other(family)) {
        ec = std::make_error_code(std::errc::address_family_not_supported);
        return {};
    }
    if (bytes.size() > max_path) {
        ec = error::path_too_long;
        return {};
    }
    endpoint e;
    e.family_ = family;
    std::memcpy(e.data_.data(), bytes.data(), bytes.size());
    e.size_ = static_cast<std::uint8_t>(bytes.size());
    return e;
}

endpoint endpoint::from_sockaddr(const void* address, std::size_t size, std::error_code& ec) noexcept {
    return sys::from_sockaddr(address, size, ec);
}

std::size_t endpoint::to_sockaddr(void* out, std::size_t capacity, std::error_code& ec) const noexcept {
    return sys::to_sockaddr(*this, out, capacity, ec);
}

endpoint endpoint::parse(std::string_view text, std::error_code& ec) noexcept {
    ec.clear();
    if (text.find('\0') != std::string_view::npos) {
        ec = error::embedded_nul;
        return {};
    }
    const auto starts = [text](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
    if (starts("/") || starts("./") || starts("../")) return local(text, ec);
    if (!text.empty() && text[0] == '@') {
        char name[max_path + 1];
        if (text.size() > max_path) {
            ec = error::path_too_long;
            return {};
        }
        name[0] = '\0';
        std::memcpy(name + 1, text.data() + 1, text.size() - 1);
        return local(std::string_view(name, text.size()), ec);
    }
    std::string_view host, port;
    if (!text.empty() && text[0] == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            ec = error::bad_address;
            return {};
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (host.find(':') == std::string_view::npos) {  // "[1.2.3.4]:80" is not a form
            ec = error::bad_address;
            return {};
        }
    } else {
        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
            ec = error::bad_address;
            return {};
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    std::uint16_t number = 0;
    if (!parse_port_text(port, number, ec)) return {};
    endpoint e;
    if (!parse_numeric_host(host, number, e)) {
        ec = error::bad_address;
        return {};
    }
    return e;
}

endpoint endpoint::parse(std::string_view host, int port, std::error_code& ec) noexcept {
    ec.clear();
    if (port < 0 || port > 65535) {
        ec = error::port_out_of_range;
        return {};
    }
    if (host.find('\0') != std::string_view::npos) {
        ec = error::embedded_nul;
        return {};
    }
    const auto number = static_cast<std::uint16_t>(port);
    if (host.empty()) return v4({0, 0, 0, 0}, number);
    if (host == "<broadcast>") return v4({255, 255, 255, 255}, number);
    endpoint e;
    if (!parse_numeric_host(host, number, e)) {
        ec = host.size() > detail::max_host_name ? error::host_name_too_long : error::bad_address;
        return {};
    }
    return e;
}

#if PORTSOCK_HAS_EXCEPTIONS
endpoint endpoint::parse(std::string_view text) {
    std::error_code ec;
    endpoint e = parse(text, ec);
    if (ec) throw_error(ec, "parse endpoint " + detail::quoted(text));
    return e;
}

endpoint endpoint::parse(std::string_view host, int port) {
    std::error_code ec;
    endpoint e = parse(host, port, ec);
    if (ec) throw_error(ec, "parse endpoint " + detail::host_port(host, port));
    return e;
}

endpoint endpoint::local(std::string_view path) {
    std::error_code ec;
    endpoint e = local(path, ec);
    if (ec) throw_error(ec, "Unix socket path " + detail::quoted(path));
    return e;
}

endpoint endpoint::other(portsock::family family, std::string_view bytes) {
    std::error_code ec;
    endpoint e = other(family, bytes, ec);
    if (ec) throw_error(ec, "address of family " + detail::family_name(family));
    return e;
}

endpoint endpoint::from_sockaddr(const void* address, std::size_t size) {
    std::error_code ec;
    endpoint e = from_sockaddr(address, size, ec);
    if (ec) throw_error(ec, "socket address of " + std::to_string(size) + " bytes");
    return e;
}

std::size_t endpoint::to_sockaddr(void* out, std::size_t capacity) const {
    std::error_code ec;
    const std::size_t size = to_sockaddr(out, capacity, ec);
    if (ec) throw_error(ec, "socket address for " + to_string());
    return size;
}
#endif

bool endpoint::is_any() const noexcept {
    if (family_ != portsock::family::inet && family_ != portsock::family::inet6) return false;
    for (std::size_t k = 0; k < size_; ++k) {
        if (data_[k] != 0) return false;
    }
    return true;
}

bool endpoint::is_loopback() const noexcept {
    if (family_ == portsock::family::inet) return data_[0] == 127;
    if (family_ != portsock::family::inet6) return false;
    if (detail::is_v4_mapped(data_.data())) return data_[12] == 127;
    static const std::uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::memcmp(data_.data(), one, 16) == 0;
}

bool endpoint::is_multicast() const noexcept {
    if (family_ == portsock::family::inet) return (data_[0] & 0xf0) == 0xe0;
    return family_ == portsock::family::inet6 && data_[0] == 0xff;
}

std::string endpoint::host() const {
    std::string out;
    switch (family_) {
    case portsock::family::inet: detail::append_v4(out, data_.data()); break;
    case portsock::family::inet6:
        detail::append_v6(out, data_.data());
        if (scope_id_ != 0) {
            out += '%';
            out += std::to_string(scope_id_);
        }
        break;
    case portsock::family::local:
        if (is_abstract()) {
            out += '@';
            out.append(bytes().substr(1));
        } else {
            out.append(bytes());
        }
        break;
    case portsock::family::unspec: break;
    default:
        for (std::size_t i = 0; i < size_; ++i) {
            const std::uint8_t byte = data_[i];
            out += "0123456789abcdef"[byte >> 4];
            out += "0123456789abcdef"[byte & 0xf];
        }
        break;
    }
    return out;
}

std::string endpoint::to_string() const {
    switch (family_) {
    case portsock::family::inet: return host() + ':' + std::to_string(port_);
    case portsock::family::inet6: return '[' + host() + "]:" + std::to_string(port_);
    case portsock::family::local: return host();
    case portsock::family::unspec: break;
    default: return "<family " + detail::family_name(family_) + ": " + host() + '>';
    }
    return "<empty>";
}

std::string endpoint::repr() const {
    switch (family_) {
    case portsock::family::inet:
        return "('" + host() + "', " + std::to_string(port_) + ')';
    case portsock::family::inet6: {
        std::string h;
        detail::append_v6(h, data_.data());
        return "('" + h + "', " + std::to_string(port_) + ", 0, " + std::to_string(scope_id_) +
               ')';
    }
    case portsock::family::local:
        return is_abstract() ? 'b' + detail::quoted(bytes(), true) : detail::quoted(bytes());
    case portsock::family::unspec: break;
    default: return '(' + detail::family_name(family_) + ", b" + detail::quoted(bytes(), true) + ')';
    }
    return "None";
}

std::size_t endpoint::hash() const noexcept {
    std::uint64_t h = 14695981039346656037ull;
    const auto f = static_cast<std::uint8_t>(family_);
    h = fnv1a(h, &f, 1);
    h = fnv1a(h, data_.data(), size_);
    h = fnv1a(h, &port_, sizeof port_);
    h = fnv1a(h, &scope_id_, sizeof scope_id_);
    return static_cast<std::size_t>(h);
}

bool operator==(const endpoint& a, const endpoint& b) noexcept {
    return a.family_ == b.family_ && a.size_ == b.size_ && a.port_ == b.port_ &&
           a.scope_id_ == b.scope_id_ && std::memcmp(a.data_.data(), b.data_.data(), a.size_) == 0;
}

bool operator<(const endpoint& a, const endpoint& b) noexcept {
    if (a.family_ != b.family_) return a.family_ < b.family_;
    const int c = std::memcmp(a.data_.data(), b.data_.data(), a.size_ < b.size_ ? a.size_ : b.size_);
    if (c != 0) return c < 0;
    if (a.size_ != b.size_) return a.size_ < b.size_;
    if (a.port_ != b.port_) return a.port_ < b.port_;
    return a.scope_id_ < b.scope_id_;
}

}  // namespace portsock
