#include "host.hpp"

#include <fcntl.h>

namespace testsupport {

bool running_under_wine() { return false; }

bool inheritable(portsock::native_handle_type handle) {
    const int flags = ::fcntl(handle, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC) == 0;
}

}  // namespace testsupport
