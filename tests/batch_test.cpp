// Datagram batches: recv_many / send_many with caller-owned slots. Each slot
// gets its size, its sender and a truncated flag; a batch that finds fewer
// datagrams than slots returns what it got (no error), and a full socket
// stops a send batch part-way with the count that went.
#include "net.hpp"

#include <array>
#include <string>

using testsupport::loopback4;
namespace ps = portsock;

namespace {

ps::socket bound_udp() {
    std::error_code ec;
    ps::socket s;
    s.open(ps::family::inet, ps::type::dgram, 0, ec);
    if (!ec) s.bind(loopback4(), ec);
    EXPECT_OK(ec);
    return s;
}

// Receives into slots[0..count) with a 10 s deadline, batch after batch,
// until `count` datagrams arrived; each batch must succeed.
std::size_t receive_all(ps::socket& s, ps::datagram* slots, std::size_t count) {
    std::error_code ec;
    s.settimeout(10.0, ec);
    std::size_t got = 0;
    while (got < count) {
        const std::size_t n = s.recv_many(slots + got, count - got, ec);
        EXPECT_OK(ec);
        if (ec || n == 0) break;
        got += n;
    }
    return got;
}

}  // namespace

TEST(Batch, SendsAndReceivesWithEachSlotsSizeAndPeer) {
    std::error_code ec;
    ps::socket a = bound_udp();
    ps::socket b = bound_udp();
    const ps::endpoint a_address = a.getsockname(ec);
    const ps::endpoint b_address = b.getsockname(ec);
    ASSERT_OK(ec);

    const std::string messages[3] = {"one", "", "three and more"};
    ps::datagram out[3];
    for (std::size_t k = 0; k < 3; ++k) {
        out[k].buffer(const_cast<char*>(messages[k].data()), messages[k].size());
        out[k].peer = ps::peer_address::from_endpoint(b_address, ec);
        ASSERT_OK(ec);
    }
    EXPECT_EQ(out[0].peer.to_endpoint(), b_address);
    ASSERT_EQ(a.send_many(out, 3, ec), 3u);
    ASSERT_OK(ec);
    EXPECT_EQ(out[2].nbytes, messages[2].size());

    char buffers[4][64];
    ps::datagram in[4];
    for (std::size_t k = 0; k < 4; ++k) in[k].buffer(buffers[k], sizeof buffers[k]);
    ASSERT_EQ(receive_all(b, in, 3), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(std::string(buffers[k], in[k].nbytes), messages[k]) << k;
        EXPECT_FALSE(in[k].truncated) << k;
        EXPECT_EQ(in[k].peer.to_endpoint(), a_address) << k;
    }

    // Echoed back to each sender as received: the peers are sent as they came.
    for (std::size_t k = 0; k < 3; ++k) in[k].size = in[k].nbytes;
    ASSERT_EQ(b.send_many(in, 3, ec), 3u);
    ASSERT_OK(ec);
    char back[64];
    for (const std::string& m : messages) {
        a.settimeout(10.0, ec);
        auto [n, from] = a.recvfrom_into(back, sizeof back, ec);
        ASSERT_OK(ec);
        EXPECT_EQ(std::string(back, n), m);
        EXPECT_EQ(from, b_address);
    }
}

TEST(Batch, AShortSlotIsTruncatedAndTheOthersAreIntact) {
    std::error_code ec;
    ps::socket a = bound_udp();
    ps::socket b = bound_udp();
    const ps::endpoint to = b.getsockname(ec);
    const std::string longer(100, 'x');
    a.sendto("first", 5, to, ec);
    a.sendto(longer.data(), longer.size(), to, ec);
    a.sendto("third", 5, to, ec);
    ASSERT_OK(ec);

    char buffers[3][16];
    ps::datagram in[3];
    for (std::size_t k = 0; k < 3; ++k) in[k].buffer(buffers[k], sizeof buffers[k]);
    ASSERT_EQ(receive_all(b, in, 3), 3u);
    EXPECT_EQ(std::string(buffers[0], in[0].nbytes), "first");
    EXPECT_FALSE(in[0].truncated);
    EXPECT_TRUE(in[1].truncated);
    EXPECT_EQ(in[1].nbytes, sizeof buffers[1]);
    EXPECT_EQ(std::string(buffers[1], in[1].nbytes), longer.substr(0, sizeof buffers[1]));
    EXPECT_EQ(std::string(buffers[2], in[2].nbytes), "third");
    EXPECT_FALSE(in[2].truncated);
}

TEST(Batch, FewerDatagramsThanSlotsIsAPartialCountNotAnError) {
    std::error_code ec;
    ps::socket a = bound_udp();
    ps::socket b = bound_udp();
    const ps::endpoint to = b.getsockname(ec);
    for (const char* m : {"a", "b", "c"}) a.sendto(m, 1, to, ec);
    ASSERT_OK(ec);

    // Non-blocking: every batch that finds some returns them, without error,
    // until the three are in; then the next finds none and would block.
    ps::poller p;
    p.open(ec);
    p.add(b, ps::event::readable, 1, ec);
    b.setblocking(false, ec);
    ASSERT_OK(ec);
    std::array<ps::poll_event, 1> ready;
    char buffers[8][8];
    ps::datagram in[8];
    for (std::size_t k = 0; k < 8; ++k) in[k].buffer(buffers[k], sizeof buffers[k]);
    std::size_t got = 0;
    while (got < 3) {
        ASSERT_EQ(p.wait(ready, 10.0, ec), 1u) << ec.message();
        const std::size_t n = b.recv_many(in + got, 8 - got, ec);
        if (n == 0) {
            EXPECT_TRUE(ps::would_block(ec)) << ec.message();
            continue;
        }
        EXPECT_OK(ec);
        got += n;
    }
    EXPECT_EQ(got, 3u);
    EXPECT_EQ(std::string(buffers[0], in[0].nbytes) + std::string(buffers[1], in[1].nbytes) +
                  std::string(buffers[2], in[2].nbytes),
              "abc");
    EXPECT_EQ(b.recv_many(in, 8, ec), 0u);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
}

TEST(Batch, ABlockingReceiveWaitsForTheFirstDatagramOnly) {
    std::error_code ec;
    ps::socket a = bound_udp();
    ps::socket b = bound_udp();
    a.sendto("only", 4, b.getsockname(ec), ec);
    ASSERT_OK(ec);
    char buffers[8][8];
    ps::datagram in[8];
    for (std::size_t k = 0; k < 8; ++k) in[k].buffer(buffers[k], sizeof buffers[k]);
    EXPECT_EQ(b.recv_many(in, 8, ec), 1u);  // blocking mode: returns with the one there is
    EXPECT_OK(ec);
    EXPECT_EQ(std::string(buffers[0], in[0].nbytes), "only");
}

TEST(Batch, AFullSocketStopsASendBatchWithThePartialCount) {
    // A Unix datagram pair whose reader does not read: the writer's queue
    // fills and a non-blocking batch stops where it did.
    std::error_code ec;
    auto [writer, reader] = ps::socketpair(ps::family::local, ps::type::dgram, 0, ec);
    if (ec) GTEST_SKIP() << "no Unix-domain datagram pair here: " << ec.message();
    writer.setblocking(false, ec);
    ASSERT_OK(ec);
    static char payload[4096];
    constexpr std::size_t slots = 512;
    static ps::datagram out[slots];
    for (ps::datagram& d : out) d.buffer(payload, sizeof payload);
    std::size_t sent = 0;
    for (int round = 0; round < 64 && !ec; ++round) {
        const std::size_t n = writer.send_many(out, slots, ec);
        sent += n;
        if (n > 0) {
            EXPECT_OK(ec);
        }
        if (n > 0 && n < slots) {
            // The partial count: the next batch finds the queue still full.
            EXPECT_EQ(writer.send_many(out, slots, ec), 0u);
            EXPECT_TRUE(ps::would_block(ec)) << ec.message();
            break;
        }
    }
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    EXPECT_GT(sent, 0u);
    EXPECT_EQ(out[0].nbytes, sizeof payload);
    // What went arrives whole.
    char buffer[sizeof payload];
    reader.setblocking(false, ec);
    ps::datagram in[1];
    in[0].buffer(buffer, sizeof buffer);
    EXPECT_EQ(reader.recv_many(in, 1, ec), 1u);
    EXPECT_EQ(in[0].nbytes, sizeof payload);
    EXPECT_FALSE(in[0].truncated);
}

TEST(Batch, AnEmptyBatchAndAClosedSocket) {
    std::error_code ec;
    ps::socket a = bound_udp();
    EXPECT_EQ(a.recv_many(nullptr, 0, ec), 0u);
    EXPECT_OK(ec);
    ps::socket closed;
    ps::datagram d;
    EXPECT_EQ(closed.send_many(&d, 1, ec), 0u);
    EXPECT_EQ(ec, ps::error::not_open);
}
