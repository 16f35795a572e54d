// `loop`: an event loop over the poller, with Python asyncio's vocabulary
// (add_reader / add_writer, call_soon, call_later / call_at, time, run).
//
//     portsock::loop loop;
//     loop.open();                                  // creates its poller
//     loop.stop_on_signals();                       // Ctrl-C / SIGTERM end run()
//     loop.add_reader(listener, [&] {               // level-triggered, no arguments
//         auto [conn, peer] = listener.accept();
//         ...
//     });
//     portsock::timer t = loop.call_later(5.0, [&] { loop.stop(); });
//     loop.run();                                   // until stop()
//     t.cancel();                                   // a no-op once it fired
//
// Single-threaded: every call is made from the thread that runs the loop,
// except `call_soon_threadsafe`, which any thread may make (it wakes the
// poller). One iteration (`run_once`) waits for I/O up to the nearest timer,
// then runs the ready I/O callbacks, the expired timers, and the `call_soon`
// queue as it was before the callbacks of this iteration ran: what a
// callback schedules for "now" runs in the next iteration, never starving
// the poller.
//
// Readers and writers: one registration per handle (a socket; or, on POSIX,
// any pollable descriptor such as stdin or a pipe; on Windows only a SOCKET).
// Registering the same handle again replaces its callback (asyncio does).
// Hangup and error run the reader (and the writer), which then see the end of
// stream or the error. Removing a reader, a writer or a timer from inside any
// callback is safe, even one whose event is pending in the same batch. Remove
// a handle before closing it.
//
// Timers live in an indexed binary heap: scheduling and cancelling are
// O(log n); equal deadlines fire in the order they were scheduled. A `timer`
// is a small copyable handle; cancelling one that fired or was cancelled does
// nothing. A handle must not be used after its loop is destroyed.
//
// Callbacks are stored in `portsock::callback`: captures up to 48 bytes live
// inline, bigger ones on the heap. Slots for timers and handlers come from
// pools with free lists, so a steady-state iteration allocates nothing.
//
// A callback that throws: the exception leaves `run` / `run_once` with the
// loop consistent. The throwing callback is consumed (a timer or a
// `call_soon` callback will not run again; a reader stays registered), the
// callbacks not yet run stay pending (I/O readiness is level-triggered and is
// reported again), and `run` may be called again.
#pragma once

#include <portsock/error.hpp>
#include <portsock/socket.hpp>

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock {

namespace detail {
struct loop_state;
}  // namespace detail

/// A move-only `void()` callable: captures up to `inline_size` bytes (and
/// nothrow-movable) are stored inline, bigger ones on the heap.
class callback {
public:
    /// The largest callable stored without a heap allocation.
    static constexpr std::size_t inline_size = 48;

    /// An empty callback (`explicit operator bool` is false).
    callback() noexcept = default;
    /// Stores `f`, a callable taking no arguments.
    template <class F, class D = std::decay_t<F>,
              std::enable_if_t<!std::is_same_v<D, callback> && std::is_invocable_v<D&>, int> = 0>
    callback(F&& f) {  // NOLINT: implicit on purpose, like std::function
        if constexpr (stored_inline<D>) {
            ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
            ops_ = &inline_model<D>::table;
        } else {
            D* p = new D(std::forward<F>(f));
            ::new (static_cast<void*>(storage_)) D*(p);
            ops_ = &heap_model<D>::table;
        }
    }
    callback(callback&& other) noexcept : ops_(other.ops_) {
        if (ops_ != nullptr) ops_->relocate(other.storage_, storage_);
        other.ops_ = nullptr;
    }
    callback& operator=(callback&& other) noexcept {
        if (this != &other) {
            reset();
            ops_ = other.ops_;
            if (ops_ != nullptr) ops_->relocate(other.storage_, storage_);
            other.ops_ = nullptr;
        }
        return *this;
    }
    callback(const callback&) = delete;
    callback& operator=(const callback&) = delete;
    ~callback() { reset(); }

    /// Destroys the callable; the callback is empty.
    void reset() noexcept {
        // Empty before the destructor runs: what it does to this callback
        // (through the loop that holds it) finds nothing to destroy twice.
        if (const ops* o = ops_) {
            ops_ = nullptr;
            o->destroy(storage_);
        }
    }
    /// True when a callable is stored.
    explicit operator bool() const noexcept { return ops_ != nullptr; }
    /// Calls the callable (which must be stored).
    void operator()() { ops_->invoke(storage_); }

    /// Whether a callable of type `D` is stored without a heap allocation.
    template <class D>
    static constexpr bool stored_inline = sizeof(D) <= inline_size && alignof(D) <= alignof(std::max_align_t) &&
                                          std::is_nothrow_move_constructible_v<D>;

private:
    struct ops {
        void (*invoke)(void*);
        void (*relocate)(void* from, void* to) noexcept;
        void (*destroy)(void*) noexcept;
    };
    template <class D>
    struct inline_model {
        static D* get(void* p) noexcept { return std::launder(static_cast<D*>(p)); }
        static void invoke(void* p) { (*get(p))(); }
        static void relocate(void* from, void* to) noexcept {
            ::new (to) D(std::move(*get(from)));
            get(from)->~D();
        }
        static void destroy(void* p) noexcept { get(p)->~D(); }
        static constexpr ops table{&invoke, &relocate, &destroy};
    };
    template <class D>
    struct heap_model {
        static D*& get(void* p) noexcept { return *std::launder(static_cast<D**>(p)); }
        static void invoke(void* p) { (*get(p))(); }
        static void relocate(void* from, void* to) noexcept { ::new (to) D*(get(from)); }
        static void destroy(void* p) noexcept { delete get(p); }
        static constexpr ops table{&invoke, &relocate, &destroy};
    };

    alignas(std::max_align_t) unsigned char storage_[inline_size];
    const ops* ops_ = nullptr;
};

/// A clock for a loop: `now(context)` returns seconds on a monotonic scale.
/// The default (an empty clock) is the system's steady clock; tests inject
/// their own to control time.
struct loop_clock {
    double (*now)(void* context) = nullptr;
    void* context = nullptr;
};

class loop;

/// Work that must end when its loop closes, for code built over the loop
/// (<portsock/coro.hpp> links each spawned task): `loop::close` unlinks each
/// one still linked and calls its `end`, first, while the loop is still whole.
/// The owner links it (`loop::link`) and unlinks it (`loop::unlink`) when it
/// ends on its own; the node costs no allocation.
struct loop_closer {
    void (*end)(loop_closer* self) noexcept = nullptr;
    loop_closer* prev = nullptr;
    loop_closer* next = nullptr;
};

/// A scheduled `call_later` / `call_at`: a copyable handle (slot and
/// generation) that can cancel it. Default-constructed: refers to nothing.
class PORTSOCK_API timer {
public:
    timer() noexcept = default;
    /// Cancels the timer; returns false (and does nothing) when it already
    /// fired or was cancelled, or the handle is empty.
    bool cancel() noexcept;
    /// True while the timer is scheduled (not fired, not cancelled).
    bool pending() const noexcept;

private:
    friend class loop;
    timer(loop* owner, std::uint32_t slot, std::uint32_t generation) noexcept
        : loop_(owner), slot_(slot), generation_(generation) {}
    loop* loop_ = nullptr;
    std::uint32_t slot_ = 0;
    std::uint32_t generation_ = 0;
};

/// An event loop (see the top of this file).
class PORTSOCK_API loop {
public:
    /// A closed loop on the steady clock; `open` creates its poller.
    loop();
    /// A closed loop on `clock`.
    explicit loop(loop_clock clock);
    loop(const loop&) = delete;
    loop& operator=(const loop&) = delete;
    /// Closes the loop.
    ~loop();

    /// Creates the loop's poller (needed by the readers, writers and run).
    void open(std::error_code& ec) noexcept;
    /// True after a successful `open`, until `close`.
    bool is_open() const noexcept;
    /// Ends what is linked to the loop (`loop_closer`: spawned coroutines),
    /// gives back the signals (`stop_on_signals`), forgets every reader,
    /// writer, timer and pending callback and closes the poller; then
    /// destroys the callbacks. A callback's destructor may use the loop: its
    /// timer is no longer pending, removing its reader finds none, and what
    /// it adds (a callback, a timer, a reader) is refused.
    /// The loop can be opened again.
    void close() noexcept;
    /// Links `c` so that `close` ends it; `unlink` takes it back (a no-op when
    /// not linked). `c` must stay where it is while linked.
    void link(loop_closer& c) noexcept;
    void unlink(loop_closer& c) noexcept;

    /// Seconds on the loop's monotonic clock (asyncio's `loop.time()`).
    double time() const noexcept;
    /// Replaces the loop's clock (an empty `loop_clock`: the steady clock).
    void set_clock(loop_clock clock) noexcept;

    /// Runs `f` in the next iteration, after those queued before it.
    template <class F>
    void call_soon(F&& f) {
        queue(callback(std::forward<F>(f)));
    }
    /// Runs `f` once `delay` seconds have passed (0 or less, or NaN: the next
    /// iteration that runs timers).
    template <class F>
    timer call_later(double delay, F&& f) {
        return schedule(time() + (delay > 0 ? delay : 0.0), callback(std::forward<F>(f)));
    }
    /// Runs `f` once `time()` reaches `when`.
    template <class F>
    timer call_at(double when, F&& f) {
        return schedule(when, callback(std::forward<F>(f)));
    }
    /// Cancels `t`; false when it already fired or was cancelled.
    bool cancel(timer t) noexcept;
    /// True while `t` is scheduled.
    bool pending(timer t) const noexcept;
    /// The number of timers scheduled.
    std::size_t timers() const noexcept;

    /// The one call safe from any thread: queues `f` (as `call_soon`) and
    /// wakes the poller. Not from a signal handler (it takes a lock).
    template <class F>
    void call_soon_threadsafe(F&& f) {
        queue_threadsafe(callback(std::forward<F>(f)));
    }

    /// Runs `f` whenever `s` is readable (or hung up, or in error); replaces
    /// the reader `s` had.
    template <class F>
    void add_reader(const socket& s, F&& f, std::error_code& ec) {
        watch(s, false, callback(std::forward<F>(f)), ec);
    }
    /// Runs `f` whenever `s` is writable (or hung up, or in error).
    template <class F>
    void add_writer(const socket& s, F&& f, std::error_code& ec) {
        watch(s, true, callback(std::forward<F>(f)), ec);
    }
    /// The same for a native handle: on POSIX any pollable descriptor
    /// (stdin, a pipe, a socket); on Windows only a SOCKET.
    template <class F>
    void add_reader(native_handle_type h, F&& f, std::error_code& ec) {
        watch(h, false, callback(std::forward<F>(f)), ec);
    }
    template <class F>
    void add_writer(native_handle_type h, F&& f, std::error_code& ec) {
        watch(h, true, callback(std::forward<F>(f)), ec);
    }
    /// Stops watching for readability; returns whether a reader was there.
    bool remove_reader(const socket& s, std::error_code& ec) noexcept;
    bool remove_writer(const socket& s, std::error_code& ec) noexcept;
    bool remove_reader(native_handle_type h, std::error_code& ec) noexcept;
    bool remove_writer(native_handle_type h, std::error_code& ec) noexcept;

    /// Runs iterations until `stop` (or a signal, see `stop_on_signals`).
    void run(std::error_code& ec);
    /// One iteration: waits for I/O up to the nearest timer or `timeout`
    /// seconds (`nullopt`: no limit other than the timers; 0 when callbacks
    /// are ready), then runs what is ready. From inside a callback (`run` or
    /// `run_once` nested in an iteration) it fails with
    /// `std::errc::operation_in_progress`.
    void run_once(std::optional<double> timeout, std::error_code& ec);
    /// Makes `run` return after the current iteration (before it starts: after
    /// the next one). From another thread: `call_soon_threadsafe` a call of it.
    void stop() noexcept;
    /// True while `run` is running.
    bool is_running() const noexcept;

    /// Makes SIGINT and SIGTERM (and SIGBREAK where defined; on Windows the C
    /// library turns console Ctrl-C / Ctrl-Break into these) stop the loop:
    /// the handler sets a flag and wakes the poller. A signal the program
    /// ignores (SIG_IGN: a script's background jobs ignore SIGINT) stays
    /// ignored. One loop at a time owns the signals (another fails with
    /// `std::errc::device_or_resource_busy`); `close` restores the handlers
    /// that were there before.
    void stop_on_signals(std::error_code& ec) noexcept;

#if PORTSOCK_HAS_EXCEPTIONS
    /// Throwing forms of the calls above.
    void open();
    template <class F>
    void add_reader(const socket& s, F&& f) {
        watch_or_throw(s, false, callback(std::forward<F>(f)));
    }
    template <class F>
    void add_writer(const socket& s, F&& f) {
        watch_or_throw(s, true, callback(std::forward<F>(f)));
    }
    template <class F>
    void add_reader(native_handle_type h, F&& f) {
        watch_or_throw(h, false, callback(std::forward<F>(f)));
    }
    template <class F>
    void add_writer(native_handle_type h, F&& f) {
        watch_or_throw(h, true, callback(std::forward<F>(f)));
    }
    bool remove_reader(const socket& s);
    bool remove_writer(const socket& s);
    bool remove_reader(native_handle_type h);
    bool remove_writer(native_handle_type h);
    void run();
    void run_once(std::optional<double> timeout = std::nullopt);
    void stop_on_signals();
#endif

private:
    void queue(callback&& f);
    void queue_threadsafe(callback&& f);
    timer schedule(double when, callback&& f);
    void watch(const socket& s, bool write, callback&& f, std::error_code& ec);
    void watch(native_handle_type h, bool write, callback&& f, std::error_code& ec);
#if PORTSOCK_HAS_EXCEPTIONS
    void watch_or_throw(const socket& s, bool write, callback&& f);
    void watch_or_throw(native_handle_type h, bool write, callback&& f);
#endif

    detail::loop_state* state_ = nullptr;
};

}  // namespace portsock
