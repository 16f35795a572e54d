// The event loop: timers in an indexed binary heap, reader/writer handlers in
// a pool found by handle through an open-addressing table, the call_soon
// queue in a ring, all over the poller. Every container grows only when more
// is live than ever before, so a steady-state iteration allocates nothing.
#include <portsock/loop.hpp>
#include <portsock/poller.hpp>

#include "checks.hpp"
#include "sys.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace portsock {
namespace detail {
namespace {

constexpr std::uint32_t no_slot = 0xffffffffu;
constexpr std::uint32_t max_generation = 0xffffffffu;

struct timer_slot {
    callback fn;
    double when = 0;
    std::uint64_t seq = 0;
    std::uint32_t generation = 0;
    std::uint32_t heap_index = no_slot;  // no_slot: not scheduled (free)
};

struct heap_entry {
    double when;
    std::uint64_t seq;
    std::uint32_t slot;
};

inline bool before(const heap_entry& a, const heap_entry& b) noexcept {
    return a.when < b.when || (a.when == b.when && a.seq < b.seq);
}

struct io_slot {
    callback reader;
    callback writer;
    native_handle_type handle = invalid_native_handle;
    std::uint32_t generation = 0;
    bool reading = false;
    bool writing = false;
    bool in_use = false;
};

// Handle -> io slot: linear probing with backward-shift deletion (no
// tombstones), a power-of-two table kept at most half full.
class handle_table {
public:
    std::uint32_t find(native_handle_type h) const noexcept {
        if (entries_.empty()) return no_slot;
        for (std::size_t i = home(h);; i = (i + 1) & mask()) {
            if (entries_[i].slot == no_slot) return no_slot;
            if (entries_[i].handle == h) return entries_[i].slot;
        }
    }
    // Makes room for one more entry (the only call that allocates).
    void reserve_one() {
        if ((size_ + 1) * 2 <= entries_.size()) return;
        std::vector<entry> old(entries_.empty() ? 16 : entries_.size() * 2);
        old.swap(entries_);
        for (entry& e : entries_) e = entry{};
        size_ = 0;
        for (const entry& e : old)
            if (e.slot != no_slot) insert(e.handle, e.slot);
    }
    void insert(native_handle_type h, std::uint32_t slot) noexcept {  // after reserve_one
        std::size_t i = home(h);
        while (entries_[i].slot != no_slot) i = (i + 1) & mask();
        entries_[i] = entry{h, slot};
        ++size_;
    }
    void erase(native_handle_type h) noexcept {
        if (entries_.empty()) return;
        std::size_t i = home(h);
        for (;; i = (i + 1) & mask()) {
            if (entries_[i].slot == no_slot) return;
            if (entries_[i].handle == h) break;
        }
        for (std::size_t j = i;;) {
            j = (j + 1) & mask();
            if (entries_[j].slot == no_slot) break;
            const std::size_t k = home(entries_[j].handle);
            // Entry j stays when its home lies cyclically in (i, j].
            if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
            entries_[i] = entries_[j];
            i = j;
        }
        entries_[i] = entry{};
        --size_;
    }
    void clear() noexcept {
        for (entry& e : entries_) e = entry{};
        size_ = 0;
    }

private:
    struct entry {
        native_handle_type handle = invalid_native_handle;
        std::uint32_t slot = no_slot;
    };
    std::size_t mask() const noexcept { return entries_.size() - 1; }
    std::size_t home(native_handle_type h) const noexcept {
        constexpr std::uint64_t golden = 0x9E3779B97F4A7C15u;
        const auto x = static_cast<std::uint64_t>(h) * golden;
        return static_cast<std::size_t>(x >> 32) & mask();
    }
    std::vector<entry> entries_;
    std::size_t size_ = 0;
};

// The signals a loop can stop on, and the loop that owns them.
constexpr int stop_signals[] = {
    SIGINT, SIGTERM,
#ifdef SIGBREAK  // Ctrl-Break, where the C library has it
    SIGBREAK,
#endif
};
constexpr std::size_t stop_signal_count = sizeof stop_signals / sizeof stop_signals[0];
using signal_handler = void (*)(int);

std::atomic<loop_state*> signal_owner{nullptr};
std::atomic<int> signal_seen{0};
// Handlers between finding the owner and waking its poller. Giving the
// signals back waits for it to be 0, so no handler still holds a loop whose
// poller closes: on Windows the C library runs a console handler on a thread
// of its own, which can race the loop's close.
std::atomic<int> signal_handlers_busy{0};

void on_stop_signal(int sig);

}  // namespace

struct loop_state {
    loop_clock clock;
    poller poll;

    // Timers: slots (with a free list) and the heap of scheduled ones.
    std::vector<timer_slot> timers;
    std::vector<std::uint32_t> timer_free;
    std::vector<heap_entry> heap;
    std::uint64_t next_seq = 0;

    // Readers and writers, in chunks that never move: a callback runs in
    // place, and handles added meanwhile do not move it.
    static constexpr std::uint32_t chunk_bits = 6;
    static constexpr std::uint32_t chunk_size = 1u << chunk_bits;
    std::vector<std::unique_ptr<io_slot[]>> chunks;
    std::vector<io_slot*> slots;  // each slot's address, for one load per event
    std::uint32_t io_count = 0;  // slots made so far (they are never unmade)
    std::vector<std::uint32_t> io_free;
    handle_table handles;
    // The reader or writer running now (one at a time: run_once does not
    // nest). Removing or replacing it leaves it in its slot until it returns:
    // `dirty` says it is to be destroyed then, `replacement` what takes its
    // place, `freed` that its slot goes back to the free list only then.
    std::uint32_t run_slot = no_slot;
    bool run_write = false;
    bool run_dirty = false;
    bool run_freed = false;
    callback replacement;

    // The call_soon queue: a ring of a power-of-two size.
    std::vector<callback> ring;
    std::size_t head = 0;
    std::size_t count = 0;

    // call_soon_threadsafe: queued under the lock, moved to the ring by the
    // loop's thread; the two vectors swap, keeping their storage.
    std::mutex mutex;
    std::vector<callback> incoming;
    std::vector<callback> draining;
    // Set by call_soon_threadsafe and by a stop signal (whose handler finds
    // this loop through signal_owner): the one flag an iteration checks for
    // what came from outside. A word, not a bool: riscv64's g++ 12 makes a
    // byte-sized exchange a call into libatomic, which the library does not
    // link (and a signal handler's flag should not need).
    std::atomic<int> poked{0};

    std::array<poll_event, 256> events{};
    loop_closer* closers = nullptr;  // loop::link: ended first by close()
    bool stopping = false;
    // Something besides readers and writers to look at: set by call_soon, a
    // timer scheduled, stop() and close() and, with `poked`, from outside;
    // worked out again before a wait. While it is false an iteration checks
    // nothing else. (Atomic for the other threads and the signal handler;
    // the loop's own relaxed stores are plain ones.)
    std::atomic<bool> attention{false};
    void attend() noexcept { attention.store(true, std::memory_order_relaxed); }
    // Of the iteration under way: what was scheduled and queued before it.
    std::uint64_t seq_limit = 0;
    std::size_t todo = 0;
    bool running = false;
    bool iterating = false;  // inside run_once: a nested run_once is refused
    bool owns_signals = false;
    // Inside close(), destroying callbacks: what their destructors would
    // add to the loop (a callback, a timer, a reader) is refused.
    bool closing = false;
    signal_handler previous[stop_signal_count] = {};

    double now() const noexcept {
        if (clock.now != nullptr) return clock.now(clock.context);
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }

    // The ring ---------------------------------------------------------------
    void push(callback&& f) {
        attend();
        if (count == ring.size()) {
            std::vector<callback> bigger(ring.empty() ? 16 : ring.size() * 2);
            for (std::size_t i = 0; i < count; ++i) bigger[i] = std::move(ring[(head + i) & (ring.size() - 1)]);
            ring.swap(bigger);
            head = 0;
        }
        ring[(head + count) & (ring.size() - 1)] = std::move(f);
        ++count;
    }
    callback pop() noexcept {
        callback f = std::move(ring[head]);
        head = (head + 1) & (ring.size() - 1);
        --count;
        return f;
    }
    // What came from outside: a stop signal, callbacks from other threads.
    void take_pokes() {
        if (poked.load() == 0 || poked.exchange(0) == 0) return;
        if (owns_signals && signal_seen.exchange(0) != 0) {
            stopping = true;
            attend();
        }
        {
            std::lock_guard<std::mutex> lock(mutex);
            draining.swap(incoming);
        }
        for (callback& f : draining) push(std::move(f));
        draining.clear();
    }

    // The heap ---------------------------------------------------------------
    void place(std::size_t i, const heap_entry& e) noexcept {
        heap[i] = e;
        timers[e.slot].heap_index = static_cast<std::uint32_t>(i);
    }
    void sift_up(std::size_t i) noexcept {
        const heap_entry e = heap[i];
        while (i > 0) {
            const std::size_t parent = (i - 1) / 2;
            if (!before(e, heap[parent])) break;
            place(i, heap[parent]);
            i = parent;
        }
        place(i, e);
    }
    void sift_down(std::size_t i) noexcept {
        const heap_entry e = heap[i];
        const std::size_t n = heap.size();
        for (;;) {
            std::size_t child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && before(heap[child + 1], heap[child])) ++child;
            if (!before(heap[child], e)) break;
            place(i, heap[child]);
            i = child;
        }
        place(i, e);
    }
    void erase_at(std::size_t i) noexcept {
        const heap_entry last = heap.back();
        heap.pop_back();
        if (i == heap.size()) return;
        place(i, last);
        if (i > 0 && before(heap[i], heap[(i - 1) / 2])) sift_up(i);
        else sift_down(i);
    }
    void free_timer(std::uint32_t slot) noexcept {
        timer_slot& t = timers[slot];
        t.heap_index = no_slot;
        // A slot whose generation would wrap is retired, so that a handle
        // kept from 2^32 uses ago never cancels the timer of today.
        if (++t.generation == max_generation) return;
        timer_free.push_back(slot);  // never allocates: reserved as the pool grew
    }

    // Readers and writers ------------------------------------------------------
    static std::uint64_t tag(std::uint32_t slot, std::uint32_t generation) noexcept {
        return (static_cast<std::uint64_t>(generation) << 32) | slot;
    }
    static event interest(const io_slot& s) noexcept {
        return (s.reading ? event::readable : event::none) | (s.writing ? event::writable : event::none);
    }
    io_slot& io(std::uint32_t slot) noexcept { return *slots[slot]; }
    bool is_running(std::uint32_t slot, bool write) const noexcept { return slot == run_slot && write == run_write; }
    std::uint32_t new_io() {
        if (!io_free.empty()) {
            const std::uint32_t slot = io_free.back();
            io_free.pop_back();
            return slot;
        }
        if ((io_count & (chunk_size - 1)) == 0) {
            chunks.emplace_back(new io_slot[chunk_size]);
            io_free.reserve(std::size_t{io_count} + chunk_size);
            slots.reserve(std::size_t{io_count} + chunk_size);
            for (std::uint32_t i = 0; i < chunk_size; ++i) slots.push_back(&chunks.back()[i]);
        }
        return io_count++;
    }
    void free_io(std::uint32_t slot) noexcept {
        io_slot& s = io(slot);
        handles.erase(s.handle);
        s.in_use = false;
        s.reading = s.writing = false;
        s.handle = invalid_native_handle;
        ++s.generation;
        if (slot == run_slot) {
            run_freed = true;  // not reused while its callback runs
            run_dirty = true;
        } else {
            io_free.push_back(slot);  // reserved as the pool grew
        }
    }
    // Runs the reader (or writer) of `slot` where it is stored. What it
    // does to itself (removal, replacement, its slot freed) is settled after
    // it returns, or throws.
    void invoke_io(io_slot& s, std::uint32_t slot, bool write) {
        struct guard {
            loop_state& st;
            ~guard() {
                if (!st.run_dirty) {
                    st.run_slot = no_slot;
                    return;
                }
                callback done = st.settle();
                st.run_slot = no_slot;
            }  // `done` destroyed here, with no callback marked running
        } g{*this};
        run_slot = slot;
        run_write = write;
        (write ? s.writer : s.reader)();
    }
    callback settle() noexcept {
        run_dirty = false;
        io_slot& s = io(run_slot);
        callback& f = run_write ? s.writer : s.reader;
        callback done = std::move(f);
        f = std::move(replacement);
        if (run_freed) {
            run_freed = false;
            io_free.push_back(run_slot);
        }
        return done;
    }
    // An iteration (loop::run_once once its arguments are checked) ------------
    template <bool once>
    void cycle(std::optional<double> timeout, std::error_code& ec);
    std::optional<double> slow_limit(std::optional<double> limit);
    void run_due();

    // Signals ------------------------------------------------------------------
    void release_signals() noexcept {
        if (!owns_signals) return;
        signal_owner.store(nullptr);
        // A handler on another thread may still hold this loop, or be about
        // to put itself back: wait for it, then restore. (One on this
        // thread, interrupting here, has finished by now.)
        while (signal_handlers_busy.load() != 0) std::this_thread::yield();
        for (std::size_t i = 0; i < stop_signal_count; ++i) std::signal(stop_signals[i], previous[i]);
        owns_signals = false;
    }
};

namespace {
void on_stop_signal(int sig) {
    signal_handlers_busy.fetch_add(1);
    signal_seen.store(1);
    if (loop_state* owner = signal_owner.load()) {
        std::signal(sig, on_stop_signal);  // some C libraries (Windows') reset it to the default
        owner->poked.store(1);
        owner->attention.store(true);
        owner->poll.wake();
    }
    signal_handlers_busy.fetch_sub(1);
}
}  // namespace

}  // namespace detail

// timer ------------------------------------------------------------------------

bool timer::cancel() noexcept { return loop_ != nullptr && loop_->cancel(*this); }

bool timer::pending() const noexcept { return loop_ != nullptr && loop_->pending(*this); }

// loop -------------------------------------------------------------------------

loop::loop() : state_(new detail::loop_state) {}

loop::loop(loop_clock clock) : state_(new detail::loop_state) { state_->clock = clock; }

loop::~loop() {
    close();
    delete state_;
}

void loop::open(std::error_code& ec) noexcept {
    if (state_->poll.is_open()) {
        ec.clear();
        return;
    }
    state_->poll.open(ec);
}

bool loop::is_open() const noexcept { return state_->poll.is_open(); }

void loop::link(loop_closer& c) noexcept {
    detail::loop_state& st = *state_;
    c.prev = nullptr;
    c.next = st.closers;
    if (st.closers != nullptr) st.closers->prev = &c;
    st.closers = &c;
}

void loop::unlink(loop_closer& c) noexcept {
    detail::loop_state& st = *state_;
    if (c.prev != nullptr) {
        c.prev->next = c.next;
    } else if (st.closers == &c) {
        st.closers = c.next;
    } else {
        return;  // not linked
    }
    if (c.next != nullptr) c.next->prev = c.prev;
    c.prev = c.next = nullptr;
}

void loop::close() noexcept {
    detail::loop_state& st = *state_;
    if (st.closing) return;  // from a destructor that close() runs
    // What is linked ends first, while readers, timers and the poller are
    // still there for it to unregister from (an ending may unlink others).
    while (loop_closer* c = st.closers) {
        unlink(*c);
        c->end(c);
    }
    st.release_signals();
    // First the loop is emptied, every timer and handle forgotten, the poller
    // closed; only then are the callbacks destroyed. A capture's destructor
    // that cancels its timer or removes its reader finds nothing to undo, and
    // what it would add is refused (`closing`).
    st.heap.clear();
    for (std::uint32_t i = 0; i < st.timers.size(); ++i) {
        if (st.timers[i].heap_index != detail::no_slot) st.free_timer(i);
    }
    for (std::uint32_t i = 0; i < st.io_count; ++i) {
        if (st.io(i).in_use) st.free_io(i);
    }
    st.handles.clear();
    std::vector<callback> incoming;
    {
        // Under the lock call_soon_threadsafe reads `closing` and wakes.
        std::lock_guard<std::mutex> lock(st.mutex);
        st.closing = true;
        st.poll.close();
        st.poked.store(0);
        incoming.swap(st.incoming);
    }
    for (detail::timer_slot& t : st.timers) t.fn.reset();
    for (std::uint32_t i = 0; i < st.io_count; ++i) {
        // A callback running now (close from a reader) is destroyed when it returns.
        detail::io_slot& s = st.io(i);
        if (!st.is_running(i, false)) s.reader.reset();
        if (!st.is_running(i, true)) s.writer.reset();
    }
    st.replacement.reset();
    while (st.count > 0) st.pop();
    incoming.clear();  // outside the lock: a destructor may call call_soon_threadsafe
    {
        std::lock_guard<std::mutex> lock(st.mutex);
        st.closing = false;
    }
    st.stopping = false;
    st.attend();  // a run ends at once
}

double loop::time() const noexcept { return state_->now(); }

void loop::set_clock(loop_clock clock) noexcept { state_->clock = clock; }

void loop::queue(callback&& f) {
    if (state_->closing) return;  // from a destructor close() runs: dropped
    state_->push(std::move(f));
}

void loop::queue_threadsafe(callback&& f) {
    detail::loop_state& st = *state_;
    std::lock_guard<std::mutex> lock(st.mutex);
    if (st.closing) return;  // dropped (destroyed by the caller, outside the lock)
    st.incoming.push_back(std::move(f));
    st.poked.store(1);
    st.attention.store(true);
    st.poll.wake();  // under the lock: close() closes the poller under it
}

timer loop::schedule(double when, callback&& f) {
    detail::loop_state& st = *state_;
    if (st.closing) return timer();  // from a destructor close() runs: dropped
    if (std::isnan(when)) when = st.now();
    std::uint32_t slot;
    if (st.timer_free.empty()) {
        st.timers.emplace_back();
        st.timer_free.reserve(st.timers.capacity());
        st.heap.reserve(st.timers.capacity());
        slot = static_cast<std::uint32_t>(st.timers.size() - 1);
    } else {
        slot = st.timer_free.back();
        st.timer_free.pop_back();
    }
    detail::timer_slot& t = st.timers[slot];
    t.fn = std::move(f);
    t.when = when;
    t.seq = st.next_seq++;
    st.heap.push_back(detail::heap_entry{when, t.seq, slot});
    st.attend();
    t.heap_index = static_cast<std::uint32_t>(st.heap.size() - 1);
    st.sift_up(st.heap.size() - 1);
    return timer(this, slot, t.generation);
}

bool loop::pending(timer t) const noexcept {
    const detail::loop_state& st = *state_;
    return t.loop_ == this && t.slot_ < st.timers.size() && st.timers[t.slot_].generation == t.generation_ &&
           st.timers[t.slot_].heap_index != detail::no_slot;
}

bool loop::cancel(timer t) noexcept {
    if (!pending(t)) return false;
    detail::loop_state& st = *state_;
    callback f = std::move(st.timers[t.slot_].fn);  // destroyed last, the loop consistent
    st.erase_at(st.timers[t.slot_].heap_index);
    st.free_timer(t.slot_);
    return true;
}

std::size_t loop::timers() const noexcept { return state_->heap.size(); }

void loop::watch(const socket& s, bool write, callback&& f, std::error_code& ec) {
    if (!s.is_open()) {
        ec = error::not_open;
        return;
    }
    watch(s.native_handle(), write, std::move(f), ec);
}

void loop::watch(native_handle_type h, bool write, callback&& f, std::error_code& ec) {
    detail::loop_state& st = *state_;
    if (!st.poll.is_open() || st.closing || h == invalid_native_handle) {
        ec = error::not_open;
        return;
    }
    ec.clear();
    std::uint32_t slot = st.handles.find(h);
    if (slot == detail::no_slot) {
        st.handles.reserve_one();
        slot = st.new_io();
        detail::io_slot& s = st.io(slot);
        st.poll.add(h, write ? event::writable : event::readable, st.tag(slot, s.generation), ec);
        if (ec) {
            st.io_free.push_back(slot);
            return;
        }
        s.in_use = true;
        s.handle = h;
        st.handles.insert(h, slot);
    } else {
        detail::io_slot& s = st.io(slot);
        if (!(write ? s.writing : s.reading)) {
            st.poll.modify(h, st.interest(s) | (write ? event::writable : event::readable),
                           st.tag(slot, s.generation), ec);
            if (ec) return;
        }
    }
    detail::io_slot& s = st.io(slot);
    (write ? s.writing : s.reading) = true;
    if (st.is_running(slot, write)) {  // replacing itself: takes its place when it returns
        callback old = std::move(st.replacement);
        st.replacement = std::move(f);
        st.run_dirty = true;
        return;
    }
    callback old = std::move(write ? s.writer : s.reader);  // destroyed after the update
    (write ? s.writer : s.reader) = std::move(f);
}

namespace {
bool unwatch(detail::loop_state& st, native_handle_type h, bool write, std::error_code& ec) noexcept {
    ec.clear();
    if (!st.poll.is_open() || h == invalid_native_handle) {
        ec = error::not_open;
        return false;
    }
    const std::uint32_t slot = st.handles.find(h);
    if (slot == detail::no_slot) return false;
    detail::io_slot& s = st.io(slot);
    if (!(write ? s.writing : s.reading)) return false;
    callback old;  // destroyed last
    if (st.is_running(slot, write)) {  // removing itself: destroyed when it returns
        old = std::move(st.replacement);
        st.run_dirty = true;
    } else {
        old = std::move(write ? s.writer : s.reader);
    }
    (write ? s.writing : s.reading) = false;
    // The handle is forgotten even when the poller refuses (a handle closed
    // too early); the error is reported.
    if (s.reading || s.writing) {
        st.poll.modify(h, st.interest(s), st.tag(slot, s.generation), ec);
    } else {
        st.poll.remove(h, ec);
        st.free_io(slot);
    }
    return true;
}
}  // namespace

bool loop::remove_reader(native_handle_type h, std::error_code& ec) noexcept { return unwatch(*state_, h, false, ec); }
bool loop::remove_writer(native_handle_type h, std::error_code& ec) noexcept { return unwatch(*state_, h, true, ec); }
bool loop::remove_reader(const socket& s, std::error_code& ec) noexcept {
    return unwatch(*state_, s.is_open() ? s.native_handle() : invalid_native_handle, false, ec);
}
bool loop::remove_writer(const socket& s, std::error_code& ec) noexcept {
    return unwatch(*state_, s.is_open() ? s.native_handle() : invalid_native_handle, true, ec);
}

void loop::run_once(std::optional<double> timeout, std::error_code& ec) {
    detail::loop_state& st = *state_;
    ec.clear();
    if (!st.poll.is_open()) {
        ec = error::not_open;
        return;
    }
    if (timeout && !detail::valid_timeout(*timeout)) {
        ec = error::bad_timeout;
        return;
    }
    if (st.iterating) {  // from a callback: the events of this iteration are still being read
        ec = std::make_error_code(std::errc::operation_in_progress);
        return;
    }
    st.cycle<true>(timeout, ec);
}

namespace detail {
// The wait's limit when there is more to do than wait for events: callbacks
// queued (or coming from outside), a stop, timers.
std::optional<double> loop_state::slow_limit(std::optional<double> limit) {
    // Cleared before looking: whatever comes from outside after this sets it again.
    attention.store(false);
    take_pokes();
    if (count > 0 || stopping || !heap.empty()) attend();
    if (count > 0 || stopping) return 0.0;
    if (!heap.empty()) {
        double until = heap.front().when - now();
        if (!(until > 0)) until = 0;
        if (until > max_timeout_seconds) until = max_timeout_seconds;
        if (!limit || until < *limit) limit = until;
    }
    return limit;
}

// Runs the timers due and the callbacks queued before this iteration began.
void loop_state::run_due() {
    // The clock is read only when a timer is due to be checked.
    const double t = heap.empty() ? 0.0 : now();
    while (!heap.empty() && heap.front().when <= t && heap.front().seq < seq_limit) {
        const std::uint32_t slot = heap.front().slot;
        callback f = std::move(timers[slot].fn);
        erase_at(0);
        free_timer(slot);
        f();
    }
    while (todo > 0 && count > 0) {
        --todo;
        callback f = pop();
        f();
    }
}

// Iterations: one (run_once) or until stopped or closed (run), in one
// function so that the common iteration (no timer, nothing queued, no
// signal) is a tight loop: one check before the wait, the events each
// reaching its slot with one generation check, one check after.
template <bool once>
void loop_state::cycle(std::optional<double> timeout, std::error_code& ec) {
    struct iteration {
        loop_state& st;
        ~iteration() { st.iterating = false; }
    } in_iteration{*this};
    iterating = true;
    constexpr event to_read = event::readable | event::hangup | event::error;
    constexpr event to_write = event::writable | event::hangup | event::error;
    for (;;) {
        // run() waits without a limit unless a timer sets one; that wait goes
        // straight to the backend (the poller is open: closing it attends).
        const std::size_t n = attention.load(std::memory_order_relaxed)
                                  ? poll.wait(events.data(), events.size(), slow_limit(timeout), ec)
                              : once ? poll.wait(events.data(), events.size(), timeout, ec)
                                     : sys::poller_wait(poll.state_, events.data(), events.size(), sys::wait_limit{}, ec);
        if (n == 0 && ec) return;  // a wait that fails finds no events

        const bool look = attention.load(std::memory_order_relaxed);  // false: no timer, nothing queued
        if (look) {
            take_pokes();
            // What callbacks of this iteration schedule runs in the next one.
            seq_limit = next_seq;
            todo = count;
        }

        for (const poll_event *p = events.data(), *end = p + n; p != end; ++p) {
            const poll_event& e = *p;
            const auto slot = static_cast<std::uint32_t>(e.tag & 0xffffffffu);
            const auto generation = static_cast<std::uint32_t>(e.tag >> 32);
            io_slot& s = io(slot);  // a tag is only ever one of the slots made, never unmade
            if (s.generation != generation) continue;  // a slot freed (or reused) since the wait
            if (s.reading && has(e.events, to_read)) {
                invoke_io(s, slot, false);
                // A readable-only event (the common one) has no writer to run.
                if (!has(e.events, to_write) || s.generation != generation) continue;
            }
            if (s.writing && has(e.events, to_write)) invoke_io(s, slot, true);
        }

        if (look) run_due();
        // A signal that came during the callbacks stops after this iteration.
        if (attention.load(std::memory_order_relaxed)) {
            take_pokes();
            if (!once && (stopping || !poll.is_open())) return;
        }
        if constexpr (once) {
            if (!running) stopping = false;
            return;
        }
    }
}
}  // namespace detail

void loop::run(std::error_code& ec) {
    detail::loop_state& st = *state_;
    ec.clear();
    if (!st.poll.is_open()) {
        ec = error::not_open;
        return;
    }
    if (st.running || st.iterating) {
        ec = std::make_error_code(std::errc::operation_in_progress);
        return;
    }
    struct guard {
        detail::loop_state& st;
        ~guard() {
            st.running = false;
            st.stopping = false;
        }
    } g{st};
    st.running = true;
    st.cycle<false>(std::nullopt, ec);
}

void loop::stop() noexcept {
    state_->stopping = true;
    state_->attend();
}

bool loop::is_running() const noexcept { return state_->running; }

void loop::stop_on_signals(std::error_code& ec) noexcept {
    detail::loop_state& st = *state_;
    ec.clear();
    if (st.owns_signals) return;
    if (!st.poll.is_open()) {
        ec = error::not_open;
        return;
    }
    detail::loop_state* expected = nullptr;
    if (!detail::signal_owner.compare_exchange_strong(expected, &st)) {
        ec = std::make_error_code(std::errc::device_or_resource_busy);
        return;
    }
    detail::signal_seen.store(0);
    for (std::size_t i = 0; i < detail::stop_signal_count; ++i) {
        st.previous[i] = std::signal(detail::stop_signals[i], detail::on_stop_signal);
        if (st.previous[i] == SIG_ERR) {
            for (std::size_t j = 0; j < i; ++j) std::signal(detail::stop_signals[j], st.previous[j]);
            detail::signal_owner.store(nullptr);
            ec = std::make_error_code(std::errc::invalid_argument);
            return;
        }
        // A signal the program ignores (a script's background job ignores SIGINT)
        // stays ignored, as Python's asyncio leaves it.
        if (st.previous[i] == SIG_IGN) std::signal(detail::stop_signals[i], SIG_IGN);
    }
    st.owns_signals = true;
}

#if PORTSOCK_HAS_EXCEPTIONS
namespace {
std::string handle_text(native_handle_type h) { return "handle " + std::to_string(h); }
}  // namespace

void loop::open() {
    std::error_code ec;
    open(ec);
    if (ec) throw_error(ec, "loop open");
}

void loop::watch_or_throw(const socket& s, bool write, callback&& f) {
    std::error_code ec;
    watch(s, write, std::move(f), ec);
    if (ec) throw_error(ec, std::string(write ? "loop add_writer " : "loop add_reader ") + s.repr());
}

void loop::watch_or_throw(native_handle_type h, bool write, callback&& f) {
    std::error_code ec;
    watch(h, write, std::move(f), ec);
    if (ec) throw_error(ec, std::string(write ? "loop add_writer " : "loop add_reader ") + handle_text(h));
}

bool loop::remove_reader(const socket& s) {
    std::error_code ec;
    const bool removed = remove_reader(s, ec);
    if (ec) throw_error(ec, "loop remove_reader " + s.repr());
    return removed;
}

bool loop::remove_writer(const socket& s) {
    std::error_code ec;
    const bool removed = remove_writer(s, ec);
    if (ec) throw_error(ec, "loop remove_writer " + s.repr());
    return removed;
}

bool loop::remove_reader(native_handle_type h) {
    std::error_code ec;
    const bool removed = remove_reader(h, ec);
    if (ec) throw_error(ec, "loop remove_reader " + handle_text(h));
    return removed;
}

bool loop::remove_writer(native_handle_type h) {
    std::error_code ec;
    const bool removed = remove_writer(h, ec);
    if (ec) throw_error(ec, "loop remove_writer " + handle_text(h));
    return removed;
}

void loop::run() {
    std::error_code ec;
    run(ec);
    if (ec) throw_error(ec, "loop run");
}

void loop::run_once(std::optional<double> timeout) {
    std::error_code ec;
    run_once(timeout, ec);
    if (ec) throw_error(ec, "loop run_once");
}

void loop::stop_on_signals() {
    std::error_code ec;
    stop_on_signals(ec);
    if (ec) throw_error(ec, "loop stop_on_signals");
}
#endif

}  // namespace portsock
