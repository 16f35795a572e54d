// What the backends and the core share around the platform contract
// (sys.hpp): the helper that clears a code on success, the poller's wait
// limit, and the macros for out-of-line paths and the fault-injection seam.
// None of it is a system call; sys.hpp declares those.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <system_error>

// A function the compiler must not inline into its caller, so that the
// caller's common path stays a check and a jump (a compiler's spelling, not
// a system's).
#if defined(__GNUC__) || defined(__clang__)
#define PORTSOCK_OUT_OF_LINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define PORTSOCK_OUT_OF_LINE __declspec(noinline)
#else
#define PORTSOCK_OUT_OF_LINE
#endif

// How a backend names a system call it makes through the fault-injection
// seam (core/src/fault.hpp): the call itself, or, in builds with
// PORTSOCK_FAULT_INJECTION, the hook of the same name in the backend's
// fault_hooks.hpp.
#if PORTSOCK_FAULT_INJECTION
#define PORTSOCK_SYS(name) ::portsock::sys::hook::name
#else
#define PORTSOCK_SYS(name) ::name
#endif

namespace portsock::sys {

using clock = std::chrono::steady_clock;

/// Clears `ec` on the data path. A code that holds an error becomes
/// std::error_code{}; a zero code, as a caller's reused code is after its
/// first success, is left as it is: one test and no store, where clear()
/// itself calls std::system_category(), an out-of-line function of the C++
/// runtime, on every call.
inline void clear_error(std::error_code& ec) noexcept {
    if (ec.value() != 0) ec.clear();
}

/// How long a poller_wait may block. `first_ns` is the timeout of the first
/// system call, known without reading the clock (-1: no limit, 0: just look);
/// `deadline` is what a retry after an interruption or an early return keeps.
/// A wait with a timeout thus reads the clock once, a wait without none.
/// The time `ns` nanoseconds from now; the end of time when that is past
/// what the clock can hold (a timeout of centuries on a clock counted from
/// an arbitrary epoch).
inline clock::time_point deadline_after(std::int64_t ns) noexcept {
    const clock::time_point now = clock::now();
    const auto room = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::time_point::max() - now).count();
    return ns >= room ? clock::time_point::max() : now + std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(ns));
}

struct wait_limit {
    std::int64_t first_ns = -1;
    clock::time_point deadline = clock::time_point::max();

    /// Nanoseconds left for a retry: -1 without a limit, 0 once past.
    std::int64_t left_ns() const noexcept {
        if (first_ns < 0) return -1;
        const auto left = deadline - clock::now();
        return left <= clock::duration::zero()
                   ? 0
                   : std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    }
    /// Whether a wait of `waited_ns` that found nothing ends the call: a
    /// timeout counts only once the deadline is really past (timers round).
    bool over(std::int64_t waited_ns) const noexcept {
        return waited_ns == 0 || (waited_ns > 0 && clock::now() >= deadline);
    }
};
/// Nanoseconds as a system call's milliseconds: rounded up; -1 stays -1.
inline int to_milliseconds(std::int64_t ns) noexcept {
    if (ns < 0) return -1;
    const std::int64_t ms = (ns + 999999) / 1000000;
    constexpr std::int64_t most = std::numeric_limits<int>::max();
    return ms > most ? static_cast<int>(most) : static_cast<int>(ms);
}

}  // namespace portsock::sys
