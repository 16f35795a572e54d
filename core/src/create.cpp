// Python's helpers built on sockets: socketpair (with its loopback stand-in
// for the IP families), create_connection and create_server. Their throwing
// forms are in socket_throwing.cpp.
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>

#include "checks.hpp"
#include "sys.hpp"

#include <utility>

namespace portsock {

namespace {

// Connects `s` to the address `target` is bound to. A failure to read that
// address is reported as itself, not as the empty address it leaves.
void connect_to_name_of(socket& s, const socket& target, std::error_code& ec) noexcept {
    const endpoint address = target.getsockname(ec);
    if (!ec) s.connect(address, ec);
}

// socketpair for IPv4/IPv6, which no system offers natively: two sockets
// over loopback. For streams the accepted connection is checked to be ours
// (another local process could connect to the listener first).
std::pair<socket, socket> loopback_pair(portsock::family family, portsock::type type, int proto,
                                        std::error_code& ec) noexcept {
    const endpoint loopback = family == portsock::family::inet
                                  ? endpoint::v4({127, 0, 0, 1}, 0)
                                  : endpoint::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0);
    socket a, b;
    if (type == portsock::type::dgram) {
        a.open(family, type, proto, ec);
        if (!ec) b.open(family, type, proto, ec);
        if (!ec) a.bind(loopback, ec);
        if (!ec) b.bind(loopback, ec);
        if (!ec) connect_to_name_of(a, b, ec);
        if (!ec) connect_to_name_of(b, a, ec);
        if (ec) return {};
        return {std::move(a), std::move(b)};
    }
    if (type != portsock::type::stream) {
        ec = std::make_error_code(std::errc::operation_not_supported);
        return {};
    }
    socket listener = create_server(loopback, 1, false, ec);
    if (!ec) a.open(family, type, proto, ec);
    if (!ec) connect_to_name_of(a, listener, ec);
    const endpoint mine = ec ? endpoint{} : a.getsockname(ec);
    for (int tries = 0; !ec && tries < 16; ++tries) {
        accept_result r = listener.accept(ec);
        if (!ec && r.address == mine) return {std::move(a), std::move(r.conn)};
    }
    if (!ec) ec = std::make_error_code(std::errc::connection_aborted);
    return {};
}

}  // namespace

std::pair<socket, socket> socketpair(portsock::family family, portsock::type type, int proto,
                                     std::error_code& ec) noexcept {
    if (family == portsock::family::inet || family == portsock::family::inet6) {
        return loopback_pair(family, type, proto, ec);
    }
    sys::handle handles[2] = {invalid_native_handle, invalid_native_handle};
    ec = sys::socketpair(portsock::family::local, type, proto, handles);
    if (ec == std::errc::address_family_not_supported && family == portsock::family::unspec) {
        return loopback_pair(portsock::family::inet, type, proto, ec);
    }
    if (ec) return {};
    std::pair<socket, socket> pair{socket::adopt(handles[0], portsock::family::local, type, proto),
                                   socket::adopt(handles[1], portsock::family::local, type, proto)};
    // New sockets: the default timeout mode (setdefaulttimeout).
    if (const std::optional<double> timeout = getdefaulttimeout()) {
        pair.first.settimeout(timeout, ec);
        if (!ec) pair.second.settimeout(timeout, ec);
        if (ec) return {};
    }
    return pair;
}

namespace {
// Python's create_connection: every resolved address in turn, each
// attempt's socket bound to `source` first when there is one.
socket connect_any(std::string_view host, int port, std::optional<double> timeout, const endpoint* source,
                   std::error_code& ec, std::vector<connect_attempt>* attempts) {
    if (attempts) attempts->clear();
    if (timeout && !detail::valid_timeout(*timeout)) {
        ec = error::bad_timeout;
        return {};
    }
    if (source && source->empty()) {
        ec = error::empty_endpoint;
        return {};
    }
    const std::vector<address_info> infos =
        getaddrinfo(host, port, portsock::family::unspec, portsock::type::stream, 0, ai::none, ec);
    if (ec) return {};
    if (infos.empty()) {
        ec = error::no_address;
        return {};
    }
    for (const address_info& info : infos) {
        socket s;
        s.open(info.family, info.type, info.proto, ec);
        if (!ec && timeout) s.settimeout(timeout, ec);
        if (!ec && source) s.bind(*source, ec);
        if (!ec) s.connect(info.address, ec);
        if (!ec) return s;
        if (attempts) attempts->push_back({info.address, ec});
    }
    return {};
}
}  // namespace

socket create_connection(std::string_view host, int port, std::optional<double> timeout, std::error_code& ec,
                         std::vector<connect_attempt>* attempts) {
    return connect_any(host, port, timeout, nullptr, ec, attempts);
}

socket create_connection(std::string_view host, int port, std::optional<double> timeout,
                         const endpoint& source_address, std::error_code& ec,
                         std::vector<connect_attempt>* attempts) {
    return connect_any(host, port, timeout, &source_address, ec, attempts);
}

std::string describe(const std::vector<connect_attempt>& attempts) {
    std::string text;
    for (const connect_attempt& a : attempts) {
        if (!text.empty()) text += ", ";
        text += a.address.to_string() + ": " + a.error.message();
    }
    return text;
}

socket create_server(const endpoint& address, int backlog, bool dual_stack, std::error_code& ec) noexcept {
    return create_server(address, server_options{backlog, false, dual_stack}, ec);
}

socket create_server(const endpoint& address, const server_options& options, std::error_code& ec) noexcept {
    const int backlog = options.backlog;
    const bool dual_stack = options.dual_stack;
    if (address.empty()) {
        ec = error::empty_endpoint;
        return {};
    }
    if (dual_stack && address.family() != portsock::family::inet6) {
        ec = error::family_mismatch;
        return {};
    }
    socket s;
    s.open(address.family(), portsock::type::stream, 0, ec);
    if (!ec && address.family() != portsock::family::local) {
        s.setsockopt(opt::reuse_address, true, ec);
    }
    if (!ec && options.reuse_port) s.setsockopt(opt::reuse_port, true, ec);
    // Set either way: systems differ in their default (Windows: v6-only).
    if (!ec && address.family() == portsock::family::inet6) {
        s.setsockopt(opt::v6_only, !dual_stack, ec);
    }
    if (!ec) s.bind(address, ec);
    if (!ec) s.listen(backlog, ec);
    if (ec) return {};
    return s;
}

}  // namespace portsock
