// getaddrinfo and gethostname: Python's meanings and the input checks, over
// the system resolver in the backend.
#include <portsock/resolve.hpp>

#include "checks.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace portsock {
namespace {

bool all_digits(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

std::vector<address_info> getaddrinfo(std::string_view host, std::string_view port,
                                      portsock::family family, std::optional<portsock::type> type,
                                      int proto, ai flags, std::error_code& ec) {
    ec.clear();
    if (host.find('\0') != std::string_view::npos || port.find('\0') != std::string_view::npos) {
        ec = error::embedded_nul;
        return {};
    }
    if (host.size() > detail::max_host_name) {
        ec = error::host_name_too_long;
        return {};
    }
    if (all_digits(port)) {
        const std::size_t first = port.find_first_not_of('0');
        const std::string_view digits = first == std::string_view::npos ? "0" : port.substr(first);
        unsigned long value = 0;
        for (char c : digits.substr(0, 6)) value = value * 10 + static_cast<unsigned long>(c - '0');
        if (digits.size() > 5 || value > 65535) {
            ec = error::port_out_of_range;
            return {};
        }
        flags = flags | ai::numericserv;
    }
    // As Python's getaddrinfo: "" names no host (glibc answers EAI_NONAME;
    // Windows would list the machine's own addresses, so it is not asked);
    // only bind and connect read "" as the any address. "<broadcast>" is
    // the IPv4 broadcast address.
    // A bracketed host ("[::1]") is no host either: brackets belong to the
    // "[host]:port" text form. glibc refuses it; Windows' resolver (and
    // wine's) takes it, so it is refused here, on every system alike.
    if (host.empty() || host.front() == '[') {
        ec = resolve_error::host_not_found;
        return {};
    }
    const std::string host_text = host == "<broadcast>" ? std::string("255.255.255.255") : std::string(host);
    const std::string port_text = port.empty() ? std::string("0") : std::string(port);
    if (port.empty()) flags = flags | ai::numericserv;
    return sys::getaddrinfo(host_text.c_str(), port_text.c_str(),
                            family, type, proto, flags, ec);
}

std::vector<address_info> getaddrinfo(std::string_view host, int port, portsock::family family,
                                      std::optional<portsock::type> type, int proto, ai flags,
                                      std::error_code& ec) {
    if (port < 0 || port > 65535) {
        ec = error::port_out_of_range;
        return {};
    }
    return getaddrinfo(host, std::to_string(port), family, type, proto, flags, ec);
}

std::string gethostname(std::error_code& ec) { return sys::gethostname(ec); }

#if PORTSOCK_HAS_EXCEPTIONS
std::vector<address_info> getaddrinfo(std::string_view host, std::string_view port,
                                      portsock::family family, std::optional<portsock::type> type,
                                      int proto, ai flags) {
    std::error_code ec;
    auto result = getaddrinfo(host, port, family, type, proto, flags, ec);
    if (ec) throw_error(ec, "getaddrinfo " + detail::host_port(host, port));
    return result;
}

std::vector<address_info> getaddrinfo(std::string_view host, int port, portsock::family family,
                                      std::optional<portsock::type> type, int proto, ai flags) {
    std::error_code ec;
    auto result = getaddrinfo(host, port, family, type, proto, flags, ec);
    if (ec) throw_error(ec, "getaddrinfo " + detail::host_port(host, port));
    return result;
}

std::string gethostname() {
    std::error_code ec;
    std::string name = gethostname(ec);
    if (ec) throw_error(ec, "gethostname");
    return name;
}
#endif

}  // namespace portsock
