// The rules of the platform contract (core/src/sys.hpp) that the pollers
// keep, checked through the public poller on whichever backend and poller
// this build has (epoll, kqueue, poll, select): one poll_event per socket per
// wait, and the poller's own descriptors not inherited by a child process.
#include "host.hpp"
#include "net.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <set>
#include <utility>
#include <vector>

namespace ps = portsock;
using testsupport::tcp_pair;

namespace {

// How long a test waits for loopback data to arrive before it gives up.
constexpr double patience_seconds = 10.0;

}  // namespace

TEST(Contract, OneEventPerSocketPerWait) {
    // Several sockets, each readable (data waits) and writable (its buffer
    // is empty) at once, registered for both: every wait reports each
    // socket at most once, and once all are ready, in one event carrying both.
    constexpr std::size_t sockets = 8;
    std::vector<std::pair<ps::socket, ps::socket>> pairs;
    std::error_code ec;
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    for (std::size_t k = 0; k < sockets; ++k) {
        pairs.push_back(tcp_pair());
        pairs.back().first.sendall("x", 1, ec);
        ASSERT_OK(ec);
        p.add(pairs.back().second, ps::event::readable | ps::event::writable, k, ec);
        ASSERT_OK(ec);
    }
    const ps::event both = ps::event::readable | ps::event::writable;
    std::array<ps::poll_event, 4 * sockets> ready;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(patience_seconds);
    bool all_both = false;
    while (!all_both && std::chrono::steady_clock::now() < give_up) {
        const std::size_t n = p.wait(ready, patience_seconds, ec);
        ASSERT_OK(ec);
        std::set<std::uint64_t> seen;
        std::size_t with_both = 0;
        for (std::size_t k = 0; k < n; ++k) {
            EXPECT_LT(ready[k].tag, sockets);
            EXPECT_TRUE(seen.insert(ready[k].tag).second) << "socket " << ready[k].tag << " twice in one wait";
            if ((ready[k].events & both) == both) ++with_both;
        }
        all_both = with_both == sockets;
    }
    EXPECT_TRUE(all_both) << "no wait reported every socket readable and writable in one event each";
}

TEST(Contract, OneEventPerSocketPerWaitWithRoomForOne) {
    // With room for one event only, a socket ready both ways still fills it
    // with one event carrying both, not with half of its readiness.
    auto [client, server] = tcp_pair();
    std::error_code ec;
    client.sendall("x", 1, ec);
    ASSERT_OK(ec);
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    p.add(server, ps::event::readable | ps::event::writable, 7, ec);
    ASSERT_OK(ec);
    const ps::event both = ps::event::readable | ps::event::writable;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(patience_seconds);
    std::array<ps::poll_event, 1> ready;
    while (std::chrono::steady_clock::now() < give_up) {
        const std::size_t n = p.wait(ready, patience_seconds, ec);
        ASSERT_OK(ec);
        ASSERT_EQ(n, 1u);
        EXPECT_EQ(ready[0].tag, 7u);
        if ((ready[0].events & both) == both) return;
    }
    ADD_FAILURE() << "the socket was never reported readable and writable at once";
}

TEST(Contract, PollerHandlesAreNotInheritable) {
    std::error_code ec;
    {
        // A first poller starts whatever the system starts once (Winsock,
        // for one), so that the handles compared below are the poller's.
        ps::poller warm_up;
        warm_up.open(ec);
        ASSERT_OK(ec);
    }
    const std::vector<ps::native_handle_type> before = testsupport::open_handles();
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    const std::vector<ps::native_handle_type> after = testsupport::open_handles();
    std::vector<ps::native_handle_type> opened;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(opened));
    // Every poller holds at least one descriptor of its own (an epoll or
    // kqueue, a wake-up pipe or socket).
    EXPECT_FALSE(opened.empty()) << "opening a poller opened no handle";
    for (ps::native_handle_type h : opened) {
        EXPECT_FALSE(testsupport::inheritable(h)) << "the poller's handle " << h << " is inheritable";
    }
}
