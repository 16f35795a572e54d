// portsock/version.hpp must state the version in CMakeLists.txt's project()
// call (passed in by tests/packaging.cmake as PORTSOCK_PROJECT_VERSION*).
#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <string>

TEST(Version, HeaderMatchesTheProjectVersion) {
    EXPECT_EQ(PORTSOCK_VERSION_MAJOR, PORTSOCK_PROJECT_VERSION_MAJOR);
    EXPECT_EQ(PORTSOCK_VERSION_MINOR, PORTSOCK_PROJECT_VERSION_MINOR);
    EXPECT_EQ(PORTSOCK_VERSION_PATCH, PORTSOCK_PROJECT_VERSION_PATCH);
    EXPECT_STREQ(PORTSOCK_VERSION_STRING, PORTSOCK_PROJECT_VERSION);
}

TEST(Version, TheValuesAgreeWithTheMacros) {
    constexpr portsock::version_info v = portsock::version;
    static_assert(v.major == PORTSOCK_VERSION_MAJOR && v.minor == PORTSOCK_VERSION_MINOR &&
                      v.patch == PORTSOCK_VERSION_PATCH,
                  "portsock::version and the macros disagree");
    EXPECT_EQ(std::string(portsock::version_string), std::to_string(v.major) + "." +
                                                         std::to_string(v.minor) + "." +
                                                         std::to_string(v.patch));
    static_assert(PORTSOCK_VERSION == PORTSOCK_VERSION_MAJOR * 10000 +
                                          PORTSOCK_VERSION_MINOR * 100 + PORTSOCK_VERSION_PATCH,
                  "PORTSOCK_VERSION is not major * 10000 + minor * 100 + patch");
}
