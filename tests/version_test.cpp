// CMake reads project()'s version from the PORTSOCK_VERSION_MAJOR/_MINOR/
// _PATCH macros of portsock/version.hpp (cmake/version.cmake) and passes it in
// as PORTSOCK_PROJECT_VERSION* (tests/packaging.cmake): the rest of the header
// (the string, the number, the C++ constants) must state the same version.
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <string>

TEST(Version, HeaderMatchesTheProjectVersion) {
    EXPECT_EQ(PORTSOCK_VERSION_MAJOR, PORTSOCK_PROJECT_VERSION_MAJOR);
    EXPECT_EQ(PORTSOCK_VERSION_MINOR, PORTSOCK_PROJECT_VERSION_MINOR);
    EXPECT_EQ(PORTSOCK_VERSION_PATCH, PORTSOCK_PROJECT_VERSION_PATCH);
    EXPECT_STREQ(PORTSOCK_VERSION_STRING, PORTSOCK_PROJECT_VERSION);
}

// The C++ constants against the version CMake passed in, not against the
// header's own macros: a header whose constants, string and macros disagree
// with each other fails here even if CMake reads project()'s version from the
// macros of the same header.
TEST(Version, TheConstantsStateTheProjectVersion) {
    constexpr portsock::version_info v = portsock::version;
    EXPECT_EQ(v.major, PORTSOCK_PROJECT_VERSION_MAJOR);
    EXPECT_EQ(v.minor, PORTSOCK_PROJECT_VERSION_MINOR);
    EXPECT_EQ(v.patch, PORTSOCK_PROJECT_VERSION_PATCH);
    EXPECT_STREQ(portsock::version_string, PORTSOCK_PROJECT_VERSION);
    EXPECT_EQ(std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch),
              PORTSOCK_PROJECT_VERSION);
    EXPECT_EQ(PORTSOCK_VERSION, PORTSOCK_PROJECT_VERSION_MAJOR * 10000 + PORTSOCK_PROJECT_VERSION_MINOR * 100 +
                                    PORTSOCK_PROJECT_VERSION_PATCH);
}
