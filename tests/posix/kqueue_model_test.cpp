// The kqueue model's semantics (tests/support/posix/kqueue_model), each as
// kqueue(2) states it, with raw system calls: only the kqueue-on-linux
// preset builds this file. Windows has no kqueue, so there is no file of
// this name in tests/win32/.
#include <sys/event.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <utility>

namespace {

// An open descriptor, closed at the end of the scope.
struct fd_guard {
    int fd = -1;
    explicit fd_guard(int f) : fd(f) {}
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
};

std::pair<int, int> stream_pair() {
    int fds[2] = {-1, -1};
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0) << std::strerror(errno);
    return {fds[0], fds[1]};
}

int change(int kq, int fd, short filter, unsigned short flags, void* udata = nullptr) {
    struct kevent c;
    EV_SET(&c, static_cast<uintptr_t>(fd), filter, flags, 0, 0, udata);
    return ::kevent(kq, &c, 1, nullptr, 0, nullptr);
}

int wait_events(int kq, struct kevent* out, int room, long ms) {
    timespec t{ms / 1000, (ms % 1000) * 1000000};
    return ::kevent(kq, nullptr, 0, out, room, &t);
}

sockaddr_in loopback() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

}  // namespace

TEST(KqueueModel, ReadAndWriteAreSeparateFiltersOfOneDescriptor) {
    fd_guard kq(::kqueue());
    ASSERT_GE(kq.fd, 0);
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    ASSERT_EQ(::write(a, "abc", 3), 3);
    int tag = 0;
    ASSERT_EQ(change(kq.fd, b, EVFILT_READ, EV_ADD, &tag), 0);
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_ADD, &tag), 0);
    struct kevent out[4];
    ASSERT_EQ(wait_events(kq.fd, out, 4, 1000), 2);
    std::set<int> filters;
    for (int k = 0; k < 2; ++k) {
        EXPECT_EQ(out[k].ident, static_cast<uintptr_t>(b));
        EXPECT_EQ(out[k].udata, &tag);
        EXPECT_EQ(out[k].flags & (EV_EOF | EV_ERROR), 0);
        filters.insert(out[k].filter);
        if (out[k].filter == EVFILT_READ) {
            EXPECT_EQ(out[k].data, 3) << "data: the bytes that can be read";
        } else {
            EXPECT_GT(out[k].data, 0) << "data: the room in the send buffer";
        }
    }
    EXPECT_EQ(filters, (std::set<int>{EVFILT_READ, EVFILT_WRITE}));
    // Deleting one leaves the other.
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_DELETE), 0);
    ASSERT_EQ(wait_events(kq.fd, out, 4, 0), 1);
    EXPECT_EQ(out[0].filter, EVFILT_READ);
}

TEST(KqueueModel, AFailedChangeIsAnEventWithRoomElseTheCallFails) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    // No room: -1 with the error.
    errno = 0;
    EXPECT_EQ(change(kq.fd, b, EVFILT_READ, EV_DELETE), -1);
    EXPECT_EQ(errno, ENOENT) << "deleting a filter that was never added";
    // Room: the change comes back with EV_ERROR and the error in data, and
    // nothing is waited for.
    struct kevent c[2], out[2];
    EV_SET(&c[0], static_cast<uintptr_t>(b), EVFILT_WRITE, EV_ADD, 0, 0, nullptr);
    EV_SET(&c[1], static_cast<uintptr_t>(b), EVFILT_READ, EV_ENABLE, 0, 0, nullptr);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(::kevent(kq.fd, c, 2, out, 2, nullptr), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    EXPECT_EQ(out[0].filter, EVFILT_READ);
    EXPECT_NE(out[0].flags & EV_ERROR, 0);
    EXPECT_EQ(out[0].data, ENOENT);
    // The change before it was made.
    ASSERT_EQ(wait_events(kq.fd, out, 2, 0), 1);
    EXPECT_EQ(out[0].filter, EVFILT_WRITE);
    // A descriptor that is not open: EBADF.
    EXPECT_EQ(change(kq.fd, 1000000, EVFILT_READ, EV_ADD), -1);
    EXPECT_EQ(errno, EBADF);
}

TEST(KqueueModel, ReceiptAnswersEveryChangeAndDrainsNothing) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    struct kevent c[2], out[2];
    EV_SET(&c[0], static_cast<uintptr_t>(b), EVFILT_WRITE, EV_ADD | EV_RECEIPT, 0, 0, nullptr);
    EV_SET(&c[1], static_cast<uintptr_t>(b), EVFILT_READ, EV_DELETE | EV_RECEIPT, 0, 0, nullptr);
    ASSERT_EQ(::kevent(kq.fd, c, 2, out, 2, nullptr), 2);
    EXPECT_NE(out[0].flags & EV_ERROR, 0);
    EXPECT_EQ(out[0].data, 0);
    EXPECT_NE(out[1].flags & EV_ERROR, 0);
    EXPECT_EQ(out[1].data, ENOENT);
    ASSERT_EQ(wait_events(kq.fd, out, 2, 0), 1) << "the writable socket is still there to be reported";
}

TEST(KqueueModel, DisabledFiltersAreKeptButNotReported) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    struct kevent out[2];
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_ADD | EV_DISABLE), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 50), 0);
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_ENABLE), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 1);
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_DISABLE), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 0);
}

TEST(KqueueModel, LevelTriggeredUnlessOneshotOrClear) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    struct kevent out[2];
    ASSERT_EQ(::write(a, "x", 1), 1);
    ASSERT_EQ(change(kq.fd, b, EVFILT_READ, EV_ADD), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 1);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 1) << "level-triggered: still unread, so reported again";
    // EV_ONESHOT: reported once, then gone.
    ASSERT_EQ(change(kq.fd, b, EVFILT_READ, EV_ADD | EV_ONESHOT), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 1);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 0);
    EXPECT_EQ(change(kq.fd, b, EVFILT_READ, EV_DELETE), -1);
    EXPECT_EQ(errno, ENOENT);
    // EV_CLEAR: reported again only when its state changes.
    ASSERT_EQ(change(kq.fd, b, EVFILT_READ, EV_ADD | EV_CLEAR), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 1);
    EXPECT_EQ(wait_events(kq.fd, out, 2, 0), 0);
    ASSERT_EQ(::write(a, "y", 1), 1);
    ASSERT_EQ(wait_events(kq.fd, out, 2, 1000), 1);
    EXPECT_EQ(out[0].data, 2);
}

TEST(KqueueModel, WhatAShortEventlistLeavesOutComesNext) {
    fd_guard kq(::kqueue());
    constexpr int count = 4;
    std::pair<int, int> pairs[count];
    for (auto& p : pairs) {
        p = stream_pair();
        ASSERT_EQ(change(kq.fd, p.first, EVFILT_WRITE, EV_ADD), 0);
    }
    std::set<uintptr_t> seen;
    struct kevent out[1];
    for (int round = 0; round < count; ++round) {
        ASSERT_EQ(wait_events(kq.fd, out, 1, 0), 1);
        seen.insert(out[0].ident);
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(count)) << "every ready filter within as many waits";
    for (auto& p : pairs) {
        ::close(p.first);
        ::close(p.second);
    }
}

TEST(KqueueModel, PeerCloseIsEndOfFileOnTheReadFilter) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard gb(b);
    ASSERT_EQ(change(kq.fd, b, EVFILT_READ, EV_ADD), 0);
    ::close(a);
    struct kevent out[2];
    ASSERT_EQ(wait_events(kq.fd, out, 2, 1000), 1);
    EXPECT_NE(out[0].flags & EV_EOF, 0);
    EXPECT_EQ(out[0].fflags, 0u) << "no socket error: an orderly close";
    EXPECT_EQ(out[0].data, 0);
}

TEST(KqueueModel, ARefusedConnectIsEndOfFileWithTheErrorAndSoErrorStillTellsIt) {
    fd_guard holder(::socket(AF_INET, SOCK_STREAM, 0));  // bound, not listening
    sockaddr_in a = loopback();
    ASSERT_EQ(::bind(holder.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t size = sizeof a;
    ASSERT_EQ(::getsockname(holder.fd, reinterpret_cast<sockaddr*>(&a), &size), 0);
    fd_guard client(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    const int r = ::connect(client.fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ASSERT_TRUE(r < 0 && errno == EINPROGRESS) << std::strerror(errno);
    fd_guard kq(::kqueue());
    ASSERT_EQ(change(kq.fd, client.fd, EVFILT_WRITE, EV_ADD), 0);
    struct kevent out[1];
    ASSERT_EQ(wait_events(kq.fd, out, 1, 5000), 1);
    EXPECT_NE(out[0].flags & EV_EOF, 0);
    EXPECT_EQ(out[0].fflags, static_cast<uint32_t>(ECONNREFUSED));
    int error = 0;
    size = sizeof error;
    ASSERT_EQ(::getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &size), 0);
    EXPECT_EQ(error, ECONNREFUSED) << "reporting the error must not consume it";
}

TEST(KqueueModel, AListenersDataIsItsBacklog) {
    fd_guard server(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in a = loopback();
    ASSERT_EQ(::bind(server.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t size = sizeof a;
    ASSERT_EQ(::getsockname(server.fd, reinterpret_cast<sockaddr*>(&a), &size), 0);
    ASSERT_EQ(::listen(server.fd, 8), 0);
    fd_guard c1(::socket(AF_INET, SOCK_STREAM, 0)), c2(::socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_EQ(::connect(c1.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::connect(c2.fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    fd_guard kq(::kqueue());
    ASSERT_EQ(change(kq.fd, server.fd, EVFILT_READ, EV_ADD), 0);
    struct kevent out[1];
    ASSERT_EQ(wait_events(kq.fd, out, 1, 5000), 1);
    EXPECT_EQ(out[0].data, 2) << "two connections wait to be accepted";
}

TEST(KqueueModel, ClosingADescriptorRemovesItsFilters) {
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    fd_guard ga(a);
    ASSERT_EQ(change(kq.fd, b, EVFILT_WRITE, EV_ADD), 0);
    ::close(b);
    struct kevent out[1];
    EXPECT_EQ(wait_events(kq.fd, out, 1, 0), 0) << "a closed descriptor is not reported";
    // The same number for a new socket: no filter of the old one is left.
    auto [c, d] = stream_pair();
    fd_guard gc(c), gd(d);
    const int reused = c == b ? c : d == b ? d : -1;
    if (reused < 0) GTEST_SKIP() << "the kernel did not hand out descriptor " << b << " again";
    EXPECT_EQ(change(kq.fd, reused, EVFILT_WRITE, EV_DELETE), -1);
    EXPECT_EQ(errno, ENOENT);
}

TEST(KqueueModel, TimeoutsAreTimespecsAndNullWaitsForAnEvent) {
    fd_guard kq(::kqueue());
    struct kevent out[1];
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(wait_events(kq.fd, out, 1, 0), 0);
    EXPECT_EQ(wait_events(kq.fd, out, 1, 100), 0);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
    // A null timeout waits until an event comes (from a change made here).
    auto [a, b] = stream_pair();
    fd_guard ga(a), gb(b);
    struct kevent c;
    EV_SET(&c, static_cast<uintptr_t>(b), EVFILT_WRITE, EV_ADD, 0, 0, nullptr);
    EXPECT_EQ(::kevent(kq.fd, &c, 1, out, 1, nullptr), 1);
    // A bad timespec, a bad queue.
    timespec bad{0, 1000000000};
    EXPECT_EQ(::kevent(kq.fd, nullptr, 0, out, 1, &bad), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(::kevent(gb.fd, nullptr, 0, out, 1, nullptr), -1);
    EXPECT_EQ(errno, EBADF);
}

TEST(KqueueModel, ADescriptorsTwoFiltersComeApartWhenOthersAreReady) {
    // kqueue returns events in the order they became active, so one
    // descriptor's read and write events need not be next to each other.
    // The model parts them on purpose (every write filter before every read
    // filter): a backend that merges only neighbours fails its contract test.
    fd_guard kq(::kqueue());
    auto [a, b] = stream_pair();
    auto [c, d] = stream_pair();
    fd_guard ga(a), gb(b), gc(c), gd(d);
    ASSERT_EQ(::write(a, "x", 1), 1);
    ASSERT_EQ(::write(c, "x", 1), 1);
    for (int fd : {b, d}) {
        ASSERT_EQ(change(kq.fd, fd, EVFILT_READ, EV_ADD), 0);
        ASSERT_EQ(change(kq.fd, fd, EVFILT_WRITE, EV_ADD), 0);
    }
    struct kevent out[4];
    ASSERT_EQ(wait_events(kq.fd, out, 4, 1000), 4);
    for (int k = 0; k + 1 < 4; ++k) {
        EXPECT_FALSE(out[k].ident == out[k + 1].ident) << "events " << k << " and " << k + 1 << " are the same descriptor's";
    }
}
