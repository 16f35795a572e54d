// Name resolution over the system resolver (POSIX getaddrinfo, getnameinfo),
// the netdb databases (hosts, services) and the interface names.
#include "error.hpp"
#include "flags.hpp"
#include "resolve.hpp"
#include "sys.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace portsock::sys {
namespace {

// The largest buffer a reentrant netdb call is given (it starts at 1 KiB and
// doubles while the call says ERANGE): a hosts entry with more aliases than
// this holds is reported as out of memory.
constexpr std::size_t max_netdb_buffer = std::size_t{1} << 20;

#if !PORTSOCK_HAVE_GETHOSTBYADDR_R || !PORTSOCK_HAVE_GETSERVBYNAME_R
// gethostbyaddr, getservbyname and getservbyport return static storage that
// the next call overwrites. Where the system has no reentrant form (macOS),
// each call and the copy of its result are made under this lock, as Python
// does (its netdb_lock). Other code of the process calling them unlocked
// can still race; the reentrant forms are used wherever they exist.
std::mutex& netdb_lock() {
    static std::mutex lock;
    return lock;
}
#endif

// Calls `call(buffer, size)`, a reentrant netdb call, with a buffer that
// grows while the call reports ERANGE, and returns what it last returned.
template <class Call>
int with_growing_buffer(std::vector<char>& buffer, Call call) {
    buffer.resize(1024);
    for (;;) {
        const int rc = call(buffer.data(), buffer.size());
        if (rc != ERANGE || buffer.size() >= max_netdb_buffer) return rc;
        buffer.resize(buffer.size() * 2);
    }
}

#if PORTSOCK_HAVE_GETSERVBYNAME_R
// A reentrant services call's failure when it found no entry: `rc` is what
// it returned (0 or ENOENT when there is no such entry).
std::error_code service_failure(int rc) noexcept {
    if (rc == 0 || rc == ENOENT) return resolve_error::service_not_found;
    if (rc == ERANGE) return resolve_error::out_of_memory;
    return {rc, std::system_category()};
}
#endif

host_names names_of(const ::hostent& entry, int af) {
    host_names out;
    if (entry.h_name != nullptr) out.name = entry.h_name;
    for (char** alias = entry.h_aliases; alias != nullptr && *alias != nullptr; ++alias) {
        out.aliases.emplace_back(*alias);
    }
    if (entry.h_addrtype != af) return out;
    for (char** address = entry.h_addr_list; address != nullptr && *address != nullptr; ++address) {
        if (af == AF_INET && entry.h_length == 4) {
            std::array<std::uint8_t, 4> bytes;
            std::memcpy(bytes.data(), *address, 4);
            out.addresses.push_back(endpoint::v4(bytes, 0));
        } else if (af == AF_INET6 && entry.h_length == 16) {
            std::array<std::uint8_t, 16> bytes;
            std::memcpy(bytes.data(), *address, 16);
            out.addresses.push_back(endpoint::v6(bytes, 0));
        }
    }
    return out;
}

std::uint16_t port_of(const ::servent& entry) noexcept {
    return ntohs(static_cast<std::uint16_t>(entry.s_port));
}

}  // namespace

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

name_info getnameinfo(const endpoint& address, ni flags, std::error_code& ec) {
    native_address native;
    ec = to_native(address, native);
    if (ec) return {};
    char host[NI_MAXHOST] = {};
    char service[NI_MAXSERV] = {};
    const int rc = ::getnameinfo(native.get(), native.size, host, sizeof host, service, sizeof service,
                                 native_ni_flags(flags));
    if (rc != 0) {
        ec = resolver_error(rc);
        return {};
    }
    return {host, service};
}

host_names gethostbyaddr(const endpoint& address, std::error_code& ec) {
    ec.clear();
    const int af = native_family(address.family());
    const std::string_view bytes = address.bytes();
    const auto length = static_cast<socklen_t>(bytes.size());
#if PORTSOCK_HAVE_GETHOSTBYADDR_R
    ::hostent entry{};
    ::hostent* result = nullptr;
    int host_errno = 0;
    std::vector<char> buffer;
    const int rc = with_growing_buffer(buffer, [&](char* data, std::size_t size) {
        return ::gethostbyaddr_r(bytes.data(), length, af, &entry, data, size, &result, &host_errno);
    });
    if (result == nullptr) {
        ec = rc == ERANGE ? std::error_code(resolve_error::out_of_memory) : host_error(host_errno, rc);
        return {};
    }
    return names_of(*result, af);
#else
    const std::lock_guard<std::mutex> lock(netdb_lock());
    const ::hostent* result = ::gethostbyaddr(bytes.data(), length, af);
    if (result == nullptr) {
        ec = host_error(h_errno, 0);
        return {};
    }
    return names_of(*result, af);
#endif
}

std::uint16_t getservbyname(const char* name, const char* proto, std::error_code& ec) {
    ec.clear();
#if PORTSOCK_HAVE_GETSERVBYNAME_R
    ::servent entry{};
    ::servent* result = nullptr;
    std::vector<char> buffer;
    const int rc = with_growing_buffer(buffer, [&](char* data, std::size_t size) {
        return ::getservbyname_r(name, proto, &entry, data, size, &result);
    });
    if (result == nullptr) {
        ec = service_failure(rc);
        return 0;
    }
    return port_of(*result);
#else
    const std::lock_guard<std::mutex> lock(netdb_lock());
    const ::servent* result = ::getservbyname(name, proto);
    if (result == nullptr) {
        ec = resolve_error::service_not_found;
        return 0;
    }
    return port_of(*result);
#endif
}

std::string getservbyport(std::uint16_t port, const char* proto, std::error_code& ec) {
    ec.clear();
    const int network_port = static_cast<int>(htons(port));
#if PORTSOCK_HAVE_GETSERVBYNAME_R
    ::servent entry{};
    ::servent* result = nullptr;
    std::vector<char> buffer;
    const int rc = with_growing_buffer(buffer, [&](char* data, std::size_t size) {
        return ::getservbyport_r(network_port, proto, &entry, data, size, &result);
    });
    if (result == nullptr) {
        ec = service_failure(rc);
        return {};
    }
    return result->s_name != nullptr ? std::string(result->s_name) : std::string();
#else
    const std::lock_guard<std::mutex> lock(netdb_lock());
    const ::servent* result = ::getservbyport(network_port, proto);
    if (result == nullptr) {
        ec = resolve_error::service_not_found;
        return {};
    }
    return result->s_name != nullptr ? std::string(result->s_name) : std::string();
#endif
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

std::uint32_t if_nametoindex(std::string_view name, std::error_code& ec) noexcept {
    char text[IF_NAMESIZE] = {};  // the name and its NUL
    if (name.empty() || name.size() >= sizeof text || name.find('\0') != std::string_view::npos) {
        ec = std::make_error_code(std::errc::no_such_device);
        return 0;
    }
    std::memcpy(text, name.data(), name.size());
    // errno is set only on failure, and not by every system when the name
    // is merely unknown: cleared first, 0 afterwards means "no such device".
    errno = 0;
    const unsigned index = ::if_nametoindex(text);
    if (index == 0) {
        const int code = errno;
        ec = code == 0 || code == ENODEV || code == ENXIO ? std::make_error_code(std::errc::no_such_device)
                                                          : last_error();
        return 0;
    }
    ec.clear();
    return index;
}

std::string if_indextoname(std::uint32_t index, std::error_code& ec) {
    char name[IF_NAMESIZE + 1] = {};
    errno = 0;
    if (::if_indextoname(index, name) == nullptr) {
        const int code = errno;
        ec = code == 0 || code == ENXIO || code == ENODEV
                 ? std::make_error_code(std::errc::no_such_device_or_address)
                 : last_error();
        return {};
    }
    ec.clear();
    return name;
}

std::vector<network_interface> if_nameindex(std::error_code& ec) {
    struct ::if_nameindex* list = ::if_nameindex();
    if (list == nullptr) {
        ec = last_error();
        return {};
    }
    ec.clear();
    struct release {
        struct ::if_nameindex* list;
        ~release() { ::if_freenameindex(list); }
    } owner{list};
    std::vector<network_interface> result;
    for (const struct ::if_nameindex* p = list; p->if_index != 0; ++p) {
        result.push_back({p->if_index, p->if_name != nullptr ? std::string(p->if_name) : std::string()});
    }
    return result;
}

}  // namespace portsock::sys
