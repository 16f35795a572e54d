// Facts about the machine the tests run on, for the few tests that must skip
// on one (and say why). Defined per backend in platform/<backend>/test/host.cpp.
#pragma once

#include <portsock/native.hpp>

namespace testsupport {

/// True when the tests run under wine rather than on Windows itself.
bool running_under_wine();

/// True when a process started now would inherit the handle (POSIX: no
/// FD_CLOEXEC; Windows: HANDLE_FLAG_INHERIT set).
bool inheritable(portsock::native_handle_type handle);

}  // namespace testsupport
