// `socket`: a move-only owner of one operating-system socket, with Python's
// methods. Plus the helpers Python builds on it: `socketpair`,
// `create_connection` and `create_server`.
//
// Every operation comes in two forms. The `noexcept` form takes a
// `std::error_code&` as its last required argument and reports failure there;
// the throwing form (present when exceptions are on) throws `socket_error`,
// `timeout_error` or `gaierror` with a message that names the operation and
// the endpoint: `connect to 127.0.0.1:9: Connection refused`.
//
// Timeouts follow Python's three modes (see `settimeout`): blocking (the
// default), non-blocking, and a deadline per operation. On the data path
// (`send`, `recv_into`, `sendto`, `recvfrom_into`, `accept`) one call makes one
// system call in blocking and non-blocking mode, and allocates nothing.
//
// Threads: one thread may send while another receives on the same socket;
// any other concurrent use of one socket object needs the caller's lock.
#pragma once

#include <portsock/datagram.hpp>
#include <portsock/endpoint.hpp>
#include <portsock/error.hpp>
#include <portsock/multicast.hpp>
#include <portsock/native.hpp>
#include <portsock/types.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace portsock {

class socket;

/// What `accept` returns: Python's `(conn, address)`.
struct accept_result;
/// What `recvfrom_into` returns: Python's `(nbytes, address)`.
struct recvfrom_result {
    /// Bytes received into the buffer.
    std::size_t nbytes = 0;
    /// The sender.
    endpoint address;
};
/// What `recvfrom` returns: Python's `(bytes, address)`.
struct recvfrom_data {
    /// The datagram or bytes received.
    std::string data;
    /// The sender.
    endpoint address;
};

#if PORTSOCK_HAS_EXCEPTIONS
/// What the throwing forms of `recvfrom_into`, `recvfrom`, `recv_into` and
/// `recv` throw when a datagram (or seqpacket message) was longer than the
/// buffer: `std::errc::message_size`, on every backend (Windows' WSAEMSGSIZE;
/// Python on Linux truncates silently). The rest of the datagram is gone, but
/// what arrived is kept: `transferred()` bytes (the buffer's size), left in
/// the caller's buffer by the `_into` forms and held in `data()` for `recv`
/// and `recvfrom` (empty for the `_into` forms); `sender()` is who sent it
/// (for `recv` forms the connected peer, or empty when not connected).
/// The `std::error_code` forms report the same with their usual result.
class PORTSOCK_EXCEPTION_API truncated_error : public socket_error {
public:
    truncated_error(std::error_code ec, const std::string& what, std::size_t transferred,
                    const endpoint& sender, std::string data = {})
        : socket_error(ec, what, transferred),
          sender_(sender),
          data_(std::make_shared<const std::string>(std::move(data))) {}
    /// The datagram's sender.
    const endpoint& sender() const noexcept { return sender_; }
    /// The datagram's first `transferred()` bytes (`recv`, `recvfrom`).
    const std::string& data() const noexcept { return *data_; }

private:
    endpoint sender_;
    std::shared_ptr<const std::string> data_;  // shared: copying an exception must not throw
};
#endif

namespace detail {
template <class T>
struct identity {
    using type = T;
};
template <class T>
using identity_t = typename identity<T>::type;
}  // namespace detail

/// A socket: a move-only owner of one OS handle (Python's `socket.socket`).
class PORTSOCK_API socket {
public:
    /// Python's default `listen` backlog: min(SOMAXCONN, 128).
    static constexpr int default_backlog = 128;

    /// An empty socket: every operation on it fails with `error::not_open`.
    socket() noexcept = default;
#if PORTSOCK_HAS_EXCEPTIONS
    /// Python's `socket.socket(family, type, proto)`. Throws `socket_error`.
    explicit socket(portsock::family family, portsock::type type = portsock::type::stream,
                    int proto = 0);
#endif
    /// Takes over `other`'s handle; `other` is left empty.
    socket(socket&& other) noexcept;
    /// Closes this socket's handle, then takes over `other`'s.
    socket& operator=(socket&& other) noexcept;
    /// Not copyable: one owner per handle.
    socket(const socket&) = delete;
    socket& operator=(const socket&) = delete;
    /// Closes the handle, ignoring errors (call `close(ec)` to see them).
    ~socket();

    /// Opens a new socket (close-on-exec, never raising SIGPIPE). A socket that
    /// was open is closed first.
    void open(portsock::family family, portsock::type type, int proto,
              std::error_code& ec) noexcept;
    /// Takes ownership of a handle opened elsewhere. The caller states its
    /// family, type and protocol; the timeout mode is taken as blocking.
    static socket adopt(native_handle_type handle, portsock::family family,
                        portsock::type type, int proto = 0) noexcept;
    /// Python's `socket(fileno=handle)`: takes ownership of a socket handle
    /// opened elsewhere, asking the system for its family, type and protocol
    /// (the protocol is 0 where the system does not say: macOS). The socket
    /// starts in the default timeout mode. On failure (no socket, or a family
    /// or type portsock has no name for) the handle stays the caller's.
    static socket from_handle(native_handle_type handle, std::error_code& ec) noexcept;
    /// Python's `dup()`: a second socket for the same connection, with the
    /// same family, type, protocol and timeout, not inherited by child
    /// processes. The two share the system's state, the blocking flag
    /// included: set a timeout on both, or on neither.
    socket dup(std::error_code& ec) const noexcept;
    /// Python's `set_inheritable` / `get_inheritable`: whether a child
    /// process started later inherits the handle. Sockets are not inherited
    /// unless asked.
    void set_inheritable(bool inheritable, std::error_code& ec) noexcept;
    bool get_inheritable(std::error_code& ec) const noexcept;
    /// Python's `share(process_id)`, a Windows call: the bytes (a
    /// WSAPROTOCOL_INFOW) with which process `process_id` makes its own
    /// socket for this connection by `fromshare`, once. Pass them over any
    /// channel (a pipe, a socket). POSIX has no equivalent, and both calls
    /// fail there with `error::not_supported`: a child process inherits a
    /// socket marked `set_inheritable(true)` (pass it the `fileno()` and call
    /// `from_handle` there), and `dup` copies one within a process; passing a
    /// descriptor to an unrelated process over a Unix socket (SCM_RIGHTS) is
    /// not offered yet.
    std::string share(std::uint32_t process_id, std::error_code& ec) const;
    /// Python's `socket.fromshare(data)`: the socket that `share` made for
    /// this process, its family, type and protocol read from the data, in
    /// the default timeout mode and not inheritable. Data of the wrong size
    /// is `error::bad_share_data`.
    static socket fromshare(std::string_view data, std::error_code& ec) noexcept;

    // Python's attributes ---------------------------------------------------
    /// The address family given when the socket was opened.
    portsock::family family() const noexcept { return family_; }
    /// The socket type given when the socket was opened.
    portsock::type type() const noexcept { return type_; }
    /// The protocol given when the socket was opened (0: the default).
    int proto() const noexcept { return proto_; }
    /// The handle, or `invalid_native_handle` (-1 on POSIX) when closed.
    native_handle_type fileno() const noexcept { return handle_; }
    /// The handle, as `fileno()`, for code that calls the OS itself.
    native_handle_type native_handle() const noexcept { return handle_; }
    /// True while the socket owns a handle.
    bool is_open() const noexcept { return handle_ != invalid_native_handle; }
    /// Gives up ownership: returns the handle and leaves this socket empty
    /// (Python's `detach`).
    native_handle_type release() noexcept;

    // Server side -------------------------------------------------------------
    /// Binds to a local address (port 0: the system picks a free port).
    void bind(const endpoint& address, std::error_code& ec) noexcept;
    /// Python's `bind((host, port))`: `host` is resolved for this socket's
    /// family; `""` is the any address, `"<broadcast>"` the broadcast address.
    void bind(std::string_view host, int port, std::error_code& ec);
    /// Starts accepting connections, queueing up to `backlog` of them.
    void listen(int backlog, std::error_code& ec) noexcept;
    /// Waits for a connection; the new socket is in blocking mode whatever
    /// this socket's mode, and is close-on-exec.
    accept_result accept(std::error_code& ec) noexcept;

    // Client side -------------------------------------------------------------
    /// Connects, honouring the timeout mode. In non-blocking mode a
    /// connection in progress is `std::errc::operation_in_progress`.
    void connect(const endpoint& address, std::error_code& ec) noexcept;
    /// Python's `connect((host, port))`: resolves `host` for this socket's
    /// family and connects to the first address. To try every address, use
    /// `create_connection`.
    void connect(std::string_view host, int port, std::error_code& ec);

    // Data --------------------------------------------------------------------
    /// Sends what the system accepts now; returns the count (maybe short).
    std::size_t send(const void* data, std::size_t size, std::error_code& ec,
                     msg flags = msg::none) noexcept;
    /// Sends everything, retrying short sends; with a timeout, the deadline
    /// covers the whole call. Returns the bytes sent, also when it fails.
    std::size_t sendall(const void* data, std::size_t size, std::error_code& ec,
                        msg flags = msg::none) noexcept;
    /// Receives into the caller's buffer; 0 means the peer closed (streams).
    /// A zero-size buffer is `error::empty_buffer`. A datagram longer than
    /// the buffer fills it and reports `std::errc::message_size`.
    std::size_t recv_into(void* buffer, std::size_t size, std::error_code& ec,
                          msg flags = msg::none) noexcept;
    /// Python's `recv(bufsize)`: returns a new string (allocates; the data
    /// path uses `recv_into`).
    std::string recv(std::size_t bufsize, std::error_code& ec, msg flags = msg::none);
    /// Sends one datagram to `address`; returns the bytes sent.
    std::size_t sendto(const void* data, std::size_t size, const endpoint& address,
                       std::error_code& ec, msg flags = msg::none) noexcept;
    /// Receives one datagram into the caller's buffer, with its sender (no allocation).
    recvfrom_result recvfrom_into(void* buffer, std::size_t size, std::error_code& ec,
                                  msg flags = msg::none) noexcept;
    /// Python's `recvfrom(bufsize)`: one datagram as a new string, with its sender.
    recvfrom_data recvfrom(std::size_t bufsize, std::error_code& ec, msg flags = msg::none);

    // Datagram batches (datagram.hpp) ------------------------------------------
    /// Receives up to `count` datagrams into the caller's slots, each with
    /// its size, sender and truncated flag; returns how many arrived (some,
    /// then would-block, is that count and no error). No allocation.
    std::size_t recv_many(datagram* slots, std::size_t count, std::error_code& ec,
                          msg flags = msg::none) noexcept;
    /// Sends up to `count` datagrams, each to its slot's peer (none on a
    /// connected socket); returns how many went, each slot's `nbytes` set.
    std::size_t send_many(datagram* slots, std::size_t count, std::error_code& ec,
                          msg flags = msg::none) noexcept;

    // Closing -----------------------------------------------------------------
    /// Closes one or both directions; a stream's peer then reads end-of-stream.
    void shutdown(shut how, std::error_code& ec) noexcept;
    /// Closes the handle and leaves the socket empty. Closing an empty socket
    /// does nothing and is not an error (as in Python).
    void close(std::error_code& ec) noexcept;
    /// Closes, ignoring errors.
    void close() noexcept;

    // Addresses ---------------------------------------------------------------
    /// The local address (the real port after binding port 0).
    endpoint getsockname(std::error_code& ec) const noexcept;
    /// The address of the connected peer.
    endpoint getpeername(std::error_code& ec) const noexcept;

    // Timeouts: Python's three modes -----------------------------------------
    /// `std::nullopt`: blocking (the default). `0`: non-blocking; operations
    /// that cannot finish at once fail with `would_block(ec)` true.
    /// `t > 0`: each operation may wait at most `t` seconds, then fails with
    /// `std::errc::timed_out`. Negative, NaN or infinite values, and values
    /// past 9,223,372,036 s (about 292 years: the nanoseconds must fit 64
    /// bits, as in Python) are `error::bad_timeout`; others are kept as given
    /// (to the nanosecond, rounded up).
    void settimeout(std::optional<double> seconds, std::error_code& ec) noexcept;
    /// `settimeout` with a `std::chrono` duration.
    template <class Rep, class Period>
    void settimeout(std::chrono::duration<Rep, Period> timeout, std::error_code& ec) noexcept {
        settimeout(std::chrono::duration<double>(timeout).count(), ec);
    }
    /// `std::nullopt` in blocking mode, else the timeout in seconds.
    std::optional<double> gettimeout() const noexcept;
    /// `setblocking(true)` is `settimeout(nullopt)`, `false` is `settimeout(0)`.
    void setblocking(bool flag, std::error_code& ec) noexcept;
    /// False in non-blocking mode (timeout 0), true otherwise (as in Python).
    bool getblocking() const noexcept { return timeout_ns_ != 0; }

    // Options -----------------------------------------------------------------
    /// Sets a typed option: `s.setsockopt(opt::no_delay, true, ec)`.
    template <class V, option_id Id>
    void setsockopt(socket_option<V, Id> option, detail::identity_t<V> value,
                    std::error_code& ec) noexcept;
    /// Reads a typed option: `int n = s.getsockopt(opt::recv_buffer, ec)`.
    template <class V, option_id Id>
    V getsockopt(socket_option<V, Id> option, std::error_code& ec) const noexcept;
    /// Raw access with the system's own level and option numbers, for options
    /// portsock does not type (not portable across systems).
    void setsockopt(int level, int name, const void* value, std::size_t size,
                    std::error_code& ec) noexcept;
    std::size_t getsockopt(int level, int name, void* value, std::size_t size,
                           std::error_code& ec) const noexcept;
    /// Binds an IP socket to one network interface by name, as Linux's
    /// `setsockopt(SOL_SOCKET, SO_BINDTODEVICE, b"eth0")`; `""` removes the
    /// binding. Linux: the socket sends and receives through that interface
    /// only (before Linux 5.7 this needs CAP_NET_RAW: `operation_not_permitted`).
    /// macOS: IP_BOUND_IF / IPV6_BOUND_IF, the same by the interface's index.
    /// Windows: IP_UNICAST_IF / IPV6_UNICAST_IF, which choose only the
    /// interface the socket sends through. An unknown name is
    /// `std::errc::no_such_device`, a socket not IPv4/IPv6
    /// `error::family_mismatch`, a system with no equivalent (the BSDs)
    /// `error::not_supported`.
    void bind_to_device(std::string_view interface_name, std::error_code& ec) noexcept;
    /// The interface `bind_to_device` bound the socket to; `""` when unbound.
    std::string bound_device(std::error_code& ec) const;

    // Multicast (the interface forms: portsock/multicast.hpp) ----------------
    /// Python's `setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq)` (IPv6:
    /// IPV6_JOIN_GROUP): receive what is sent to `group` on interface `on`
    /// (default: the system's choice). `group` is a multicast address of this
    /// socket's family, as an endpoint (its port is ignored: `bind` the port)
    /// or as text ("239.1.2.3", "ff02::1%2"). Anything else is
    /// `error::not_multicast` (`bad_address` for text that is no address,
    /// `family_mismatch` for the other family). Receivers that share one
    /// port set `opt::reuse_address` before `bind`:
    ///
    ///     s.setsockopt(opt::reuse_address, true);
    ///     s.bind(endpoint::parse("", 5007));   // the any address; "::" for IPv6
    ///     s.join_group("239.1.2.3");
    void join_group(const endpoint& group, std::error_code& ec, const interface_spec& on = {}) noexcept;
    void join_group(std::string_view group, std::error_code& ec, const interface_spec& on = {}) noexcept;
    /// Python's IP_DROP_MEMBERSHIP / IPV6_LEAVE_GROUP: undoes `join_group`
    /// (the same group and interface). Leaving a group not joined fails
    /// (`std::errc::address_not_available` on Linux).
    void leave_group(const endpoint& group, std::error_code& ec, const interface_spec& on = {}) noexcept;
    void leave_group(std::string_view group, std::error_code& ec, const interface_spec& on = {}) noexcept;
    /// Source-specific multicast (RFC 4607; Python's IP_ADD_SOURCE_MEMBERSHIP):
    /// receive only what `source` sends to `group`. IPv4 with any interface
    /// or one by address uses IP_ADD_SOURCE_MEMBERSHIP; IPv6, and IPv4 by
    /// index or name, use MCAST_JOIN_SOURCE_GROUP (RFC 3678), and fail with
    /// `error::not_supported` on a system without it. `source` is a unicast
    /// address of the socket's family.
    void join_source_group(const endpoint& group, const endpoint& source, std::error_code& ec,
                           const interface_spec& on = {}) noexcept;
    void join_source_group(std::string_view group, std::string_view source, std::error_code& ec,
                           const interface_spec& on = {}) noexcept;
    /// Undoes `join_source_group` (IP_DROP_SOURCE_MEMBERSHIP, MCAST_LEAVE_SOURCE_GROUP).
    void leave_source_group(const endpoint& group, const endpoint& source, std::error_code& ec,
                            const interface_spec& on = {}) noexcept;
    void leave_source_group(std::string_view group, std::string_view source, std::error_code& ec,
                            const interface_spec& on = {}) noexcept;

    /// Python's repr: `<portsock.socket fd=3, family=AF_INET, type=SOCK_STREAM,
    /// proto=0, laddr=('127.0.0.1', 50675)>` (with `raddr=` when connected,
    /// `[closed]` when closed).
    std::string repr() const;
    /// Prints `repr()`.
    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                         const socket& s) {
        return os << s.repr();
    }

#if PORTSOCK_HAS_EXCEPTIONS
    // Throwing forms ----------------------------------------------------------
    /// Throwing forms of the calls above: the same behaviour; a failure throws
    /// `socket_error` (`timeout_error`, `gaierror`) naming the operation and endpoint;
    /// the receives throw `truncated_error` for a datagram longer than the buffer.
    void bind(const endpoint& address);
    void bind(std::string_view host, int port);
    void listen(int backlog = default_backlog);
    accept_result accept();
    void connect(const endpoint& address);
    void connect(std::string_view host, int port);
    std::size_t send(const void* data, std::size_t size, msg flags = msg::none);
    std::size_t send(std::string_view data, msg flags = msg::none);
    /// Throws `socket_error` whose `transferred()` is the bytes sent.
    std::size_t sendall(const void* data, std::size_t size, msg flags = msg::none);
    std::size_t sendall(std::string_view data, msg flags = msg::none);
    std::size_t recv_into(void* buffer, std::size_t size, msg flags = msg::none);
    std::string recv(std::size_t bufsize, msg flags = msg::none);
    std::size_t sendto(const void* data, std::size_t size, const endpoint& address,
                       msg flags = msg::none);
    std::size_t sendto(std::string_view data, const endpoint& address, msg flags = msg::none);
    recvfrom_result recvfrom_into(void* buffer, std::size_t size, msg flags = msg::none);
    recvfrom_data recvfrom(std::size_t bufsize, msg flags = msg::none);
    /// Throwing forms of the batches: they throw only when none went.
    std::size_t recv_many(datagram* slots, std::size_t count, msg flags = msg::none);
    std::size_t send_many(datagram* slots, std::size_t count, msg flags = msg::none);
    void shutdown(shut how);
    endpoint getsockname() const;
    endpoint getpeername() const;
    /// Throwing forms of `from_handle`, `dup` and the inheritance calls.
    static socket from_handle(native_handle_type handle);
    socket dup() const;
    void set_inheritable(bool inheritable);
    bool get_inheritable() const;
    /// Throwing forms of `share` and `fromshare`.
    std::string share(std::uint32_t process_id) const;
    static socket fromshare(std::string_view data);
    void settimeout(std::optional<double> seconds);
    template <class Rep, class Period>
    void settimeout(std::chrono::duration<Rep, Period> timeout) {
        settimeout(std::chrono::duration<double>(timeout).count());
    }
    void setblocking(bool flag);
    template <class V, option_id Id>
    void setsockopt(socket_option<V, Id> option, detail::identity_t<V> value);
    template <class V, option_id Id>
    V getsockopt(socket_option<V, Id> option) const;
    void bind_to_device(std::string_view interface_name);
    std::string bound_device() const;
    /// Throwing forms of the multicast calls: the message names the call,
    /// the group and the interface ("join_group 10.0.0.1: not a multicast
    /// group address").
    void join_group(const endpoint& group, const interface_spec& on = {});
    void join_group(std::string_view group, const interface_spec& on = {});
    void leave_group(const endpoint& group, const interface_spec& on = {});
    void leave_group(std::string_view group, const interface_spec& on = {});
    void join_source_group(const endpoint& group, const endpoint& source, const interface_spec& on = {});
    void join_source_group(std::string_view group, std::string_view source, const interface_spec& on = {});
    void leave_source_group(const endpoint& group, const endpoint& source, const interface_spec& on = {});
    void leave_source_group(std::string_view group, std::string_view source, const interface_spec& on = {});
#endif

private:
    // Typed options travel to the backend as an int (bools as 0/1, linger as
    // seconds or -1 for off, the pending error as a native code).
    void set_int_option(option_id id, int value, std::error_code& ec) noexcept;
    int get_int_option(option_id id, std::error_code& ec) const noexcept;
    void set_keepalive(const keepalive_settings& value, std::error_code& ec) noexcept;
    keepalive_settings get_keepalive(std::error_code& ec) const noexcept;
    static std::error_code error_from_native(int code) noexcept;
    // opt::multicast_interface, whose value is no int.
    void set_interface_option(const interface_spec& value, std::error_code& ec) noexcept;
    interface_spec get_interface_option(std::error_code& ec) const noexcept;
    // Every join and leave: `source` is null for a group of any source.
    void membership(bool join, const endpoint& group, const endpoint* source, const interface_spec& on,
                    std::error_code& ec) noexcept;
#if PORTSOCK_HAS_EXCEPTIONS
    /// Throws for `ec`, naming the operation and this socket's peer (or local
    /// address): "recv from 127.0.0.1:50675".
    [[noreturn]] void fail(std::error_code ec, const char* operation,
                           std::size_t transferred = 0) const;
    /// Throws for `ec`, naming the operation and the given address.
    [[noreturn]] void fail(std::error_code ec, const char* operation, const endpoint& address) const;
#endif

    native_handle_type handle_ = invalid_native_handle;
    std::int64_t timeout_ns_ = -1;  // -1 blocking, 0 non-blocking, > 0 deadline
    portsock::family family_ = portsock::family::unspec;
    portsock::type type_ = portsock::type::stream;
    int proto_ = 0;
};

/// What `accept` returns: the connected socket and the peer's address.
struct accept_result {
    /// The new connection (blocking mode, close-on-exec).
    socket conn;
    /// The peer's address.
    endpoint address;
};

/// One address tried by `create_connection`, and how it failed.
struct connect_attempt {
    /// The address tried.
    endpoint address;
    /// Why connecting to it failed.
    std::error_code error;
};

/// The attempts as one line: `[::1]:9: Connection refused, 127.0.0.1:9: ...`.
PORTSOCK_API std::string describe(const std::vector<connect_attempt>& attempts);

/// Python's `socket.socketpair()`: two connected sockets. `family::local`
/// asks for a Unix-domain pair; `family::inet`/`inet6` give a connected
/// loopback pair (TCP for streams, UDP for datagrams); `family::unspec` (the
/// default) is Unix-domain where the system offers such pairs and IPv4
/// loopback where it does not (Windows), as Python does.
PORTSOCK_API std::pair<socket, socket> socketpair(portsock::family family, portsock::type type, int proto,
                                     std::error_code& ec) noexcept;

/// Python's `socket.create_connection((host, port), timeout)`: resolves the
/// host and tries every address in order until one connects. `timeout`
/// applies to each attempt and stays set on the returned socket
/// (`std::nullopt`: the default timeout, `getdefaulttimeout()`). On failure
/// `ec` is the last attempt's error, and `attempts` (when given) lists every
/// address tried with its error.
PORTSOCK_API socket create_connection(std::string_view host, int port, std::optional<double> timeout,
                         std::error_code& ec, std::vector<connect_attempt>* attempts = nullptr);
/// Python's `create_connection(address, timeout, source_address)`: as
/// above, each attempt's socket first bound to `source_address` (port 0:
/// any free port). An attempt whose family differs from the source's fails
/// with `error::family_mismatch` and the next address is tried, as Python's
/// bind fails for it. The throwing form names the source: `connect to
/// example.org:80 from 192.0.2.7:0 (tried ...)`.
PORTSOCK_API socket create_connection(std::string_view host, int port, std::optional<double> timeout,
                         const endpoint& source_address, std::error_code& ec,
                         std::vector<connect_attempt>* attempts = nullptr);

/// Python's `socket.setdefaulttimeout`: the timeout mode every socket starts
/// in from now on (`open`, `accept`, `socketpair`, `create_connection`
/// without a timeout); `std::nullopt`, the start, is blocking. Values as for
/// `settimeout`; a bad one is `error::bad_timeout` and changes nothing.
PORTSOCK_API void setdefaulttimeout(std::optional<double> seconds, std::error_code& ec) noexcept;
/// Python's `socket.getdefaulttimeout`.
PORTSOCK_API std::optional<double> getdefaulttimeout() noexcept;

/// Python's `socket.create_server(address, backlog=..., dualstack_ipv6=...)`:
/// a listening TCP socket. Address reuse is switched on so that a restarted
/// server can bind again at once (never allowing two servers on one port).
/// `dual_stack` needs an IPv6 endpoint and accepts IPv4 clients as well.
PORTSOCK_API socket create_server(const endpoint& address, int backlog, bool dual_stack,
                     std::error_code& ec) noexcept;

/// Python's keyword arguments of `create_server(address, *, backlog,
/// reuse_port, dualstack_ipv6)`: `create_server(address, {128, true}, ec)`.
struct server_options {
    /// The `listen` backlog.
    int backlog = socket::default_backlog;
    /// Sets `opt::reuse_port` before binding, so that several servers share
    /// the port (`error::not_supported` where the system lacks it, as Python
    /// raises ValueError).
    bool reuse_port = false;
    /// Python's `dualstack_ipv6`: see `dual_stack` above.
    bool dual_stack = false;
};
/// `create_server` with Python's keyword arguments.
PORTSOCK_API socket create_server(const endpoint& address, const server_options& options,
                     std::error_code& ec) noexcept;

#if PORTSOCK_HAS_EXCEPTIONS
/// Throwing form of `socketpair`.
PORTSOCK_API std::pair<socket, socket> socketpair(portsock::family family = portsock::family::unspec,
                                     portsock::type type = portsock::type::stream,
                                     int proto = 0);
/// Throws with a message that lists every attempt.
PORTSOCK_API socket create_connection(std::string_view host, int port,
                         std::optional<double> timeout = std::nullopt);
/// Throws with a message that names the source and lists every attempt.
PORTSOCK_API socket create_connection(std::string_view host, int port, std::optional<double> timeout,
                         const endpoint& source_address);
/// Throwing form of `setdefaulttimeout`.
PORTSOCK_API void setdefaulttimeout(std::optional<double> seconds);
/// Throwing form of `create_server`.
PORTSOCK_API socket create_server(const endpoint& address, int backlog = socket::default_backlog,
                     bool dual_stack = false);
/// Throwing form of `create_server` with Python's keyword arguments.
PORTSOCK_API socket create_server(const endpoint& address, const server_options& options);
#endif

// Typed options: thin templates over the int-valued backend calls. ----------
// Defined inline, so that a shared portsock does not export the
// instantiations it uses itself (they are hidden like every inline function).

namespace detail {
template <class V>
inline constexpr bool is_duration = false;
template <class Rep, class Period>
inline constexpr bool is_duration<std::chrono::duration<Rep, Period>> = true;
template <class V>
int option_to_int(const V& value) noexcept {
    if constexpr (is_duration<V>) {
        // Negative: -1 (linger off; refused by the system elsewhere).
        return value.count() < 0 ? -1
               : value.count() > 0x7fffffff ? 0x7fffffff
                                            : static_cast<int>(value.count());
    } else {
        return static_cast<int>(value);
    }
}
template <class V>
V option_from_int(int value) noexcept {
    if constexpr (std::is_same_v<V, bool>) {
        return value != 0;
    } else if constexpr (is_duration<V>) {
        return V{value};
    } else {
        return static_cast<V>(value);
    }
}
}  // namespace detail

template <class V, option_id Id>
inline void socket::setsockopt(socket_option<V, Id>, detail::identity_t<V> value,
                        std::error_code& ec) noexcept {
    static_assert(Id != option_id::error, "opt::error is read-only");
    if constexpr (Id == option_id::tcp_keepalive) {
        set_keepalive(value, ec);
    } else if constexpr (std::is_same_v<V, interface_spec>) {
        set_interface_option(value, ec);
    } else {
        set_int_option(Id, detail::option_to_int(value), ec);
    }
}

template <class V, option_id Id>
inline V socket::getsockopt(socket_option<V, Id>, std::error_code& ec) const noexcept {
    if constexpr (Id == option_id::tcp_keepalive) {
        return get_keepalive(ec);
    } else if constexpr (std::is_same_v<V, interface_spec>) {
        return get_interface_option(ec);
    } else if constexpr (Id == option_id::error) {
        return error_from_native(get_int_option(Id, ec));
    } else {
        return detail::option_from_int<V>(get_int_option(Id, ec));
    }
}

#if PORTSOCK_HAS_EXCEPTIONS
template <class V, option_id Id>
inline void socket::setsockopt(socket_option<V, Id> option, detail::identity_t<V> value) {
    std::error_code ec;
    setsockopt(option, value, ec);
    if (ec) fail(ec, "setsockopt");
}

template <class V, option_id Id>
inline V socket::getsockopt(socket_option<V, Id> option) const {
    std::error_code ec;
    V value = getsockopt(option, ec);
    if (ec) fail(ec, "getsockopt");
    return value;
}
#endif

}  // namespace portsock
