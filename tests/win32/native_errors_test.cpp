// Winsock's error codes as portsock reports them (portsock::native_error):
// each code the backend maps compares with its std::errc condition and has a
// message in words, also where the system has no text for it (wine's
// FormatMessage knows no WSAE* code; "Windows error 10048" tells a user
// nothing). The POSIX backend has a file of the same name.
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <winsock2.h>
#include <windows.h>

#include <string>
#include <system_error>

namespace ps = portsock;

namespace {

struct expected_mapping {
    int code;
    std::errc condition;
};

// Winsock's documentation pairs each WSAE* code with the BSD errno name.
constexpr expected_mapping winsock_codes[] = {
    {WSAEINTR, std::errc::interrupted},
    {WSAEBADF, std::errc::bad_file_descriptor},
    {WSAEACCES, std::errc::permission_denied},
    {WSAEFAULT, std::errc::bad_address},
    {WSAEINVAL, std::errc::invalid_argument},
    {WSAEMFILE, std::errc::too_many_files_open},
    {WSAEWOULDBLOCK, std::errc::operation_would_block},
    {WSAEINPROGRESS, std::errc::operation_in_progress},
    {WSAEALREADY, std::errc::connection_already_in_progress},
    {WSAENOTSOCK, std::errc::not_a_socket},
    {WSAEDESTADDRREQ, std::errc::destination_address_required},
    {WSAEMSGSIZE, std::errc::message_size},
    {WSAEPROTOTYPE, std::errc::wrong_protocol_type},
    {WSAENOPROTOOPT, std::errc::no_protocol_option},
    {WSAEPROTONOSUPPORT, std::errc::protocol_not_supported},
    {WSAESOCKTNOSUPPORT, std::errc::protocol_not_supported},
    {WSAEOPNOTSUPP, std::errc::operation_not_supported},
    {WSAEPFNOSUPPORT, std::errc::address_family_not_supported},
    {WSAEAFNOSUPPORT, std::errc::address_family_not_supported},
    {WSAEADDRINUSE, std::errc::address_in_use},
    {WSAEADDRNOTAVAIL, std::errc::address_not_available},
    {WSAENETDOWN, std::errc::network_down},
    {WSAENETUNREACH, std::errc::network_unreachable},
    {WSAENETRESET, std::errc::network_reset},
    {WSAECONNABORTED, std::errc::connection_aborted},
    {WSAECONNRESET, std::errc::connection_reset},
    {WSAENOBUFS, std::errc::no_buffer_space},
    {WSAEISCONN, std::errc::already_connected},
    {WSAENOTCONN, std::errc::not_connected},
    {WSAESHUTDOWN, std::errc::broken_pipe},
    {WSAETIMEDOUT, std::errc::timed_out},
    {WSAECONNREFUSED, std::errc::connection_refused},
    {WSAENAMETOOLONG, std::errc::filename_too_long},
    {WSAEHOSTDOWN, std::errc::host_unreachable},
    {WSAEHOSTUNREACH, std::errc::host_unreachable},
    {WSAENOTEMPTY, std::errc::directory_not_empty},
    {WSA_NOT_ENOUGH_MEMORY, std::errc::not_enough_memory},
    {ERROR_INVALID_HANDLE, std::errc::bad_file_descriptor},
    {ERROR_ACCESS_DENIED, std::errc::permission_denied},
};

}  // namespace

TEST(NativeErrors, EachMappedCodeComparesWithItsCondition) {
    for (const expected_mapping& m : winsock_codes) {
        const std::error_code ec = ps::native_error(m.code);
        EXPECT_EQ(ec.value(), m.code);
        EXPECT_TRUE(ec == m.condition) << "code " << m.code << " (" << ec.message() << ")";
    }
}

TEST(NativeErrors, EachMappedCodeHasAMessageInWords) {
    for (const expected_mapping& m : winsock_codes) {
        const std::string message = ps::native_error(m.code).message();
        EXPECT_FALSE(message.empty()) << "code " << m.code;
        EXPECT_EQ(message.find("Windows error"), std::string::npos) << "code " << m.code << ": " << message;
        EXPECT_EQ(message.find(std::to_string(m.code)), std::string::npos) << "code " << m.code << ": " << message;
    }
}

TEST(NativeErrors, TheBindConflictNamesTheAddressInUse) {
    // The case that printed "Windows error 10048" under wine.
    const std::string message = ps::native_error(WSAEADDRINUSE).message();
    const bool in_words = message.find("in use") != std::string::npos ||
                          message.find("Only one usage") != std::string::npos;  // Windows' own text
    EXPECT_TRUE(in_words) << message;
}

TEST(NativeErrors, ZeroIsNoError) { EXPECT_FALSE(ps::native_error(0)); }
