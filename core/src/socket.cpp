// The socket class: argument checks, Python's timeout modes and the error
// messages, over the platform contract in sys.hpp.
//
// Timeout modes (as CPython's socketmodule.c does them): in blocking mode the
// handle is blocking and every call is the system call itself. In the other
// two modes the handle is non-blocking; with a deadline, a call that would
// block waits for readiness (sys::wait) until the deadline and tries again.
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>

#include "checks.hpp"
#include "sys.hpp"
#include "text.hpp"

#include <atomic>
#include <cmath>
#include <mutex>
#include <utility>

namespace portsock {
namespace {

bool in_progress(std::error_code ec) noexcept {
    return ec == std::errc::operation_in_progress || would_block(ec);
}

// Runs one system call; in deadline mode, waits and retries while it would
// block. `op` returns the call's result and sets `ec`.
template <class Op>
auto with_deadline(native_handle_type h, std::int64_t timeout_ns, sys::direction dir,
                   std::error_code& ec, Op op) noexcept {
    auto result = op(ec);
    if (!ec || timeout_ns <= 0 || !would_block(ec)) return result;
    const auto deadline = sys::deadline_after(timeout_ns);
    for (;;) {
        ec = sys::wait(h, dir, deadline);
        if (ec) return decltype(result){};
        result = op(ec);
        if (!ec || !would_block(ec)) return result;
    }
}

// The deadline mode of the data calls, kept out of line so that the other
// two modes are a check and a jump to the system call. (Done with explicit
// arguments: a lambda capturing them, as with_deadline takes, makes the
// compiler store them before it knows the mode.)
PORTSOCK_OUT_OF_LINE std::size_t send_with_deadline(native_handle_type h, std::int64_t timeout_ns,
                                                    const void* data, std::size_t size, msg flags,
                                                    std::error_code& ec) noexcept {
    return with_deadline(h, timeout_ns, sys::direction::write, ec,
                         [&](std::error_code& e) { return sys::send(h, data, size, flags, e); });
}

// One receive: a stream's data through recv (a stream has no sender per
// message, so `from` stays as it is), a message through recvfrom.
inline std::size_t receive(native_handle_type h, bool stream, void* buffer, std::size_t size, endpoint* from,
                           msg flags, std::error_code& ec) noexcept {
    return stream ? sys::recv(h, buffer, size, flags, ec) : sys::recvfrom(h, buffer, size, from, flags, ec);
}

PORTSOCK_OUT_OF_LINE std::size_t receive_with_deadline(native_handle_type h, std::int64_t timeout_ns, bool stream,
                                                       void* buffer, std::size_t size, endpoint* from, msg flags,
                                                       std::error_code& ec) noexcept {
    return with_deadline(h, timeout_ns, sys::direction::read, ec, [&](std::error_code& e) {
        return receive(h, stream, buffer, size, from, flags, e);
    });
}

PORTSOCK_OUT_OF_LINE std::size_t sendto_with_deadline(native_handle_type h, std::int64_t timeout_ns,
                                                      const void* data, std::size_t size, const endpoint& to,
                                                      msg flags, std::error_code& ec) noexcept {
    return with_deadline(h, timeout_ns, sys::direction::write, ec,
                         [&](std::error_code& e) { return sys::sendto(h, data, size, to, flags, e); });
}

// Python's default timeout for new sockets, in nanoseconds (-1: blocking,
// the start). Read at every open and accept: a relaxed atomic where 64-bit
// atomics need no library (they do on 32-bit MIPS and PowerPC), a lock
// elsewhere.
#if ATOMIC_LLONG_LOCK_FREE == 2
std::atomic<std::int64_t> default_ns{-1};
std::int64_t default_timeout_ns() noexcept { return default_ns.load(std::memory_order_relaxed); }
void set_default_timeout_ns(std::int64_t ns) noexcept { default_ns.store(ns, std::memory_order_relaxed); }
#else
std::mutex default_lock;
std::int64_t default_ns = -1;
std::int64_t default_timeout_ns() noexcept {
    const std::lock_guard<std::mutex> hold(default_lock);
    return default_ns;
}
void set_default_timeout_ns(std::int64_t ns) noexcept {
    const std::lock_guard<std::mutex> hold(default_lock);
    default_ns = ns;
}
#endif

// Puts a new handle in the default timeout mode and returns that mode's
// timeout_ns_ (-1: blocking). A handle known to be blocking (just opened or
// accepted) costs a system call only when a default is set.
std::int64_t enter_default_mode(native_handle_type h, bool known_blocking, std::error_code& ec) noexcept {
    const std::int64_t ns = default_timeout_ns();
    if (ns >= 0 || !known_blocking) ec = sys::set_nonblocking(h, ns >= 0);
    return ns;
}

// A call's flags, checked only when there are some: a flag the system lacks
// fails the call before anything is sent or received.
inline bool flags_ok(msg flags, std::error_code& ec) noexcept {
    if (flags == msg::none || sys::flags_supported(flags)) return true;
    ec = error::not_supported;
    return false;
}

// Python's address resolution for bind((host, port)) / connect((host, port)):
// numeric hosts and the special names without asking the resolver, anything
// else through getaddrinfo for this socket's family.
endpoint resolve_for(std::string_view host, int port, portsock::family f, portsock::type t,
                     bool passive, std::error_code& ec) {
    ec.clear();
    if (f != portsock::family::inet && f != portsock::family::inet6) {
        ec = error::family_mismatch;
        return {};
    }
    if (host.empty() && f == portsock::family::inet6) {
        if (port < 0 || port > 65535) {
            ec = error::port_out_of_range;
            return {};
        }
        return endpoint::v6({}, static_cast<std::uint16_t>(port));
    }
    endpoint e = endpoint::parse(host, port, ec);
    if (!ec) {
        if (e.family() != f) ec = error::family_mismatch;
        return ec ? endpoint{} : e;
    }
    if (ec != error::bad_address) return {};
    auto infos = getaddrinfo(host, port, f, t, 0, passive ? ai::passive : ai::none, ec);
    if (ec) return {};
    if (infos.empty()) {
        ec = error::no_address;
        return {};
    }
    return infos.front().address;
}

}  // namespace

// Lifetime ------------------------------------------------------------------

socket::socket(socket&& other) noexcept
    : handle_(std::exchange(other.handle_, invalid_native_handle)),
      timeout_ns_(std::exchange(other.timeout_ns_, -1)),
      family_(other.family_),
      type_(other.type_),
      proto_(other.proto_) {}

socket& socket::operator=(socket&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, invalid_native_handle);
        timeout_ns_ = std::exchange(other.timeout_ns_, -1);
        family_ = other.family_;
        type_ = other.type_;
        proto_ = other.proto_;
    }
    return *this;
}

socket::~socket() { close(); }

void socket::open(portsock::family family, portsock::type type, int proto,
                  std::error_code& ec) noexcept {
    close();
    const native_handle_type h = sys::open(family, type, proto, ec);
    if (ec) return;
    // A new socket starts in the default timeout mode (setdefaulttimeout).
    const std::int64_t ns = enter_default_mode(h, true, ec);
    if (ec) {
        (void)sys::close(h);
        return;
    }
    handle_ = h;
    timeout_ns_ = ns;
    // other_family(AF_INET's number) is family::inet: one name per family.
    family_ = is_other(family) ? sys::from_native_family(sys::native_family(family)) : family;
    type_ = is_other(type) ? sys::from_native_type(sys::native_type(type)) : type;
    proto_ = proto;
}

int system_number(portsock::family family) noexcept { return sys::native_family(family); }

int system_number(portsock::type type) noexcept { return sys::native_type(type); }

socket socket::adopt(native_handle_type handle, portsock::family family, portsock::type type,
                     int proto) noexcept {
    socket s;
    s.handle_ = handle;
    s.family_ = is_other(family) ? sys::from_native_family(sys::native_family(family)) : family;
    s.type_ = is_other(type) ? sys::from_native_type(sys::native_type(type)) : type;
    s.proto_ = proto;
    return s;
}

socket socket::from_handle(native_handle_type handle, std::error_code& ec) noexcept {
    if (handle == invalid_native_handle) {
        ec = error::not_open;
        return {};
    }
    portsock::family f{};
    portsock::type t{};
    int proto = 0;
    ec = sys::describe(handle, f, t, proto);
    if (ec) return {};
    // As a new socket: the default timeout mode, whatever mode it came in.
    const std::int64_t ns = enter_default_mode(handle, false, ec);
    if (ec) return {};
    socket s = adopt(handle, f, t, proto);
    s.timeout_ns_ = ns;
    return s;
}

socket socket::dup(std::error_code& ec) const noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return {};
    }
    const native_handle_type h = sys::dup(handle_, ec);
    if (ec) return {};
    socket s = adopt(h, family_, type_, proto_);
    s.timeout_ns_ = timeout_ns_;  // the blocking flag is shared anyway
    return s;
}

void socket::set_inheritable(bool inheritable, std::error_code& ec) noexcept {
    ec = is_open() ? sys::set_inheritable(handle_, inheritable) : make_error_code(error::not_open);
}

bool socket::get_inheritable(std::error_code& ec) const noexcept {
    bool on = false;
    ec = is_open() ? sys::get_inheritable(handle_, on) : make_error_code(error::not_open);
    return on;
}

std::string socket::share(std::uint32_t process_id, std::error_code& ec) const {
    std::string data;
    ec = is_open() ? sys::share(handle_, process_id, data) : make_error_code(error::not_open);
    if (ec) data.clear();
    return data;
}

socket socket::fromshare(std::string_view data, std::error_code& ec) noexcept {
    portsock::family f{};
    portsock::type t{};
    int proto = 0;
    const native_handle_type h = sys::fromshare(data, f, t, proto, ec);
    if (ec) return {};
    // As a new socket: the default timeout mode, whatever mode it was shared in.
    const std::int64_t ns = enter_default_mode(h, false, ec);
    if (ec) {
        (void)sys::close(h);
        return {};
    }
    socket s = adopt(h, f, t, proto);
    s.timeout_ns_ = ns;
    return s;
}

native_handle_type socket::release() noexcept {
    timeout_ns_ = -1;
    return std::exchange(handle_, invalid_native_handle);
}

void socket::close(std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open()) return;
    timeout_ns_ = -1;
    ec = sys::close(std::exchange(handle_, invalid_native_handle));
}

void socket::close() noexcept {
    std::error_code ignored;
    close(ignored);
}

// Server side -----------------------------------------------------------------

void socket::bind(const endpoint& address, std::error_code& ec) noexcept {
    if (!is_open()) {
        ec = error::not_open;
    } else if (address.empty()) {
        ec = error::empty_endpoint;
    } else if (address.family() != family_) {
        ec = error::family_mismatch;
    } else {
        ec = sys::bind(handle_, address);
    }
}

void socket::bind(std::string_view host, int port, std::error_code& ec) {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    const endpoint address = resolve_for(host, port, family_, type_, true, ec);
    if (!ec) bind(address, ec);
}

void socket::listen(int backlog, std::error_code& ec) noexcept {
    ec = is_open() ? sys::listen(handle_, backlog < 0 ? 0 : backlog)
                   : make_error_code(error::not_open);
}

accept_result socket::accept(std::error_code& ec) noexcept {
    accept_result result;
    if (!is_open()) {
        ec = error::not_open;
        return result;
    }
    const bool nonblocking = timeout_ns_ >= 0;
    const native_handle_type h =
        with_deadline(handle_, timeout_ns_, sys::direction::read, ec, [&](std::error_code& e) {
            return sys::accept(handle_, result.address, nonblocking, e);
        });
    if (ec) return result;
    result.conn = adopt(h, family_, type_, proto_);
    // As a new socket: the default timeout mode, whatever the listener's.
    result.conn.timeout_ns_ = enter_default_mode(h, true, ec);
    if (ec) result.conn.close();
    return result;
}

// Client side -----------------------------------------------------------------

void socket::connect(const endpoint& address, std::error_code& ec) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    if (address.empty()) {
        ec = error::empty_endpoint;
        return;
    }
    if (address.family() != family_) {
        ec = error::family_mismatch;
        return;
    }
    ec = sys::connect(handle_, address);
    if (!ec || timeout_ns_ <= 0 || !in_progress(ec)) {
        if (timeout_ns_ == 0 && would_block(ec)) ec = std::make_error_code(std::errc::operation_in_progress);
        return;
    }
    const auto deadline = sys::deadline_after(timeout_ns_);
    ec = sys::wait(handle_, sys::direction::write, deadline);
    if (!ec) ec = sys::connect_result(handle_);
}

void socket::connect(std::string_view host, int port, std::error_code& ec) {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    const endpoint address = resolve_for(host, port, family_, type_, false, ec);
    if (!ec) connect(address, ec);
}

// Data ------------------------------------------------------------------------

namespace {
// send and recv_into with a closed socket, flags or a deadline: out of line,
// so that the common case saves no registers (a call in one of its branches
// made the compiler save five on every call: about 20 instructions).
PORTSOCK_OUT_OF_LINE std::size_t send_checked(native_handle_type h, std::int64_t timeout_ns, const void* data,
                                              std::size_t size, msg flags, std::error_code& ec) noexcept {
    if (h == invalid_native_handle) {
        ec = error::not_open;
        return 0;
    }
    if (!flags_ok(flags, ec)) return 0;
    if (timeout_ns > 0) return send_with_deadline(h, timeout_ns, data, size, flags, ec);
    return sys::send(h, data, size, flags, ec);
}

PORTSOCK_OUT_OF_LINE std::size_t recv_checked(native_handle_type h, std::int64_t timeout_ns, bool stream,
                                              void* buffer, std::size_t size, msg flags,
                                              std::error_code& ec) noexcept {
    if (h == invalid_native_handle) {
        ec = error::not_open;
        return 0;
    }
    if (!flags_ok(flags, ec)) return 0;
    if (size == 0) {
        ec = error::empty_buffer;
        return 0;
    }
    if (timeout_ns > 0) return receive_with_deadline(h, timeout_ns, stream, buffer, size, nullptr, flags, ec);
    return receive(h, stream, buffer, size, nullptr, flags, ec);
}
}  // namespace

std::size_t socket::send(const void* data, std::size_t size, std::error_code& ec,
                         msg flags) noexcept {
    if (!is_open() || flags != msg::none || timeout_ns_ > 0) {
        return send_checked(handle_, timeout_ns_, data, size, flags, ec);
    }
    // Blocking or non-blocking: the system call is all there is to do, and
    // calling it last lets the compiler jump to it (no frame of our own).
    return sys::send(handle_, data, size, flags, ec);
}

std::size_t socket::sendall(const void* data, std::size_t size, std::error_code& ec,
                            msg flags) noexcept {
    ec.clear();
    if (!is_open()) {
        ec = error::not_open;
        return 0;
    }
    if (!flags_ok(flags, ec)) return 0;
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t sent = 0;
    bool have_deadline = false;
    sys::clock::time_point deadline;
    while (sent < size) {
        const std::size_t n = sys::send(handle_, bytes + sent, size - sent, flags, ec);
        if (!ec) {
            sent += n;
            continue;
        }
        if (timeout_ns_ <= 0 || !would_block(ec)) return sent;
        if (!have_deadline) {
            deadline = sys::deadline_after(timeout_ns_);
            have_deadline = true;
        }
        ec = sys::wait(handle_, sys::direction::write, deadline);
        if (ec) return sent;
    }
    return sent;
}

std::size_t socket::recv_into(void* buffer, std::size_t size, std::error_code& ec,
                              msg flags) noexcept {
    // Datagram sockets go through recvfrom, which detects truncation. As in
    // send, the modes without a deadline end in the system call itself.
    const bool stream = type_ == portsock::type::stream;
    if (!is_open() || flags != msg::none || size == 0 || timeout_ns_ > 0) {
        return recv_checked(handle_, timeout_ns_, stream, buffer, size, flags, ec);
    }
    return receive(handle_, stream, buffer, size, nullptr, flags, ec);
}

std::string socket::recv(std::size_t bufsize, std::error_code& ec, msg flags) {
    std::string data(bufsize, '\0');
    data.resize(recv_into(data.data(), bufsize, ec, flags));
    return data;
}

std::size_t socket::sendto(const void* data, std::size_t size, const endpoint& address,
                           std::error_code& ec, msg flags) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return 0;
    }
    if (!flags_ok(flags, ec)) return 0;
    if (address.empty()) {
        ec = error::empty_endpoint;
        return 0;
    }
    if (address.family() != family_) {
        ec = error::family_mismatch;
        return 0;
    }
    if (timeout_ns_ > 0) return sendto_with_deadline(handle_, timeout_ns_, data, size, address, flags, ec);
    return sys::sendto(handle_, data, size, address, flags, ec);
}

recvfrom_result socket::recvfrom_into(void* buffer, std::size_t size, std::error_code& ec,
                                      msg flags) noexcept {
    recvfrom_result result;
    if (!is_open()) {
        ec = error::not_open;
        return result;
    }
    if (!flags_ok(flags, ec)) return result;
    if (size == 0) {
        ec = error::empty_buffer;
        return result;
    }
    // A stream's address stays empty, as the system reports it.
    const bool stream = type_ == portsock::type::stream;
    result.nbytes = timeout_ns_ > 0 ? receive_with_deadline(handle_, timeout_ns_, stream, buffer, size,
                                                            &result.address, flags, ec)
                                    : receive(handle_, stream, buffer, size, &result.address, flags, ec);
    return result;
}

recvfrom_data socket::recvfrom(std::size_t bufsize, std::error_code& ec, msg flags) {
    recvfrom_data result;
    result.data.resize(bufsize);
    recvfrom_result r = recvfrom_into(result.data.data(), bufsize, ec, flags);
    result.data.resize(r.nbytes);
    result.address = r.address;
    return result;
}

void socket::shutdown(shut how, std::error_code& ec) noexcept {
    ec = is_open() ? sys::shutdown(handle_, how) : make_error_code(error::not_open);
}

// Addresses -------------------------------------------------------------------

endpoint socket::getsockname(std::error_code& ec) const noexcept {
    endpoint e;
    ec = is_open() ? sys::getsockname(handle_, e) : make_error_code(error::not_open);
    return e;
}

endpoint socket::getpeername(std::error_code& ec) const noexcept {
    endpoint e;
    ec = is_open() ? sys::getpeername(handle_, e) : make_error_code(error::not_open);
    return e;
}

// Timeouts --------------------------------------------------------------------

void socket::settimeout(std::optional<double> seconds, std::error_code& ec) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    std::int64_t ns = -1;
    if (seconds) {
        const double s = *seconds;
        if (!detail::valid_timeout(s)) {
            ec = error::bad_timeout;
            return;
        }
        ns = detail::timeout_ns(s);
    }
    ec = sys::set_nonblocking(handle_, ns >= 0);
    if (!ec) timeout_ns_ = ns;
}

void setdefaulttimeout(std::optional<double> seconds, std::error_code& ec) noexcept {
    ec.clear();
    if (seconds && !detail::valid_timeout(*seconds)) {
        ec = error::bad_timeout;
        return;
    }
    set_default_timeout_ns(seconds ? detail::timeout_ns(*seconds) : -1);
}

std::optional<double> getdefaulttimeout() noexcept {
    const std::int64_t ns = default_timeout_ns();
    if (ns < 0) return std::nullopt;
    return static_cast<double>(ns) / 1e9;
}

std::optional<double> socket::gettimeout() const noexcept {
    if (timeout_ns_ < 0) return std::nullopt;
    return static_cast<double>(timeout_ns_) / 1e9;
}

void socket::setblocking(bool flag, std::error_code& ec) noexcept {
    settimeout(flag ? std::nullopt : std::optional<double>(0.0), ec);
}

// Options ---------------------------------------------------------------------

void socket::set_int_option(option_id id, int value, std::error_code& ec) noexcept {
    ec = is_open() ? sys::set_option(handle_, family_, type_, id, value) : make_error_code(error::not_open);
}

int socket::get_int_option(option_id id, std::error_code& ec) const noexcept {
    int value = 0;
    ec = is_open() ? sys::get_option(handle_, family_, type_, id, value) : make_error_code(error::not_open);
    return value;
}

std::error_code socket::error_from_native(int code) noexcept { return sys::error_from_native(code); }

void socket::set_keepalive(const keepalive_settings& value, std::error_code& ec) noexcept {
    // Checked here, so that every system refuses the same values: at least
    // a second each (Windows takes 0 as its default), a count of 0 or more
    // (0: the system's), each within the int the systems take.
    constexpr long long most = 0x7fffffff;
    const bool bad = value.enabled && (value.idle.count() < 1 || value.idle.count() > most ||
                                       value.interval.count() < 1 || value.interval.count() > most ||
                                       value.count < 0);
    ec = !is_open() ? make_error_code(error::not_open)
         : bad      ? std::make_error_code(std::errc::invalid_argument)
                    : sys::set_keepalive(handle_, value);
}

keepalive_settings socket::get_keepalive(std::error_code& ec) const noexcept {
    keepalive_settings value;
    ec = is_open() ? sys::get_keepalive(handle_, value) : make_error_code(error::not_open);
    return value;
}

namespace {
// bind_to_device's checks: an open IP socket, a name without NUL.
std::error_code device_check(const socket& s, std::string_view name) noexcept {
    if (!s.is_open()) return error::not_open;
    if (s.family() != portsock::family::inet && s.family() != portsock::family::inet6) return error::family_mismatch;
    if (name.find('\0') != std::string_view::npos) return error::embedded_nul;
    return {};
}
}  // namespace

void socket::bind_to_device(std::string_view interface_name, std::error_code& ec) noexcept {
    ec = device_check(*this, interface_name);
    if (!ec) ec = sys::bind_to_device(handle_, family_, interface_name);
}

std::string socket::bound_device(std::error_code& ec) const {
    std::string name;
    ec = device_check(*this, {});
    if (!ec) ec = sys::bound_device(handle_, family_, name);
    return name;
}

void socket::setsockopt(int level, int name, const void* value, std::size_t size,
                        std::error_code& ec) noexcept {
    ec = is_open() ? sys::set_raw_option(handle_, level, name, value, size)
                   : make_error_code(error::not_open);
}

std::size_t socket::getsockopt(int level, int name, void* value, std::size_t size,
                               std::error_code& ec) const noexcept {
    ec = is_open() ? sys::get_raw_option(handle_, level, name, value, size)
                   : make_error_code(error::not_open);
    return ec ? 0 : size;
}

// repr ------------------------------------------------------------------------

namespace {
// An address as Python's socket repr shows it ("laddr=%s" % str(addr)): a
// tuple's repr for IP, a Unix path as it is (a str), an abstract name as a
// bytes repr.
std::string address_str(const endpoint& e) {
    if (e.family() == portsock::family::local && !e.is_abstract()) return std::string(e.bytes());
    return e.repr();
}
}  // namespace

std::string socket::repr() const {
    std::string out = "<portsock.socket";
    if (!is_open()) out += " [closed]";
    out += " fd=";
    out += is_open() ? std::to_string(handle_) : std::string("-1");
    out += ", family=";
    out += detail::family_name(family_);
    out += ", type=";
    out += detail::type_name(type_);
    out += ", proto=";
    out += std::to_string(proto_);
    if (is_open()) {
        std::error_code ec;
        // As Python: an address that is empty (an unnamed Unix socket) is left out.
        const endpoint local = getsockname(ec);
        if (!ec && !local.empty() && !(local.family() == portsock::family::local && local.bytes().empty())) {
            out += ", laddr=" + address_str(local);
        }
        const endpoint peer = getpeername(ec);
        if (!ec && !peer.empty() && !(peer.family() == portsock::family::local && peer.bytes().empty())) {
            out += ", raddr=" + address_str(peer);
        }
    }
    out += '>';
    return out;
}

}  // namespace portsock
