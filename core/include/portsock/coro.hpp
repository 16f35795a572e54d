// C++20 coroutines over `portsock::loop`: a lazy `task<T>`, awaitable socket
// operations, `sleep` and `with_timeout`, with asyncio's names.
//
//     portsock::task<void> echo(portsock::loop& l, portsock::socket conn) {
//         portsock::watcher w(l, conn);   // optional: stays registered (below)
//         char buf[4096];
//         std::error_code ec;
//         for (;;) {
//             std::size_t n = co_await portsock::recv_into(w, buf, sizeof buf, ec);
//             if (ec || n == 0) co_return;
//             co_await portsock::sendall(w, buf, n, ec);
//             if (ec) co_return;
//         }
//     }
//     ...
//     portsock::spawn(l, echo(l, std::move(conn)));        // asyncio.create_task
//     portsock::run_until_complete(l, main_task(l), ec);   // loop.run_until_complete
//
// Header-only and C++20: the library itself stays C++17 and this header is
// not part of <portsock/portsock.hpp>. Including it without coroutine support
// (`__cpp_impl_coroutine` and <coroutine>) is an #error saying so.
//
// Tasks. `task<T>` (and `task<void>`) is lazy: the coroutine starts when it is
// awaited, spawned or run. It is move-only; destroying a task that has not
// finished destroys its frame, which cancels the operation it was waiting on
// (see Cancellation). An exception leaving a task's body is stored and
// rethrown where the task is awaited (or by `run_until_complete`).
//
// Starting tasks on a loop:
// - `spawn(loop, task)` (asyncio's `create_task`, fire and forget): the task
//   starts in the loop's next iteration (`call_soon`) and owns itself; its
//   frame is freed when it finishes. An exception escaping a spawned task
//   leaves `loop.run()` / `run_once()` in the next iteration, as a throwing
//   loop callback does (loop.hpp), and the loop stays usable. A spawned task
//   still waiting when its loop closes (`close()` or its destructor) is
//   destroyed then, as a `with_timeout` destroys a task: its locals (sockets
//   included) are destroyed and what it waited for is unregistered; it is not
//   resumed. Close the loop from outside its spawned tasks (after `run`).
// - `run_until_complete(loop, task, ec)`: spawns the task, runs the loop until
//   the task finishes (then stops it) and returns the task's result. Should
//   `run` end first (`stop()`, a signal, a loop error), the task is destroyed
//   (cancelling what it waited for) and `ec` is the loop's error or
//   `std::errc::operation_canceled`.
//
// Operations. `accept`, `connect`, `recv_into`, `send`, `sendall`,
// `recvfrom_into` and `sendto` mirror the socket's methods, with the loop
// first. Each one first makes the call (the socket is made non-blocking if it
// is not), and only when it would block registers the socket with
// `add_reader` / `add_writer` and suspends; it unregisters once done. The
// awaitable lives in the coroutine frame and its loop callback captures one
// pointer: no allocation per operation. At most one reader and one writer per
// socket at a time (the loop holds one of each per handle). `accept` returns
// connections already in non-blocking mode. The same operations through a
// `watcher(loop, socket)` keep the registration between operations, and a
// receive on a watcher that is still registered waits for readiness first
// (level-triggered: no data is missed) instead of trying: a coroutine that
// waits on one socket again and again (a server's receive loop) saves adding
// and removing the registration and the receive that would block, per wait.
// ci/coro-bench.sh: the example echo server costs 388 user-space instructions
// per message, the same server written as loop callbacks 271 (2026-12-04).
//
// Errors follow the library's two forms, chosen by the last argument:
// - with `std::error_code& ec`: `ec` is set (cleared on success) and the
//   result is what the socket method's `ec` form returns on that error;
// - without it (only when exceptions are on): `socket_error` /
//   `timeout_error` is thrown at the `co_await`, naming the operation and
//   the endpoint, as the socket's throwing forms do.
// A `-fno-exceptions` build has only the `ec` forms; an exception cannot
// escape a task there.
//
// Timers. `co_await sleep(loop, seconds)` suspends on `call_later`.
// `co_await with_timeout(loop, seconds, op)` awaits one operation above, or a
// `task<T>`: if `seconds` pass first, the operation is cancelled (its
// reader, writer or timer removed) and it completes with
// `std::errc::timed_out` (the `ec` form of the operation sets its `ec`; the
// throwing form throws `timeout_error`). For a task, pass `ec` to
// `with_timeout` itself: on time-out the task's frame is destroyed (which
// cancels what it waited on), `ec` is `timed_out` and the result is `T{}`;
// without `ec`, `timeout_error` is thrown.
//
// Cancellation: destroying a suspended coroutine (a task, or with_timeout
// cancelling one) destroys the awaitables in its frame, each of which removes
// its reader, writer or timer: nothing stays registered with the loop.
#pragma once

#if !defined(__cpp_impl_coroutine) || __cpp_impl_coroutine < 201902L || !__has_include(<coroutine>)
#error "<portsock/coro.hpp> needs C++20 coroutines (e.g. -std=c++20); the rest of portsock is C++17"
#endif

#include <portsock/error.hpp>
#include <portsock/loop.hpp>
#include <portsock/socket.hpp>

#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

// The few steps every co_await takes (the checks before and after the wait)
// are forced inline: compilers leave them as calls inside a coroutine's
// resume function, which costs more than the steps themselves.
#if defined(__GNUC__) || defined(__clang__)
#define PORTSOCK_CORO_INLINE __attribute__((always_inline)) inline
#elif defined(_MSC_VER)
#define PORTSOCK_CORO_INLINE __forceinline
#else
#define PORTSOCK_CORO_INLINE inline
#endif

namespace portsock {

template <class T = void>
class task;

namespace detail {

// What a task's promise holds for every T: who to resume when it ends, and
// an exception that escaped its body.
struct promise_base {
    std::coroutine_handle<> continuation = std::noop_coroutine();
#if PORTSOCK_HAS_EXCEPTIONS
    std::exception_ptr exception;
    void unhandled_exception() noexcept { exception = std::current_exception(); }
    void rethrow_if_failed() {
        if (exception) std::rethrow_exception(exception);
    }
#else
    [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
    void rethrow_if_failed() noexcept {}
#endif
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
            return h.promise().continuation;
        }
        void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
};

template <class T>
struct task_promise : promise_base {
    alignas(T) unsigned char value[sizeof(T)];
    bool has_value = false;
    task_promise() noexcept {}
    ~task_promise() {
        if (has_value) get()->~T();
    }
    T* get() noexcept { return std::launder(reinterpret_cast<T*>(value)); }
    task<T> get_return_object() noexcept;
    template <class U = T, std::enable_if_t<std::is_convertible_v<U&&, T>, int> = 0>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        ::new (static_cast<void*>(value)) T(std::forward<U>(v));
        has_value = true;
    }
    T take() {
        rethrow_if_failed();
        return std::move(*get());
    }
};

template <>
struct task_promise<void> : promise_base {
    task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() { rethrow_if_failed(); }
};

// Makes `s` non-blocking if it is not (one system call, the first time).
inline bool make_nonblocking(socket& s, std::error_code& ec) noexcept {
    if (s.getblocking()) {
        s.setblocking(false, ec);
        if (ec) return false;
    }
    return true;
}

#if PORTSOCK_HAS_EXCEPTIONS
// "recv_into from 127.0.0.1:5000" / "accept on 0.0.0.0:8080", as the socket's
// throwing forms name them.
[[noreturn]] inline void throw_on(const socket& s, const char* operation, std::error_code ec,
                                  std::size_t transferred = 0) {
    std::string what = operation;
    std::error_code ignored;
    const bool incoming = what.compare(0, 4, "recv") == 0;
    const endpoint peer = s.getpeername(ignored);
    if (!ignored && !peer.empty()) {
        what += incoming ? " from " : " to ";
        what += peer.to_string();
    } else {
        ignored.clear();
        const endpoint local = s.getsockname(ignored);
        if (!ignored && !local.empty()) what += " on " + local.to_string();
    }
    throw_error(ec, what, transferred);
}
#endif

}  // namespace detail

class watcher;

namespace detail {

// What an operation works on: a loop and a socket, maybe through a watcher.
struct target {
    loop* l;
    socket* s;
    watcher* w;
};

// The part every socket operation shares: its loop, socket, direction,
// error, registration and the coroutine waiting on it. `Op` (CRTP) provides
// `attempt()`, which makes the call once and returns true when it is done
// (successfully or not), false when it would block.
template <class Op>
class io_op {
public:
    io_op(target t, std::error_code* ec, bool write, const char* name) noexcept
        : loop_(t.l), socket_(t.s), ec_out_(ec), watcher_(t.w), name_(name), write_(write) {}
    io_op(io_op&& other) noexcept
        : loop_(other.loop_), socket_(other.socket_), ec_out_(other.ec_out_), watcher_(other.watcher_),
          name_(other.name_), write_(other.write_) {}  // moved before it is awaited only
    io_op& operator=(io_op&&) = delete;
    ~io_op() {
        if (registered_) unregister();
    }

    bool await_ready() noexcept;
    bool await_suspend(std::coroutine_handle<> waiter) noexcept;

    /// Removes the registration and completes with `ec` (with_timeout's way
    /// in); the waiter is resumed by the caller.
    void cancel(std::error_code ec) noexcept {
        unregister();
        ec_ = ec;
    }
    std::coroutine_handle<> waiter() const noexcept { return waiter_; }

protected:
    // Reports the error to the caller's `ec`, or throws when there is none.
    // Returns true when there is an error.
    bool report(std::size_t transferred = 0) {
        if (ec_out_ != nullptr) {
            *ec_out_ = ec_;
            return static_cast<bool>(ec_);
        }
#if PORTSOCK_HAS_EXCEPTIONS
        if (ec_) throw_on(*socket_, name_, ec_, transferred);
#else
        (void)transferred;
#endif
        return false;
    }

    loop* loop_;
    socket* socket_;
    std::error_code ec_;
    std::error_code* ec_out_;

private:
    Op& self() noexcept { return static_cast<Op&>(*this); }
    static void ready_thunk(void* self) noexcept { static_cast<io_op*>(self)->ready(); }
    bool try_now() noexcept;
    bool register_now() noexcept;
    void ready() noexcept;
    void unregister() noexcept;

    watcher* watcher_;
    const char* name_;
    std::coroutine_handle<> waiter_;
    bool write_;
    bool registered_ = false;
};

class recv_into_op : public io_op<recv_into_op> {
public:
    static constexpr bool receives = true;
    recv_into_op(target t, void* buf, std::size_t size, msg flags, std::error_code* ec) noexcept
        : io_op(t, ec, false, "recv_into"), buf_(buf), size_(size), flags_(flags) {}
    bool attempt() noexcept {
        n_ = socket_->recv_into(buf_, size_, ec_, flags_);
        return !ec_ || !would_block(ec_);
    }
    std::size_t await_resume() {
        report();
        return n_;
    }

private:
    void* buf_;
    std::size_t size_;
    msg flags_;
    std::size_t n_ = 0;
};

class send_op : public io_op<send_op> {
public:
    static constexpr bool receives = false;
    send_op(target t, const void* data, std::size_t size, msg flags, std::error_code* ec) noexcept
        : io_op(t, ec, true, "send"), data_(data), size_(size), flags_(flags) {}
    bool attempt() noexcept {
        n_ = socket_->send(data_, size_, ec_, flags_);
        return !ec_ || !would_block(ec_);
    }
    std::size_t await_resume() {
        report();
        return n_;
    }

private:
    const void* data_;
    std::size_t size_;
    msg flags_;
    std::size_t n_ = 0;
};

class sendall_op : public io_op<sendall_op> {
public:
    static constexpr bool receives = false;
    sendall_op(target t, const void* data, std::size_t size, msg flags, std::error_code* ec) noexcept
        : io_op(t, ec, true, "sendall"), data_(static_cast<const char*>(data)), size_(size), flags_(flags) {}
    bool attempt() noexcept {
        while (sent_ < size_) {
            const std::size_t n = socket_->send(data_ + sent_, size_ - sent_, ec_, flags_);
            if (ec_) return !would_block(ec_);
            sent_ += n;
        }
        return true;
    }
    /// The bytes sent (all of them unless there was an error).
    std::size_t await_resume() {
        report(sent_);
        return sent_;
    }

private:
    const char* data_;
    std::size_t size_;
    msg flags_;
    std::size_t sent_ = 0;
};

class recvfrom_into_op : public io_op<recvfrom_into_op> {
public:
    static constexpr bool receives = true;
    recvfrom_into_op(target t, void* buf, std::size_t size, msg flags, std::error_code* ec) noexcept
        : io_op(t, ec, false, "recvfrom_into"), buf_(buf), size_(size), flags_(flags) {}
    bool attempt() noexcept {
        result_ = socket_->recvfrom_into(buf_, size_, ec_, flags_);
        return !ec_ || !would_block(ec_);
    }
    recvfrom_result await_resume() {
        report();
        return std::move(result_);
    }

private:
    void* buf_;
    std::size_t size_;
    msg flags_;
    recvfrom_result result_;
};

class sendto_op : public io_op<sendto_op> {
public:
    static constexpr bool receives = false;
    sendto_op(target t, const void* data, std::size_t size, const endpoint& to, msg flags,
              std::error_code* ec) noexcept
        : io_op(t, ec, true, "sendto"), data_(data), size_(size), to_(&to), flags_(flags) {}
    bool attempt() noexcept {
        n_ = socket_->sendto(data_, size_, *to_, ec_, flags_);
        return !ec_ || !would_block(ec_);
    }
    std::size_t await_resume() {
        report();
        return n_;
    }

private:
    const void* data_;
    std::size_t size_;
    const endpoint* to_;
    msg flags_;
    std::size_t n_ = 0;
};

class accept_op : public io_op<accept_op> {
public:
    static constexpr bool receives = true;
    accept_op(target t, std::error_code* ec) noexcept : io_op(t, ec, false, "accept") {}
    bool attempt() noexcept {
        result_ = socket_->accept(ec_);
        if (ec_ && would_block(ec_)) return false;
        if (!ec_) {
            result_.conn.setblocking(false, ec_);
            if (ec_) result_ = accept_result{};
        }
        return true;
    }
    accept_result await_resume() {
        report();
        return std::move(result_);
    }

private:
    accept_result result_;
};

class connect_op : public io_op<connect_op> {
public:
    static constexpr bool receives = false;
    connect_op(target t, const endpoint& to, std::error_code* ec) noexcept
        : io_op(t, ec, true, "connect"), to_(&to) {}
    bool attempt() noexcept {
        if (!started_) {
            started_ = true;
            socket_->connect(*to_, ec_);
            return !(ec_ == std::errc::operation_in_progress || would_block(ec_));
        }
        // Writable: the connection is made, or failed with SO_ERROR's error.
        std::error_code pending = socket_->getsockopt(opt::error, ec_);
        if (!ec_) ec_ = pending;
        return true;
    }
    void await_resume() {
#if PORTSOCK_HAS_EXCEPTIONS
        if (ec_out_ == nullptr && ec_) throw_error(ec_, "connect to " + to_->to_string());
#endif
        report();
    }

private:
    const endpoint* to_;
    bool started_ = false;
};

class sleep_op {
public:
    sleep_op(loop& l, double seconds) noexcept : loop_(&l), seconds_(seconds) {}
    sleep_op(sleep_op&& other) noexcept : loop_(other.loop_), seconds_(other.seconds_) {}
    sleep_op& operator=(sleep_op&&) = delete;
    ~sleep_op() { timer_.cancel(); }

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> waiter) {
        waiter_ = waiter;
        timer_ = loop_->call_later(seconds_, [this] { waiter_.resume(); });
        return true;
    }
    void await_resume() const noexcept {}
    void cancel(std::error_code) noexcept { timer_.cancel(); }
    std::coroutine_handle<> waiter() const noexcept { return waiter_; }

private:
    loop* loop_;
    double seconds_;
    timer timer_;
    std::coroutine_handle<> waiter_;
};

}  // namespace detail

/// Keeps one socket's reader and writer registered with a loop between the
/// operations made through it, so that a coroutine that keeps coming back to
/// the socket (a server's receive loop) waits without adding and removing the
/// registration each time. Readiness that finds no operation waiting removes
/// it (it comes back with the next wait); so do a cancelled operation and the
/// watcher's destructor. Declare it after the socket (it is destroyed first,
/// before the socket closes) in the coroutine that uses both; not movable.
/// While it lives, wait on that socket only through it (a plain operation's
/// registration would replace the watcher's).
///
///     portsock::watcher w(loop, conn);
///     n = co_await portsock::recv_into(w, buf, sizeof buf, ec);
class watcher {
public:
    watcher(loop& l, socket& s) noexcept : loop_(&l), socket_(&s) {}
    watcher(const watcher&) = delete;
    watcher& operator=(const watcher&) = delete;
    ~watcher() {
        drop(false);
        drop(true);
    }
    loop& get_loop() const noexcept { return *loop_; }
    socket& get_socket() const noexcept { return *socket_; }

    /// Whether the socket's reader (`write` false) or writer is registered.
    bool registered(bool write) const noexcept { return sides_[write ? 1 : 0].registered; }

    /// For the operations below.
    detail::target as_target() noexcept { return {loop_, socket_, this}; }

private:
    template <class>
    friend class detail::io_op;
    struct side {
        void* op = nullptr;
        void (*ready)(void*) noexcept = nullptr;
        bool registered = false;
    };
    // Makes `op` the one waiting if the side is registered already.
    bool take_turn(bool write, void* op, void (*ready)(void*) noexcept) noexcept {
        side& sd = sides_[write ? 1 : 0];
        if (!sd.registered) return false;
        sd.op = op;
        sd.ready = ready;
        return true;
    }
    // False, with `ec` set, when the registration fails.
    bool wait(bool write, void* op, void (*ready)(void*) noexcept, std::error_code& ec) noexcept {
        return take_turn(write, op, ready) || (add(write, ec) && take_turn(write, op, ready));
    }
    bool add(bool write, std::error_code& ec) noexcept {
        if (write) {
            loop_->add_writer(*socket_, [this] { fire(true); }, ec);
        } else {
            loop_->add_reader(*socket_, [this] { fire(false); }, ec);
        }
        sides_[write ? 1 : 0].registered = !ec;
        return !ec;
    }
    void fire(bool write) noexcept {
        side& sd = sides_[write ? 1 : 0];
        if (sd.op == nullptr) {
            drop(write);  // nobody waits: level-triggered readiness would spin
            return;
        }
        sd.ready(sd.op);  // may resume a coroutine that destroys this watcher
    }
    void done(bool write) noexcept { sides_[write ? 1 : 0].op = nullptr; }
    void drop(bool write) noexcept {
        side& sd = sides_[write ? 1 : 0];
        sd.op = nullptr;
        if (!sd.registered) return;
        sd.registered = false;
        std::error_code ignored;
        if (write) {
            loop_->remove_writer(*socket_, ignored);
        } else {
            loop_->remove_reader(*socket_, ignored);
        }
    }

    loop* loop_;
    socket* socket_;
    side sides_[2];
};

namespace detail {

template <class Op>
PORTSOCK_CORO_INLINE bool io_op<Op>::await_ready() noexcept {
    // Through a watcher still registered for this direction, a receive waits
    // for readiness first: the registration is level-triggered, so data
    // already there is reported by the next poll, and the receive that would
    // block after a drained socket is saved.
    if (Op::receives && watcher_ != nullptr && watcher_->registered(write_)) return false;
    return try_now();
}

template <class Op>
PORTSOCK_CORO_INLINE bool io_op<Op>::await_suspend(std::coroutine_handle<> waiter) noexcept {
    waiter_ = waiter;
    // The common wait: through a watcher already registered for this direction.
    if (watcher_ == nullptr || !watcher_->take_turn(write_, this, &ready_thunk)) return register_now();
    registered_ = true;
    return true;
}

template <class Op>
PORTSOCK_CORO_INLINE bool io_op<Op>::try_now() noexcept {
    if (!make_nonblocking(*socket_, ec_)) return true;
    return self().attempt();
}

template <class Op>
bool io_op<Op>::register_now() noexcept {
    // ec_ may hold the would-block of a first attempt: it is set again when
    // the operation is made once ready, or here when registering fails.
    bool waiting;
    if (watcher_ != nullptr) {
        waiting = watcher_->wait(write_, this, &ready_thunk, ec_);
    } else {
        if (write_) {
            loop_->add_writer(*socket_, [this] { ready(); }, ec_);
        } else {
            loop_->add_reader(*socket_, [this] { ready(); }, ec_);
        }
        waiting = !ec_;
    }
    if (!waiting) return false;  // resume now with the error
    registered_ = true;
    return true;
}

template <class Op>
void io_op<Op>::ready() noexcept {
    if (!self().attempt()) return;  // still would block: stay registered
    if (watcher_ != nullptr) {
        registered_ = false;
        watcher_->done(write_);  // the watcher stays registered for the next wait
    } else {
        unregister();
    }
    waiter_.resume();
}

template <class Op>
void io_op<Op>::unregister() noexcept {
    if (!registered_) return;
    registered_ = false;
    if (watcher_ != nullptr) {
        watcher_->drop(write_);
        return;
    }
    std::error_code ignored;
    if (write_) {
        loop_->remove_writer(*socket_, ignored);
    } else {
        loop_->remove_reader(*socket_, ignored);
    }
}

}  // namespace detail

/// A lazy coroutine returning `T` (see the top of this file).
template <class T>
class [[nodiscard]] task {
public:
    using promise_type = detail::task_promise<T>;
    using value_type = T;

    task() noexcept = default;
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { reset(); }

    /// True when the task holds a coroutine.
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// True when its coroutine has finished.
    bool done() const noexcept { return handle_ && handle_.done(); }

    struct awaiter {
        std::coroutine_handle<promise_type> handle;
        bool await_ready() const noexcept { return !handle || handle.done(); }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<> waiter) noexcept {
            handle.promise().continuation = waiter;
            return handle;
        }
        T await_resume() { return handle.promise().take(); }
    };
    /// Starts the task (it resumes the awaiting coroutine when it ends) and
    /// yields its result, or rethrows its exception.
    awaiter operator co_await() & noexcept { return awaiter{handle_}; }
    awaiter operator co_await() && noexcept { return awaiter{handle_}; }

    /// The coroutine (for the loop glue below).
    std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
    /// Destroys the coroutine (cancelling what it waits on); the task is empty.
    void reset() noexcept {
        if (handle_) std::exchange(handle_, nullptr).destroy();
    }

private:
    friend promise_type;
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}

// The coroutine that drives a task started on a loop: it awaits the task's
// end (not its result). `Owner` says what happens at the end.
struct driver {
    struct promise_type;
    // spawn: the loop's close destroys a spawned task still waiting.
    struct spawned_link : loop_closer {
        std::coroutine_handle<> frame;
        static void end_it(loop_closer* self) noexcept { static_cast<spawned_link*>(self)->frame.destroy(); }
    };
    struct promise_type {
        loop* owner = nullptr;
        bool detached = false;  // spawn: frees itself and the task
        bool* done = nullptr;   // run_until_complete: set, then stop the loop
        spawned_link link;      // spawn: linked to the owner until the end
        std::coroutine_handle<> task_handle;
        driver get_return_object() noexcept {
            return driver{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        // A spawned driver does not suspend at its end, so the coroutine
        // frees its own frame (and the task it owns) as it finishes, rather
        // than destroying itself from inside its own await_suspend, which
        // compilers have mishandled (GCC bug 121961, llvm-project#62335).
        struct final_awaiter {
            promise_type* p;
            bool await_ready() const noexcept {
                if (!p->detached) return false;
                p->owner->unlink(p->link);
                return true;
            }
            void await_suspend(std::coroutine_handle<promise_type>) const noexcept {
                *p->done = true;
                p->owner->stop();
            }
            void await_resume() const noexcept {}
        };
        final_awaiter final_suspend() noexcept { return {this}; }
        void return_void() noexcept {}
        [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }  // the body cannot throw
    };
    std::coroutine_handle<promise_type> handle;
};

// Waits for the end of a coroutine whose promise derives from promise_base.
template <class P>
struct end_of {
    std::coroutine_handle<P> handle;
    bool await_ready() const noexcept { return handle.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> waiter) noexcept {
        handle.promise().continuation = waiter;
        return handle;
    }
    void await_resume() const noexcept {}
};

// A spawned task: owns the task, and reports its exception to the loop.
template <class T>
driver run_spawned(loop* l, task<T> t) {
    co_await end_of<typename task<T>::promise_type>{t.handle()};
#if PORTSOCK_HAS_EXCEPTIONS
    if (std::exception_ptr e = t.handle().promise().exception) {
        l->call_soon([e] { std::rethrow_exception(e); });
    }
#else
    (void)l;
#endif
}

template <class T>
driver run_driven(task<T>* t) {
    co_await end_of<typename task<T>::promise_type>{t->handle()};
}

// with_timeout over one operation: a timer that cancels it.
template <class Op>
class timeout_op {
public:
    timeout_op(loop& l, double seconds, Op&& op) noexcept : loop_(&l), seconds_(seconds), op_(std::move(op)) {}
    timeout_op(timeout_op&& other) noexcept
        : loop_(other.loop_), seconds_(other.seconds_), op_(std::move(other.op_)) {}
    timeout_op& operator=(timeout_op&&) = delete;
    ~timeout_op() { timer_.cancel(); }

    bool await_ready() noexcept { return op_.await_ready(); }
    bool await_suspend(std::coroutine_handle<> waiter) {
        if (!op_.await_suspend(waiter)) return false;
        timer_ = loop_->call_later(seconds_, [this] {
            op_.cancel(std::make_error_code(std::errc::timed_out));
            op_.waiter().resume();
        });
        return true;
    }
    decltype(auto) await_resume() {
        timer_.cancel();
        return op_.await_resume();
    }

private:
    loop* loop_;
    double seconds_;
    timer timer_;
    Op op_;
};

// with_timeout over a task: on time-out the task's frame is destroyed.
template <class T>
class timeout_task {
public:
    timeout_task(loop& l, double seconds, task<T>&& t, std::error_code* ec) noexcept
        : loop_(&l), seconds_(seconds), task_(std::move(t)), ec_out_(ec) {}
    timeout_task(timeout_task&& other) noexcept
        : loop_(other.loop_), seconds_(other.seconds_), task_(std::move(other.task_)), ec_out_(other.ec_out_) {}
    timeout_task& operator=(timeout_task&&) = delete;
    ~timeout_task() { timer_.cancel(); }

    bool await_ready() const noexcept { return !task_.valid() || task_.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> waiter) {
        waiter_ = waiter;
        timer_ = loop_->call_later(seconds_, [this] {
            timed_out_ = true;
            task_.reset();  // destroys the frame: its awaitables unregister
            waiter_.resume();
        });
        task_.handle().promise().continuation = waiter;
        return task_.handle();
    }
    T await_resume() {
        timer_.cancel();
        if (timed_out_) {
            const auto ec = std::make_error_code(std::errc::timed_out);
            if (ec_out_ != nullptr) {
                *ec_out_ = ec;
                if constexpr (!std::is_void_v<T>) return T{};
                else return;
            }
#if PORTSOCK_HAS_EXCEPTIONS
            throw_error(ec, "with_timeout");
#endif
        }
        if (ec_out_ != nullptr) ec_out_->clear();
        return task_.handle().promise().take();
    }

private:
    loop* loop_;
    double seconds_;
    task<T> task_;
    std::error_code* ec_out_;
    timer timer_;
    std::coroutine_handle<> waiter_;
    bool timed_out_ = false;
};

template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<task<T>> : std::true_type {};

}  // namespace detail

// Starting tasks -------------------------------------------------------------

/// asyncio's `create_task`: runs `t` on `l` from the next iteration; the
/// task owns itself (see the top of this file for exceptions).
template <class T>
void spawn(loop& l, task<T> t) {
    if (!t.valid()) return;
    detail::driver d = detail::run_spawned(&l, std::move(t));
    detail::driver::promise_type& p = d.handle.promise();
    p.owner = &l;
    p.detached = true;
    p.link.end = &detail::driver::spawned_link::end_it;
    p.link.frame = d.handle;
    l.link(p.link);
    std::coroutine_handle<> h = d.handle;
    l.call_soon([h] { h.resume(); });
}

/// asyncio's `run_until_complete`: runs the loop until `t` finishes and
/// returns its result (rethrowing its exception). When `run` ends first, `t`
/// is destroyed and `ec` says why (`std::errc::operation_canceled` after a
/// `stop()` or a signal).
template <class T>
T run_until_complete(loop& l, task<T> t, std::error_code& ec) {
    ec.clear();
    bool done = false;
    detail::driver d = detail::run_driven(&t);
    d.handle.promise().owner = &l;
    d.handle.promise().done = &done;
    struct guard {
        std::coroutine_handle<> h;
        ~guard() { h.destroy(); }
    } g{d.handle};
    std::coroutine_handle<> h = d.handle;
    l.call_soon([h] { h.resume(); });
    l.run(ec);
    if (!done) {
        t.reset();
        if (!ec) ec = std::make_error_code(std::errc::operation_canceled);
        if constexpr (!std::is_void_v<T>) return T{};
        else return;
    }
    return t.handle().promise().take();
}

#if PORTSOCK_HAS_EXCEPTIONS
/// Throwing form: a loop error or an early stop throws `socket_error`.
template <class T>
T run_until_complete(loop& l, task<T> t) {
    std::error_code ec;
    if constexpr (std::is_void_v<T>) {
        run_until_complete(l, std::move(t), ec);
        if (ec) throw_error(ec, "run_until_complete");
    } else {
        T v = run_until_complete(l, std::move(t), ec);
        if (ec) throw_error(ec, "run_until_complete");
        return v;
    }
}
#endif

// Operations (`co_await` them) -------------------------------------------------

/// Waits `seconds` on the loop's clock.
inline detail::sleep_op sleep(loop& l, double seconds) noexcept { return {l, seconds}; }

inline detail::accept_op accept(loop& l, socket& s, std::error_code& ec) noexcept { return {detail::target{&l, &s, nullptr}, &ec}; }
inline detail::connect_op connect(loop& l, socket& s, const endpoint& to, std::error_code& ec) noexcept {
    return {detail::target{&l, &s, nullptr}, to, &ec};
}
inline detail::recv_into_op recv_into(loop& l, socket& s, void* buf, std::size_t size, std::error_code& ec,
                                      msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, buf, size, flags, &ec};
}
inline detail::send_op send(loop& l, socket& s, const void* data, std::size_t size, std::error_code& ec,
                            msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, flags, &ec};
}
inline detail::sendall_op sendall(loop& l, socket& s, const void* data, std::size_t size, std::error_code& ec,
                                  msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, flags, &ec};
}
inline detail::recvfrom_into_op recvfrom_into(loop& l, socket& s, void* buf, std::size_t size,
                                              std::error_code& ec, msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, buf, size, flags, &ec};
}
inline detail::sendto_op sendto(loop& l, socket& s, const void* data, std::size_t size, const endpoint& to,
                                std::error_code& ec, msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, to, flags, &ec};
}

#if PORTSOCK_HAS_EXCEPTIONS
/// Throwing forms: the error is thrown at the `co_await`.
inline detail::accept_op accept(loop& l, socket& s) noexcept { return {detail::target{&l, &s, nullptr}, nullptr}; }
inline detail::connect_op connect(loop& l, socket& s, const endpoint& to) noexcept { return {detail::target{&l, &s, nullptr}, to, nullptr}; }
inline detail::recv_into_op recv_into(loop& l, socket& s, void* buf, std::size_t size,
                                      msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, buf, size, flags, nullptr};
}
inline detail::send_op send(loop& l, socket& s, const void* data, std::size_t size, msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, flags, nullptr};
}
inline detail::sendall_op sendall(loop& l, socket& s, const void* data, std::size_t size,
                                  msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, flags, nullptr};
}
inline detail::recvfrom_into_op recvfrom_into(loop& l, socket& s, void* buf, std::size_t size,
                                              msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, buf, size, flags, nullptr};
}
inline detail::sendto_op sendto(loop& l, socket& s, const void* data, std::size_t size, const endpoint& to,
                                msg flags = msg::none) noexcept {
    return {detail::target{&l, &s, nullptr}, data, size, to, flags, nullptr};
}
#endif

/// The same operations through a `watcher` (its loop and socket), which
/// stays registered between them.
inline detail::accept_op accept(watcher& w, std::error_code& ec) noexcept { return {w.as_target(), &ec}; }
inline detail::recv_into_op recv_into(watcher& w, void* buf, std::size_t size, std::error_code& ec,
                                      msg flags = msg::none) noexcept {
    return {w.as_target(), buf, size, flags, &ec};
}
inline detail::send_op send(watcher& w, const void* data, std::size_t size, std::error_code& ec,
                            msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, flags, &ec};
}
inline detail::sendall_op sendall(watcher& w, const void* data, std::size_t size, std::error_code& ec,
                                  msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, flags, &ec};
}
inline detail::recvfrom_into_op recvfrom_into(watcher& w, void* buf, std::size_t size, std::error_code& ec,
                                              msg flags = msg::none) noexcept {
    return {w.as_target(), buf, size, flags, &ec};
}
inline detail::sendto_op sendto(watcher& w, const void* data, std::size_t size, const endpoint& to,
                                std::error_code& ec, msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, to, flags, &ec};
}
#if PORTSOCK_HAS_EXCEPTIONS
inline detail::accept_op accept(watcher& w) noexcept { return {w.as_target(), nullptr}; }
inline detail::recv_into_op recv_into(watcher& w, void* buf, std::size_t size, msg flags = msg::none) noexcept {
    return {w.as_target(), buf, size, flags, nullptr};
}
inline detail::send_op send(watcher& w, const void* data, std::size_t size, msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, flags, nullptr};
}
inline detail::sendall_op sendall(watcher& w, const void* data, std::size_t size, msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, flags, nullptr};
}
inline detail::recvfrom_into_op recvfrom_into(watcher& w, void* buf, std::size_t size,
                                              msg flags = msg::none) noexcept {
    return {w.as_target(), buf, size, flags, nullptr};
}
inline detail::sendto_op sendto(watcher& w, const void* data, std::size_t size, const endpoint& to,
                                msg flags = msg::none) noexcept {
    return {w.as_target(), data, size, to, flags, nullptr};
}
#endif

/// Awaits `op` (one operation above) for at most `seconds`: then it is
/// cancelled and completes with `std::errc::timed_out`, reported by `op`.
template <class Op, std::enable_if_t<!detail::is_task<std::decay_t<Op>>::value, int> = 0>
detail::timeout_op<std::decay_t<Op>> with_timeout(loop& l, double seconds, Op&& op) noexcept {
    return {l, seconds, std::move(op)};
}
/// Awaits task `t` for at most `seconds`: then the task is destroyed, `ec` is
/// `std::errc::timed_out` and the result `T{}`.
template <class T>
detail::timeout_task<T> with_timeout(loop& l, double seconds, task<T> t, std::error_code& ec) noexcept {
    return {l, seconds, std::move(t), &ec};
}
#if PORTSOCK_HAS_EXCEPTIONS
/// The same, throwing `timeout_error` on time-out.
template <class T>
detail::timeout_task<T> with_timeout(loop& l, double seconds, task<T> t) noexcept {
    return {l, seconds, std::move(t), nullptr};
}
#endif

}  // namespace portsock
