// Which Windows poller a poller uses (platform/win32/poller.cpp): AFD by
// default, select when PORTSOCK_WINDOWS_POLLER=select. Seen from outside by
// what a new poller holds: the select poller wakes through loopback UDP
// sockets of its own, the AFD poller holds the AFD device and a completion
// port and no socket. POSIX chooses its poller when it is built
// (PORTSOCK_POLLER), so this suite has no POSIX twin.
#include "host.hpp"
#include "net.hpp"

// winsock2.h before windows.h, which would bring the old winsock.h.
#include <winsock2.h>

#include <windows.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace ps = portsock;

namespace {

// Sets (or, with nullopt, unsets) the variable for this scope: the test
// runs once as it is and once under ctest with it set (the select. tests).
class scoped_poller_variable {
public:
    explicit scoped_poller_variable(const wchar_t* value) {
        wchar_t old[64];
        const DWORD n = ::GetEnvironmentVariableW(name, old, 64);
        if (n > 0 && n < 64) saved_ = std::wstring(old, n);
        ::SetEnvironmentVariableW(name, value);
    }
    ~scoped_poller_variable() { ::SetEnvironmentVariableW(name, saved_ ? saved_->c_str() : nullptr); }
    scoped_poller_variable(const scoped_poller_variable&) = delete;
    scoped_poller_variable& operator=(const scoped_poller_variable&) = delete;

private:
    static constexpr const wchar_t* name = L"PORTSOCK_WINDOWS_POLLER";
    std::optional<std::wstring> saved_;
};

bool is_socket(ps::native_handle_type h) {
    int type = 0;
    int size = sizeof type;
    return ::getsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &size) ==
           0;
}

struct opened_by_poller {
    std::size_t handles = 0;
    std::size_t sockets = 0;
};

// What opening a poller opens (a first poller has started Winsock already).
opened_by_poller open_and_count(ps::poller& p) {
    std::error_code ec;
    {
        ps::poller warm_up;
        warm_up.open(ec);
        EXPECT_OK(ec);
    }
    const std::vector<ps::native_handle_type> before = testsupport::open_handles();
    p.open(ec);
    EXPECT_OK(ec);
    const std::vector<ps::native_handle_type> after = testsupport::open_handles();
    std::vector<ps::native_handle_type> opened;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(opened));
    opened_by_poller count;
    count.handles = opened.size();
    for (ps::native_handle_type h : opened) {
        if (is_socket(h)) ++count.sockets;
    }
    return count;
}

// The poller works, whichever it is: a connected socket is writable.
void expect_it_polls(ps::poller& p) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    p.add(client, ps::event::writable, 5, ec);
    ASSERT_OK(ec);
    std::array<ps::poll_event, 4> ready;
    ASSERT_EQ(p.wait(ready, 20.0, ec), 1u);
    EXPECT_EQ(ready[0].tag, 5u);
    EXPECT_EQ(ready[0].events, ps::event::writable);
}

}  // namespace

TEST(PollerChoice, AfdByDefault) {
    const scoped_poller_variable unset(nullptr);
    ps::poller p;
    const opened_by_poller opened = open_and_count(p);
    EXPECT_GE(opened.handles, 2u) << "the AFD poller holds the device and a completion port";
    EXPECT_EQ(opened.sockets, 0u) << "the default poller holds a socket: it is select, not AFD";
    expect_it_polls(p);
}

TEST(PollerChoice, SelectWhenTheEnvironmentSaysSo) {
    const scoped_poller_variable select(L"select");
    ps::poller p;
    const opened_by_poller opened = open_and_count(p);
    EXPECT_GE(opened.sockets, 2u)
        << "PORTSOCK_WINDOWS_POLLER=select, but the poller holds no wake-up sockets";
    expect_it_polls(p);
}

TEST(PollerChoice, AnyOtherValueMeansTheDefault) {
    const scoped_poller_variable other(L"epoll");
    ps::poller p;
    EXPECT_EQ(open_and_count(p).sockets, 0u) << "an unknown value must leave the default (AFD)";
    expect_it_polls(p);
}
