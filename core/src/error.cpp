// portsock's own error categories, and the exceptions built on them.
#include <portsock/error.hpp>

#include "sys.hpp"

namespace portsock {
namespace {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock"; }

    std::string message(int value) const override {
        switch (static_cast<error>(value)) {
        case error::not_open: return "socket is closed";
        case error::port_out_of_range: return "port must be 0-65535";
        case error::host_name_too_long: return "host name longer than 253 bytes";
        case error::embedded_nul: return "embedded NUL character";
        case error::bad_address: return "malformed address";
        case error::path_too_long: return "Unix socket path longer than the system allows";
        case error::empty_buffer: return "receive buffer of size zero";
        case error::bad_timeout: return "timeout must be 0 to 9223372036 seconds";
        case error::family_mismatch: return "address family does not match the socket";
        case error::empty_endpoint: return "endpoint holds no address";
        case error::no_address: return "no address to use";
        case error::not_supported: return "not supported on this system";
        case error::bad_share_data: return "not the data of a shared socket (wrong size)";
        case error::not_multicast: return "not a multicast group address";
        }
        return "unknown portsock error";
    }

    std::error_condition default_error_condition(int value) const noexcept override {
        switch (static_cast<error>(value)) {
        case error::not_open: return std::errc::bad_file_descriptor;
        case error::path_too_long: return std::errc::filename_too_long;
        case error::family_mismatch: return std::errc::address_family_not_supported;
        case error::no_address: return std::errc::address_not_available;
        case error::not_supported: return std::errc::operation_not_supported;
        default: return std::errc::invalid_argument;
        }
    }
};

class resolve_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock.resolve"; }

    std::string message(int value) const override {
        switch (static_cast<resolve_error>(value)) {
        case resolve_error::host_not_found: return "Name or service not known";
        case resolve_error::try_again: return "Temporary failure in name resolution";
        case resolve_error::fail: return "Non-recoverable failure in name resolution";
        case resolve_error::no_data: return "No address associated with hostname";
        case resolve_error::family_not_supported: return "Address family not supported";
        case resolve_error::socktype_not_supported: return "Socket type not supported";
        case resolve_error::service_not_found: return "Service not known for this socket type";
        case resolve_error::bad_flags: return "Bad value for resolver flags";
        case resolve_error::out_of_memory: return "Out of memory in name resolution";
        case resolve_error::other: return "Name resolution failed";
        }
        return "unknown resolver error";
    }

    std::error_condition default_error_condition(int value) const noexcept override {
        switch (static_cast<resolve_error>(value)) {
        case resolve_error::try_again: return std::errc::resource_unavailable_try_again;
        case resolve_error::family_not_supported: return std::errc::address_family_not_supported;
        case resolve_error::out_of_memory: return std::errc::not_enough_memory;
        case resolve_error::bad_flags: return std::errc::invalid_argument;
        default: return {value, *this};
        }
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const error_category_impl instance;
    return instance;
}

const std::error_category& resolve_category() noexcept {
    static const resolve_category_impl instance;
    return instance;
}

std::error_code native_error(int code) noexcept { return sys::error_from_native(code); }

// A clear code is never would-block: answered without asking the backend,
// since a data loop asks after every call (`if (would_block(ec)) break;`).
bool would_block(std::error_code ec) noexcept { return ec.value() != 0 && sys::would_block(ec); }

std::string describe(std::string_view what, std::error_code ec) {
    std::string text(what);
    text += ": ";
    text += ec.message();
    return text;
}

#if PORTSOCK_HAS_EXCEPTIONS
[[noreturn]] void throw_error(std::error_code ec, const std::string& what,
                              std::size_t transferred) {
    if (ec.category() == resolve_category()) throw gaierror(ec, what, transferred);
    if (ec == std::errc::timed_out) throw timeout_error(ec, what, transferred);
    throw socket_error(ec, what, transferred);
}
#endif

}  // namespace portsock
