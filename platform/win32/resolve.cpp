// Name resolution over GetAddrInfoW and GetNameInfoW (UTF-8 names in, UTF-8
// names out), the services database, and the interface names of iphlpapi.
#include "error.hpp"
#include "flags.hpp"
#include "resolve.hpp"
#include "sys.hpp"

#include <winsock2.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <ws2tcpip.h>

#include <cstring>

namespace portsock::sys {
namespace {

// An interface name holds at most NDIS_IF_MAX_STRING_SIZE characters
// (netioapi.h's IF_NAMESIZE); with its NUL, one more.
constexpr std::size_t interface_name_capacity = NDIS_IF_MAX_STRING_SIZE + 1;

std::error_code no_such_device() noexcept { return std::make_error_code(std::errc::no_such_device); }

std::string name_of(const NET_LUID& luid, std::error_code& ec) {
    wchar_t name[interface_name_capacity] = {};
    if (::ConvertInterfaceLuidToNameW(&luid, name, interface_name_capacity) != NO_ERROR) {
        ec = std::make_error_code(std::errc::no_such_device_or_address);
        return {};
    }
    ec.clear();
    return narrow(name);
}

// A services database entry's port: s_port holds it in network order.
std::uint16_t port_of(const ::servent& entry) noexcept { return ntohs(static_cast<u_short>(entry.s_port)); }

}  // namespace

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

name_info getnameinfo(const endpoint& address, ni flags, std::error_code& ec) {
    ec = ensure_started();
    if (ec) return {};
    native_address native;
    ec = to_native(address, native);
    if (ec) return {};
    wchar_t host[NI_MAXHOST] = {};
    wchar_t service[NI_MAXSERV] = {};
    // GetNameInfoW's result is the error code (WSAGetLastError's too).
    const int rc = ::GetNameInfoW(native.get(), native.size, host, NI_MAXHOST, service, NI_MAXSERV,
                                  native_ni_flags(flags));
    if (rc != 0) {
        ec = resolver_error(rc == SOCKET_ERROR ? ::WSAGetLastError() : rc);
        return {};
    }
    return {narrow(host), narrow(service)};
}

// gethostbyaddr is deprecated in Winsock (its page on learn.microsoft.com
// sends callers to getnameinfo): the name is GetNameInfoW's, a name being
// required, and the address is the one asked about. Windows keeps no
// aliases for it to report.
host_names gethostbyaddr(const endpoint& address, std::error_code& ec) {
    name_info names = sys::getnameinfo(address, ni::namereqd, ec);
    if (ec) return {};
    host_names out;
    out.name = std::move(names.host);
    out.addresses.push_back(address.with_port(0));
    return out;
}

// Winsock's getservbyname and getservbyport keep their result per thread
// (getservbyname's page on learn.microsoft.com), so they are safe to call
// from any thread as long as the result is copied before the next call.
std::uint16_t getservbyname(const char* name, const char* proto, std::error_code& ec) {
    ec = ensure_started();
    if (ec) return 0;
    const ::servent* entry = ::getservbyname(name, proto);
    if (entry == nullptr) {
        ec = resolve_error::service_not_found;
        return 0;
    }
    return port_of(*entry);
}

std::string getservbyport(std::uint16_t port, const char* proto, std::error_code& ec) {
    ec = ensure_started();
    if (ec) return {};
    const ::servent* entry = ::getservbyport(static_cast<int>(htons(port)), proto);
    if (entry == nullptr) {
        ec = resolve_error::service_not_found;
        return {};
    }
    return entry->s_name != nullptr ? std::string(entry->s_name) : std::string();
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

// The interface functions are iphlpapi's, which needs no Winsock start-up.
// Names are taken and given in UTF-16 (the ...W calls), as UTF-8 here, so
// that if_nameindex's names map back to their indices whatever the ANSI
// code page.
std::uint32_t if_nametoindex(std::string_view name, std::error_code& ec) noexcept {
    wchar_t wide[interface_name_capacity] = {};
    if (name.empty() || name.size() >= interface_name_capacity || name.find('\0') != std::string_view::npos) {
        ec = no_such_device();
        return 0;
    }
    // At most as many UTF-16 units as UTF-8 bytes: the buffer is large enough.
    const int length =
        ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name.data(), static_cast<int>(name.size()), wide,
                              static_cast<int>(interface_name_capacity - 1));
    NET_LUID luid{};
    NET_IFINDEX index = 0;
    if (length <= 0 || ::ConvertInterfaceNameToLuidW(wide, &luid) != NO_ERROR ||
        ::ConvertInterfaceLuidToIndex(&luid, &index) != NO_ERROR || index == 0) {
        ec = no_such_device();
        return 0;
    }
    ec.clear();
    return index;
}

std::string if_indextoname(std::uint32_t index, std::error_code& ec) {
    NET_LUID luid{};
    if (::ConvertInterfaceIndexToLuid(index, &luid) != NO_ERROR) {
        ec = std::make_error_code(std::errc::no_such_device_or_address);
        return {};
    }
    return name_of(luid, ec);
}

// Windows has no if_nameindex: the interface table (GetIfTable2Ex, every
// interface, as Python's socket module asks for it) with each row's name.
std::vector<network_interface> if_nameindex(std::error_code& ec) {
    MIB_IF_TABLE2* table = nullptr;
    const DWORD rc = ::GetIfTable2Ex(MibIfTableRaw, &table);
    if (rc != NO_ERROR) {
        ec = error_from_native(static_cast<int>(rc));
        return {};
    }
    struct release {
        MIB_IF_TABLE2* table;
        ~release() { ::FreeMibTable(table); }
    } owner{table};
    std::vector<network_interface> result;
    for (ULONG k = 0; k < table->NumEntries; ++k) {
        const MIB_IF_ROW2& row = table->Table[k];
        std::string name = name_of(row.InterfaceLuid, ec);
        if (ec) return {};
        result.push_back({static_cast<std::uint32_t>(row.InterfaceIndex), std::move(name)});
    }
    ec.clear();
    return result;
}

}  // namespace portsock::sys
