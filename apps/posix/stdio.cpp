#include "stdio.hpp"

#include <unistd.h>

#include <cerrno>

namespace app {

std::size_t read_stdin(void* buffer, std::size_t size, std::error_code& ec) {
    ec.clear();
    for (;;) {
        const ssize_t n = ::read(0, buffer, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) {
            ec.assign(errno, std::generic_category());  // EISDIR, EIO, ...
            return 0;
        }
    }
}

bool write_stdout(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(1, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

portsock::native_handle_type stdin_handle() { return 0; }

}  // namespace app
