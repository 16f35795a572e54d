// socketbuf and socketstream: a connection read with std::getline and
// operator>>, written with operator<<, in the socket's timeout mode; errors
// kept in error() and shown in the stream's state, never thrown by the buffer.
#include "net.hpp"

#include <portsock/socketstream.hpp>

#include <istream>
#include <ostream>
#include <string>
#include <thread>

namespace ps = portsock;

namespace {

void send_text(ps::socket& s, const std::string& text) {
    std::error_code ec;
    s.sendall(text.data(), text.size(), ec);
    ASSERT_OK(ec);
}

// Exactly `size` bytes from `s` (waiting for them), or fewer at end of stream.
std::string recv_exactly(ps::socket& s, std::size_t size) {
    std::string data(size, '\0');
    std::error_code ec;
    const std::size_t n = s.recv_into(data.data(), size, ec, ps::msg::waitall);
    EXPECT_OK(ec);
    data.resize(n);
    return data;
}

}  // namespace

TEST(Socketstream, GetlineReadsLinesSplitAcrossSends) {
    auto [client, server] = testsupport::tcp_pair();
    send_text(server, "first li");
    send_text(server, "ne\nsecond");
    send_text(server, " line\nthird");
    std::error_code ec;
    server.shutdown(ps::shut::wr, ec);
    ASSERT_OK(ec);

    ps::socketstream io{client};
    std::string line;
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "first line");
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "second line");
    ASSERT_TRUE(std::getline(io, line));  // the last line has no newline
    EXPECT_EQ(line, "third");
    EXPECT_TRUE(io.eof());
    EXPECT_FALSE(std::getline(io, line));
    EXPECT_FALSE(io.error()) << io.error().message();
}

TEST(Socketstream, InsertionIsSentAtFlush) {
    auto [client, server] = testsupport::tcp_pair();
    ps::socketstream io{client};
    io << "HELLO " << 42 << ' ' << 2.5 << '\n';
    ASSERT_TRUE(io.good());

    // Buffered: nothing has gone yet.
    std::error_code ec;
    char byte;
    server.setblocking(false, ec);
    server.recv_into(&byte, 1, ec);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    server.setblocking(true, ec);

    io << std::flush;
    EXPECT_TRUE(io.good());
    EXPECT_FALSE(io.error());
    EXPECT_EQ(recv_exactly(server, 13), "HELLO 42 2.5\n");
}

TEST(Socketstream, ExtractsNumbersSplitAcrossSends) {
    auto [client, server] = testsupport::tcp_pair();
    send_text(server, "12 -7");
    send_text(server, "0\n 3");
    send_text(server, "00 x");
    ps::socketstream io{client};
    int a = 0, b = 0, c = 0;
    ASSERT_TRUE(io >> a >> b >> c);
    EXPECT_EQ(a, 12);
    EXPECT_EQ(b, -70);
    EXPECT_EQ(c, 300);
    int d = 0;
    EXPECT_FALSE(io >> d);  // "x" is not a number: failbit, no error
    EXPECT_FALSE(io.eof());
    EXPECT_FALSE(io.error());
}

TEST(Socketstream, ReadTimeoutSetsFailbitAndReportsTimeout) {
    auto [client, server] = testsupport::tcp_pair();
    std::error_code ec;
    client.settimeout(0.2, ec);
    ASSERT_OK(ec);
    ps::socketstream io{client};
    std::string line;
    EXPECT_FALSE(std::getline(io, line));
    EXPECT_TRUE(io.fail());
    EXPECT_EQ(io.error(), std::errc::timed_out) << io.error().message();

    // The stream is usable again once cleared.
    io.clear();
    send_text(server, "late\n");
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "late");
    EXPECT_FALSE(io.error());
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Socketstream, ThrowingWhenTheStreamAsksForExceptionsKeepsTheError) {
    auto [client, server] = testsupport::tcp_pair();
    client.settimeout(0.2);
    ps::socketstream io{client};
    io.exceptions(std::ios_base::badbit | std::ios_base::failbit);
    std::string line;
    EXPECT_THROW(std::getline(io, line), std::ios_base::failure);
    EXPECT_EQ(io.error(), std::errc::timed_out) << io.error().message();
}
#endif

TEST(Socketstream, PeerCloseIsEndOfStreamNotAnError) {
    auto [client, server] = testsupport::tcp_pair();
    send_text(server, "partial");
    server.close();
    ps::socketstream io{client};
    std::string line;
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "partial");
    EXPECT_TRUE(io.eof());
    EXPECT_FALSE(std::getline(io, line));
    EXPECT_FALSE(io.bad());
    EXPECT_FALSE(io.error()) << io.error().message();
}

TEST(Socketstream, AWriteLargerThanTheBufferArrivesWhole) {
    auto [client, server] = testsupport::tcp_pair();
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    std::string received;
    std::thread reader([&, &server = server] { received = testsupport::read_all(server); });
    {
        ps::socketstream io{client};
        io << "head:";
        io.write(big.data(), static_cast<std::streamsize>(big.size()));
        for (int i = 0; i < 3000; ++i) io << i << ',';  // many small writes, several areas' worth
        io << std::flush;
        EXPECT_TRUE(io.good());
        EXPECT_FALSE(io.error());
    }
    std::error_code ec;
    client.shutdown(ps::shut::wr, ec);
    EXPECT_OK(ec);
    reader.join();
    std::string expected = "head:" + big;
    for (int i = 0; i < 3000; ++i) expected += std::to_string(i) + ',';
    EXPECT_EQ(received.size(), expected.size());
    EXPECT_TRUE(received == expected);
}

TEST(Socketstream, BothDirectionsOnOneStream) {
    auto [client, server] = testsupport::tcp_pair();
    ps::socketstream near{client};
    ps::socketstream far{server};
    near << "ping " << 1 << std::endl;
    std::string word;
    int n = 0;
    ASSERT_TRUE(far >> word >> n);
    EXPECT_EQ(word, "ping");
    far << "pong " << n + 1 << std::endl;
    ASSERT_TRUE(near >> word >> n);
    EXPECT_EQ(word, "pong");
    EXPECT_EQ(n, 2);
}

TEST(Socketstream, ReadingFirstSendsWhatWasWritten) {
    // A request left unflushed is sent before the stream waits for a reply,
    // so the two ends cannot wait on each other.
    auto [client, server] = testsupport::tcp_pair();
    send_text(server, "reply\n");
    ps::socketstream io{client};
    io << "request\n";
    std::string line;
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "reply");
    EXPECT_EQ(recv_exactly(server, 8), "request\n");
}

TEST(Socketstream, AnOwningStreamClosesItsSocketAfterSendingTheRest) {
    auto [client, server] = testsupport::tcp_pair();
    {
        ps::socketstream io{std::move(client)};
        EXPECT_TRUE(io.get_socket().is_open());
        io << "bye";
    }
    EXPECT_FALSE(client.is_open());
    EXPECT_EQ(testsupport::read_all(server), "bye");  // then end of stream: closed
}

TEST(Socketstream, AWriteToAClosedPeerSetsBadbitAndKeepsTheError) {
    auto [client, server] = testsupport::tcp_pair();
    server.close();
    ps::socketstream io{client};
    const std::string chunk(ps::socketbuf::buffer_size, 'x');
    // The first writes may be accepted before the peer's reset arrives.
    for (int i = 0; i < 1000 && io.good(); ++i) io << chunk << std::flush;
    EXPECT_TRUE(io.bad());
    const std::error_code e = io.error();
    EXPECT_TRUE(e == std::errc::broken_pipe || e == std::errc::connection_reset ||
                e == std::errc::connection_aborted)
        << e.message();
}

TEST(Socketstream, CallersAreasOfAnySize) {
    auto [client, server] = testsupport::tcp_pair();
    char get_area[5];
    ps::socketbuf buf{client, get_area, sizeof get_area, nullptr, 0};
    std::iostream io{&buf};

    // No put area: each write goes at once, without a flush.
    io << "unbuffered";
    EXPECT_EQ(recv_exactly(server, 10), "unbuffered");

    send_text(server, "a line longer than the area\n");
    std::string line;
    ASSERT_TRUE(std::getline(io, line));
    EXPECT_EQ(line, "a line longer than the area");
}

TEST(Socketstream, AClosedSocketFailsCleanly) {
    ps::socket closed;
    ps::socketstream io{closed};
    std::string line;
    EXPECT_FALSE(std::getline(io, line));
    EXPECT_EQ(io.error(), ps::error::not_open);
    io.clear();
    io << "x" << std::flush;
    EXPECT_TRUE(io.bad());
    EXPECT_EQ(io.error(), ps::error::not_open);
}
