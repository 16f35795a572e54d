// The escape hatch for families portsock has no name for, on Winsock: the
// numbers are Windows' own (winsock2.h), and a family the system lacks fails
// with an error that names it. The POSIX backend has a file of the same name
// (a netlink route dump on Linux).
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <winsock2.h>

#include <string>

namespace ps = portsock;

TEST(OtherFamily, TheNamedFamiliesAreWinsocksNumbers) {
    EXPECT_EQ(ps::system_number(ps::family::inet), AF_INET);
    EXPECT_EQ(ps::system_number(ps::family::inet6), AF_INET6);
    EXPECT_EQ(ps::system_number(ps::type::dgram), SOCK_DGRAM);
}

TEST(OtherFamily, AFamilyTheSystemLacksNamesItsNumberInTheError) {
#if PORTSOCK_HAS_EXCEPTIONS
    // 99 is no address family Winsock defines.
    try {
        ps::socket s{ps::other_family(99), ps::type::stream, 0};
        FAIL() << "opened " << s.repr();
    } catch (const ps::socket_error& e) {
        EXPECT_NE(std::string(e.what()).find("socket(99, SOCK_STREAM, 0)"), std::string::npos) << e.what();
    }
#else
    GTEST_SKIP() << "the message is the throwing form's; this build has no exceptions";
#endif
}
