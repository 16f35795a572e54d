// The self-pipe every POSIX poller uses for wake(): a byte written to it (an
// async-signal-safe write) makes the read end readable; wait drains it.
#pragma once

#include "error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace portsock::sys {

struct wake_pipe {
    int read_end = -1;
    int write_end = -1;

    std::error_code open() noexcept {
        int fds[2];
        if (::pipe(fds) < 0) return last_error();
        read_end = fds[0];
        write_end = fds[1];
        for (int fd : fds) {
            if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || ::fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
                const std::error_code ec = last_error();
                close();
                return ec;
            }
        }
        return {};
    }

    void close() noexcept {
        if (read_end >= 0) ::close(read_end);
        if (write_end >= 0) ::close(write_end);
        read_end = write_end = -1;
    }

    // A full pipe already holds a wake-up: EAGAIN is fine.
    void wake() const noexcept {
        const char byte = 1;
        const int saved = errno;  // this may run in a signal handler
        while (::write(write_end, &byte, 1) < 0 && errno == EINTR) {
        }
        errno = saved;
    }

    void drain() const noexcept {
        char bytes[64];
        while (::read(read_end, bytes, sizeof bytes) > 0) {
        }
    }
};

}  // namespace portsock::sys
