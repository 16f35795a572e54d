// portsock's version, for the preprocessor and for C++. This is its one
// source: CMake reads the three numbers below for project()
// (cmake/version.cmake). Keep PORTSOCK_VERSION_STRING in step with them; a
// test (version_test) fails when it is not.
#pragma once

/// The major version: changes that break the interface (from 1.0 on).
#define PORTSOCK_VERSION_MAJOR 0
/// The minor version: while the major version is 0, any minor release may
/// change the interface or the ABI.
#define PORTSOCK_VERSION_MINOR 1
/// The patch version: fixes only.
#define PORTSOCK_VERSION_PATCH 0
/// The version as text, "major.minor.patch".
#define PORTSOCK_VERSION_STRING "0.1.0"
/// The version as one comparable number: major * 10000 + minor * 100 + patch.
#define PORTSOCK_VERSION \
    (PORTSOCK_VERSION_MAJOR * 10000 + PORTSOCK_VERSION_MINOR * 100 + PORTSOCK_VERSION_PATCH)

namespace portsock {

/// The version of the portsock headers in use, as values.
struct version_info {
    int major;  ///< PORTSOCK_VERSION_MAJOR
    int minor;  ///< PORTSOCK_VERSION_MINOR
    int patch;  ///< PORTSOCK_VERSION_PATCH
};

/// The version of these headers: `{0, 1, 0}` for portsock 0.1.0.
inline constexpr version_info version{PORTSOCK_VERSION_MAJOR, PORTSOCK_VERSION_MINOR,
                                      PORTSOCK_VERSION_PATCH};
/// The version of these headers as text, `"0.1.0"`.
inline constexpr const char* version_string = PORTSOCK_VERSION_STRING;

}  // namespace portsock
