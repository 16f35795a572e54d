// System errors of the Windows backend.
#include "error.hpp"

#include "sys.hpp"

#include <winsock2.h>
#include <windows.h>
#include <ws2tcpip.h>

namespace portsock::sys {
namespace {

// The std::errc condition of a Winsock code (the table Winsock's own
// documentation pairs with the BSD errno names).
bool condition_of(int code, std::errc& out) noexcept {
    switch (code) {
    case WSAEINTR: out = std::errc::interrupted; return true;
    case WSAEBADF: out = std::errc::bad_file_descriptor; return true;
    case WSAEACCES: out = std::errc::permission_denied; return true;
    case WSAEFAULT: out = std::errc::bad_address; return true;
    case WSAEINVAL: out = std::errc::invalid_argument; return true;
    case WSAEMFILE: out = std::errc::too_many_files_open; return true;
    case WSAEWOULDBLOCK: out = std::errc::operation_would_block; return true;
    case WSAEINPROGRESS: out = std::errc::operation_in_progress; return true;
    case WSAEALREADY: out = std::errc::connection_already_in_progress; return true;
    case WSAENOTSOCK: out = std::errc::not_a_socket; return true;
    case WSAEDESTADDRREQ: out = std::errc::destination_address_required; return true;
    case WSAEMSGSIZE: out = std::errc::message_size; return true;
    case WSAEPROTOTYPE: out = std::errc::wrong_protocol_type; return true;
    case WSAENOPROTOOPT: out = std::errc::no_protocol_option; return true;
    case WSAEPROTONOSUPPORT: out = std::errc::protocol_not_supported; return true;
    case WSAESOCKTNOSUPPORT: out = std::errc::protocol_not_supported; return true;
    case WSAEOPNOTSUPP: out = std::errc::operation_not_supported; return true;
    case WSAEPFNOSUPPORT: out = std::errc::address_family_not_supported; return true;
    case WSAEAFNOSUPPORT: out = std::errc::address_family_not_supported; return true;
    case WSAEADDRINUSE: out = std::errc::address_in_use; return true;
    case WSAEADDRNOTAVAIL: out = std::errc::address_not_available; return true;
    case WSAENETDOWN: out = std::errc::network_down; return true;
    case WSAENETUNREACH: out = std::errc::network_unreachable; return true;
    case WSAENETRESET: out = std::errc::network_reset; return true;
    case WSAECONNABORTED: out = std::errc::connection_aborted; return true;
    case WSAECONNRESET: out = std::errc::connection_reset; return true;
    case WSAENOBUFS: out = std::errc::no_buffer_space; return true;
    case WSAEISCONN: out = std::errc::already_connected; return true;
    case WSAENOTCONN: out = std::errc::not_connected; return true;
    // A send after shutdown(SD_SEND): POSIX says EPIPE.
    case WSAESHUTDOWN: out = std::errc::broken_pipe; return true;
    case WSAETIMEDOUT: out = std::errc::timed_out; return true;
    case WSAECONNREFUSED: out = std::errc::connection_refused; return true;
    case WSAENAMETOOLONG: out = std::errc::filename_too_long; return true;
    case WSAEHOSTDOWN: out = std::errc::host_unreachable; return true;
    case WSAEHOSTUNREACH: out = std::errc::host_unreachable; return true;
    case WSAENOTEMPTY: out = std::errc::directory_not_empty; return true;
    case WSA_NOT_ENOUGH_MEMORY: out = std::errc::not_enough_memory; return true;
    case ERROR_INVALID_HANDLE: out = std::errc::bad_file_descriptor; return true;
    case ERROR_ACCESS_DENIED: out = std::errc::permission_denied; return true;
    default: return false;
    }
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
        if (message.empty()) message = "Windows error " + std::to_string(code);
        return message;
    }

    std::error_condition default_error_condition(int code) const noexcept override {
        std::errc condition;
        if (condition_of(code, condition)) return std::make_error_condition(condition);
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
