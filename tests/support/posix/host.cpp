#include "host.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace testsupport {

bool running_under_wine() { return false; }

bool inheritable(portsock::native_handle_type handle) {
    const int flags = ::fcntl(handle, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC) == 0;
}

// Children inherit descriptors; unrelated processes pass them by SCM_RIGHTS.
bool has_share() { return false; }

std::uint32_t current_process_id() { return static_cast<std::uint32_t>(::getpid()); }

bool children_use_inherited_sockets() { return true; }

bool calls_can_be_interrupted() { return true; }

bool truncation_reports_the_count() { return true; }

bool recvfrom_reports_whole_length() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) < 0) return false;
    char in = 0;
    const bool whole = ::send(fds[0], "ab", 2, 0) == 2 && ::recv(fds[1], &in, 1, MSG_TRUNC | MSG_DONTWAIT) == 2;
    ::close(fds[0]);
    ::close(fds[1]);
    return whole;
}

bool socket_error_reads_right() {
    // A port bound but not listening refuses; the connect is non-blocking so
    // that its error is read through SO_ERROR, as portsock reads it.
    const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    int error = 0;
    if (holder >= 0 && client >= 0 && ::bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(holder, reinterpret_cast<sockaddr*>(&a), &size) == 0 &&
        ::fcntl(client, F_SETFL, O_NONBLOCK) == 0) {
        if (::connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 && errno == EINPROGRESS) {
            pollfd p{client, POLLOUT, 0};
            socklen_t len = sizeof error;
            if (::poll(&p, 1, 10000) != 1 || ::getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &len) < 0) error = 0;
        } else {
            error = errno;
        }
    }
    if (holder >= 0) ::close(holder);
    if (client >= 0) ::close(client);
    return error == ECONNREFUSED;
}

portsock::msg system_msg_flags() {
    // Stated per system from its manual pages, not from the macros the
    // library maps: a flag the library failed to map shows up here.
    using portsock::msg;
    const msg everywhere = msg::peek | msg::oob | msg::waitall | msg::dontroute | msg::dontwait | msg::eor;
#if defined(__linux__)
    return everywhere | msg::more | msg::confirm;  // send(2): MSG_MORE since 2.4.4, MSG_CONFIRM since 2.3.15
#else
    return everywhere;  // macOS and the BSDs: send(2), recv(2)
#endif
}

std::string some_interface_name() {
    std::string name;
    if (struct if_nameindex* list = ::if_nameindex()) {
        if (list[0].if_name != nullptr) name = list[0].if_name;
        ::if_freenameindex(list);
    }
    return name;
}

multicast6_interface ipv6_multicast_interface() {
    multicast6_interface out;
    const char* given = std::getenv("PORTSOCK_TEST_MULTICAST6");
    const std::string text = given != nullptr ? given : "";
    const std::size_t space = text.find(' ');
    if (space == std::string::npos) {
        out.why = "no interface here is known to deliver IPv6 multicast (Linux's lo does not, even with the "
                  "MULTICAST flag): the multicast_test.namespace test runs these over a veth pair";
        return out;
    }
    out.name = text.substr(0, space);
    out.address = text.substr(space + 1);
    return out;
}

multicast_calls multicast_support() {
    multicast_calls out;
    const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) return out;
    in_addr address{};
    address.s_addr = htonl(INADDR_LOOPBACK);
    out.interface_option =
        ::setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof address) == 0 || errno != ENOPROTOOPT;
    group_req request{};
    request.gr_interface = ::if_nametoindex(loopback_interface_name().c_str());
    auto* group = reinterpret_cast<sockaddr_in*>(&request.gr_group);
    group->sin_family = AF_INET;
    group->sin_addr.s_addr = htonl(0xefff4dfe);  // 239.255.77.254
    out.group_req = ::setsockopt(s, IPPROTO_IP, MCAST_JOIN_GROUP, &request, sizeof request) == 0 || errno != ENOPROTOOPT;
    ::close(s);
    if (!out.interface_option || !out.group_req) {
        out.why = std::string("this system refuses ") +
                  (!out.interface_option ? "IP_MULTICAST_IF" : "") +
                  (!out.interface_option && !out.group_req ? " and " : "") + (!out.group_req ? "MCAST_JOIN_GROUP" : "") +
                  " with ENOPROTOOPT, as qemu-user 7.2 does (the same calls work on the host)";
    }
    return out;
}

std::vector<portsock::native_handle_type> open_handles() {
    std::vector<portsock::native_handle_type> out;
    // /proc/self/fd where there is one (less its own descriptor), else every
    // descriptor number up to the limit is asked.
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        const int own = ::dirfd(dir);
        while (const dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] == '.') continue;
            const int fd = std::atoi(entry->d_name);
            if (fd != own) out.push_back(fd);
        }
        ::closedir(dir);
        std::sort(out.begin(), out.end());
        return out;
    }
    rlimit limit{};
    int highest = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < static_cast<rlim_t>(highest)) {
        highest = static_cast<int>(limit.rlim_cur);
    }
    for (int fd = 0; fd < highest; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0) out.push_back(fd);
    }
    return out;
}

std::size_t open_handle_count() {
    // /proc/self/fd where there is one (its own descriptor is not counted),
    // else every descriptor number up to the limit is asked.
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        std::size_t count = 0;
        while (const dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] != '.') ++count;
        }
        ::closedir(dir);
        return count - 1;
    }
    rlimit limit{};
    int highest = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < static_cast<rlim_t>(highest)) {
        highest = static_cast<int>(limit.rlim_cur);
    }
    std::size_t count = 0;
    for (int fd = 0; fd < highest; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0) ++count;
    }
    return count;
}

bool broken_pipe_signal_at_default() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    ::sigemptyset(&action.sa_mask);
    if (::sigaction(SIGPIPE, &action, nullptr) != 0) return false;
    struct sigaction now {};
    return ::sigaction(SIGPIPE, nullptr, &now) == 0 && now.sa_handler == SIG_DFL;
}

raw_option system_reuse_address() { return {SOL_SOCKET, SO_REUSEADDR}; }

// Linux refuses any bind to a port a TCP socket listens on (inet_csk_bind_conflict).
// BSD's in_pcbbind, given SO_REUSEADDR, looks only for the exact address, so
// 127.0.0.1:P is free beside a 0.0.0.0:P listener of the same user
// (stackoverflow.com/a/14388707, "BSD"; macOS inherits it). Not seen here: no
// BSD or macOS host; the hosted macOS job runs the test that depends on it.
bool reuse_binds_beside_a_wildcard_listener() {
#if defined(__linux__)
    return false;
#else
    return true;
#endif
}

option_support system_options() {
#if defined(__linux__)
    // tcp(7): TCP_KEEPIDLE/KEEPINTVL/KEEPCNT since 2.4, TCP_USER_TIMEOUT
    // since 2.6.37; socket(7): SO_REUSEPORT since 3.9, SO_BINDTODEVICE.
    return {true, true, true, true, true, true};
#elif defined(__APPLE__)
    // tcp(4): TCP_KEEPALIVE/KEEPINTVL/KEEPCNT (10.8); ip(4), ip6(4):
    // IP_BOUND_IF, IPV6_BOUND_IF; SO_REUSEPORT. No TCP_USER_TIMEOUT.
    return {true, true, false, true, true, true};
#elif defined(__FreeBSD__) || defined(__NetBSD__) || defined(__DragonFly__)
    // tcp(4): the keepalive options; SO_REUSEPORT; no interface binding.
    return {true, true, false, true, false, false};
#else
    // OpenBSD and others: keepalive times are system-wide only.
    return {false, false, false, true, false, false};
#endif
}

bool device_binding_reads_back() {
#if defined(SO_BINDTODEVICE)
    // Bound: Linux answers an unbound socket before it looks at the buffer.
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    char name[IFNAMSIZ] = "lo";
    socklen_t size = sizeof name;
    const bool ok = s >= 0 && (::setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, 2) != 0 ||
                               ::getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &size) == 0);
    if (s >= 0) ::close(s);
    return ok;
#else
    return true;
#endif
}

std::string loopback_interface_name() {
    std::string name;
    if (struct if_nameindex* list = ::if_nameindex()) {
        for (struct if_nameindex* i = list; i->if_name != nullptr; ++i) {
            if (std::strcmp(i->if_name, "lo") == 0 || std::strcmp(i->if_name, "lo0") == 0) name = i->if_name;
        }
        ::if_freenameindex(list);
    }
    return name;
}

namespace {
// Sets or clears IFF_UP on the loopback ("lo": Linux's name, the only
// system with namespaces here).
bool loopback_up(bool up, std::string& why) {
    const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq request{};
    std::strcpy(request.ifr_name, "lo");
    bool ok = s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &request) == 0;
    if (ok) {
        request.ifr_flags = static_cast<short>(up ? request.ifr_flags | IFF_UP : request.ifr_flags & ~IFF_UP);
        ok = ::ioctl(s, SIOCSIFFLAGS, &request) == 0;
    }
    if (!ok) why = std::string("cannot set the loopback ") + (up ? "up" : "down") + ": " + std::strerror(errno);
    if (s >= 0) ::close(s);
    return ok;
}
}  // namespace

private_network::private_network() {
#if defined(CLONE_NEWNET)
    saved_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved_ < 0) {
        why_ = std::string("cannot open /proc/self/ns/net: ") + std::strerror(errno);
    } else if (::unshare(CLONE_NEWNET) != 0) {
        why_ = std::string("a network namespace needs root (unshare(CLONE_NEWNET): ") + std::strerror(errno) + ')';
        ::close(saved_);
        saved_ = -1;
    } else {
        loopback_up(true, why_);
    }
#else
    why_ = "this system has no network namespaces";
#endif
}

private_network::~private_network() {
#if defined(CLONE_NEWNET)
    if (saved_ >= 0) {
        ::setns(saved_, CLONE_NEWNET);
        ::close(saved_);
    }
#endif
}

bool private_network::silence_loopback() { return why_.empty() && loopback_up(false, why_); }

}  // namespace testsupport

// Messages (tests/messages_test.cpp) ------------------------------------------
namespace testsupport {

bool passes_descriptors() { return true; }

// Linux routes all of 127.0.0.0/8 to lo (its local table holds the /8);
// macOS and the BSDs configure 127.0.0.1 alone on lo0.
bool loopback_is_all_of_127() {
#if defined(__linux__)
    return true;
#else
    return false;
#endif
}

// Linux's ip(7) and ipv6(7); macOS's ip(4) takes IP_PKTINFO in sendmsg too.
// The BSDs without IP_PKTINFO send with IP_SENDSRCADDR, which the backend
// uses there.
bool sends_from_a_chosen_address() { return true; }

}  // namespace testsupport
