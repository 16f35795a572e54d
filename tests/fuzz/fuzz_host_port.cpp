// Python's (host, port) and getaddrinfo's (host, service) checks on any
// input: the first two bytes choose the port (or a port text is split off at
// the first '|'); a numeric host parses to the address the system's own
// numeric resolver gives; out-of-range ports, NUL bytes and overlong names
// are refused before the resolver is asked. The resolver is only asked
// with AI_NUMERICHOST | AI_NUMERICSERV, so nothing goes to the network.
#include "fuzz_check.hpp"

#include <portsock/resolve.hpp>

#include "text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // A port that can be out of range either way: -32768..32767 scaled.
    const int port = static_cast<int>(static_cast<std::int16_t>(data[0] << 8 | data[1])) * 3;
    const std::string_view rest = fuzz::text(data + 2, size - 2);

    std::error_code ec;
    const portsock::endpoint e = portsock::endpoint::parse(rest, port, ec);
    if (port < 0 || port > 65535) {
        FUZZ_CHECK(ec == portsock::error::port_out_of_range, "port %d accepted", port);
    }
    if (!ec) {
        FUZZ_CHECK(e.port() == port, "port %d became %u", port, static_cast<unsigned>(e.port()));
        fuzz::check_formats(e);
    }
    (void)portsock::detail::host_port(rest, port);

    // getaddrinfo's own checks, with the service as text.
    const std::size_t bar = rest.find('|');
    const std::string_view host = rest.substr(0, bar);
    const std::string_view service = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
    (void)portsock::detail::host_port(host, service);
    const auto flags = portsock::ai::numerichost | portsock::ai::numericserv;
    const auto infos = portsock::getaddrinfo(host, service, portsock::family::inet, portsock::type::stream, 0,
                                             flags, ec);
    if (host.find('\0') != std::string_view::npos || service.find('\0') != std::string_view::npos) {
        FUZZ_CHECK(ec == portsock::error::embedded_nul, "a NUL byte was not refused: %s", ec.message().c_str());
    } else if (host.size() > 253) {
        FUZZ_CHECK(ec == portsock::error::host_name_too_long, "a long name was not refused: %s",
                   ec.message().c_str());
    }
    // An IPv4 address portsock accepts is one the system reads the same way.
    std::error_code parse_ec;
    const portsock::endpoint mine = portsock::endpoint::parse(host, 0, parse_ec);
    if (!parse_ec && !host.empty() && host != "<broadcast>" && mine.family() == portsock::family::inet &&
        service.empty()) {
        FUZZ_CHECK(!ec && !infos.empty(), "'%.*s' parses but the system refuses it: %s",
                   static_cast<int>(host.size()), host.data(), ec.message().c_str());
        FUZZ_CHECK(infos.front().address == mine, "'%.*s': portsock reads %s, the system %s",
                   static_cast<int>(host.size()), host.data(), mine.to_string().c_str(),
                   infos.front().address.to_string().c_str());
    }
    return 0;
}
