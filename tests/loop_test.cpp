// portsock::loop: timers (order, cancel, reschedule) on an injected clock,
// call_soon and call_soon_threadsafe, readers and writers over a socketpair,
// stop (by call, by signal), and a callback that throws.
#include "loop_support.hpp"
#include "net.hpp"

#include <portsock/loop.hpp>

#include <atomic>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ps = portsock;
using testsupport::fake_clock;
using testsupport::open_loop;
using testsupport::run_once;

namespace {

std::pair<ps::socket, ps::socket> stream_pair() {
    std::error_code ec;
    auto pair = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    EXPECT_OK(ec);
    return pair;
}

void send_byte(ps::socket& s, char c = 'x') {
    std::error_code ec;
    EXPECT_EQ(s.send(&c, 1, ec), 1u);
    EXPECT_OK(ec);
}

}  // namespace

// Timers -------------------------------------------------------------------------

TEST(Loop, TimersFireInDeadlineOrderOnceDue) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    std::string order;
    l.call_later(3.0, [&] { order += '3'; });
    l.call_later(1.0, [&] { order += '1'; });
    l.call_at(102.0, [&] { order += '2'; });
    EXPECT_EQ(l.timers(), 3u);
    run_once(l);
    EXPECT_EQ(order, "");
    c.now = 101.0;
    run_once(l);
    EXPECT_EQ(order, "1");
    c.now = 110.0;
    run_once(l);
    EXPECT_EQ(order, "123");
    EXPECT_EQ(l.timers(), 0u);
}

TEST(Loop, EqualDeadlinesFireInScheduleOrder) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    std::string order;
    for (char k = 'a'; k <= 'j'; ++k) l.call_at(105.0, [&order, k] { order += k; });
    l.call_at(104.0, [&] { order += '0'; });
    c.now = 105.0;
    run_once(l);
    EXPECT_EQ(order, "0abcdefghij");
}

TEST(Loop, ManyTimersFireSorted) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    std::vector<double> fired;
    std::vector<ps::timer> handles;
    unsigned x = 12345;
    for (int i = 0; i < 2000; ++i) {
        x = x * 1103515245u + 12345u;
        const double delay = (x >> 8) % 1000 / 10.0;
        handles.push_back(l.call_later(delay, [&fired, &c] { fired.push_back(c.now); }));
    }
    for (std::size_t i = 0; i < handles.size(); i += 2) EXPECT_TRUE(handles[i].cancel());
    EXPECT_EQ(l.timers(), 1000u);
    for (int step = 0; step <= 1000; ++step) {
        c.now = 100.0 + step / 10.0;
        run_once(l);
    }
    EXPECT_EQ(fired.size(), 1000u);
    EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

TEST(Loop, CancelIsANoOpOnceFiredOrCancelled) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    int runs = 0;
    ps::timer a = l.call_later(1.0, [&] { ++runs; });
    ps::timer b = l.call_later(1.0, [&] { runs += 10; });
    EXPECT_TRUE(a.pending());
    EXPECT_TRUE(l.cancel(a));
    EXPECT_FALSE(a.pending());
    EXPECT_FALSE(a.cancel());
    c.now = 101.0;
    run_once(l);
    EXPECT_EQ(runs, 10);
    EXPECT_FALSE(b.pending());
    EXPECT_FALSE(b.cancel());
    EXPECT_FALSE(ps::timer{}.cancel());
    // A handle to a freed slot does not cancel the slot's next timer.
    ps::timer d = l.call_later(1.0, [&] { runs += 100; });
    EXPECT_FALSE(a.cancel());
    EXPECT_FALSE(b.cancel());
    EXPECT_TRUE(d.pending());
    c.now = 102.0;
    run_once(l);
    EXPECT_EQ(runs, 110);
}

TEST(Loop, CancelInsideACallbackOwnAndAnother) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    std::string order;
    ps::timer self, other;
    self = l.call_at(101.0, [&] {
        order += 's';
        EXPECT_FALSE(self.cancel());  // firing: no longer pending
        EXPECT_TRUE(other.cancel());  // due in the same iteration: never runs
    });
    other = l.call_at(101.0, [&] { order += 'o'; });
    l.call_at(101.0, [&] { order += 'z'; });
    c.now = 101.0;
    run_once(l);
    EXPECT_EQ(order, "sz");
    EXPECT_EQ(l.timers(), 0u);
}

TEST(Loop, ATimerRescheduledForNowRunsInTheNextIteration) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    int runs = 0;
    struct again {
        ps::loop* l;
        int* runs;
        void operator()() const {
            ++*runs;
            l->call_later(0.0, again{l, runs});
        }
    };
    l.call_later(0.0, again{&l, &runs});
    run_once(l);
    EXPECT_EQ(runs, 1);
    run_once(l);
    EXPECT_EQ(runs, 2);
    // Rescheduled for later: waits for its deadline.
    int later = 0;
    ps::timer t;
    t = l.call_later(5.0, [&] {
        ++later;
        t = l.call_later(5.0, [&] { ++later; });
    });
    c.now = 105.0;
    run_once(l);
    EXPECT_EQ(later, 1);
    c.now = 109.0;
    run_once(l);
    EXPECT_EQ(later, 1);
    c.now = 110.0;
    run_once(l);
    EXPECT_EQ(later, 2);
}

TEST(Loop, RunOnceSleepsUntilTheNearestTimer) {
    ps::loop l;
    open_loop(l);
    bool fired = false;
    const double start = l.time();
    l.call_later(0.05, [&] { fired = true; });
    while (!fired) run_once(l, std::nullopt);
    EXPECT_GE(l.time() - start, 0.05);
}

TEST(Loop, TimeIsMonotonicSeconds) {
    ps::loop l;
    const double a = l.time();
    const double b = l.time();
    EXPECT_LE(a, b);
    fake_clock c;
    l.set_clock(c.clock());
    EXPECT_EQ(l.time(), 100.0);
}

// call_soon ----------------------------------------------------------------------

TEST(Loop, CallSoonRunsInOrderAndLaterQueuedInTheNextIteration) {
    ps::loop l;
    open_loop(l);
    std::string order;
    l.call_soon([&] {
        order += 'a';
        l.call_soon([&] { order += 'c'; });
    });
    l.call_soon([&] { order += 'b'; });
    run_once(l);
    EXPECT_EQ(order, "ab");
    run_once(l);
    EXPECT_EQ(order, "abc");
}

TEST(Loop, CallbacksLargerThanTheInlineBufferAndMoveOnly) {
    ps::loop l;
    open_loop(l);
    std::array<char, 200> big{};
    big[199] = 'z';
    auto owned = std::make_unique<int>(7);
    int seen = 0;
    char last = 0;
    l.call_soon([big, &last] { last = big[199]; });
    l.call_soon([p = std::move(owned), &seen] { seen = *p; });
    static_assert(!ps::callback::stored_inline<std::array<char, 200>>);
    run_once(l);
    EXPECT_EQ(last, 'z');
    EXPECT_EQ(seen, 7);
}

TEST(Loop, CallSoonThreadsafeFromSeveralThreads) {
    ps::loop l;
    open_loop(l);
    constexpr int threads = 4, each = 500;
    int count = 0;  // touched only by the loop's thread
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t)
        posters.emplace_back([&] {
            for (int i = 0; i < each; ++i)
                l.call_soon_threadsafe([&] {
                    if (++count == threads * each) l.stop();
                });
        });
    std::error_code ec;
    l.run(ec);  // ends when the last one has run; woken by each post
    EXPECT_OK(ec);
    for (std::thread& t : posters) t.join();
    EXPECT_EQ(count, threads * each);
}

// Readers and writers ------------------------------------------------------------

TEST(Loop, ReaderRunsWhileDataWaitsThenRemoved) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    std::string got;
    l.add_reader(a, [&, sock = &a] {
        char buffer[16];
        std::error_code rec;
        const std::size_t n = sock->recv_into(buffer, sizeof buffer, rec);
        got.append(buffer, n);
    }, ec);
    ASSERT_OK(ec);
    send_byte(b, 'h');
    send_byte(b, 'i');
    while (got.size() < 2) run_once(l, 5.0);
    EXPECT_EQ(got, "hi");
    EXPECT_TRUE(l.remove_reader(a, ec));
    EXPECT_OK(ec);
    EXPECT_FALSE(l.remove_reader(a, ec));
    EXPECT_OK(ec);
    send_byte(b, '!');
    run_once(l, 0.05);
    EXPECT_EQ(got, "hi");
}

TEST(Loop, ReaderAndWriterShareOneRegistration) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    int reads = 0, writes = 0;
    l.add_writer(a, [&] {
        ++writes;
        std::error_code rec;
        l.remove_writer(a, rec);
        EXPECT_OK(rec);
    }, ec);
    ASSERT_OK(ec);
    l.add_reader(a.native_handle(), [&] {
        ++reads;
        char c;
        std::error_code rec;
        a.recv_into(&c, 1, rec);
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    while (reads == 0 || writes == 0) run_once(l, 5.0);
    EXPECT_EQ(writes, 1);
    EXPECT_EQ(reads, 1);
    EXPECT_TRUE(l.remove_reader(a.native_handle(), ec));
    EXPECT_OK(ec);
    EXPECT_FALSE(l.remove_writer(a, ec));
}

TEST(Loop, AddingTheSameHandleAgainReplacesTheCallback) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    std::string who;
    auto drain = [&a] {
        char c;
        std::error_code rec;
        a.recv_into(&c, 1, rec);
    };
    l.add_reader(a, [&, drain] { who += '1'; drain(); }, ec);
    l.add_reader(a, [&, drain] {
        who += '2';
        drain();
        // Replacing itself from inside: the new one runs next time.
        std::error_code rec;
        l.add_reader(a, [&, drain] { who += '3'; drain(); }, rec);
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    while (who.empty()) run_once(l, 5.0);
    send_byte(b);
    while (who.size() < 2) run_once(l, 5.0);
    EXPECT_EQ(who, "23");
}

// Readers run in place: a reader that removes itself, or closes the loop,
// keeps its captures alive until it returns, and they are destroyed then.
TEST(Loop, AReaderThatRemovesItselfKeepsItsCapturesUntilItReturns) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    int destroyed = 0;
    struct counts_destruction {
        int* n;
        std::string text;
        counts_destruction(int* count, std::string t) : n(count), text(std::move(t)) {}
        counts_destruction(counts_destruction&& o) noexcept : n(std::exchange(o.n, nullptr)), text(std::move(o.text)) {}
        ~counts_destruction() {
            if (n != nullptr) ++*n;
        }
    };
    std::string seen;
    counts_destruction capture(&destroyed, std::string(100, 'x'));  // a heap string: ASan sees a use after free
    l.add_reader(a, [&, c = std::move(capture)] {
        std::error_code rec;
        EXPECT_TRUE(l.remove_reader(a, rec));
        EXPECT_EQ(destroyed, 0);  // still running: not destroyed yet
        seen = c.text;            // the capture is intact
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    while (seen.empty()) run_once(l, 5.0);
    EXPECT_EQ(seen, std::string(100, 'x'));
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(l.remove_reader(a, ec));
}

TEST(Loop, AReaderThatClosesTheLoopKeepsItsCapturesUntilItReturns) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    std::string seen;
    l.add_reader(a, [&, text = std::string(100, 'y')] {
        l.close();
        seen = text;
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_EQ(seen, std::string(100, 'y'));
    EXPECT_FALSE(l.is_open());
}

// A reader that registers hundreds of handles (more than one block of
// slots) while it runs is not moved: its captures stay valid.
TEST(Loop, AReaderAddingManyHandlesWhileItRunsStaysInPlace) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    std::vector<ps::socket> many(300);
    std::string seen;
    l.add_reader(a, [&, text = std::string(100, 'z')] {
        std::error_code rec;
        for (ps::socket& s : many) {
            s.open(ps::family::inet, ps::type::dgram, 0, rec);
            if (!rec) l.add_reader(s, [] {}, rec);
            ASSERT_OK(rec);
        }
        seen = text;
        l.remove_reader(a, rec);
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    while (seen.empty()) run_once(l, 5.0);
    EXPECT_EQ(seen, std::string(100, 'z'));
    for (ps::socket& s : many) EXPECT_TRUE(l.remove_reader(s, ec));
}

TEST(Loop, RemovingAPendingReaderInTheSameBatchIsSafe) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    auto cd = stream_pair();
    ps::socket& c = cd.first;
    ps::socket& d = cd.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    int runs = 0;
    // Whichever runs first removes the other (and closes its socket), whose
    // event may be waiting in the same batch.
    l.add_reader(a, [&] {
        ++runs;
        std::error_code rec;
        EXPECT_TRUE(l.remove_reader(c, rec));
        EXPECT_TRUE(l.remove_reader(a, rec));
    }, ec);
    l.add_reader(c, [&] {
        ++runs;
        std::error_code rec;
        EXPECT_TRUE(l.remove_reader(a, rec));
        EXPECT_TRUE(l.remove_reader(c, rec));
    }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    send_byte(d);
    // Both readable before the loop looks: one batch.
    while (runs == 0) run_once(l, 5.0);
    run_once(l, 0.0);
    EXPECT_EQ(runs, 1);
}

TEST(Loop, HangupRunsTheReaderWhichSeesTheEnd) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    bool ended = false;
    l.add_reader(a, [&] {
        char buffer[8];
        std::error_code rec;
        if (a.recv_into(buffer, sizeof buffer, rec) == 0 && !rec) {
            ended = true;
            l.remove_reader(a, rec);
        }
    }, ec);
    ASSERT_OK(ec);
    b.close();
    while (!ended) run_once(l, 5.0);
    EXPECT_TRUE(ended);
}

TEST(Loop, ReadersNeedAnOpenLoopAndSocket) {
    ps::loop l;
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    std::error_code ec;
    l.add_reader(a, [] {}, ec);
    EXPECT_EQ(ec, ps::error::not_open);
    open_loop(l);
    ps::socket closed;
    l.add_reader(closed, [] {}, ec);
    EXPECT_EQ(ec, ps::error::not_open);
    l.run_once(-1.0, ec);
    EXPECT_EQ(ec, ps::error::bad_timeout);
    l.close();
    l.run_once(0.0, ec);
    EXPECT_EQ(ec, ps::error::not_open);
    l.run(ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Loop, RunInsideACallbackIsRefused) {
    ps::loop l;
    open_loop(l);
    std::error_code nested_once, nested_run;
    l.call_soon([&] {
        l.run_once(0.0, nested_once);
        l.run(nested_run);
        l.stop();
    });
    std::error_code ec;
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_EQ(nested_once, std::errc::operation_in_progress);
    EXPECT_EQ(nested_run, std::errc::operation_in_progress);
    EXPECT_FALSE(l.is_running());
}

TEST(Loop, CloseInsideACallbackEndsRun) {
    fake_clock c;
    ps::loop l(c.clock());
    open_loop(l);
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    std::error_code ec;
    int later = 0;
    l.add_writer(a, [&] { l.close(); }, ec);
    ASSERT_OK(ec);
    l.call_at(100.0, [&] { ++later; });
    l.call_soon([&] { ++later; });
    l.run(ec);  // the writer closes the loop: run returns, the rest forgotten
    EXPECT_OK(ec);
    EXPECT_FALSE(l.is_open());
    EXPECT_EQ(later, 0);
    EXPECT_EQ(l.timers(), 0u);
}

namespace {
// An RAII session in a callback's capture: its destructor undoes what it set
// up on the loop (its timer, its reader) and tries to add more.
struct session {
    ps::loop* l;
    ps::socket* s;
    int* destroyed;
    int* ran;
    ps::timer t;
    session(ps::loop& loop, ps::socket& sock, int& d, int& r) : l(&loop), s(&sock), destroyed(&d), ran(&r) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session() {
        ++*destroyed;
        t.cancel();
        std::error_code ec;
        l->remove_reader(*s, ec);
        int* r = ran;
        l->call_soon([r] { ++*r; });
        EXPECT_FALSE(l->call_later(0.0, [r] { ++*r; }).pending());
        l->add_reader(*s, [r] { ++*r; }, ec);
        EXPECT_TRUE(ec) << "add_reader from a destructor that close() runs";
    }
};
}  // namespace

TEST(Loop, CloseDestroysCapturesThatUseTheLoopInTheirDestructors) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    int destroyed = 0, ran = 0;
    auto timed = std::make_shared<session>(l, a, destroyed, ran);
    timed->t = l.call_later(100.0, [timed] { ++*timed->ran; });
    auto reading = std::make_unique<session>(l, a, destroyed, ran);
    l.add_reader(a, [owned = std::move(reading)] { ++*owned->ran; }, ec);
    ASSERT_OK(ec);
    timed.reset();  // the timer's callback holds the last reference
    l.call_soon([s = std::make_shared<session>(l, a, destroyed, ran)] { ++*s->ran; });
    l.close();
    EXPECT_EQ(destroyed, 3);
    EXPECT_EQ(l.timers(), 0u);
    open_loop(l);  // what the destructors tried to add was refused
    run_once(l);
    run_once(l);
    EXPECT_EQ(ran, 0);
}

TEST(Loop, CallSoonThreadsafeWhileTheLoopCloses) {
    ps::loop l;
    open_loop(l);
    std::atomic<int> posted{0};
    std::thread poster([&] {
        for (int i = 0; i < 20000; ++i) {
            l.call_soon_threadsafe([] {});
            posted.fetch_add(1);
        }
    });
    bool ran = false;
    std::error_code ec;
    while (!ran) {
        l.call_soon([&] { ran = true; });
        l.run_once(std::nullopt, ec);
        ASSERT_OK(ec);
    }
    l.close();  // while the other thread posts and wakes the poller
    poster.join();
    EXPECT_EQ(posted.load(), 20000);
    EXPECT_FALSE(l.is_open());
}

// A reader that removes itself and whose capture, destroyed as it returns,
// adds a reader on the same handle: the new reader is in place and runs.
TEST(Loop, AReaderWhoseCaptureReaddsTheHandleAsItIsDestroyed) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    int second = 0;
    struct readd {
        ps::loop* l;
        ps::socket* s;
        int* second;
        bool armed = true;
        readd(ps::loop& loop, ps::socket& sock, int& n) : l(&loop), s(&sock), second(&n) {}
        readd(readd&& o) noexcept : l(o.l), s(o.s), second(o.second) { o.armed = false; }
        ~readd() {
            if (!armed) return;
            std::error_code e;
            int* n = second;
            l->add_reader(*s, [n] { ++*n; }, e);
            EXPECT_OK(e);
        }
    };
    l.add_reader(a, [&, r = readd(l, a, second)] { l.remove_reader(a, ec); }, ec);
    ASSERT_OK(ec);
    send_byte(b);
    run_once(l);  // the first reader removes itself; its capture adds the second
    ASSERT_OK(ec);
    run_once(l);
    EXPECT_GE(second, 1);
    EXPECT_TRUE(l.remove_reader(a, ec));
    EXPECT_OK(ec);
}

// Stop -----------------------------------------------------------------------------

TEST(Loop, StopEndsRunAfterTheIteration) {
    ps::loop l;
    open_loop(l);
    std::string order;
    l.call_soon([&] {
        order += 'a';
        l.stop();
    });
    l.call_soon([&] { order += 'b'; });
    std::error_code ec;
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_EQ(order, "ab");
    EXPECT_FALSE(l.is_running());
    // Stopped before it starts: run makes one iteration.
    l.call_soon([&] { order += 'c'; });
    l.stop();
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_EQ(order, "abc");
}

TEST(Loop, TimerStopsRun) {
    ps::loop l;
    open_loop(l);
    bool fired = false;
    l.call_later(0.01, [&] {
        fired = true;
        l.stop();
    });
    std::error_code ec;
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_TRUE(fired);
}

namespace {
volatile std::sig_atomic_t test_handler_ran = 0;
extern "C" void test_signal_handler(int) { test_handler_ran = 1; }
}  // namespace

TEST(Loop, StopOnSigterm) {
    const auto before = std::signal(SIGTERM, test_signal_handler);
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    l.stop_on_signals(ec);
    ASSERT_OK(ec);
    ps::loop other;
    open_loop(other);
    other.stop_on_signals(ec);
    EXPECT_EQ(ec, std::errc::device_or_resource_busy);
    bool after = false;
    l.call_soon([&] {
        std::raise(SIGTERM);
        l.call_soon([&] { after = true; });
    });
    l.run(ec);  // returns: the signal stopped it
    EXPECT_OK(ec);
    EXPECT_FALSE(after);
    EXPECT_EQ(test_handler_ran, 0);
    l.close();  // gives the signals back
    other.stop_on_signals(ec);
    EXPECT_OK(ec);
    other.close();
    EXPECT_EQ(std::signal(SIGTERM, before), test_signal_handler);
}

// A signal ignored when the loop takes the signals stays ignored: raising
// it neither stops the loop nor ends the program.
TEST(Loop, AnIgnoredStopSignalStaysIgnored) {
    const auto before = std::signal(SIGINT, SIG_IGN);
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    l.stop_on_signals(ec);
    ASSERT_OK(ec);
    bool after = false;
    l.call_soon([&] {
        std::raise(SIGINT);
        l.call_soon([&] {
            after = true;
            l.stop();
        });
    });
    l.run(ec);
    EXPECT_OK(ec);
    EXPECT_TRUE(after);
    l.close();
    EXPECT_EQ(std::signal(SIGINT, before), SIG_IGN);
}

// Exceptions --------------------------------------------------------------------------

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Loop, AThrowingCallbackLeavesTheLoopConsistent) {
    fake_clock c;
    ps::loop l(c.clock());
    l.open();
    std::string order;
    l.call_soon([&] { order += 'a'; });
    l.call_soon([&] { throw std::runtime_error("boom"); });
    l.call_soon([&] { order += 'c'; });
    l.call_at(100.0, [&] { order += 'T'; });
    l.call_at(100.0, [&] { throw std::logic_error("timer"); });
    l.call_at(100.0, [&] { order += 'U'; });
    EXPECT_THROW(l.run_once(0.0), std::logic_error);
    EXPECT_EQ(order, "T");
    EXPECT_THROW(l.run_once(0.0), std::runtime_error);
    EXPECT_EQ(order, "TUa");
    l.call_soon([&] { l.stop(); });
    l.run();
    EXPECT_EQ(order, "TUac");
    EXPECT_EQ(l.timers(), 0u);

    // A reader that throws stays registered.
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::socket& b = ab.second;
    int runs = 0;
    l.add_reader(a, [&] {
        if (++runs == 1) throw std::runtime_error("reader");
        char x;
        a.recv_into(&x, 1);
        l.stop();
    });
    send_byte(b);
    EXPECT_THROW(l.run(), std::runtime_error);
    l.run();
    EXPECT_EQ(runs, 2);
}

TEST(Loop, ThrowingFormsNameTheCall) {
    ps::loop l;
    try {
        l.run();
        FAIL() << "run on a closed loop";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.code(), ps::error::not_open);
        EXPECT_NE(std::string(e.what()).find("loop run"), std::string::npos) << e.what();
    }
}
#endif

// Callbacks that change their own registration ----------------------------------

namespace {
// Counts the live copies of a callback's capture: a callback destroyed while it
// runs would be seen by its own check afterwards.
struct alive_mark {
    std::shared_ptr<int> count;
    explicit alive_mark(std::shared_ptr<int> c) : count(std::move(c)) { ++*count; }
    alive_mark(alive_mark&& o) noexcept : count(o.count) { ++*count; }
    alive_mark(const alive_mark& o) : count(o.count) { ++*count; }
    alive_mark& operator=(const alive_mark&) = delete;
    ~alive_mark() { --*count; }
};
}  // namespace

TEST(Loop, AReaderRemovingItselfLivesUntilItReturns) {
    auto ab = stream_pair();
    ps::loop l;
    open_loop(l);
    auto live = std::make_shared<int>(0);
    std::error_code ec;
    int seen_after_remove = -1;
    std::string tail(64, 't');  // on the heap: asan sees a use after free
    std::string used;
    l.add_reader(ab.first, [&, mark = alive_mark(live), tail] {
        std::error_code rec;
        EXPECT_TRUE(l.remove_reader(ab.first, rec));
        ab.first.close();  // its handle may now be reused by a new reader
        auto cd = stream_pair();
        l.add_reader(cd.first, [] {}, rec);
        EXPECT_OK(rec);
        seen_after_remove = *mark.count;
        used = tail;  // the capture is still there
        EXPECT_TRUE(l.remove_reader(cd.first, rec));
    }, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(*live, 1);
    send_byte(ab.second);
    while (seen_after_remove < 0) run_once(l, 5.0);
    EXPECT_EQ(seen_after_remove, 1);
    EXPECT_EQ(used, tail);
    EXPECT_EQ(*live, 0);  // destroyed once it returned
}

TEST(Loop, AReaderReplacingItselfRunsToTheEndThenTheNewOneRuns) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::loop l;
    open_loop(l);
    auto live = std::make_shared<int>(0);
    std::error_code ec;
    std::string who;
    auto drain = [&a] {
        char c;
        std::error_code rec;
        a.recv_into(&c, 1, rec);
    };
    l.add_reader(a, [&, drain, mark = alive_mark(live), name = std::string("first")] {
        drain();
        std::error_code rec;
        l.add_reader(a, [&, drain] { who += "+second"; drain(); }, rec);
        l.add_reader(a, [&, drain] { who += "+third"; drain(); }, rec);  // replaces the replacement
        EXPECT_EQ(*mark.count, 1);
        who += name;
    }, ec);
    ASSERT_OK(ec);
    ps::socket& b = ab.second;
    send_byte(b);
    while (who.empty()) run_once(l, 5.0);
    EXPECT_EQ(*live, 0);
    send_byte(b);
    while (who.size() < std::string("first+third").size()) run_once(l, 5.0);
    EXPECT_EQ(who, "first+third");
    EXPECT_TRUE(l.remove_reader(a, ec));
}

TEST(Loop, AReaderAddingManyReadersKeepsRunning) {
    auto ab = stream_pair();
    ps::socket& a = ab.first;
    ps::loop l;
    open_loop(l);
    std::error_code ec;
    constexpr int many = 300;  // several times the slots first made
    std::vector<std::pair<ps::socket, ps::socket>> pairs;
    pairs.reserve(many);
    int others = 0;
    std::string name_after;
    l.add_reader(a, [&, name = std::string("adder")] {
        char c;
        std::error_code rec;
        a.recv_into(&c, 1, rec);
        for (int i = 0; i < many; ++i) {
            pairs.push_back(stream_pair());
            ps::socket* s = &pairs.back().first;
            l.add_reader(*s, [&, s] {
                char d;
                std::error_code r;
                s->recv_into(&d, 1, r);
                ++others;
            }, rec);
            ASSERT_OK(rec);
        }
        name_after = name;
    }, ec);
    ASSERT_OK(ec);
    send_byte(ab.second);
    while (name_after.empty()) run_once(l, 5.0);
    EXPECT_EQ(name_after, "adder");
    for (auto& p : pairs) send_byte(p.second);
    while (others < many) run_once(l, 5.0);
    EXPECT_EQ(others, many);
    for (auto& p : pairs) EXPECT_TRUE(l.remove_reader(p.first, ec));
    EXPECT_TRUE(l.remove_reader(a, ec));
}
