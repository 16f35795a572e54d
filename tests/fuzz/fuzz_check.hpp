// What the fuzz targets share: a check that stops the run with a message
// (libFuzzer then saves the input that broke it), and the input as text.
#pragma once

#include <portsock/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition, ...)                                                     \
    do {                                                                               \
        if (!(condition)) {                                                            \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #condition,       \
                         __FILE__, __LINE__);                                          \
            std::fprintf(stderr, __VA_ARGS__);                                         \
            std::fputc('\n', stderr);                                                  \
            std::abort();                                                              \
        }                                                                              \
    } while (false)

namespace fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Every formatting call on an endpoint, checked for the shape it promises;
/// and the text form parses back to the same endpoint where the form is
/// one `parse` reads (every IP endpoint, paths from /, ./, ../, @names).
inline void check_formats(const portsock::endpoint& e) {
    const std::string shown = e.to_string();
    const std::string repr = e.repr();
    const std::string host = e.host();
    FUZZ_CHECK(!shown.empty() || e.family() == portsock::family::local, "empty to_string");
    FUZZ_CHECK(!repr.empty(), "empty repr");
    (void)e.hash();
    (void)e.is_any();
    (void)e.is_loopback();
    const bool readable =
        e.family() == portsock::family::inet || e.family() == portsock::family::inet6 ||
        e.is_abstract() ||
        (e.family() == portsock::family::local &&
         (shown.rfind("/", 0) == 0 || shown.rfind("./", 0) == 0 || shown.rfind("../", 0) == 0));
    if (!readable) return;
    std::error_code ec;
    const portsock::endpoint again = portsock::endpoint::parse(shown, ec);
    FUZZ_CHECK(!ec, "'%s' does not parse back: %s", shown.c_str(), ec.message().c_str());
    FUZZ_CHECK(again == e, "'%s' parses back as '%s'", shown.c_str(), again.to_string().c_str());
    FUZZ_CHECK(again.repr() == repr, "repr changed: %s -> %s", repr.c_str(), again.repr().c_str());
    if (e.family() != portsock::family::local) {
        // Python's (host, port) form of the same address.
        const portsock::endpoint pair = portsock::endpoint::parse(host, e.port(), ec);
        FUZZ_CHECK(!ec && pair == e, "('%s', %u) does not give back '%s'", host.c_str(),
                   static_cast<unsigned>(e.port()), shown.c_str());
    }
}

}  // namespace fuzz
