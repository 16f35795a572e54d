// System errors of the Windows backend. Winsock's WSAE* codes get their own
// category that compares with std::errc as errno values do on POSIX (MinGW's
// std::system_category() does not map them; sockpp documents the same gap),
// and whose messages are Windows' own (FormatMessageW, as UTF-8).
#pragma once

#include <string>
#include <system_error>

namespace portsock::sys {

/// Starts Winsock once, lazily and thread-safely (a function-local static):
/// every entry point that can be the first call (open, getaddrinfo,
/// getnameinfo, getservbyname, getservbyport, gethostname) calls it, so
/// users never do (iphlpapi's interface calls need no start-up). Winsock is left
/// running until the process exits.
std::error_code ensure_started() noexcept;

/// The category of Winsock and Win32 error codes (name "winsock").
const std::error_category& winsock_category() noexcept;
/// WSAGetLastError() as a portable code.
std::error_code last_error() noexcept;
/// A GetAddrInfoW result code as a portable code.
std::error_code resolver_error(int code) noexcept;

/// UTF-8 <-> UTF-16 for the wide Windows calls.
std::wstring widen(const char* text);
std::string narrow(const wchar_t* text);

}  // namespace portsock::sys
