// Formatting from the other side: any IPv4 or IPv6 address, port and scope
// (and any short path) is built from raw bytes, then every text form is
// checked (format -> parse gives the same endpoint), and Python's repr has
// its shape: ('a.b.c.d', port), ('v6', port, 0, scope), a quoted path.
// Also the repr of sockets that are closed or never opened.
#include "fuzz_check.hpp"

#include <portsock/socket.hpp>

#include <array>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t kind = data[0] % 3;
    ++data;
    --size;
    portsock::endpoint e;
    if (kind == 0 && size >= 6) {
        std::array<std::uint8_t, 4> a{};
        std::memcpy(a.data(), data, 4);
        e = portsock::endpoint::v4(a, static_cast<std::uint16_t>(data[4] << 8 | data[5]));
        const std::string r = e.repr();
        FUZZ_CHECK(r.front() == '(' && r.back() == ')' && r.find("', ") != std::string::npos, "repr %s",
                   r.c_str());
    } else if (kind == 1 && size >= 22) {
        std::array<std::uint8_t, 16> a{};
        std::memcpy(a.data(), data, 16);
        std::uint32_t scope = 0;
        std::memcpy(&scope, data + 18, 4);
        e = portsock::endpoint::v6(a, static_cast<std::uint16_t>(data[16] << 8 | data[17]), scope);
        const std::string r = e.repr();
        FUZZ_CHECK(r.front() == '(' && r.back() == ')' && r.find(", 0, " + std::to_string(scope) + ")") != std::string::npos,
                   "repr %s", r.c_str());
    } else if (kind == 2) {
        std::error_code ec;
        e = portsock::endpoint::local(fuzz::text(data, size), ec);
        if (ec) return 0;
        const std::string r = e.repr();
        FUZZ_CHECK(r.back() == '\'' && r.rfind(e.is_abstract() ? "b'" : "'", 0) == 0, "repr %s", r.c_str());
        for (char c : r) {
            const auto u = static_cast<unsigned char>(c);
            FUZZ_CHECK(u >= 0x20 && u != 0x7f, "repr with a raw control byte: %s", r.c_str());
            FUZZ_CHECK(!e.is_abstract() || u < 0x80, "bytes repr with a raw high byte: %s", r.c_str());
        }
    } else {
        return 0;
    }
    fuzz::check_formats(e);

    portsock::socket never;
    FUZZ_CHECK(never.repr().find("[closed]") != std::string::npos, "%s", never.repr().c_str());
    return 0;
}
