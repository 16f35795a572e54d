// Name resolution over GetAddrInfoW (UTF-8 names in, UTF-8 names out).
#include "error.hpp"
#include "resolve.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <iphlpapi.h>
#include <ws2tcpip.h>

#include <cstring>

namespace portsock::sys {

std::vector<address_info> getaddrinfo(const char* host, const char* service, family f,
                                      std::optional<type> t, int proto, ai flags,
                                      std::error_code& ec) {
    ec = ensure_started();
    if (ec) return {};
    const auto hints = resolver_hints<ADDRINFOW>(f, t, proto, flags);
    const std::wstring wide_host = host ? widen(host) : std::wstring();
    const std::wstring wide_service = service ? widen(service) : std::wstring();
    ADDRINFOW* list = nullptr;
    const int rc = ::GetAddrInfoW(host ? wide_host.c_str() : nullptr,
                                  service ? wide_service.c_str() : nullptr, &hints, &list);
    if (rc != 0) {
        ec = resolver_error(rc);
        return {};
    }
    struct release {
        ADDRINFOW* list;
        ~release() { ::FreeAddrInfoW(list); }
    } owner{list};
    return resolver_results(list, [](const wchar_t* name) { return narrow(name); });
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
