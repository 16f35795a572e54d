// The throwing forms of socket.hpp: each calls its std::error_code form
// (socket.cpp, create.cpp) and throws what that reports, with a message that
// names the operation and the endpoint ("connect to 127.0.0.1:9"). Built
// without exceptions (PORTSOCK_HAS_EXCEPTIONS 0), the header declares none of
// them and this file compiles to nothing.
#include <portsock/message.hpp>
#include <portsock/socket.hpp>

#if PORTSOCK_HAS_EXCEPTIONS

#include "or_throw.hpp"
#include "text.hpp"

#include <string>

namespace portsock {

using detail::or_throw;

namespace {
// An address worth naming in a message: an unnamed Unix socket (either end
// of a socketpair, a client never bound) has none.
bool named(const endpoint& e) noexcept {
    return !e.empty() && !(e.family() == portsock::family::local && e.bytes().empty());
}

// The operation and this socket's peer (or local address), for a message:
// "recv from 127.0.0.1:50675".
std::string describe_on(const socket& s, const char* operation) {
    std::string what = operation;
    const bool incoming = what.compare(0, 4, "recv") == 0;
    std::error_code ignored;
    const endpoint peer = s.getpeername(ignored);
    if (!ignored && named(peer)) {
        what += incoming ? " from " : " to ";
        what += peer.to_string();
    } else {
        const endpoint local = s.getsockname(ignored);
        if (!ignored && named(local)) {
            what += " on " + local.to_string();
        } else if (s.family() == portsock::family::local) {
            what += incoming ? " from an unnamed Unix socket" : " to an unnamed Unix socket";
        }
    }
    return what;
}

// A datagram longer than the buffer: the bytes and the sender go with the
// exception (truncated_error); any other failure throws as fail() does.
[[noreturn]] void fail_receive(const socket& s, std::error_code ec, const char* operation,
                               std::size_t received, const endpoint* sender, std::string data = {}) {
    if (ec != std::errc::message_size) throw_error(ec, describe_on(s, operation), received);
    std::error_code ignored;
    const endpoint from = sender ? *sender : s.getpeername(ignored);
    std::string what = operation;
    if (named(from)) {
        what += " from " + from.to_string();
    } else {
        what = describe_on(s, operation);
    }
    throw truncated_error(ec, what, received, ignored ? endpoint{} : from, std::move(data));
}

}  // namespace

void socket::fail(std::error_code ec, const char* operation, std::size_t transferred) const {
    throw_error(ec, describe_on(*this, operation), transferred);
}

void socket::fail(std::error_code ec, const char* operation, const endpoint& address) const {
    throw_error(ec, std::string(operation) + ' ' + address.to_string());
}

socket::socket(portsock::family family, portsock::type type, int proto) {
    or_throw([&](std::error_code& ec) { open(family, type, proto, ec); },
             [&](std::error_code ec) {
                 throw_error(ec, std::string("socket(") + detail::family_name(family) + ", " +
                                     detail::type_name(type) + ", " + std::to_string(proto) + ')');
             });
}

void socket::bind(const endpoint& address) {
    or_throw([&](std::error_code& ec) { bind(address, ec); },
             [&](std::error_code ec) { fail(ec, "bind to", address); });
}

void socket::bind(std::string_view host, int port) {
    or_throw([&](std::error_code& ec) { bind(host, port, ec); },
             [&](std::error_code ec) { throw_error(ec, "bind to " + detail::host_port(host, port)); });
}

void socket::listen(int backlog) {
    or_throw([&](std::error_code& ec) { listen(backlog, ec); },
             [&](std::error_code ec) { fail(ec, "listen"); });
}

accept_result socket::accept() {
    return or_throw([&](std::error_code& ec) { return accept(ec); },
                    [&](std::error_code ec) { fail(ec, "accept"); });
}

void socket::connect(const endpoint& address) {
    or_throw([&](std::error_code& ec) { connect(address, ec); },
             [&](std::error_code ec) { fail(ec, "connect to", address); });
}

void socket::connect(std::string_view host, int port) {
    or_throw([&](std::error_code& ec) { connect(host, port, ec); },
             [&](std::error_code ec) { throw_error(ec, "connect to " + detail::host_port(host, port)); });
}

std::size_t socket::send(const void* data, std::size_t size, msg flags) {
    return or_throw([&](std::error_code& ec) { return send(data, size, ec, flags); },
                    [&](std::error_code ec, std::size_t n) { fail(ec, "send", n); });
}

std::size_t socket::send(std::string_view data, msg flags) { return send(data.data(), data.size(), flags); }

std::size_t socket::sendall(const void* data, std::size_t size, msg flags) {
    return or_throw([&](std::error_code& ec) { return sendall(data, size, ec, flags); },
                    [&](std::error_code ec, std::size_t n) { fail(ec, "sendall", n); });
}

std::size_t socket::sendall(std::string_view data, msg flags) {
    return sendall(data.data(), data.size(), flags);
}

std::size_t socket::recv_into(void* buffer, std::size_t size, msg flags) {
    return or_throw([&](std::error_code& ec) { return recv_into(buffer, size, ec, flags); },
                    [&](std::error_code ec, std::size_t n) { fail_receive(*this, ec, "recv", n, nullptr); });
}

std::string socket::recv(std::size_t bufsize, msg flags) {
    return or_throw([&](std::error_code& ec) { return recv(bufsize, ec, flags); },
                    [&](std::error_code ec, const std::string& data) {
                        fail_receive(*this, ec, "recv", data.size(), nullptr, data);
                    });
}

std::size_t socket::sendto(const void* data, std::size_t size, const endpoint& address, msg flags) {
    return or_throw([&](std::error_code& ec) { return sendto(data, size, address, ec, flags); },
                    [&](std::error_code ec) { fail(ec, "sendto", address); });
}

std::size_t socket::sendto(std::string_view data, const endpoint& address, msg flags) {
    return sendto(data.data(), data.size(), address, flags);
}

recvfrom_result socket::recvfrom_into(void* buffer, std::size_t size, msg flags) {
    return or_throw([&](std::error_code& ec) { return recvfrom_into(buffer, size, ec, flags); },
                    [&](std::error_code ec, const recvfrom_result& r) {
                        fail_receive(*this, ec, "recvfrom", r.nbytes, &r.address);
                    });
}

// With packet info (message.hpp): truncation as the other receives report it.
recvfrom_result socket::recvfrom_into(void* buffer, std::size_t size, packet_info& to_local, msg flags) {
    return or_throw([&](std::error_code& ec) { return recvfrom_into(buffer, size, to_local, ec, flags); },
                    [&](std::error_code ec, const recvfrom_result& r) {
                        fail_receive(*this, ec, "recvfrom", r.nbytes, &r.address);
                    });
}

std::size_t socket::sendto(const void* data, std::size_t size, const endpoint& address,
                           const packet_info& from_local, msg flags) {
    return or_throw([&](std::error_code& ec) { return sendto(data, size, address, from_local, ec, flags); },
                    [&](std::error_code ec) { fail(ec, "sendto", address); });
}

recvfrom_data socket::recvfrom(std::size_t bufsize, msg flags) {
    return or_throw([&](std::error_code& ec) { return recvfrom(bufsize, ec, flags); },
                    [&](std::error_code ec, const recvfrom_data& r) {
                        fail_receive(*this, ec, "recvfrom", r.data.size(), &r.address, r.data);
                    });
}

void socket::shutdown(shut how) {
    or_throw([&](std::error_code& ec) { shutdown(how, ec); },
             [&](std::error_code ec) { fail(ec, "shutdown"); });
}

endpoint socket::getsockname() const {
    return or_throw([&](std::error_code& ec) { return getsockname(ec); },
                    [&](std::error_code ec) { fail(ec, "getsockname"); });
}

endpoint socket::getpeername() const {
    return or_throw([&](std::error_code& ec) { return getpeername(ec); },
                    [&](std::error_code ec) { fail(ec, "getpeername"); });
}

void socket::settimeout(std::optional<double> seconds) {
    or_throw([&](std::error_code& ec) { settimeout(seconds, ec); },
             [&](std::error_code ec) { fail(ec, "settimeout"); });
}

void socket::setblocking(bool flag) {
    or_throw([&](std::error_code& ec) { setblocking(flag, ec); },
             [&](std::error_code ec) { fail(ec, "setblocking"); });
}

std::pair<socket, socket> socketpair(portsock::family family, portsock::type type, int proto) {
    return or_throw([&](std::error_code& ec) { return socketpair(family, type, proto, ec); },
                    [&](std::error_code ec) { throw_error(ec, "socketpair"); });
}

socket create_connection(std::string_view host, int port, std::optional<double> timeout) {
    std::vector<connect_attempt> attempts;
    return or_throw(
        [&](std::error_code& ec) { return create_connection(host, port, timeout, ec, &attempts); },
        [&](std::error_code ec) {
            std::string what = "connect to " + detail::host_port(host, port);
            if (!attempts.empty()) what += " (tried " + describe(attempts) + ')';
            throw_error(ec, what);
        });
}

socket create_connection(std::string_view host, int port, std::optional<double> timeout,
                         const endpoint& source_address) {
    std::vector<connect_attempt> attempts;
    return or_throw(
        [&](std::error_code& ec) { return create_connection(host, port, timeout, source_address, ec, &attempts); },
        [&](std::error_code ec) {
            std::string what = "connect to " + detail::host_port(host, port) + " from " + source_address.to_string();
            if (!attempts.empty()) what += " (tried " + describe(attempts) + ')';
            throw_error(ec, what);
        });
}

socket create_server(const endpoint& address, const server_options& options) {
    return or_throw([&](std::error_code& ec) { return create_server(address, options, ec); },
                    [&](std::error_code ec) { throw_error(ec, "create_server on " + address.to_string()); });
}

void socket::bind_to_device(std::string_view interface_name) {
    or_throw([&](std::error_code& ec) { bind_to_device(interface_name, ec); },
             [&](std::error_code ec) { fail(ec, ("bind_to_device " + std::string(interface_name)).c_str()); });
}

std::string socket::bound_device() const {
    return or_throw([&](std::error_code& ec) { return bound_device(ec); },
                    [&](std::error_code ec) { fail(ec, "bound_device"); });
}

socket create_server(const endpoint& address, int backlog, bool dual_stack) {
    return or_throw([&](std::error_code& ec) { return create_server(address, backlog, dual_stack, ec); },
                    [&](std::error_code ec) { throw_error(ec, "create_server on " + address.to_string()); });
}

socket socket::from_handle(native_handle_type handle) {
    return or_throw([&](std::error_code& ec) { return from_handle(handle, ec); },
                    [&](std::error_code ec) { throw_error(ec, "socket from handle " + std::to_string(handle)); });
}

socket socket::dup() const {
    return or_throw([&](std::error_code& ec) { return dup(ec); }, [&](std::error_code ec) { fail(ec, "dup"); });
}

void socket::set_inheritable(bool inheritable) {
    or_throw([&](std::error_code& ec) { set_inheritable(inheritable, ec); },
             [&](std::error_code ec) { fail(ec, "set_inheritable"); });
}

bool socket::get_inheritable() const {
    return or_throw([&](std::error_code& ec) { return get_inheritable(ec); },
                    [&](std::error_code ec) { fail(ec, "get_inheritable"); });
}

std::string socket::share(std::uint32_t process_id) const {
    return or_throw([&](std::error_code& ec) { return share(process_id, ec); },
                    [&](std::error_code ec) { fail(ec, ("share for process " + std::to_string(process_id)).c_str()); });
}

socket socket::fromshare(std::string_view data) {
    return or_throw([&](std::error_code& ec) { return fromshare(data, ec); },
                    [&](std::error_code ec) { throw_error(ec, "fromshare of " + std::to_string(data.size()) + " bytes"); });
}

void setdefaulttimeout(std::optional<double> seconds) {
    or_throw([&](std::error_code& ec) { setdefaulttimeout(seconds, ec); },
             [&](std::error_code ec) { throw_error(ec, "setdefaulttimeout"); });
}

}  // namespace portsock

#endif  // PORTSOCK_HAS_EXCEPTIONS
