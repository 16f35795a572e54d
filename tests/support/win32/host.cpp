#include "host.hpp"

#include <winsock2.h>
#include <iphlpapi.h>
#include <windows.h>

#include <cstdint>

namespace testsupport {

// Wine's ntdll exports wine_get_version; Windows' does not.
bool running_under_wine() {
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

bool inheritable(portsock::native_handle_type handle) {
    DWORD flags = 0;
    return ::GetHandleInformation(reinterpret_cast<HANDLE>(handle), &flags) && (flags & HANDLE_FLAG_INHERIT) != 0;
}

bool has_share() { return true; }

std::uint32_t current_process_id() { return ::GetCurrentProcessId(); }

bool children_use_inherited_sockets() { return !running_under_wine(); }

bool calls_can_be_interrupted() { return false; }

bool truncation_reports_the_count() { return false; }

// Winsock says WSAEMSGSIZE for a truncated message, not its length.
bool recvfrom_reports_whole_length() { return false; }

std::string some_interface_name() { return {}; }

multicast6_interface ipv6_multicast_interface() {
    multicast6_interface out;
    out.why = running_under_wine()
                  ? "wine sends over the host's interfaces, and Linux's lo does not deliver IPv6 multicast"
                  : "IPv6 multicast over Windows' loopback pseudo-interface has not been tried (no Windows host here)";
    return out;
}

multicast_calls multicast_support() {
    multicast_calls out;
    if (running_under_wine()) {
        out.group_req = false;
        out.why = "wine 8 joins IPv4 groups by interface address only: it refuses MCAST_JOIN_GROUP "
                  "(no such option) and ip_mreq's index form (invalid argument)";
    }
    return out;
}

portsock::msg system_msg_flags() {
    using portsock::msg;
    return msg::peek | msg::oob | msg::waitall | msg::dontroute;  // Winsock has no MSG_DONTWAIT or MSG_EOR
}

bool socket_error_reads_right() { return true; }

// Every handle value is asked (Windows has no list a process can read without
// the native API; a small process's handles, its sockets included, are low).
std::vector<portsock::native_handle_type> open_handles() {
    std::vector<portsock::native_handle_type> out;
    for (std::uintptr_t value = 4; value < 0x10000; value += 4) {
        DWORD flags = 0;
        if (::GetHandleInformation(reinterpret_cast<HANDLE>(value), &flags)) {
            out.push_back(static_cast<portsock::native_handle_type>(value));
        }
    }
    return out;
}

std::size_t open_handle_count() {
    DWORD count = 0;
    if (::GetProcessHandleCount(::GetCurrentProcess(), &count) && count > 0) return count;
    // Wine's GetProcessHandleCount reports nothing: ask each handle value
    // instead (a small process's handles, its sockets included, are low).
    std::size_t open = 0;
    for (std::uintptr_t value = 4; value < 0x10000; value += 4) {
        DWORD flags = 0;
        if (::GetHandleInformation(reinterpret_cast<HANDLE>(value), &flags)) ++open;
    }
    return open;
}

// Windows has no SIGPIPE: a write to a closed peer is only ever an error.
bool broken_pipe_signal_at_default() { return true; }

raw_option system_reuse_address() { return {SOL_SOCKET, SO_REUSEADDR}; }

// A listener with SO_EXCLUSIVEADDRUSE (what opt::reuse_address sets here)
// refuses a more specific bind of its port, SO_REUSEADDR or not (trio's
// notes-to-self/how-does-windows-so-reuseaddr-work.py table).
bool reuse_binds_beside_a_wildcard_listener() { return false; }

// IPPROTO_TCP socket options: TCP_KEEPCNT from Windows 10 1703, TCP_KEEPIDLE
// and TCP_KEEPINTVL from 1709 (wine 8 refuses all three, WSAENOPROTOOPT);
// SIO_KEEPALIVE_VALS everywhere. No TCP_USER_TIMEOUT, no SO_REUSEPORT.
// IP_UNICAST_IF and IPV6_UNICAST_IF (wine 8 refuses the IPv6 one, WSAEINVAL).
option_support system_options() {
    const bool wine = running_under_wine();
    return {true, !wine, false, false, true, !wine};
}

bool device_binding_reads_back() { return true; }

// Windows names its loopback "loopback_<index>" (if_indextoname, netioapi.h);
// its index is what GetBestInterface gives for 127.0.0.1.
std::string loopback_interface_name() {
    DWORD index = 0;
    char name[IF_MAX_STRING_SIZE + 1] = {};
    if (::GetBestInterface(::htonl(INADDR_LOOPBACK), &index) != NO_ERROR || ::if_indextoname(index, name) == nullptr) {
        return {};
    }
    return name;
}

private_network::private_network() : why_("Windows has no network namespaces") {}
private_network::~private_network() = default;
bool private_network::silence_loopback() { return false; }

}  // namespace testsupport

// Messages (tests/messages_test.cpp) ------------------------------------------
namespace testsupport {

// Winsock has no SCM_RIGHTS: WSADuplicateSocketW (share / fromshare).
bool passes_descriptors() { return false; }

// Windows answers on all of 127.0.0.0/8; wine runs on Linux, which does too.
bool loopback_is_all_of_127() { return true; }

// WSASendMsg takes IP_PKTINFO ("IPPROTO_IP socket options", Microsoft).
// Wine 8 passes the call but not the control data: an answer to 127.0.0.2
// from an any-address socket leaves from 127.0.0.1 (seen in
// Messages.PacketInfoTellsTheLocalAddressOfAnAnyAddressSocket).
bool sends_from_a_chosen_address() { return !running_under_wine(); }

}  // namespace testsupport
