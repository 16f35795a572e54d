// The self-pipe every POSIX poller uses for wake(): a byte written to it (an
// async-signal-safe write) makes the read end readable; wait drains it.
#pragma once

#include "error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace portsock::sys {

#if defined(__SANITIZE_THREAD__)
#define PORTSOCK_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PORTSOCK_UNDER_TSAN 1
#endif
#endif

struct wake_pipe {
    int read_end = -1;
    int write_end = -1;

    std::error_code open() noexcept {
        int fds[2];
#if PORTSOCK_HAVE_PIPE2
        // Close-on-exec from the start: no window in which a fork and exec
        // in another thread could pass the pipe on.
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) return last_error();
        read_end = fds[0];
        write_end = fds[1];
#else
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
#endif
#ifdef PORTSOCK_UNDER_TSAN
        // ThreadSanitizer defers a signal that arrives outside a blocking
        // call, keeping it in a per-thread context that it allocates at the
        // thread's first blocking call (or first signal). The runtime in GCC 12
        // allocates it without a compare-and-swap, so a signal that arrives
        // during that allocation is recorded in a context that is then
        // overwritten, and its handler never runs: a stop request sent just
        // as a server first waits is lost. LLVM's runtime has since made that
        // allocation a compare-and-swap (SigCtx in
        // compiler-rt/lib/tsan/rtl/tsan_interceptors_posix.cpp). One blocking
        // call that returns at once makes the allocation here, before the
        // program can install a handler, instead.
        ::poll(nullptr, 0, 0);
#endif
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
