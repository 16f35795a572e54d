// Descriptors, as Python's socket module has them: dup, inheritance (shown
// with a child process), a socket made from a handle that learns what it is
// from the system, and share / fromshare where the system has them.
#include "child_process.hpp"
#include "host.hpp"
#include "net.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ps = portsock;
using namespace std::chrono_literals;

TEST(Descriptors, DupIsASecondSocketForTheSameConnection) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(5.0, ec);
    ps::socket copy = client.dup(ec);
    ASSERT_OK(ec);
    EXPECT_NE(copy.fileno(), client.fileno());
    EXPECT_EQ(copy.family(), client.family());
    EXPECT_EQ(copy.type(), client.type());
    EXPECT_EQ(copy.proto(), client.proto());
    EXPECT_EQ(copy.gettimeout(), 5.0);
    EXPECT_FALSE(testsupport::inheritable(copy.fileno())) << "a dup is not inherited, as Python's";
    // The connection outlives the original: the copy still sends.
    client.close();
    copy.sendall("dup", 3, ec);
    ASSERT_OK(ec);
    char buffer[3];
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 3u);
    EXPECT_EQ(std::string(buffer, 3), "dup");
    ps::socket closed;
    closed.dup(ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, SocketsAreNotInheritedUnlessAsked) {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(s.get_inheritable(ec));
    ASSERT_OK(ec);
    s.set_inheritable(true, ec);
    ASSERT_OK(ec);
    EXPECT_TRUE(s.get_inheritable(ec));
    EXPECT_TRUE(testsupport::inheritable(s.fileno())) << "the system agrees";
    s.set_inheritable(false, ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(s.get_inheritable(ec));
    EXPECT_FALSE(testsupport::inheritable(s.fileno()));
    ps::socket closed;
    closed.set_inheritable(true, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, ASocketFromAHandleLearnsWhatItIs) {
    // Python's socket(fileno=fd): the family, type and protocol come from
    // the system, not from the caller.
    std::error_code ec;
    ps::socket udp;
    udp.open(ps::family::inet, ps::type::dgram, 0, ec);
    udp.bind(testsupport::loopback4(), ec);
    ASSERT_OK(ec);
    const ps::endpoint address = udp.getsockname(ec);
    ps::socket again = ps::socket::from_handle(udp.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(again.family(), ps::family::inet);
    EXPECT_EQ(again.type(), ps::type::dgram);
    // macOS has no SO_PROTOCOL and says nothing: 0 there.
    EXPECT_TRUE(again.proto() == ps::ipproto::udp || again.proto() == 0) << again.proto();
    EXPECT_EQ(again.getsockname(ec), address);
    EXPECT_EQ(again.gettimeout(), std::nullopt) << "blocking, as a new socket";

    ps::socket tcp;
    tcp.open(ps::family::inet, ps::type::stream, 0, ec);
    tcp.setblocking(false, ec);
    ps::socket tcp_again = ps::socket::from_handle(tcp.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(tcp_again.type(), ps::type::stream);
    EXPECT_TRUE(tcp_again.getblocking()) << "a handle that came non-blocking starts in the default mode";

    ps::socket::from_handle(ps::invalid_native_handle, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Descriptors, AUnixSocketFromAHandleIsLocal) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    ps::socket again = ps::socket::from_handle(a.release(), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(again.family(), ps::family::local);
    EXPECT_EQ(again.type(), ps::type::dgram);
}

TEST(Descriptors, ShareToThisProcessThenFromshareCarriesTheConnection) {
    // Python's testShareLocal: share with this process's own id.
    if (!testsupport::has_share()) {
        GTEST_SKIP() << "this system hands sockets to a process by inheritance, not by id (no share)";
    }
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(5.0, ec);
    const std::string data = client.share(testsupport::current_process_id(), ec);
    ASSERT_OK(ec);
    EXPECT_FALSE(data.empty());
    ps::socket again = ps::socket::fromshare(data, ec);
    ASSERT_OK(ec);
    EXPECT_NE(again.fileno(), client.fileno());
    EXPECT_EQ(again.family(), ps::family::inet);
    EXPECT_EQ(again.type(), ps::type::stream);
    EXPECT_EQ(again.proto(), ps::ipproto::tcp) << "the protocol the system reports";
    EXPECT_EQ(again.gettimeout(), std::nullopt) << "the default mode, as a new socket";
    EXPECT_FALSE(testsupport::inheritable(again.fileno())) << "not inherited, as Python's";
    EXPECT_EQ(again.getpeername(ec), client.getpeername(ec));
    // The connection outlives the original: the shared socket still sends.
    client.close();
    again.sendall("shared", 6, ec);
    ASSERT_OK(ec);
    char buffer[6];
    EXPECT_EQ(server.recv_into(buffer, sizeof buffer, ec, ps::msg::waitall), 6u);
    EXPECT_EQ(std::string(buffer, 6), "shared");
}

TEST(Descriptors, ShareIsNotSupportedWhereTheSystemHasNone) {
    if (testsupport::has_share()) GTEST_SKIP() << "this system has share / fromshare";
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    const std::string data = client.share(testsupport::current_process_id(), ec);
    EXPECT_EQ(ec, ps::error::not_supported);
    EXPECT_EQ(ec, std::errc::operation_not_supported);
    EXPECT_TRUE(data.empty());
    ps::socket again = ps::socket::fromshare(std::string(64, 'x'), ec);
    EXPECT_EQ(ec, ps::error::not_supported);
    EXPECT_FALSE(again.is_open());
    // The socket is untouched.
    client.sendall("still", 5, ec);
    EXPECT_OK(ec);
}

TEST(Descriptors, FromshareRefusesDataShareDidNotMake) {
    std::error_code ec;
    ps::socket s = ps::socket::fromshare("not a shared socket", ec);
    EXPECT_EQ(ec, testsupport::has_share() ? ps::error::bad_share_data : ps::error::not_supported);
    EXPECT_FALSE(s.is_open());
    ps::socket::fromshare({}, ec);
    EXPECT_EQ(ec, testsupport::has_share() ? ps::error::bad_share_data : ps::error::not_supported);
    ps::socket closed;
    EXPECT_TRUE(closed.share(testsupport::current_process_id(), ec).empty());
    EXPECT_EQ(ec, ps::error::not_open);
#if PORTSOCK_HAS_EXCEPTIONS
    try {
        ps::socket::fromshare("not a shared socket");
        FAIL() << "fromshare took 19 bytes";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(std::string(e.what()), "fromshare of 19 bytes: " + e.code().message());
    }
#endif
}

namespace {

struct child_outcome {
    std::optional<int> status;
    std::string output;
};

// Starts tests/support/descriptor_child.cpp to take `s` by inheritance, with
// `s`'s handle number, then closes this process's copy of the socket: the
// child holds the only other one, if it inherited it. Waits for its exit.
child_outcome hand_to_child(ps::socket& s) {
    std::error_code ec;
    testsupport::child_process child =
        testsupport::child_process::start({PORTSOCK_DESCRIPTOR_CHILD, "inherit", std::to_string(s.fileno())}, ec);
    EXPECT_OK(ec) << " starting " << PORTSOCK_DESCRIPTOR_CHILD;
    s.close();
    child.close_stdin();
    child_outcome outcome;
    outcome.status = child.wait(30s);
    outcome.output = child.out() + child.err();
    return outcome;
}

std::string hex(const std::string& data) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : data) {
        out += digits[static_cast<unsigned char>(c) >> 4];
        out += digits[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

}  // namespace

TEST(Descriptors, AChildProcessInheritsASocketMarkedInheritable) {
    if (!testsupport::children_use_inherited_sockets()) {
        GTEST_SKIP() << "wine hands an inherited socket handle to the child, but its Winsock calls it no "
                        "socket there";
    }
    auto [mine, peer] = testsupport::tcp_pair();
    std::error_code ec;
    peer.settimeout(30.0, ec);  // a child that never sends fails the test, not hangs it
    mine.set_inheritable(true, ec);
    ASSERT_OK(ec);
    const child_outcome child = hand_to_child(mine);
    EXPECT_EQ(child.status, 0) << child.output;
    // The child's words, then end-of-stream once its copy closed at its exit.
    EXPECT_EQ(testsupport::read_all(peer), "inherited\n");
}

TEST(Descriptors, AChildProcessDoesNotInheritASocketByDefault) {
    auto [mine, peer] = testsupport::tcp_pair();
    std::error_code ec;
    peer.settimeout(30.0, ec);
    EXPECT_FALSE(mine.get_inheritable(ec));
    const child_outcome child = hand_to_child(mine);
    EXPECT_EQ(child.status, 3) << "the child should find no socket by that number: " << child.output;
    // No process holds the socket now that this one closed its copy: the
    // peer reads end-of-stream, and nothing before it.
    EXPECT_EQ(testsupport::read_all(peer), "");
}

TEST(Descriptors, AChildProcessTakesASocketSharedWithIt) {
    // Python's testShare: share with another process's id, which makes its
    // socket by fromshare.
    if (!testsupport::has_share()) {
        GTEST_SKIP() << "this system hands sockets to a process by inheritance, not by id (no share)";
    }
    auto [mine, peer] = testsupport::tcp_pair();
    std::error_code ec;
    peer.settimeout(30.0, ec);
    testsupport::child_process child =
        testsupport::child_process::start({PORTSOCK_DESCRIPTOR_CHILD, "fromshare"}, ec);
    ASSERT_OK(ec) << " starting " << PORTSOCK_DESCRIPTOR_CHILD;
    const std::optional<std::string> pid = child.read_line(30s);
    ASSERT_TRUE(pid) << "the child said no process id: " << child.err();
    const std::string data = mine.share(static_cast<std::uint32_t>(std::stoul(*pid)), ec);
    ASSERT_OK(ec);
    mine.close();  // as Python says: safe once shared, the system holds the child's copy
    EXPECT_TRUE(child.write_stdin(hex(data) + "\n"));
    child.close_stdin();
    EXPECT_EQ(child.wait(30s), 0) << child.out() << child.err();
    EXPECT_EQ(testsupport::read_all(peer), "shared\n");
}
