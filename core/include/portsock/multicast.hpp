// `interface_spec`: which network interface a multicast call means, for
// `socket::join_group` and its relatives and for `opt::multicast_interface`.
//
// Python passes the interface inside the bytes of an `ip_mreq` (an IPv4
// address), an `ipv6_mreq` (an index) or to IP_MULTICAST_IF; portsock names
// it with one typed value:
//
//     s.join_group(group);                                       // any: the system's choice
//     s.join_group(group, interface_spec::by_index(2));          // if_nametoindex's number
//     s.join_group(group, interface_spec::by_name("eth0"));      // looked up at the call
//     s.join_group(group, interface_spec::by_address(
//                             endpoint::parse("192.0.2.7", 0)));  // IPv4 only
//
// What each family takes:
//   - IPv4: any, an address of the interface, an index or a name. Joining by
//     index or name uses MCAST_JOIN_GROUP (RFC 3678); a system without it
//     fails with `error::not_supported`.
//   - IPv6: any, an index or a name. By address is `error::family_mismatch`
//     (the system's IPv6 calls take only an index).
//   - An unknown interface name fails with `std::errc::no_such_device`.
//
// Read back through `opt::multicast_interface`: IPv6 gives the index (or
// any); IPv4 gives the address that was set (any if none was, or if an index
// was set where the system keeps only the index, as Linux does).
#pragma once

#include <portsock/endpoint.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace portsock {

/// Which network interface a multicast call means (see the top of this file).
class interface_spec {
public:
    /// The forms an interface is named in.
    enum class kind : std::uint8_t {
        any,      ///< the system's choice (INADDR_ANY, index 0)
        index,    ///< by interface index
        name,     ///< by interface name, looked up when used
        address,  ///< by one of its IPv4 addresses
    };

    /// Any interface: the system chooses. The default.
    interface_spec() = default;
    /// By index (as `if_nametoindex` numbers them); 0 is any.
    static interface_spec by_index(std::uint32_t index) {
        interface_spec s;
        s.kind_ = index == 0 ? kind::any : kind::index;
        s.index_ = index;
        return s;
    }
    /// By name ("eth0"; Windows names such as "loopback_0" too), looked up
    /// when a call uses it. An empty name is any.
    static interface_spec by_name(std::string_view name) {
        interface_spec s;
        s.kind_ = name.empty() ? kind::any : kind::name;
        s.name_ = name;
        return s;
    }
    /// By an IPv4 address of the interface (the port is ignored); the any
    /// address 0.0.0.0 is any.
    static interface_spec by_address(const endpoint& address) {
        interface_spec s;
        s.kind_ = address.is_any() ? kind::any : kind::address;
        s.address_ = address.with_port(0);
        return s;
    }

    /// Which form this is.
    kind what() const noexcept { return kind_; }
    /// True for any interface.
    bool is_any() const noexcept { return kind_ == kind::any; }
    /// The index (`kind::index`), else 0.
    std::uint32_t index() const noexcept { return kind_ == kind::index ? index_ : 0; }
    /// The name (`kind::name`), else empty.
    const std::string& name() const noexcept { return name_; }
    /// The address (`kind::address`), else an empty endpoint.
    endpoint address() const noexcept { return kind_ == kind::address ? address_ : endpoint{}; }

    /// `any`, `interface 2`, `eth0` or `192.0.2.7`, as messages show it.
    std::string to_string() const {
        switch (kind_) {
        case kind::index: return "interface " + std::to_string(index_);
        case kind::name: return name_;
        case kind::address: return address_.host();
        case kind::any: break;
        }
        return "any";
    }

    /// Equal when the form and its value are equal.
    friend bool operator==(const interface_spec& a, const interface_spec& b) noexcept {
        return a.kind_ == b.kind_ && a.index() == b.index() && a.name_ == b.name_ &&
               a.address() == b.address();
    }
    /// Not equal.
    friend bool operator!=(const interface_spec& a, const interface_spec& b) noexcept { return !(a == b); }

    /// Prints `to_string()`.
    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                         const interface_spec& s) {
        return os << s.to_string();
    }

private:
    kind kind_ = kind::any;
    std::uint32_t index_ = 0;
    std::string name_;
    endpoint address_;
};

}  // namespace portsock
