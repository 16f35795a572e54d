// errno values as portsock reports them (portsock::native_error): the
// system's own category, so they compare with std::errc and read as
// strerror does. The Windows backend has a file of the same name.
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace ps = portsock;

TEST(NativeErrors, EachMappedCodeComparesWithItsCondition) {
    EXPECT_TRUE(ps::native_error(ECONNREFUSED) == std::errc::connection_refused);
    EXPECT_TRUE(ps::native_error(EADDRINUSE) == std::errc::address_in_use);
    EXPECT_TRUE(ps::native_error(ETIMEDOUT) == std::errc::timed_out);
    EXPECT_TRUE(ps::native_error(EPIPE) == std::errc::broken_pipe);
    EXPECT_TRUE(ps::would_block(ps::native_error(EWOULDBLOCK)));
}

TEST(NativeErrors, EachMappedCodeHasAMessageInWords) {
    for (int code : {ECONNREFUSED, EADDRINUSE, ETIMEDOUT, EPIPE, ECONNRESET}) {
        EXPECT_EQ(ps::native_error(code).message(), std::string(std::strerror(code))) << "errno " << code;
    }
}

TEST(NativeErrors, TheBindConflictNamesTheAddressInUse) {
    EXPECT_NE(ps::native_error(EADDRINUSE).message().find("in use"), std::string::npos);
}

TEST(NativeErrors, ZeroIsNoError) { EXPECT_FALSE(ps::native_error(0)); }
