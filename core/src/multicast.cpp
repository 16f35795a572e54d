// The socket's multicast calls (socket.hpp, multicast.hpp): the checks, the
// interface as the backend takes it (a name looked up, an index, an IPv4
// address), and the throwing forms, whose messages name the call, the group
// and the interface.
#include <portsock/socket.hpp>

#include "sys.hpp"

#if PORTSOCK_HAS_EXCEPTIONS
#include "or_throw.hpp"
#endif

namespace portsock {
namespace {

// The interface of `on` for a socket of family `f`: an index (0: any) and,
// for IPv4, maybe an address (`has_address`).
std::error_code interface_of(const interface_spec& on, portsock::family f, std::uint32_t& index,
                             endpoint& address, bool& has_address) noexcept {
    index = 0;
    has_address = false;
    switch (on.what()) {
    case interface_spec::kind::any: return {};
    case interface_spec::kind::index: index = on.index(); return {};
    case interface_spec::kind::name: {
        // An unknown name is std::errc::no_such_device.
        std::error_code ec;
        index = sys::if_nametoindex(on.name(), ec);
        return ec;
    }
    case interface_spec::kind::address:
        // The systems' IPv6 calls take only an index.
        address = on.address();
        if (f != portsock::family::inet || address.family() != portsock::family::inet) return error::family_mismatch;
        has_address = true;
        return {};
    }
    return {};
}

bool is_ip(portsock::family f) noexcept { return f == portsock::family::inet || f == portsock::family::inet6; }

}  // namespace

void socket::membership(bool join, const endpoint& group, const endpoint* source, const interface_spec& on,
                        std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open()) {
        ec = error::not_open;
    } else if (group.empty() || (source != nullptr && source->empty())) {
        ec = error::empty_endpoint;
    } else if (!is_ip(family_) || group.family() != family_ || (source != nullptr && source->family() != family_)) {
        ec = error::family_mismatch;
    } else if (!group.is_multicast()) {
        ec = error::not_multicast;
    }
    if (ec) return;
    std::uint32_t index = 0;
    endpoint address;
    bool has_address = false;
    ec = interface_of(on, family_, index, address, has_address);
    if (ec) return;
    // An IPv6 group's zone ("ff02::1%2") names its interface when `on` does not.
    if (on.is_any() && group.scope_id() != 0) index = group.scope_id();
    ec = sys::membership(handle_, family_, join, group, source, index, has_address ? &address : nullptr);
}

void socket::join_group(const endpoint& group, std::error_code& ec, const interface_spec& on) noexcept {
    membership(true, group, nullptr, on, ec);
}

void socket::leave_group(const endpoint& group, std::error_code& ec, const interface_spec& on) noexcept {
    membership(false, group, nullptr, on, ec);
}

void socket::join_source_group(const endpoint& group, const endpoint& source, std::error_code& ec,
                               const interface_spec& on) noexcept {
    membership(true, group, &source, on, ec);
}

void socket::leave_source_group(const endpoint& group, const endpoint& source, std::error_code& ec,
                                const interface_spec& on) noexcept {
    membership(false, group, &source, on, ec);
}

// The text forms: a numeric address, as endpoint::parse(host, port) reads it.
void socket::join_group(std::string_view group, std::error_code& ec, const interface_spec& on) noexcept {
    const endpoint g = endpoint::parse(group, 0, ec);
    if (!ec) join_group(g, ec, on);
}

void socket::leave_group(std::string_view group, std::error_code& ec, const interface_spec& on) noexcept {
    const endpoint g = endpoint::parse(group, 0, ec);
    if (!ec) leave_group(g, ec, on);
}

void socket::join_source_group(std::string_view group, std::string_view source, std::error_code& ec,
                               const interface_spec& on) noexcept {
    const endpoint g = endpoint::parse(group, 0, ec);
    const endpoint s = ec ? endpoint{} : endpoint::parse(source, 0, ec);
    if (!ec) join_source_group(g, s, ec, on);
}

void socket::leave_source_group(std::string_view group, std::string_view source, std::error_code& ec,
                                const interface_spec& on) noexcept {
    const endpoint g = endpoint::parse(group, 0, ec);
    const endpoint s = ec ? endpoint{} : endpoint::parse(source, 0, ec);
    if (!ec) leave_source_group(g, s, ec, on);
}

void socket::set_interface_option(const interface_spec& value, std::error_code& ec) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    if (!is_ip(family_)) {
        ec = error::family_mismatch;
        return;
    }
    std::uint32_t index = 0;
    endpoint address;
    bool has_address = false;
    ec = interface_of(value, family_, index, address, has_address);
    if (!ec) ec = sys::set_multicast_interface(handle_, family_, index, has_address ? &address : nullptr);
}

interface_spec socket::get_interface_option(std::error_code& ec) const noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return {};
    }
    if (!is_ip(family_)) {
        ec = error::family_mismatch;
        return {};
    }
    std::uint32_t index = 0;
    endpoint address;
    ec = sys::get_multicast_interface(handle_, family_, index, address);
    if (ec) return {};
    if (index != 0) return interface_spec::by_index(index);
    if (!address.empty()) return interface_spec::by_address(address);
    return {};
}

#if PORTSOCK_HAS_EXCEPTIONS
namespace {
// "join_group 239.1.2.3", "... from 192.0.2.1", "... on eth0".
std::string membership_what(const char* operation, std::string_view group, const std::string_view* source,
                            const interface_spec& on) {
    std::string what = operation;
    what += ' ';
    what += group;
    if (source != nullptr) {
        what += " from ";
        what += *source;
    }
    if (!on.is_any()) what += " on " + on.to_string();
    return what;
}
}  // namespace

void socket::join_group(const endpoint& group, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { join_group(group, ec, on); },
                     [&](std::error_code ec) { throw_error(ec, membership_what("join_group", group.host(), nullptr, on)); });
}

void socket::join_group(std::string_view group, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { join_group(group, ec, on); },
                     [&](std::error_code ec) { throw_error(ec, membership_what("join_group", group, nullptr, on)); });
}

void socket::leave_group(const endpoint& group, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { leave_group(group, ec, on); },
                     [&](std::error_code ec) { throw_error(ec, membership_what("leave_group", group.host(), nullptr, on)); });
}

void socket::leave_group(std::string_view group, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { leave_group(group, ec, on); },
                     [&](std::error_code ec) { throw_error(ec, membership_what("leave_group", group, nullptr, on)); });
}

void socket::join_source_group(const endpoint& group, const endpoint& source, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { join_source_group(group, source, ec, on); },
                     [&](std::error_code ec) {
                         const std::string from = source.host();
                         const std::string_view s = from;
                         throw_error(ec, membership_what("join_source_group", group.host(), &s, on));
                     });
}

void socket::join_source_group(std::string_view group, std::string_view source, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { join_source_group(group, source, ec, on); },
                     [&](std::error_code ec) {
                         throw_error(ec, membership_what("join_source_group", group, &source, on));
                     });
}

void socket::leave_source_group(const endpoint& group, const endpoint& source, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { leave_source_group(group, source, ec, on); },
                     [&](std::error_code ec) {
                         const std::string from = source.host();
                         const std::string_view s = from;
                         throw_error(ec, membership_what("leave_source_group", group.host(), &s, on));
                     });
}

void socket::leave_source_group(std::string_view group, std::string_view source, const interface_spec& on) {
    detail::or_throw([&](std::error_code& ec) { leave_source_group(group, source, ec, on); },
                     [&](std::error_code ec) {
                         throw_error(ec, membership_what("leave_source_group", group, &source, on));
                     });
}
#endif

}  // namespace portsock
