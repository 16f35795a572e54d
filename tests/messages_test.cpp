// Messages: sendmsg / recvmsg_into / recvmsg with scatter/gather and control
// data, the control-message reader and writer (their layout on 32-bit and
// big-endian systems too: run under qemu by the cross presets), descriptor
// passing (in this process and to a child), packet info on an any-address
// socket, truncation flags, and the limits.
#include "child_process.hpp"
#include "host.hpp"
#include "net.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using testsupport::loopback4;
using testsupport::loopback6;
namespace ps = portsock;

namespace {

ps::socket bound_udp(const ps::endpoint& where) {
    std::error_code ec;
    ps::socket s;
    s.open(where.family(), ps::type::dgram, 0, ec);
    if (!ec) s.bind(where, ec);
    EXPECT_OK(ec);
    if (!ec) s.settimeout(30.0, ec);  // a lost datagram fails the test, not hangs it
    return s;
}

#define PORTSOCK_REQUIRE_FD_PASSING()                                                             \
    if (!testsupport::passes_descriptors())                                                       \
    GTEST_SKIP() << "this system passes no descriptors over sockets (Windows: share/fromshare)"

std::pair<ps::socket, ps::socket> local_pair(ps::type t) {
    std::error_code ec;
    auto pair = ps::socketpair(ps::family::local, t, 0, ec);
    EXPECT_OK(ec);
    pair.first.settimeout(30.0, ec);
    pair.second.settimeout(30.0, ec);
    return pair;
}

}  // namespace

// The reader and writer, without the system ----------------------------------

TEST(Messages, CmsgSizesFollowTheSystemsLayout) {
    for (std::size_t n : {0u, 1u, 3u, 4u, 5u, 8u, 12u, 13u, 64u, 255u}) {
        EXPECT_LE(ps::cmsg_len(n), ps::cmsg_space(n)) << n;
        EXPECT_EQ(ps::cmsg_len(n) - ps::cmsg_len(0), n) << n;
        EXPECT_LE(ps::cmsg_space(n), ps::cmsg_space_bound(n)) << n;
        EXPECT_GE(ps::cmsg_space(n), ps::cmsg_space(0) + n) << n;
    }
}

TEST(Messages, WriterAndReaderRoundTripOddSizes) {
    ps::control_buffer<512> control;
    ps::cmsg_writer w(control.bytes, control.size);
    const std::string payloads[] = {"", "a", "abc", "abcdefghijkl", "0123456789abcdefghijklmnopqrstuvwxyz!"};
    std::error_code ec;
    std::size_t expected = 0;
    int type = 1;
    for (const std::string& p : payloads) {
        w.add(1000 + type, type, p.data(), p.size(), ec);
        ASSERT_OK(ec);
        expected += ps::cmsg_space(p.size());
        EXPECT_EQ(w.size(), expected);
        ++type;
    }
    std::size_t i = 0;
    for (const ps::cmsg& m : ps::cmsg_view(w.data(), w.size())) {
        ASSERT_LT(i, std::size(payloads));
        EXPECT_EQ(m.level, 1001 + static_cast<int>(i));
        EXPECT_EQ(m.type, 1 + static_cast<int>(i));
        EXPECT_EQ(std::string(static_cast<const char*>(m.data), m.size), payloads[i]);
        ++i;
    }
    EXPECT_EQ(i, std::size(payloads));
}

TEST(Messages, WriterRefusesWhatDoesNotFitAndKeepsWhatItHas) {
    ps::control_buffer<64> control;
    ps::cmsg_writer w(control.bytes, ps::cmsg_space(8));
    std::error_code ec;
    w.add(1, 2, "12345678", 8, ec);
    ASSERT_OK(ec);
    w.add(1, 2, "x", 1, ec);
    EXPECT_EQ(ec, ps::error::control_too_small);
    EXPECT_EQ(w.size(), ps::cmsg_space(8));
    std::size_t count = 0;
    for (const ps::cmsg& m : ps::cmsg_view(w.data(), w.size())) {
        EXPECT_EQ(std::string(static_cast<const char*>(m.data), m.size), "12345678");
        ++count;
    }
    EXPECT_EQ(count, 1u);
}

TEST(Messages, ReaderStopsAtAHeaderThatLies) {
    ps::control_buffer<128> control;
    ps::cmsg_writer w(control.bytes, control.size);
    std::error_code ec;
    w.add(1, 2, "abcd", 4, ec);
    ASSERT_OK(ec);
    // Cut short: one byte less than the message takes, then a header alone.
    std::size_t offset = 0;
    ps::cmsg m;
    EXPECT_FALSE(ps::cmsg_next(w.data(), ps::cmsg_len(4) - 1, offset, m));
    offset = 0;
    EXPECT_TRUE(ps::cmsg_next(w.data(), ps::cmsg_len(4), offset, m));
    EXPECT_FALSE(ps::cmsg_next(w.data(), ps::cmsg_len(4), offset, m));
    // A length field of all ones (at any offset the field may have) never
    // reads past the buffer.
    std::memset(control.bytes, 0xff, control.size);
    offset = 0;
    EXPECT_FALSE(ps::cmsg_next(control.bytes, 32, offset, m));
    std::memset(control.bytes, 0, control.size);
    offset = 0;
    EXPECT_FALSE(ps::cmsg_next(control.bytes, 32, offset, m));  // length 0 is shorter than a header
    EXPECT_FALSE(ps::cmsg_next(nullptr, 0, offset, m));
}

// Scatter/gather --------------------------------------------------------------

TEST(Messages, ScatterGatherOverUdp) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    const ps::endpoint to = b.getsockname(ec);
    const ps::const_buffer out[] = {{"head:", 5}, {"", 0}, {"body", 4}, {"!", 1}};
    EXPECT_EQ(a.sendmsg(out, 4, nullptr, 0, to, ec), 10u);
    ASSERT_OK(ec);
    char x[3], y[4], z[16];
    const ps::mutable_buffer in[] = {{x, sizeof x}, {y, sizeof y}, {z, sizeof z}};
    ps::recvmsg_result r = b.recvmsg_into(in, 3, nullptr, 0, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.nbytes, 10u);
    EXPECT_EQ(std::string(x, 3) + std::string(y, 4) + std::string(z, 3), "head:body!");
    EXPECT_EQ(r.address, a.getsockname(ec));
    EXPECT_EQ(r.msg_flags, ps::msg::none);
}

TEST(Messages, ScatterGatherOverAStream) {
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    b.settimeout(30.0, ec);
    const ps::const_buffer out[] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
    EXPECT_EQ(a.sendmsg(out, 3, ec), 13u);
    ASSERT_OK(ec);
    std::string got;
    while (got.size() < 13) {
        char p[5], q[32];
        const ps::mutable_buffer in[] = {{p, sizeof p}, {q, sizeof q}};
        ps::recvmsg_result r = b.recvmsg_into(in, 2, nullptr, 0, ec);
        ASSERT_OK(ec);
        ASSERT_GT(r.nbytes, 0u);
        got += std::string(p, std::min<std::size_t>(r.nbytes, 5));
        if (r.nbytes > 5) got += std::string(q, r.nbytes - 5);
    }
    EXPECT_EQ(got, "one two three");
}

TEST(Messages, MoreBuffersThanOneMessageTakesIsAnError) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    std::vector<ps::const_buffer> out(ps::max_buffers + 1, ps::const_buffer{"x", 1});
    EXPECT_EQ(a.sendmsg(out.data(), out.size(), nullptr, 0, a.getsockname(ec), ec), 0u);
    EXPECT_EQ(ec, ps::error::too_many_buffers);
    std::vector<char> bytes(ps::max_buffers + 1);
    std::vector<ps::mutable_buffer> in;
    for (char& c : bytes) in.push_back({&c, 1});
    a.recvmsg_into(in.data(), in.size(), nullptr, 0, ec);
    EXPECT_EQ(ec, ps::error::too_many_buffers);
    // max_buffers itself is fine.
    EXPECT_EQ(a.sendmsg(out.data(), ps::max_buffers, nullptr, 0, a.getsockname(ec), ec), ps::max_buffers);
    EXPECT_OK(ec);
    ps::recvmsg_result r = a.recvmsg_into(in.data(), ps::max_buffers, nullptr, 0, ec);
    EXPECT_OK(ec);
    EXPECT_EQ(r.nbytes, ps::max_buffers);
}

// Truncation flags and timeout modes ----------------------------------------------

TEST(Messages, ALongDatagramSetsTheTruncFlag) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    a.sendto("0123456789", 10, b.getsockname(ec), ec);
    ASSERT_OK(ec);
    char x[2], y[2];
    const ps::mutable_buffer in[] = {{x, 2}, {y, 2}};
    ps::recvmsg_result r = b.recvmsg_into(in, 2, nullptr, 0, ec);
    ASSERT_OK(ec);  // a flag, as Python's msg_flags, not an error
    EXPECT_EQ(r.nbytes, 4u);
    EXPECT_TRUE(has(r.msg_flags, ps::msg::trunc));
    EXPECT_EQ(std::string(x, 2) + std::string(y, 2), "0123");
}

TEST(Messages, TimeoutModesApply) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    char x[4];
    const ps::mutable_buffer in[] = {{x, 4}};
    a.setblocking(false, ec);
    a.recvmsg_into(in, 1, nullptr, 0, ec);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    a.settimeout(0.05, ec);
    a.recvmsg_into(in, 1, nullptr, 0, ec);
    EXPECT_EQ(ec, std::errc::timed_out);
    ps::socket closed;
    closed.recvmsg_into(in, 1, nullptr, 0, ec);
    EXPECT_EQ(ec, ps::error::not_open);
    closed.sendmsg(nullptr, 0, ec);
    EXPECT_EQ(ec, ps::error::not_open);
}

TEST(Messages, ResultFlagsAreNoInputFlags) {
    std::error_code ec;
    ps::socket a = bound_udp(loopback4());
    char x[4];
    const ps::mutable_buffer in[] = {{x, 4}};
    a.recvmsg_into(in, 1, nullptr, 0, ec, ps::msg::trunc);
    EXPECT_EQ(ec, ps::error::not_supported);
}

// Descriptors --------------------------------------------------------------------

TEST(Messages, DescriptorsPassWithinAProcessCloseOnExec) {
    PORTSOCK_REQUIRE_FD_PASSING();
    auto [a, b] = local_pair(ps::type::stream);
    ps::socket u = bound_udp(loopback4());
    std::error_code ec;
    const ps::endpoint u_address = u.getsockname(ec);
    const ps::native_handle_type fds[] = {u.fileno(), u.fileno(), u.fileno()};
    const ps::const_buffer out[] = {{"fds", 3}};
    EXPECT_EQ(a.send_fds(out, 1, fds, 3, ec), 3u);
    ASSERT_OK(ec);
    ps::recv_fds_data r = b.recv_fds(16, 4, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.data, "fds");
    ASSERT_EQ(r.fds.size(), 3u);
    EXPECT_FALSE(has(r.msg_flags, ps::msg::ctrunc));
    for (ps::native_handle_type fd : r.fds) {
        EXPECT_FALSE(testsupport::inheritable(fd));
        ps::socket s = ps::socket::from_handle(fd, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(s.type(), ps::type::dgram);
        EXPECT_EQ(s.getsockname(ec), u_address);
    }
}

TEST(Messages, TooFewDescriptorSlotsSetCtruncAndLeakNothing) {
    PORTSOCK_REQUIRE_FD_PASSING();
    auto [a, b] = local_pair(ps::type::dgram);
    ps::socket u = bound_udp(loopback4());
    std::error_code ec;
    const std::size_t before = testsupport::open_handle_count();
    const ps::native_handle_type fds[] = {u.fileno(), u.fileno(), u.fileno(), u.fileno(), u.fileno()};
    const ps::const_buffer out[] = {{"x", 1}};
    a.send_fds(out, 1, fds, 5, ec);
    ASSERT_OK(ec);
    char byte = 0;
    ps::native_handle_type got[1];
    ps::recv_fds_result r = b.recv_fds_into(&byte, 1, got, 1, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.nbytes, 1u);
    ASSERT_EQ(r.nfds, 1u);
    EXPECT_TRUE(has(r.msg_flags, ps::msg::ctrunc));
    EXPECT_EQ(testsupport::open_handle_count(), before + 1);
    ps::socket kept = ps::socket::from_handle(got[0], ec);
    ASSERT_OK(ec);
    kept.close();
    EXPECT_EQ(testsupport::open_handle_count(), before);
    // None at all asked for: all closed.
    a.send_fds(out, 1, fds, 2, ec);
    ASSERT_OK(ec);
    r = b.recv_fds_into(&byte, 1, got, 0, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.nfds, 0u);
    EXPECT_TRUE(has(r.msg_flags, ps::msg::ctrunc));
    EXPECT_EQ(testsupport::open_handle_count(), before);
}

TEST(Messages, ControlMessagesRoundTripThroughTheSystem) {
    PORTSOCK_REQUIRE_FD_PASSING();
    // Three descriptors (12 bytes: padded on 64-bit systems) and the
    // control buffer read with the generic reader and Python's recvmsg.
    auto [a, b] = local_pair(ps::type::dgram);
    ps::socket u = bound_udp(loopback4());
    std::error_code ec;
    ps::control_buffer<ps::cmsg_space_bound(3 * sizeof(int))> out_control;
    ps::cmsg_writer w(out_control.bytes, out_control.size);
    const ps::native_handle_type fds[] = {u.fileno(), u.fileno(), u.fileno()};
    w.add_fds(fds, 3, ec);
    ASSERT_OK(ec);
    const ps::const_buffer out[] = {{"ab", 2}, {"cd", 2}};
    a.sendmsg(out, 2, w.data(), w.size(), ps::endpoint{}, ec);
    ASSERT_OK(ec);
    ps::recvmsg_data r = b.recvmsg(16, ps::cmsg_space(3 * sizeof(int)), ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.data, "abcd");
    EXPECT_FALSE(has(r.msg_flags, ps::msg::ctrunc));
    ASSERT_EQ(r.ancdata.size(), 1u);
    ps::cmsg m{r.ancdata[0].level, r.ancdata[0].type, r.ancdata[0].data.data(), r.ancdata[0].data.size()};
    std::size_t count = 0;
    ASSERT_TRUE(ps::is_fds(m, count));
    ASSERT_EQ(count, 3u);
    for (std::size_t i = 0; i < count; ++i) {
        ps::native_handle_type fd = ps::read_fd(m, i);
        EXPECT_FALSE(testsupport::inheritable(fd));
        ps::socket s = ps::socket::from_handle(fd, ec);
        EXPECT_OK(ec);
        EXPECT_EQ(s.getsockname(ec), u.getsockname(ec));
    }
}

TEST(Messages, WithoutDescriptorPassingTheCallsSayNotSupported) {
    if (testsupport::passes_descriptors()) GTEST_SKIP() << "this system passes descriptors (tested above)";
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    const ps::native_handle_type fds[] = {a.fileno()};
    a.send_fds(nullptr, 0, fds, 1, ec);
    EXPECT_EQ(ec, ps::error::not_supported);
    char byte;
    ps::native_handle_type got[1];
    b.recv_fds_into(&byte, 1, got, 1, ec);
    EXPECT_EQ(ec, ps::error::not_supported);
}

TEST(Messages, ADescriptorPassesToAChildProcess) {
    PORTSOCK_REQUIRE_FD_PASSING();
    auto [channel, childs_end] = local_pair(ps::type::stream);
    auto [passed, mine] = local_pair(ps::type::stream);
    std::error_code ec;
    childs_end.set_inheritable(true, ec);
    ASSERT_OK(ec);
    testsupport::child_process child = testsupport::child_process::start(
        {PORTSOCK_DESCRIPTOR_CHILD, "recv_fds", std::to_string(childs_end.fileno())}, ec);
    ASSERT_OK(ec) << " starting " << PORTSOCK_DESCRIPTOR_CHILD;
    childs_end.close();
    const ps::native_handle_type fds[] = {passed.fileno()};
    const ps::const_buffer out[] = {{"!", 1}};
    channel.send_fds(out, 1, fds, 1, ec);
    ASSERT_OK(ec);
    passed.close();  // the child holds the only other copy now
    const std::optional<int> status = child.wait(30s);
    EXPECT_EQ(status, 0) << child.out() << child.err();
    EXPECT_NE(child.out().find("inheritable=0"), std::string::npos) << child.out();
    EXPECT_EQ(testsupport::read_all(mine), "passed\n");
}

// Packet info -------------------------------------------------------------------

TEST(Messages, PacketInfoTellsTheLocalAddressOfAnAnyAddressSocket) {
    if (!testsupport::loopback_is_all_of_127()) {
        GTEST_SKIP() << "this system answers on 127.0.0.1 alone (no 127.0.0.2 without an alias)";
    }
    std::error_code ec;
    ps::socket server = bound_udp(ps::endpoint::v4({0, 0, 0, 0}, 0));
    server.set_packet_info(true, ec);
    ASSERT_OK(ec);
    const std::uint16_t port = server.getsockname(ec).port();
    ps::socket client = bound_udp(loopback4());
    for (const std::uint8_t last : {std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{1}}) {
        const ps::endpoint to = ps::endpoint::v4({127, 0, 0, last}, port);
        client.sendto("ping", 4, to, ec);
        ASSERT_OK(ec);
        char buffer[16];
        ps::packet_info local;
        ps::recvfrom_result r = server.recvfrom_into(buffer, sizeof buffer, local, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(std::string(buffer, r.nbytes), "ping");
        EXPECT_EQ(r.address, client.getsockname(ec));
        EXPECT_EQ(local.local, ps::endpoint::v4({127, 0, 0, last}, 0)) << local.local.to_string();
        EXPECT_NE(local.interface_index, 0u);
        if (!testsupport::sends_from_a_chosen_address()) continue;
        // The answer comes from the address the client wrote to.
        server.sendto("pong", 4, r.address, local, ec);
        ASSERT_OK(ec);
        ps::recvfrom_result reply = client.recvfrom_into(buffer, sizeof buffer, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(std::string(buffer, reply.nbytes), "pong");
        EXPECT_EQ(reply.address, to);
    }
}

TEST(Messages, PacketInfoOverIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    std::error_code ec;
    ps::socket server = bound_udp(ps::endpoint::v6({}, 0));
    server.set_packet_info(true, ec);
    ASSERT_OK(ec);
    const std::uint16_t port = server.getsockname(ec).port();
    ps::socket client = bound_udp(loopback6());
    client.sendto("ping", 4, loopback6(port), ec);
    ASSERT_OK(ec);
    char buffer[16];
    ps::control_buffer<256> control;
    const ps::mutable_buffer in[] = {{buffer, sizeof buffer}};
    ps::recvmsg_result r = server.recvmsg_into(in, 1, control.bytes, control.size, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(r.nbytes, 4u);
    ps::packet_info local;
    bool found = false;
    for (const ps::cmsg& m : r.ancdata) found = found || ps::read_packet_info(m, local);
    ASSERT_TRUE(found);
    EXPECT_EQ(local.local, loopback6(0));
    if (!testsupport::sends_from_a_chosen_address()) return;
    server.sendto("pong", 4, r.address, local, ec);
    ASSERT_OK(ec);
    ps::recvfrom_result reply = client.recvfrom_into(buffer, sizeof buffer, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(reply.address, loopback6(port));
}

TEST(Messages, PacketInfoNeedsAnIpSocket) {
    PORTSOCK_REQUIRE_LOCAL();
    std::error_code ec;
    auto [a, b] = ps::socketpair(ps::family::local, ps::type::dgram, 0, ec);
    if (ec) GTEST_SKIP() << "no Unix datagram pairs here: " << ec.message();
    a.set_packet_info(true, ec);
    EXPECT_EQ(ec, ps::error::family_mismatch);
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Messages, ThrowingFormsNameTheCall) {
    ps::socket closed;
    try {
        closed.recvmsg(16);
        FAIL() << "no exception";
    } catch (const ps::socket_error& e) {
        EXPECT_NE(std::string(e.what()).find("recvmsg"), std::string::npos) << e.what();
    }
    try {
        closed.sendto("x", 1, loopback4(9), ps::packet_info{loopback4(), 0});
        FAIL() << "no exception";
    } catch (const ps::socket_error& e) {
        EXPECT_NE(std::string(e.what()).find("sendto 127.0.0.1:9"), std::string::npos) << e.what();
    }
    // A long datagram through the packet-info form: truncated_error, with
    // the bytes' count and the sender.
    ps::socket a = bound_udp(loopback4());
    ps::socket b = bound_udp(loopback4());
    std::error_code ec;
    a.sendto("0123456789", 10, b.getsockname(ec), ec);
    ASSERT_OK(ec);
    char buffer[4];
    ps::packet_info local;
    try {
        b.recvfrom_into(buffer, sizeof buffer, local);
        FAIL() << "no exception";
    } catch (const ps::truncated_error& e) {
        EXPECT_EQ(e.transferred(), 4u);
        EXPECT_EQ(e.sender(), a.getsockname(ec));
    }
}
#endif
