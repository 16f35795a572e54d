// Multicast membership and the multicast interface, for both backends: BSD
// sockets and Winsock take the same structures (ip_mreq, ip_mreq_source,
// ipv6_mreq and RFC 3678's group_req and group_source_req); what differs
// (IPv4's interface by index) comes from the backend's system.hpp.
#include "address.hpp"
#include "sys.hpp"
#include "system.hpp"

#include <cstring>

namespace portsock::sys {
namespace {

in_addr v4_of(const endpoint& e) noexcept {
    in_addr a;
    std::memcpy(&a, e.bytes().data(), sizeof a);
    return a;
}

#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
// RFC 3678's protocol-independent calls: the interface by index, the group
// and source as socket addresses. Linux, the BSDs, macOS and Windows (Vista
// and later) have them; wine 8 does not (WSAENOPROTOOPT).
std::error_code by_group_req(handle h, family f, bool join, const endpoint& group, const endpoint* source,
                             std::uint32_t index) noexcept {
    const int level = f == family::inet ? IPPROTO_IP : IPPROTO_IPV6;
    native_address g;
    if (std::error_code ec = to_native(group, g)) return ec;
    if (source == nullptr) {
        group_req r{};
        r.gr_interface = index;
        std::memcpy(&r.gr_group, &g.storage, static_cast<std::size_t>(g.size));
        return set_raw_option(h, level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, &r, sizeof r);
    }
    native_address s;
    if (std::error_code ec = to_native(*source, s)) return ec;
    group_source_req r{};
    r.gsr_interface = index;
    std::memcpy(&r.gsr_group, &g.storage, static_cast<std::size_t>(g.size));
    std::memcpy(&r.gsr_source, &s.storage, static_cast<std::size_t>(s.size));
    return set_raw_option(h, level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, &r, sizeof r);
}
#else
std::error_code by_group_req(handle, family, bool, const endpoint&, const endpoint*, std::uint32_t) noexcept {
    return error::not_supported;
}
#endif

}  // namespace

std::error_code membership(handle h, family f, bool join, const endpoint& group, const endpoint* source,
                           std::uint32_t index, const endpoint* address) noexcept {
    if (f == family::inet && index == 0) {
        // The interface by address (INADDR_ANY: the system's choice), as
        // every system has taken it since RFC 1112 and RFC 3376.
        const in_addr iface = address != nullptr ? v4_of(*address) : in_addr{};
        if (source == nullptr) {
            ip_mreq m{};
            m.imr_multiaddr = v4_of(group);
            m.imr_interface = iface;
            return set_raw_option(h, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof m);
        }
        // The fields by name: their order differs (Linux puts the interface
        // second, the BSDs and Windows the source).
        ip_mreq_source m{};
        m.imr_multiaddr = v4_of(group);
        m.imr_sourceaddr = v4_of(*source);
        m.imr_interface = iface;
        return set_raw_option(h, IPPROTO_IP, join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, &m,
                              sizeof m);
    }
    if (f == family::inet6 && source == nullptr) {
        // RFC 3493's names (Linux calls them IPV6_ADD_MEMBERSHIP too).
        ipv6_mreq m{};
        std::memcpy(&m.ipv6mr_multiaddr, group.bytes().data(), sizeof m.ipv6mr_multiaddr);
        m.ipv6mr_interface = index;
        return set_raw_option(h, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m);
    }
    return by_group_req(h, f, join, group, source, index);
}

std::error_code set_multicast_interface(handle h, family f, std::uint32_t index,
                                        const endpoint* address) noexcept {
    if (f == family::inet6) {
        const unsigned int value = index;
        return set_raw_option(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, &value, sizeof value);
    }
    if (index != 0) return os::set_ipv4_multicast_index(os::native(h), index);
    const in_addr value = address != nullptr ? v4_of(*address) : in_addr{};
    return set_raw_option(h, IPPROTO_IP, IP_MULTICAST_IF, &value, sizeof value);
}

std::error_code get_multicast_interface(handle h, family f, std::uint32_t& index, endpoint& address) noexcept {
    index = 0;
    address = endpoint{};
    if (f == family::inet6) {
        unsigned int value = 0;
        std::size_t size = sizeof value;
        if (std::error_code ec = get_raw_option(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, &value, size)) return ec;
        index = value;
        return {};
    }
    std::array<std::uint8_t, 4> bytes{};
    std::size_t size = bytes.size();
    if (std::error_code ec = get_raw_option(h, IPPROTO_IP, IP_MULTICAST_IF, bytes.data(), size)) return ec;
    if (bytes[0] == 0) {
        // 0.0.0.0 is any; on Windows, 0.x.x.x is an index in network order.
        index = static_cast<std::uint32_t>(bytes[1]) << 16 | static_cast<std::uint32_t>(bytes[2]) << 8 | bytes[3];
        return {};
    }
    address = endpoint::v4(bytes, 0);
    return {};
}

}  // namespace portsock::sys
