// The small vocabulary every other header uses: address families, socket
// types, message flags, shutdown directions and typed socket options.
//
// The enumerators are portsock's own values, not the operating system's:
// each backend translates them, so code written against this header means the
// same thing on every platform. Python's spelling is given beside each one.
#pragma once

#include <portsock/export.hpp>
#include <portsock/native.hpp>

#include <chrono>
#include <cstdint>
#include <system_error>

namespace portsock {

/// Address family (Python: `AF_*`).
enum class family : std::uint8_t {
    unspec = 0,  ///< AF_UNSPEC: any family (resolution only)
    inet = 1,    ///< AF_INET: IPv4
    inet6 = 2,   ///< AF_INET6: IPv6
    local = 3,   ///< AF_UNIX (also called AF_LOCAL): Unix-domain sockets
    // 0x81-0xff: a family portsock has no name for; see `other_family`.
};

/// Socket type (Python: `SOCK_*`).
enum class type : std::uint8_t {
    stream = 1,     ///< SOCK_STREAM: a reliable byte stream (TCP)
    dgram = 2,      ///< SOCK_DGRAM: datagrams (UDP)
    raw = 3,        ///< SOCK_RAW: raw network protocol access
    seqpacket = 4,  ///< SOCK_SEQPACKET: reliable, ordered datagrams
    // 0x81-0xff: a type portsock has no name for; see `other_type`.
};

/// The escape hatch for what portsock has no name for (Python passes plain
/// numbers: `socket.socket(16, SOCK_RAW, 0)`): the family the system numbers
/// `system_number` (1-127), for Linux's netlink (16), AF_PACKET (17), AF_CAN
/// (29) and the like. Sockets, endpoints and the poller take it as any family:
/// `socket s{other_family(16), type::raw, 0}`. A number the system gives to
/// `inet`, `inet6` or `local` is read back as that name (`socket::family()`);
/// a number outside 1-127 gives `family::unspec`, which `open` refuses. The
/// numbers are the system's own, so code that uses them is not portable.
constexpr family other_family(int system_number) noexcept {
    return system_number > 0 && system_number < 0x80 ? static_cast<family>(0x80 | system_number)
                                                     : family::unspec;
}
/// The same for a socket type (SOCK_RDM is 4 on Linux, SOCK_PACKET 10).
/// Out of range: `type{}`, which `open` refuses.
constexpr type other_type(int system_number) noexcept {
    return system_number > 0 && system_number < 0x80 ? static_cast<type>(0x80 | system_number) : type{};
}
/// True for a family made by `other_family` (one portsock has no name for).
constexpr bool is_other(family f) noexcept { return (static_cast<unsigned>(f) & 0x80) != 0; }
/// True for a type made by `other_type`.
constexpr bool is_other(type t) noexcept { return (static_cast<unsigned>(t) & 0x80) != 0; }
/// The system's number for a family (AF_INET's on this system for
/// `family::inet`; 16 for `other_family(16)`); 0 for `unspec`.
PORTSOCK_API int system_number(family f) noexcept;
/// The system's number for a socket type (SOCK_STREAM's for `type::stream`).
PORTSOCK_API int system_number(type t) noexcept;

/// Well-known protocol numbers (IANA numbers, the same on every system).
/// A protocol of 0 lets the system choose the default for the family and type.
namespace ipproto {
/// IPPROTO_IP: let the system choose (0)
inline constexpr int ip = 0;
/// IPPROTO_ICMP
inline constexpr int icmp = 1;
/// IPPROTO_TCP
inline constexpr int tcp = 6;
/// IPPROTO_UDP
inline constexpr int udp = 17;
/// IPPROTO_ICMPV6
inline constexpr int icmpv6 = 58;
}  // namespace ipproto

/// Flags for send and receive calls (Python: `MSG_*`); combine with `|`.
/// A flag the system lacks (`dontwait` and `eor` on Windows, `more` and
/// `confirm` outside Linux) fails the call with `error::not_supported`
/// before anything is sent or received. (MSG_NOSIGNAL is always applied.)
enum class msg : std::uint32_t {
    none = 0,         ///< no flags
    peek = 1,         ///< MSG_PEEK: look at data without consuming it
    oob = 2,          ///< MSG_OOB: out-of-band data
    waitall = 4,      ///< MSG_WAITALL: block until the whole buffer is filled
    dontroute = 8,    ///< MSG_DONTROUTE: bypass routing, use direct interface
    dontwait = 16,    ///< MSG_DONTWAIT: this call only is non-blocking (POSIX)
    eor = 32,         ///< MSG_EOR: the data ends a record (POSIX; seqpacket sockets)
    more = 64,        ///< MSG_MORE: more data follows; hold back a partial frame (Linux)
    confirm = 128,    ///< MSG_CONFIRM: the link layer's peer answered (Linux)
    // Reported in recvmsg's msg_flags only (message.hpp); never taken as input.
    trunc = 256,      ///< MSG_TRUNC: the datagram was longer than the buffers
    ctrunc = 512,     ///< MSG_CTRUNC: the control data was longer than its buffer
};
/// Combines two sets of flags.
constexpr msg operator|(msg a, msg b) noexcept {
    return static_cast<msg>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// True when `set` contains `flag`.
constexpr bool has(msg set, msg flag) noexcept {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

/// Which direction `shutdown` closes (Python: `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`).
enum class shut : std::uint8_t { rd = 0, wr = 1, rdwr = 2 };

/// Identifies a typed socket option; see `portsock::opt` for the typed tags.
enum class option_id : std::uint8_t {
    reuse_address,  ///< SO_REUSEADDR (see README: never lets a port be stolen; datagrams: shared)
    keep_alive,     ///< SO_KEEPALIVE
    broadcast,      ///< SO_BROADCAST
    linger,         ///< SO_LINGER
    recv_buffer,    ///< SO_RCVBUF
    send_buffer,    ///< SO_SNDBUF
    no_delay,       ///< TCP_NODELAY
    v6_only,        ///< IPV6_V6ONLY
    error,          ///< SO_ERROR (read only: the pending error, cleared by reading)
    tcp_keepalive,  ///< SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT
    user_timeout,   ///< TCP_USER_TIMEOUT (Linux)
    reuse_port,     ///< SO_REUSEPORT (not Windows)
    // The IP options below have one name per concept; the socket's family
    // picks the system's option (IPv4's IP_*, IPv6's IPV6_*).
    multicast_ttl,        ///< IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS
    multicast_loop,       ///< IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP
    multicast_interface,  ///< IP_MULTICAST_IF / IPV6_MULTICAST_IF
    ttl,                  ///< IP_TTL / IPV6_UNICAST_HOPS
    tos,                  ///< IP_TOS / IPV6_TCLASS
};

/// The value of `opt::tcp_keepalive`: keepalive switched on or off, and when
/// on, how soon a silent peer is found dead: after `idle` without traffic
/// the first probe goes out, then one every `interval`, and after `count`
/// unanswered probes the connection fails (`std::errc::timed_out`). The
/// defaults are RFC 1122's and Linux's: 2 hours, 75 s, 9 probes, which is
/// why keepalive alone takes over two hours to notice a dead peer.
///
/// The three are set together, so that every system gets the same call
/// (Windows sets idle and interval only as a pair, SIO_KEEPALIVE_VALS).
/// When on, `idle` and `interval` must be at least 1 s and `count` not
/// negative, else `std::errc::invalid_argument` and nothing changes; the system may
/// refuse larger values than it keeps (Linux: 32767 s, 127 probes).
/// `count` 0 leaves the system's count (Windows' is 10), for a system that
/// cannot set it (Windows before 10 1703, wine); asking for a count there
/// is `error::not_supported`. When off, only SO_KEEPALIVE is cleared.
/// Read back, the settings are the system's, also when off. A system
/// without per-socket keepalive times (OpenBSD) is `error::not_supported`;
/// one that sets them but cannot read them (wine) is too on reading.
struct keepalive_settings {
    bool enabled = true;
    std::chrono::seconds idle{7200};
    std::chrono::seconds interval{75};
    int count = 9;
};

class interface_spec;  // portsock/multicast.hpp

/// A typed socket option: its identifier and the C++ type of its value.
template <class Value, option_id Id>
struct socket_option {
    /// The C++ type of the option's value.
    using value_type = Value;
    /// Which option this is.
    static constexpr option_id id = Id;
};

/// The typed options. Use them with `socket::setsockopt` and `socket::getsockopt`:
///
///     sock.setsockopt(portsock::opt::reuse_address, true);
///     int size = sock.getsockopt(portsock::opt::recv_buffer);
///
/// `linger` is a duration in seconds; `opt::linger_off` (negative) switches
/// lingering off, which is the default. Buffer sizes are what the system reports (Linux doubles the
/// value that was set, for its own bookkeeping).
///
/// The IP options (`multicast_ttl`, `multicast_loop`, `multicast_interface`,
/// `ttl`, `tos`) have one name each: on an IPv4 socket they are the IP_*
/// option, on an IPv6 socket the IPV6_* one (Python's IPV6_MULTICAST_HOPS
/// is `multicast_ttl` there). On a socket of another family they fail with
/// `error::family_mismatch`.
///
/// `reuse_address` on a datagram socket means sharing: several sockets that
/// each set it before `bind` may bind the same port (and each gets a copy of
/// every multicast or broadcast datagram to it), which is what multicast
/// receivers need. On a stream socket it means a restarted server rebinds at
/// once and nobody can take a port a server holds (see README).
namespace opt {
/// SO_REUSEADDR (SO_EXCLUSIVEADDRUSE on Windows): rebind a port in TIME_WAIT;
/// on a datagram socket, share the port (SO_REUSEADDR on Linux and Windows,
/// SO_REUSEPORT on the BSDs and macOS)
inline constexpr socket_option<bool, option_id::reuse_address> reuse_address{};
/// SO_KEEPALIVE: probe idle connections
inline constexpr socket_option<bool, option_id::keep_alive> keep_alive{};
/// SO_BROADCAST: allow datagrams to a broadcast address
inline constexpr socket_option<bool, option_id::broadcast> broadcast{};
/// SO_LINGER: how long `close` waits for unsent data (`linger_off`: not at all)
inline constexpr socket_option<std::chrono::seconds, option_id::linger> linger{};
/// SO_RCVBUF: the receive buffer size in bytes
inline constexpr socket_option<int, option_id::recv_buffer> recv_buffer{};
/// SO_SNDBUF: the send buffer size in bytes
inline constexpr socket_option<int, option_id::send_buffer> send_buffer{};
/// TCP_NODELAY: send small segments at once (no Nagle)
inline constexpr socket_option<bool, option_id::no_delay> no_delay{};
/// IPV6_V6ONLY: an IPv6 socket refuses IPv4-mapped peers
inline constexpr socket_option<bool, option_id::v6_only> v6_only{};
/// SO_ERROR (read only): the pending error, cleared by reading it
inline constexpr socket_option<std::error_code, option_id::error> error{};
/// Keepalive with its timing (see `keepalive_settings`). Named as Windows'
/// `struct tcp_keepalive`, so as not to read like `keep_alive`, which
/// stays the switch alone.
inline constexpr socket_option<keepalive_settings, option_id::tcp_keepalive> tcp_keepalive{};
/// TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the
/// connection fails (0: the system's rule). Linux only; elsewhere
/// `error::not_supported`.
inline constexpr socket_option<std::chrono::milliseconds, option_id::user_timeout> user_timeout{};
/// SO_REUSEPORT: sockets that all set it may bind the same address and
/// port (Linux spreads a listening port's connections over them). Linux,
/// macOS and the BSDs; Windows has none: `error::not_supported`.
inline constexpr socket_option<bool, option_id::reuse_port> reuse_port{};
/// IP_MULTICAST_TTL (IPv4) / IPV6_MULTICAST_HOPS (IPv6): how many routers a
/// multicast datagram may cross, 0-255 (default 1: the local network only).
inline constexpr socket_option<int, option_id::multicast_ttl> multicast_ttl{};
/// IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP: whether this host's own
/// receivers get the multicast datagrams it sends (default true). POSIX
/// reads it on the sending socket, Windows on the receiving one ("IPPROTO_IP
/// socket options", learn.microsoft.com): leave it on both to be portable.
inline constexpr socket_option<bool, option_id::multicast_loop> multicast_loop{};
/// IP_MULTICAST_IF / IPV6_MULTICAST_IF: the interface multicast datagrams
/// leave by (default: the system's choice). See `interface_spec` for which
/// forms each family takes and what reads back.
inline constexpr socket_option<interface_spec, option_id::multicast_interface> multicast_interface{};
/// IP_TTL (IPv4) / IPV6_UNICAST_HOPS (IPv6): the hop limit of unicast
/// packets, 1-255 (IPv6 also takes -1: the system's default).
inline constexpr socket_option<int, option_id::ttl> ttl{};
/// IP_TOS (IPv4) / IPV6_TCLASS (IPv6): the type of service / traffic class
/// byte (DSCP and ECN), 0-255.
inline constexpr socket_option<int, option_id::tos> tos{};
/// The value of `opt::linger` that switches lingering off (the default).
inline constexpr std::chrono::seconds linger_off{-1};
}  // namespace opt

}  // namespace portsock
