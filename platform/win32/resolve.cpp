// Name resolution over GetAddrInfoW (UTF-8 names in, UTF-8 names out).
#include "address.hpp"
#include "error.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <iphlpapi.h>
#include <ws2tcpip.h>

#include <cstring>

namespace portsock::sys {
namespace {

int native_ai_flags(ai flags) noexcept {
    int out = 0;
    if (has(flags, ai::passive)) out |= AI_PASSIVE;
    if (has(flags, ai::canonname)) out |= AI_CANONNAME;
    if (has(flags, ai::numerichost)) out |= AI_NUMERICHOST;
    if (has(flags, ai::numericserv)) out |= AI_NUMERICSERV;
    if (has(flags, ai::addrconfig)) out |= AI_ADDRCONFIG;
    if (has(flags, ai::v4mapped)) out |= AI_V4MAPPED;
    return out;
}

bool from_native_type(int native, type& out) noexcept {
    for (type t : {type::stream, type::dgram, type::raw, type::seqpacket}) {
        if (native_type(t) == native) {
            out = t;
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<address_info> getaddrinfo(const char* host, const char* service, family f,
                                      std::optional<type> t, int proto, ai flags,
                                      std::error_code& ec) {
    ec = ensure_started();
    if (ec) return {};
    ADDRINFOW hints{};
    hints.ai_family = native_family(f);
    hints.ai_socktype = t ? native_type(*t) : 0;
    hints.ai_protocol = proto;
    hints.ai_flags = native_ai_flags(flags);
    const std::wstring wide_host = host ? widen(host) : std::wstring();
    const std::wstring wide_service = service ? widen(service) : std::wstring();
    ADDRINFOW* list = nullptr;
    const int rc = ::GetAddrInfoW(host ? wide_host.c_str() : nullptr,
                                  service ? wide_service.c_str() : nullptr, &hints, &list);
    if (rc != 0) {
        ec = resolver_error(rc);
        return {};
    }
    std::vector<address_info> result;
    for (const ADDRINFOW* p = list; p != nullptr; p = p->ai_next) {
        address_info info;
        info.family = from_native_family(p->ai_family);
        if (info.family == family::unspec) continue;
        info.proto = p->ai_protocol;
        if (p->ai_canonname != nullptr) info.canonname = narrow(p->ai_canonname);
        info.address = from_native(p->ai_addr, static_cast<int>(p->ai_addrlen));
        if (p->ai_socktype == 0) {
            // With no type asked for, Windows gives one entry of type 0 where
            // POSIX systems give one per type: give what POSIX gives.
            for (auto [t2, proto2] : {std::pair{type::stream, IPPROTO_TCP}, std::pair{type::dgram, IPPROTO_UDP}}) {
                address_info each = info;
                each.type = t2;
                each.proto = proto2;
                result.push_back(std::move(each));
            }
            continue;
        }
        if (!from_native_type(p->ai_socktype, info.type)) continue;
        result.push_back(std::move(info));
    }
    ::FreeAddrInfoW(list);
    return result;
}

std::string gethostname(std::error_code& ec) {
    ec = ensure_started();
    if (ec) return {};
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == SOCKET_ERROR) {
        ec = last_error();
        return {};
    }
    return name;
}

std::uint32_t interface_index(std::string_view name) noexcept {
    char text[IF_MAX_STRING_SIZE + 1] = {};
    if (name.size() >= sizeof text || ensure_started()) return 0;
    std::memcpy(text, name.data(), name.size());
    return ::if_nametoindex(text);
}

}  // namespace portsock::sys
