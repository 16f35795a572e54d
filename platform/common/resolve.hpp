// The getaddrinfo result loop, for both backends: POSIX's addrinfo and
// Windows' ADDRINFOW differ only in the character type of the canonical
// name, which `narrow` turns into UTF-8.
#pragma once

#include "address.hpp"
#include "flags.hpp"
#include "sys.hpp"

#include <utility>
#include <vector>

namespace portsock::sys {

/// The hints for a lookup of the given kind.
template <class Info>
Info resolver_hints(family f, std::optional<type> t, int proto, ai flags) noexcept {
    Info hints{};
    hints.ai_family = native_family(f);
    hints.ai_socktype = t ? native_type(*t) : 0;
    hints.ai_protocol = proto;
    hints.ai_flags = native_ai_flags(flags);
    return hints;
}

/// The entries of a result list that portsock can represent, in order.
/// Entries of a family or type portsock lacks are left out. An entry of
/// type 0 (Windows gives one where no type was asked for; POSIX systems
/// give one per type) becomes a stream and a datagram entry, as POSIX gives.
template <class Info, class Narrow>
std::vector<address_info> resolver_results(const Info* list, Narrow narrow) {
    std::vector<address_info> result;
    for (const Info* p = list; p != nullptr; p = p->ai_next) {
        address_info info;
        info.family = from_native_family(p->ai_family);
        if (info.family == family::unspec) continue;
        info.proto = p->ai_protocol;
        if (p->ai_canonname != nullptr) info.canonname = narrow(p->ai_canonname);
        info.address = from_native(p->ai_addr, static_cast<os::socklen>(p->ai_addrlen));
        if (p->ai_socktype == 0) {
            for (auto [each_type, each_proto] :
                 {std::pair{type::stream, static_cast<int>(IPPROTO_TCP)}, std::pair{type::dgram, static_cast<int>(IPPROTO_UDP)}}) {
                address_info each = info;
                each.type = each_type;
                each.proto = each_proto;
                result.push_back(std::move(each));
            }
            continue;
        }
        info.type = from_native_type(p->ai_socktype);
        if (is_other(info.type) || info.type == type{}) continue;
        result.push_back(std::move(info));
    }
    return result;
}

}  // namespace portsock::sys
