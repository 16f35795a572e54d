// Facts about the machine the tests run on, for the few tests that must skip
// on one (and say why). Defined per backend in tests/support/<posix|win32>/host.cpp.
#pragma once

#include <portsock/native.hpp>
#include <portsock/types.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace testsupport {

/// True when the tests run under wine rather than on Windows itself.
bool running_under_wine();

/// True when a process started now would inherit the handle (POSIX: no
/// FD_CLOEXEC; Windows: HANDLE_FLAG_INHERIT set).
bool inheritable(portsock::native_handle_type handle);

/// True where the system hands a socket to a process by its id (Windows'
/// WSADuplicateSocketW: socket::share / fromshare); POSIX has no such call.
bool has_share();

/// This process's id, as socket::share takes it.
std::uint32_t current_process_id();

/// True where a child process can use a socket handle it inherited. Wine
/// (8.0) hands the handle over, valid in the child, but its Winsock refuses
/// it there (WSAENOTSOCK); a handle shared by WSADuplicateSocketW works.
bool children_use_inherited_sockets();

/// True where a signal can interrupt a blocking call (POSIX: EINTR, which
/// portsock retries); Winsock calls are never interrupted.
bool calls_can_be_interrupted();

/// True where a call that receives part of a datagram says how much it
/// received (POSIX recvmsg with MSG_TRUNC); Winsock says only that the
/// buffer it was given is full (WSAEMSGSIZE).
bool truncation_reports_the_count();

/// True where a receive with MSG_TRUNC returns a truncated datagram's whole
/// length (Linux), which the POSIX backend then uses instead of recvmsg: a
/// call the fault seam shortens still reports the whole length there.
/// Winsock says only WSAEMSGSIZE. Asked of the system, as the backend asks.
bool recvfrom_reports_whole_length();

/// True where SO_ERROR reads back a refused connect as the system's own
/// ECONNREFUSED, asked with raw calls. qemu-user before 8.0 passes the host's
/// number through untranslated (fixed by "linux-user: Fix SO_ERROR return
/// code of getsockopt()", Helge Deller, 2022), which differs on MIPS, whose
/// ECONNREFUSED is 146 where the x86 host's is 111.
bool socket_error_reads_right();
inline constexpr const char* socket_error_misread =
    "this system's SO_ERROR does not read a refused connect as ECONNREFUSED "
    "(qemu-user before 8.0 hands over the host's errno untranslated)";

/// The MSG_* flags this system has, by its manual pages (Linux, the BSDs
/// and macOS) or by Winsock's documentation (peek, oob, waitall, dontroute).
portsock::msg system_msg_flags();

/// How many descriptors (POSIX) or kernel handles (Windows) this process
/// has open now: a call that leaks one makes the count grow.
std::size_t open_handle_count();

/// The descriptors (POSIX) or kernel handles (Windows) this process has open
/// now, in increasing order: what a call opened is what a later list holds
/// and an earlier one did not.
std::vector<portsock::native_handle_type> open_handles();

/// Puts the broken-pipe signal at its default action (ending the process),
/// whatever this process inherited. True when it is now there; Windows has
/// no such signal, which is as good.
bool broken_pipe_signal_at_default();

/// A socket option by the system's own level and name.
struct raw_option {
    int level;
    int name;
};

/// The system's own SO_REUSEADDR. On Windows it is what lets a socket bind a
/// port another socket holds ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE",
/// Microsoft): the option a thief sets, never what opt::reuse_address sets.
raw_option system_reuse_address();

/// True where a socket of the same user that sets SO_REUSEADDR may bind a
/// specific address (127.0.0.1:P) on a port a wildcard listener (0.0.0.0:P)
/// holds, whatever the listener set: the BSDs and macOS look only for the
/// exact address then. Linux refuses while the listener listens; Windows
/// refuses when the listener set SO_EXCLUSIVEADDRUSE.
bool reuse_binds_beside_a_wildcard_listener();

/// Which of the TCP and interface options this system has, by its
/// documentation (Linux's socket(7) and tcp(7); macOS's and FreeBSD's
/// tcp(4) and ip(4); Microsoft's IPPROTO_TCP and IPPROTO_IP pages) and,
/// under wine, by what wine 8 implements. Stated per system, not from the
/// macros the library maps: an option the library failed to map shows here.
struct option_support {
    bool keepalive_times;  ///< opt::tcp_keepalive sets idle and interval (count 0)
    bool keepalive_all;    ///< ... the count too, and reads all of it back
    bool user_timeout;     ///< TCP_USER_TIMEOUT
    bool reuse_port;       ///< SO_REUSEPORT
    bool bind_to_device;   ///< SO_BINDTODEVICE, IP_BOUND_IF or IP_UNICAST_IF (IPv4)
    bool bind_to_device6;  ///< ... and for IPv6 sockets
};
option_support system_options();

/// True where a socket's interface binding can be read back, asked with raw
/// calls. qemu-user (7.2) reads SO_BINDTODEVICE as an int option, handing
/// Linux a 4-byte buffer that it refuses (EINVAL: it needs IFNAMSIZ bytes).
bool device_binding_reads_back();
inline constexpr const char* device_binding_unreadable =
    "this system cannot read SO_BINDTODEVICE back (qemu-user passes an int's buffer, which Linux refuses)";

/// The name of the loopback interface ("lo", "lo0"; Windows:
/// "loopback_<index>", as if_indextoname gives it); empty if unknown.
std::string loopback_interface_name();

/// A network of this thread's own while the object lives (Linux, as root:
/// a new network namespace, its loopback up), so that its loopback can be
/// taken down without touching the machine's. Elsewhere `unavailable()`
/// says why there is none.
class private_network {
public:
    private_network();
    ~private_network();
    private_network(const private_network&) = delete;
    private_network& operator=(const private_network&) = delete;
    /// Empty inside a private network, else the reason for a skip.
    const std::string& unavailable() const { return why_; }
    /// Takes the loopback down: every packet over it is dropped from now on,
    /// as if the peer's host had died. False (and `unavailable()`) on failure.
    bool silence_loopback();

private:
    int saved_ = -1;
    std::string why_;
};

/// An interface that delivers IPv6 multicast to this host's own receivers,
/// and a unicast address of it, for the Multicast6 tests; `why` says why
/// there is none. Linux's lo does not, even with the MULTICAST flag set, so
/// tests/posix/multicast_netns.sh makes a veth pair in a private network
/// namespace and names it in PORTSOCK_TEST_MULTICAST6 ("<name> <address>").
struct multicast6_interface {
    std::string name;
    std::string address;
    std::string why;
};
multicast6_interface ipv6_multicast_interface();

/// Whether this system takes the calls the multicast tests need beyond
/// joining by address, asked with raw calls on a UDP socket: IP_MULTICAST_IF
/// (`interface_option`) and RFC 3678's MCAST_JOIN_GROUP (`group_req`).
/// qemu-user 7.2 refuses both (ENOPROTOOPT, where the same calls work on the
/// host: IP_MULTICAST_IF's emulation came with qemu 10, "linux-user:
/// netlink: Add emulation of IP_MULTICAST_IF", Helge Deller, 2025); wine 8
/// refuses MCAST_JOIN_GROUP. `why` says which is missing.
struct multicast_calls {
    bool interface_option = true;
    bool group_req = true;
    std::string why;
};
multicast_calls multicast_support();

/// True where descriptors pass over Unix-domain sockets (SCM_RIGHTS:
/// socket::send_fds / recv_fds): every POSIX system; Windows has none.
bool passes_descriptors();

/// True where every address of 127.0.0.0/8 reaches this host without being
/// configured (Linux, Windows, wine on Linux); macOS and the BSDs answer on
/// 127.0.0.1 alone unless an alias is added.
bool loopback_is_all_of_127();

/// True where a datagram can be sent from a chosen local address with
/// IP_PKTINFO in sendmsg (socket::sendto with a packet_info): Linux, macOS
/// and Windows by their documentation; wine 8 sends without the control data.
bool sends_from_a_chosen_address();

}  // namespace testsupport
