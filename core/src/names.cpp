// Python's name-service, interface and address-text functions (names.hpp):
// the input checks and Python's algorithms here, the system's databases in
// the backend (sys.hpp), address text in ip_text.cpp.
#include <algorithm>
#include <portsock/names.hpp>
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>

#include "checks.hpp"
#include "ip_text.hpp"
#include "sys.hpp"
#include "text.hpp"

#if PORTSOCK_HAS_EXCEPTIONS
#include "or_throw.hpp"
#endif

namespace portsock {
namespace {

bool has_nul(std::string_view text) noexcept { return text.find('\0') != std::string_view::npos; }

// Python's str.strip() for the ASCII white space a host name can carry.
std::string_view strip(std::string_view text) noexcept {
    constexpr std::string_view space = " \t\n\v\f\r";
    const std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// The address a host (numeric or a name) stands for, as Python's setipaddr
// finds it: a numeric address as it is, a name resolved and its first address
// taken. "" names no host, as to getaddrinfo.
endpoint address_of(std::string_view host, std::error_code& ec) {
    if (host.empty()) {
        ec = resolve_error::host_not_found;
        return {};
    }
    std::error_code not_numeric;
    const endpoint numeric = endpoint::parse(host, 0, not_numeric);
    if (!not_numeric) {
        ec.clear();
        return numeric;
    }
    const auto infos =
        getaddrinfo(host, "0", portsock::family::unspec, portsock::type::stream, 0, ai::none, ec);
    if (ec) return {};
    for (const address_info& info : infos) {
        if (info.family == portsock::family::inet || info.family == portsock::family::inet6) {
            return info.address;
        }
    }
    ec = resolve_error::no_data;
    return {};
}

std::string address_text(const endpoint& address) {
    std::string text;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(address.bytes().data());
    if (address.family() == portsock::family::inet) {
        detail::append_v4(text, bytes);
    } else {
        detail::append_v6(text, bytes);
    }
    return text;
}

// A NUL-terminated copy of a protocol name, or null for "" (any protocol).
const char* proto_or_null(const std::string& proto) noexcept {
    return proto.empty() ? nullptr : proto.c_str();
}

}  // namespace

name_info getnameinfo(const endpoint& address, ni flags, std::error_code& ec) {
    if (address.empty()) {
        ec = error::empty_endpoint;
        return {};
    }
    if (address.family() == portsock::family::local) {
        ec = resolve_error::family_not_supported;
        return {};
    }
    return sys::getnameinfo(address, flags, ec);
}

host_entry gethostbyaddr(std::string_view ip_address, std::error_code& ec) {
    if (has_nul(ip_address)) {
        ec = error::embedded_nul;
        return {};
    }
    if (ip_address.size() > detail::max_host_name) {
        ec = error::host_name_too_long;
        return {};
    }
    const endpoint address = address_of(ip_address, ec);
    if (ec) return {};
    sys::host_names names = sys::gethostbyaddr(address.with_port(0), ec);
    if (ec) return {};
    host_entry entry;
    entry.hostname = std::move(names.name);
    entry.aliases = std::move(names.aliases);
    for (const endpoint& each : names.addresses) entry.addresses.push_back(address_text(each));
    return entry;
}

// Python's gethostbyname and gethostbyname_ex, over getaddrinfo (IPv4 only,
// as theirs): "" is the any address, as Python's setipaddr has it.
host_entry gethostbyname_ex(std::string_view hostname, std::error_code& ec) {
    ec.clear();
    host_entry entry;
    if (hostname.empty()) {
        entry.hostname = "0.0.0.0";
        entry.addresses.push_back(entry.hostname);
        return entry;
    }
    const std::vector<address_info> found =
        getaddrinfo(hostname, 0, portsock::family::inet, portsock::type::stream, 0, ai::canonname, ec);
    if (ec) return {};
    entry.hostname = found.empty() || found.front().canonname.empty() ? std::string(hostname)
                                                                      : found.front().canonname;
    for (const address_info& each : found) {
        std::string text = address_text(each.address);
        if (std::find(entry.addresses.begin(), entry.addresses.end(), text) == entry.addresses.end()) {
            entry.addresses.push_back(std::move(text));
        }
    }
    if (entry.addresses.empty()) ec = resolve_error::host_not_found;
    return entry;
}

std::string gethostbyname(std::string_view hostname, std::error_code& ec) {
    host_entry entry = gethostbyname_ex(hostname, ec);
    return ec ? std::string() : std::move(entry.addresses.front());
}

// Python's getfqdn, step for step (Lib/socket.py).
std::string getfqdn(std::string_view name, std::error_code& ec) {
    std::string_view host = strip(name);
    if (has_nul(host)) {
        ec = error::embedded_nul;
        return {};
    }
    if (host.size() > detail::max_host_name) {
        ec = error::host_name_too_long;
        return {};
    }
    ec.clear();
    std::string result(host);
    if (host.empty() || host == "0.0.0.0" || host == "::") {
        result = gethostname(ec);
        if (ec) return {};
    }
    std::error_code failed;
    host_entry entry = gethostbyaddr(result, failed);
    if (failed) return result;
    if (entry.hostname.find('.') != std::string::npos) return entry.hostname;
    for (const std::string& alias : entry.aliases) {
        if (alias.find('.') != std::string::npos) return alias;
    }
    return entry.hostname;
}

std::uint16_t getservbyname(std::string_view name, std::string_view proto, std::error_code& ec) {
    if (has_nul(name) || has_nul(proto)) {
        ec = error::embedded_nul;
        return 0;
    }
    if (name.empty()) {
        ec = resolve_error::service_not_found;
        return 0;
    }
    const std::string name_text(name);
    const std::string proto_text(proto);
    return sys::getservbyname(name_text.c_str(), proto_or_null(proto_text), ec);
}

std::string getservbyport(int port, std::string_view proto, std::error_code& ec) {
    if (port < 0 || port > 65535) {
        ec = error::port_out_of_range;
        return {};
    }
    if (has_nul(proto)) {
        ec = error::embedded_nul;
        return {};
    }
    const std::string proto_text(proto);
    return sys::getservbyport(static_cast<std::uint16_t>(port), proto_or_null(proto_text), ec);
}

std::vector<network_interface> if_nameindex(std::error_code& ec) { return sys::if_nameindex(ec); }

std::uint32_t if_nametoindex(std::string_view name, std::error_code& ec) {
    if (has_nul(name)) {
        ec = error::embedded_nul;
        return 0;
    }
    return sys::if_nametoindex(name, ec);
}

std::string if_indextoname(std::uint32_t index, std::error_code& ec) {
    if (index == 0) {  // no interface has it; some systems' calls accept it
        ec = std::make_error_code(std::errc::no_such_device_or_address);
        return {};
    }
    return sys::if_indextoname(index, ec);
}

bool has_ipv6() noexcept {
    std::error_code ec;
    socket probe;
    probe.open(portsock::family::inet6, portsock::type::stream, 0, ec);
    return !ec;
}

// As Python's has_dualstack_ipv6: an IPv6 stream socket whose IPV6_V6ONLY
// can be switched off.
bool has_dualstack_ipv6() noexcept {
    std::error_code ec;
    socket probe;
    probe.open(portsock::family::inet6, portsock::type::stream, 0, ec);
    if (!ec) probe.setsockopt(opt::v6_only, false, ec);
    return !ec;
}

std::string inet_pton(portsock::family family, std::string_view text, std::error_code& ec) {
    if (family != portsock::family::inet && family != portsock::family::inet6) {
        ec = std::make_error_code(std::errc::address_family_not_supported);
        return {};
    }
    if (has_nul(text)) {
        ec = error::embedded_nul;
        return {};
    }
    std::uint8_t bytes[16];
    const bool v4 = family == portsock::family::inet;
    if (v4 ? !detail::parse_v4(text, bytes) : !detail::parse_v6(text, bytes)) {
        ec = error::bad_address;
        return {};
    }
    ec.clear();
    return std::string(reinterpret_cast<const char*>(bytes), v4 ? 4 : 16);
}

std::string inet_ntop(portsock::family family, std::string_view packed, std::error_code& ec) {
    if (family != portsock::family::inet && family != portsock::family::inet6) {
        ec = std::make_error_code(std::errc::address_family_not_supported);
        return {};
    }
    const bool v4 = family == portsock::family::inet;
    if (packed.size() != (v4 ? 4u : 16u)) {
        ec = error::bad_address;
        return {};
    }
    ec.clear();
    std::string text;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(packed.data());
    if (v4) {
        detail::append_v4(text, bytes);
    } else {
        detail::append_v6(text, bytes);
    }
    return text;
}

#if PORTSOCK_HAS_EXCEPTIONS
using detail::or_throw;
using detail::quoted;

namespace {
// Throws what `ec` means, naming the call as Python would write it:
// "getservbyname('http', 'tcp')".
[[noreturn]] void fail(std::error_code ec, const std::string& call) { throw_error(ec, call); }

std::string with_proto(std::string text, std::string_view proto) {
    if (!proto.empty()) text += ", " + quoted(proto);
    return text + ')';
}
}  // namespace

name_info getnameinfo(const endpoint& address, ni flags) {
    return or_throw([&](std::error_code& ec) { return getnameinfo(address, flags, ec); },
                    [&](std::error_code ec) { fail(ec, "getnameinfo(" + address.repr() + ')'); });
}

host_entry gethostbyaddr(std::string_view ip_address) {
    return or_throw([&](std::error_code& ec) { return gethostbyaddr(ip_address, ec); },
                    [&](std::error_code ec) { fail(ec, "gethostbyaddr(" + quoted(ip_address) + ')'); });
}

host_entry gethostbyname_ex(std::string_view hostname) {
    return or_throw([&](std::error_code& ec) { return gethostbyname_ex(hostname, ec); },
                    [&](std::error_code ec) { fail(ec, "gethostbyname_ex(" + quoted(hostname) + ')'); });
}

std::string gethostbyname(std::string_view hostname) {
    return or_throw([&](std::error_code& ec) { return gethostbyname(hostname, ec); },
                    [&](std::error_code ec) { fail(ec, "gethostbyname(" + quoted(hostname) + ')'); });
}

std::string getfqdn(std::string_view name) {
    return or_throw([&](std::error_code& ec) { return getfqdn(name, ec); },
                    [&](std::error_code ec) { fail(ec, "getfqdn(" + quoted(name) + ')'); });
}

std::uint16_t getservbyname(std::string_view name, std::string_view proto) {
    return or_throw(
        [&](std::error_code& ec) { return getservbyname(name, proto, ec); },
        [&](std::error_code ec) { fail(ec, with_proto("getservbyname(" + quoted(name), proto)); });
}

std::string getservbyport(int port, std::string_view proto) {
    return or_throw(
        [&](std::error_code& ec) { return getservbyport(port, proto, ec); },
        [&](std::error_code ec) { fail(ec, with_proto("getservbyport(" + std::to_string(port), proto)); });
}

std::vector<network_interface> if_nameindex() {
    return or_throw([&](std::error_code& ec) { return if_nameindex(ec); },
                    [&](std::error_code ec) { fail(ec, "if_nameindex()"); });
}

std::uint32_t if_nametoindex(std::string_view name) {
    return or_throw([&](std::error_code& ec) { return if_nametoindex(name, ec); },
                    [&](std::error_code ec) { fail(ec, "if_nametoindex(" + quoted(name) + ')'); });
}

std::string if_indextoname(std::uint32_t index) {
    return or_throw([&](std::error_code& ec) { return if_indextoname(index, ec); },
                    [&](std::error_code ec) { fail(ec, "if_indextoname(" + std::to_string(index) + ')'); });
}

std::string inet_pton(portsock::family family, std::string_view text) {
    return or_throw(
        [&](std::error_code& ec) { return inet_pton(family, text, ec); },
        [&](std::error_code ec) {
            fail(ec, std::string("inet_pton(") + detail::family_name(family) + ", " + quoted(text) + ')');
        });
}

std::string inet_ntop(portsock::family family, std::string_view packed) {
    return or_throw([&](std::error_code& ec) { return inet_ntop(family, packed, ec); },
                    [&](std::error_code ec) {
                        fail(ec, std::string("inet_ntop(") + detail::family_name(family) + ", b" +
                                     quoted(packed, true) + ')');
                    });
}
#endif

}  // namespace portsock
