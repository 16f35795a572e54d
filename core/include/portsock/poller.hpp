// `poller`: readiness notification for many sockets from one thread (what
// Python's `selectors` module gives). Register a socket with the events it is
// interested in and a tag of yours; `wait` fills your array with the tags of
// the sockets that are ready.
//
//     portsock::poller p;
//     p.open();
//     p.add(listener, portsock::event::readable, 0);
//     std::array<portsock::poll_event, 64> ready;
//     for (;;) {
//         for (std::size_t k = 0, n = p.wait(ready, std::nullopt); k < n; ++k) ...
//     }
//
// The same on every backend (kqueue on macOS and the BSDs; epoll on Linux;
// `poll` on other POSIX systems or with PORTSOCK_POLLER=poll; AFD polling on
// Windows, or `select` with the environment variable PORTSOCK_WINDOWS_POLLER=select):
//   - level-triggered: a socket stays ready until its data is read / its
//     buffer has room;
//   - `hangup` and `error` are always reported, asked for or not;
//   - a failed non-blocking connect is always reported (writable and error);
//   - `wake()` from another thread, or from a signal handler, ends a `wait`.
// `wait` allocates nothing. A socket must be removed before it is closed.
#pragma once

#include <portsock/error.hpp>
#include <portsock/socket.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace portsock {

namespace sys {
struct poller_state;
}
namespace detail {
struct loop_state;
}

/// Readiness events; combine with `|`.
enum class event : std::uint8_t {
    none = 0,      ///< no events
    readable = 1,  ///< data (or a connection to accept, or end of stream) is waiting
    writable = 2,  ///< a send would not block; a connect finished (check `error`)
    hangup = 4,    ///< the peer closed or reset the connection
    error = 8,     ///< an error is pending (read it with getsockopt(opt::error))
};
/// Combines two sets of events.
constexpr event operator|(event a, event b) noexcept {
    return static_cast<event>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// The events in both sets.
constexpr event operator&(event a, event b) noexcept {
    return static_cast<event>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
/// True when `set` contains `flag`.
constexpr bool has(event set, event flag) noexcept { return (set & flag) != event::none; }

/// One ready socket: your tag and what it is ready for.
struct poll_event {
    /// The tag given to `add` or `modify`.
    std::uint64_t tag = 0;
    /// What the socket is ready for.
    event events = event::none;
};

/// Readiness notification for many sockets from one thread (see the top of this file).
class PORTSOCK_API poller {
public:
    /// An empty poller: every call fails with `error::not_open` until `open`.
    poller() noexcept = default;
    /// Takes over `other`'s registrations; `other` is left empty.
    poller(poller&& other) noexcept;
    /// Closes this poller, then takes over `other`'s registrations.
    poller& operator=(poller&& other) noexcept;
    /// Not copyable.
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;
    /// Closes the poller (the sockets themselves stay open).
    ~poller();

    /// Creates the system's poller (epoll, kqueue, ...); needed before `add`.
    void open(std::error_code& ec) noexcept;
    /// True after a successful `open`, until `close`.
    bool is_open() const noexcept { return state_ != nullptr; }
    /// Releases the system's poller; registrations are forgotten.
    void close() noexcept;

    /// Watches `s` for `interest` (readable and/or writable), reporting `tag`.
    void add(const socket& s, event interest, std::uint64_t tag, std::error_code& ec) noexcept;
    /// Changes what `s` is watched for, and its tag.
    void modify(const socket& s, event interest, std::uint64_t tag, std::error_code& ec) noexcept;
    /// Stops watching `s`.
    void remove(const socket& s, std::error_code& ec) noexcept;
    /// The same for a native handle: on POSIX any pollable descriptor (a
    /// pipe, stdin, a socket); on Windows only a SOCKET.
    void add(native_handle_type h, event interest, std::uint64_t tag, std::error_code& ec) noexcept;
    void modify(native_handle_type h, event interest, std::uint64_t tag, std::error_code& ec) noexcept;
    void remove(native_handle_type h, std::error_code& ec) noexcept;

    /// Waits until a socket is ready, `wake` is called, or `timeout` seconds
    /// pass (`std::nullopt`: no limit; 0: just look). Fills `out` with up to
    /// `capacity` events and returns how many (0 on timeout or wake).
    std::size_t wait(poll_event* out, std::size_t capacity, std::optional<double> timeout,
                     std::error_code& ec) noexcept;
    /// `wait` into a `std::array`.
    template <std::size_t N>
    std::size_t wait(std::array<poll_event, N>& out, std::optional<double> timeout,
                     std::error_code& ec) noexcept {
        return wait(out.data(), N, timeout, ec);
    }
    /// Ends a `wait` in progress (or the next one). Safe from any thread and,
    /// on POSIX, from a signal handler.
    void wake() noexcept;

#if PORTSOCK_HAS_EXCEPTIONS
    /// Throwing forms of the calls above.
    void open();
    void add(const socket& s, event interest, std::uint64_t tag);
    void modify(const socket& s, event interest, std::uint64_t tag);
    void remove(const socket& s);
    std::size_t wait(poll_event* out, std::size_t capacity, std::optional<double> timeout);
    template <std::size_t N>
    std::size_t wait(std::array<poll_event, N>& out, std::optional<double> timeout) {
        return wait(out.data(), N, timeout);
    }
#endif

private:
    friend struct detail::loop_state;  // portsock::loop waits on the backend directly
    sys::poller_state* state_ = nullptr;
};

/// Raises this process's limit on open handles (POSIX: the RLIMIT_NOFILE soft
/// limit, up to the hard limit) to at least `wanted`, and returns the limit
/// now in force; on systems without such a limit (Windows), returns `wanted`.
PORTSOCK_API std::size_t raise_handle_limit(std::size_t wanted, std::error_code& ec) noexcept;

}  // namespace portsock
