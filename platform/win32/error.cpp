// System errors of the Windows backend.
#include "error.hpp"

#include "sys.hpp"

#include <winsock2.h>
#include <windows.h>
#include <ws2tcpip.h>

namespace portsock::sys {
namespace {

// Each Winsock code portsock maps: the std::errc condition Winsock's own
// documentation pairs it with (the BSD errno names), and the words for it
// when the system has none (wine's FormatMessage knows no WSAE* code), in
// the wording of the POSIX strerror texts.
struct mapping {
    int code;
    std::errc condition;
    const char* text;
};

constexpr mapping mappings[] = {
    {WSAEINTR, std::errc::interrupted, "Interrupted system call"},
    {WSAEBADF, std::errc::bad_file_descriptor, "Bad file descriptor"},
    {WSAEACCES, std::errc::permission_denied, "Permission denied"},
    {WSAEFAULT, std::errc::bad_address, "Bad address"},
    {WSAEINVAL, std::errc::invalid_argument, "Invalid argument"},
    {WSAEMFILE, std::errc::too_many_files_open, "Too many open files"},
    {WSAEWOULDBLOCK, std::errc::operation_would_block, "Operation would block"},
    {WSAEINPROGRESS, std::errc::operation_in_progress, "Operation now in progress"},
    {WSAEALREADY, std::errc::connection_already_in_progress, "Operation already in progress"},
    {WSAENOTSOCK, std::errc::not_a_socket, "Socket operation on non-socket"},
    {WSAEDESTADDRREQ, std::errc::destination_address_required, "Destination address required"},
    {WSAEMSGSIZE, std::errc::message_size, "Message too long"},
    {WSAEPROTOTYPE, std::errc::wrong_protocol_type, "Protocol wrong type for socket"},
    {WSAENOPROTOOPT, std::errc::no_protocol_option, "Protocol not available"},
    {WSAEPROTONOSUPPORT, std::errc::protocol_not_supported, "Protocol not supported"},
    {WSAESOCKTNOSUPPORT, std::errc::protocol_not_supported, "Socket type not supported"},
    {WSAEOPNOTSUPP, std::errc::operation_not_supported, "Operation not supported"},
    {WSAEPFNOSUPPORT, std::errc::address_family_not_supported, "Protocol family not supported"},
    {WSAEAFNOSUPPORT, std::errc::address_family_not_supported, "Address family not supported by protocol"},
    {WSAEADDRINUSE, std::errc::address_in_use, "Address already in use"},
    {WSAEADDRNOTAVAIL, std::errc::address_not_available, "Cannot assign requested address"},
    {WSAENETDOWN, std::errc::network_down, "Network is down"},
    {WSAENETUNREACH, std::errc::network_unreachable, "Network is unreachable"},
    {WSAENETRESET, std::errc::network_reset, "Network dropped connection on reset"},
    {WSAECONNABORTED, std::errc::connection_aborted, "Software caused connection abort"},
    {WSAECONNRESET, std::errc::connection_reset, "Connection reset by peer"},
    {WSAENOBUFS, std::errc::no_buffer_space, "No buffer space available"},
    {WSAEISCONN, std::errc::already_connected, "Transport endpoint is already connected"},
    {WSAENOTCONN, std::errc::not_connected, "Transport endpoint is not connected"},
    {WSAESHUTDOWN, std::errc::broken_pipe, "Cannot send after transport endpoint shutdown"},
    {WSAETIMEDOUT, std::errc::timed_out, "Connection timed out"},
    {WSAECONNREFUSED, std::errc::connection_refused, "Connection refused"},
    {WSAENAMETOOLONG, std::errc::filename_too_long, "File name too long"},
    {WSAEHOSTDOWN, std::errc::host_unreachable, "Host is down"},
    {WSAEHOSTUNREACH, std::errc::host_unreachable, "No route to host"},
    {WSAENOTEMPTY, std::errc::directory_not_empty, "Directory not empty"},
    {WSA_NOT_ENOUGH_MEMORY, std::errc::not_enough_memory, "Cannot allocate memory"},
    {ERROR_INVALID_HANDLE, std::errc::bad_file_descriptor, "Bad file descriptor"},
    {ERROR_ACCESS_DENIED, std::errc::permission_denied, "Permission denied"},
};

const mapping* find_mapping(int code) noexcept {
    for (const mapping& m : mappings) {
        if (m.code == code) return &m;
    }
    return nullptr;
}

class winsock_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "winsock"; }

    std::string message(int code) const override {
        wchar_t* text = nullptr;
        const DWORD length = ::FormatMessageW(
            FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
            nullptr, static_cast<DWORD>(code), 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
        std::string message = length > 0 && text != nullptr ? narrow(text) : std::string();
        if (text != nullptr) ::LocalFree(text);
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                                    message.back() == ' ' || message.back() == '.')) {
            message.pop_back();
        }
        if (!message.empty()) return message;
        if (const mapping* m = find_mapping(code)) return m->text;
        return "Windows error " + std::to_string(code);
    }

    std::error_condition default_error_condition(int code) const noexcept override {
        if (const mapping* m = find_mapping(code)) return std::make_error_condition(m->condition);
        return {code, *this};
    }
};

}  // namespace

std::error_code ensure_started() noexcept {
    static const int result = [] {
        WSADATA data;
        return ::WSAStartup(MAKEWORD(2, 2), &data);
    }();
    return result == 0 ? std::error_code() : std::error_code(result, winsock_category());
}

const std::error_category& winsock_category() noexcept {
    static const winsock_category_impl instance;
    return instance;
}

std::error_code last_error() noexcept { return {::WSAGetLastError(), winsock_category()}; }

std::error_code error_from_native(int code) noexcept {
    if (code == 0) return {};
    return {code, winsock_category()};
}

bool would_block(std::error_code ec) noexcept {
    if (ec.category() == winsock_category()) return ec.value() == WSAEWOULDBLOCK;
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

std::error_code resolver_error(int code) noexcept {
    switch (code) {
    case WSAHOST_NOT_FOUND: return resolve_error::host_not_found;
    case WSATRY_AGAIN: return resolve_error::try_again;
    case WSANO_RECOVERY: return resolve_error::fail;
    case WSANO_DATA: return resolve_error::no_data;
    case WSAEAFNOSUPPORT: return resolve_error::family_not_supported;
    case WSAESOCKTNOSUPPORT: return resolve_error::socktype_not_supported;
    case WSATYPE_NOT_FOUND: return resolve_error::service_not_found;
    case WSAEINVAL: return resolve_error::bad_flags;
    case WSA_NOT_ENOUGH_MEMORY: return resolve_error::out_of_memory;
    default: return {code, winsock_category()};
    }
}

std::wstring widen(const char* text) {
    const int length = ::MultiByteToWideChar(CP_UTF8, 0, text, -1, nullptr, 0);
    if (length <= 0) return {};
    std::wstring wide(static_cast<std::size_t>(length), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, text, -1, wide.data(), length);
    wide.resize(static_cast<std::size_t>(length - 1));
    return wide;
}

std::string narrow(const wchar_t* text) {
    const int length = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
    if (length <= 0) return {};
    std::string out(static_cast<std::size_t>(length), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), length, nullptr, nullptr);
    out.resize(static_cast<std::size_t>(length - 1));
    return out;
}

}  // namespace portsock::sys
