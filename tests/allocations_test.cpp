// The data path allocates nothing: this binary counts every operator new and
// asserts that a loop of send / recv_into / sendto / recvfrom_into / accept /
// poller.wait / connect made none, nor lines and numbers through a socketstream.
#include "counting_new.hpp"  // counting, allocations: every operator new counted
#include "host.hpp"
#include "net.hpp"

namespace ps = portsock;

TEST(Allocations, NoneOnTheDataPath) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    const ps::endpoint address = server.getsockname(ec);
    ps::socket udp_a, udp_b;
    udp_a.open(ps::family::inet, ps::type::dgram, 0, ec);
    udp_b.open(ps::family::inet, ps::type::dgram, 0, ec);
    udp_a.bind(testsupport::loopback4(), ec);
    udp_b.bind(testsupport::loopback4(), ec);
    const ps::endpoint to_b = udp_b.getsockname(ec);
    ps::poller p;
    p.open(ec);
    ASSERT_OK(ec);
    p.add(udp_b, ps::event::readable, 1, ec);
    ps::socket clients[8];
    for (ps::socket& c : clients) c.open(ps::family::inet, ps::type::stream, 0, ec);  // opening may allocate
    ASSERT_OK(ec);
    char buffer[256] = "message";
    std::array<ps::poll_event, 4> ready;

    allocations = 0;

    counting = true;
    for (ps::socket& c : clients) {
        c.connect(address, ec);
        auto [conn, peer] = server.accept(ec);
        c.send(buffer, 64, ec);
        conn.recv_into(buffer, 64, ec, ps::msg::waitall);
        conn.sendall(buffer, 64, ec);
        c.recv_into(buffer, 64, ec, ps::msg::waitall);
        udp_a.sendto(buffer, 32, to_b, ec);
        p.wait(ready, 5.0, ec);
        auto [n, from] = udp_b.recvfrom_into(buffer, sizeof buffer, ec);
        udp_b.sendto(buffer, n, from, ec);
        udp_a.recvfrom_into(buffer, sizeof buffer, ec);
        c.getsockname(ec);
        conn.getpeername(ec);
        if (ec) break;
    }
    counting = false;
    EXPECT_OK(ec);
    EXPECT_EQ(allocations.load(), 0u);
}

TEST(Allocations, NoneThroughASocketstream) {
    // Once the streams exist, lines go both ways without an allocation: the
    // buffers' areas are inside them. (Numbers are written, not read back:
    // reading one is the standard library's num_get, which allocates in
    // MinGW's libstdc++.)
    auto [client, server] = testsupport::tcp_pair();
    ps::socketstream near{client};
    ps::socketstream far{server};
    std::string line;
    line.reserve(64);
    allocations = 0;
    counting = true;
    for (int i = 0; i < 100; ++i) {
        near << "request " << i << '\n' << std::flush;
        std::getline(far, line);
        far << line << " done\n" << std::flush;
        std::getline(near, line);
    }
    counting = false;
    EXPECT_TRUE(near.good() && far.good());
    EXPECT_EQ(line, "request 99 done");
    EXPECT_EQ(allocations.load(), 0u);
}

TEST(Allocations, TheCounterSeesAnAllocation) {
    // Proof that the count above would see one: the allocating convenience
    // form recv(bufsize) returns a new string. Both the buffer asked for and
    // the text received are far beyond any library's small-string buffer
    // (libc++ keeps up to 22 characters inline, libstdc++ and MSVC 15), so
    // the string cannot live inline anywhere.
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    const std::string sent(100, 'x');
    client.sendall(sent.data(), sent.size(), ec);
    ASSERT_OK(ec);
    allocations = 0;
    counting = true;
    const std::string got = server.recv(4096, ec);
    counting = false;
    EXPECT_OK(ec);
    EXPECT_EQ(got, sent);
    EXPECT_GE(allocations.load(), 1u);
}

TEST(Allocations, NoneInDatagramBatches) {
    std::error_code ec;
    ps::socket a, b;
    a.open(ps::family::inet, ps::type::dgram, 0, ec);
    b.open(ps::family::inet, ps::type::dgram, 0, ec);
    a.bind(testsupport::loopback4(), ec);
    b.bind(testsupport::loopback4(), ec);
    const ps::endpoint to_b = b.getsockname(ec);
    b.settimeout(10.0, ec);
    ASSERT_OK(ec);
    char buffers[4][64] = {"one", "two", "three", "four"};
    ps::datagram out[4], in[4];
    for (std::size_t k = 0; k < 4; ++k) {
        out[k].buffer(buffers[k], 8);
        out[k].peer = ps::peer_address::from_endpoint(to_b, ec);
        in[k].buffer(buffers[k], sizeof buffers[k]);
    }
    ASSERT_OK(ec);
    allocations = 0;
    counting = true;
    for (int round = 0; round < 8 && !ec; ++round) {
        a.send_many(out, 4, ec);
        for (std::size_t got = 0; got < 4 && !ec;) got += b.recv_many(in + got, 4 - got, ec);
        for (ps::datagram& d : in) d.size = d.nbytes;
        b.send_many(in, 4, ec);  // back to the senders, as received
        for (ps::datagram& d : in) d.size = sizeof buffers[0];
        for (int k = 0; k < 4 && !ec; ++k) a.recv_into(buffers[0], 8, ec);
    }
    counting = false;
    EXPECT_OK(ec);
    EXPECT_EQ(allocations.load(), 0u);
}

TEST(Allocations, NoneInTheMessageCalls) {
    // sendmsg / recvmsg_into with scatter/gather and control data, packet
    // info both ways, and descriptor passing where the system has it: the
    // control buffers are the caller's or on the stack.
    std::error_code ec;
    ps::socket a, b;
    a.open(ps::family::inet, ps::type::dgram, 0, ec);
    b.open(ps::family::inet, ps::type::dgram, 0, ec);
    a.bind(testsupport::loopback4(), ec);
    b.bind(ps::endpoint::v4({0, 0, 0, 0}, 0), ec);
    b.set_packet_info(true, ec);
    ASSERT_OK(ec);
    const ps::endpoint to_b = testsupport::loopback4(b.getsockname(ec).port());
    auto [l1, l2] = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    const bool fds = testsupport::passes_descriptors();
    char head[8] = "head", body[64] = "body";
    ps::control_buffer<256> control;
    allocations = 0;
    counting = true;
    for (int i = 0; i < 8 && !ec; ++i) {
        const ps::const_buffer out[] = {{head, 4}, {body, 4}};
        a.sendmsg(out, 2, nullptr, 0, to_b, ec);
        const ps::mutable_buffer in[] = {{head, 4}, {body, sizeof body}};
        ps::recvmsg_result r = b.recvmsg_into(in, 2, control.bytes, control.size, ec);
        ps::packet_info local;
        for (const ps::cmsg& m : r.ancdata) ps::read_packet_info(m, local);
        b.sendto(body, 4, r.address, local, ec);
        ps::packet_info ignored;
        a.recvfrom_into(body, sizeof body, ignored, ec);
        l1.sendmsg(out, 2, ec);
        const ps::mutable_buffer in_stream[] = {{head, 4}, {body, 4}};
        l2.recvmsg_into(in_stream, 2, nullptr, 0, ec, ps::msg::waitall);
        if (fds) {
            const ps::native_handle_type passed[] = {a.fileno()};
            l1.send_fds(out, 1, passed, 1, ec);
            ps::native_handle_type got[1];
            ps::recv_fds_result f = l2.recv_fds_into(body, 4, got, 1, ec);
            if (f.nfds == 1) ps::socket::adopt(got[0], ps::family::inet, ps::type::dgram).close();
        }
    }
    counting = false;
    EXPECT_OK(ec);
    EXPECT_EQ(allocations.load(), 0u);
}

TEST(Allocations, NoneInALoopIteration) {
    // A steady-state loop iteration with a reader firing, a timer rescheduled
    // (and another scheduled and cancelled) and a call_soon: the slots, the
    // heap and the queue are reused, the captures are inline.
    std::error_code ec;
    auto pair = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    ps::socket& a = pair.first;
    ps::socket& b = pair.second;
    ps::loop l;
    l.open(ec);
    ASSERT_OK(ec);
    int reads = 0, fires = 0, soons = 0;
    l.add_reader(a, [&] {
        char c;
        std::error_code rec;
        if (a.recv_into(&c, 1, rec) == 1) ++reads;
    }, ec);
    ASSERT_OK(ec);
    struct tick {
        ps::loop* l;
        int* fires;
        void operator()() const {
            ++*fires;
            l->call_later(0.0, tick{l, fires});
        }
    };
    l.call_later(0.0, tick{&l, &fires});
    const auto iteration = [&] {
        const char byte = 'x';
        b.send(&byte, 1, ec);
        l.call_soon([&soons] { ++soons; });
        l.call_later(10.0, [&fires] { fires += 1000; }).cancel();
        for (const int before = reads; reads == before && !ec;) l.run_once(5.0, ec);
    };
    for (int i = 0; i < 8 && !ec; ++i) iteration();  // the pools reach their size
    allocations = 0;
    counting = true;
    for (int i = 0; i < 100 && !ec; ++i) iteration();
    counting = false;
    EXPECT_OK(ec);
    EXPECT_EQ(reads, 108);
    EXPECT_GE(fires, 108);
    EXPECT_LT(fires, 1000);
    EXPECT_GE(soons, 107);
    EXPECT_EQ(allocations.load(), 0u);
}
