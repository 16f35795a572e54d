// Compiled with exceptions on against an installed portsock: the throwing
// forms are declared if and only if the library was built with them
// (PORTSOCK_EXPECT_EXCEPTIONS), checked at compile time; when they are, one
// is called and its exception caught by type, across the library boundary.
#include <portsock/portsock.hpp>

#include <cstdio>
#include <string_view>
#include <type_traits>
#include <utility>

namespace {

// True when `endpoint::parse(text)`, the throwing form, is declared.
template <class T, class = void>
struct has_throwing_parse : std::false_type {};
template <class T>
struct has_throwing_parse<T, std::void_t<decltype(T::parse(std::declval<std::string_view>()))>>
    : std::true_type {};

}  // namespace

static_assert(has_throwing_parse<portsock::endpoint>::value == bool(PORTSOCK_EXPECT_EXCEPTIONS),
              "the throwing forms are declared exactly when the library has them");
#if PORTSOCK_EXPECT_EXCEPTIONS
static_assert(PORTSOCK_HAS_EXCEPTIONS == 1, "PORTSOCK_HAS_EXCEPTIONS should be 1");
#else
static_assert(PORTSOCK_HAS_EXCEPTIONS == 0, "PORTSOCK_HAS_EXCEPTIONS should be 0");
#ifndef PORTSOCK_NO_EXCEPTIONS
#error "a portsock built without exceptions defines PORTSOCK_NO_EXCEPTIONS for its users"
#endif
#endif

int main() {
    // The error_code form, there in every build.
    std::error_code ec;
    (void)portsock::endpoint::parse("not an address", ec);
    if (ec != portsock::error::bad_address) {
        std::fprintf(stderr, "exceptions_consumer: expected bad_address, got %s\n",
                     ec.message().c_str());
        return 1;
    }
#if PORTSOCK_HAS_EXCEPTIONS
    try {
        (void)portsock::endpoint::parse("not an address");
        std::fprintf(stderr, "exceptions_consumer: parse did not throw\n");
        return 1;
    } catch (const portsock::socket_error& e) {
        std::printf("exceptions_consumer: caught socket_error: %s\n", e.what());
    }
#else
    std::printf("exceptions_consumer: no throwing forms, as the library was built\n");
#endif
    return 0;
}
