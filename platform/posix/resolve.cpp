// Name resolution over the system resolver (POSIX getaddrinfo).
#include "error.hpp"
#include "resolve.hpp"
#include "sys.hpp"

#include <net/if.h>
#include <netdb.h>
#include <unistd.h>

#include <cstring>

namespace portsock::sys {

std::vector<address_info> getaddrinfo(const char* host, const char* service, family f,
                                      std::optional<type> t, int proto, ai flags,
                                      std::error_code& ec) {
    const auto hints = resolver_hints<::addrinfo>(f, t, proto, flags);
    ::addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        ec = resolver_error(rc);
        return {};
    }
    ec.clear();
    struct release {
        ::addrinfo* list;
        ~release() { ::freeaddrinfo(list); }
    } owner{list};
    return resolver_results(list, [](const char* name) { return std::string(name); });
}

std::string gethostname(std::error_code& ec) {
    char name[256] = {};  // POSIX: host names are at most 255 bytes
    if (::gethostname(name, sizeof name - 1) < 0) {
        ec = last_error();
        return {};
    }
    ec.clear();
    return name;
}

std::uint32_t interface_index(std::string_view name) noexcept {
    char text[IF_NAMESIZE + 1] = {};
    if (name.size() >= sizeof text) return 0;
    std::memcpy(text, name.data(), name.size());
    return ::if_nametoindex(text);
}

}  // namespace portsock::sys
