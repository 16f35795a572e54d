// How failure is reported: the categories, the portable conditions, the
// exception types and their messages. (Calls on a socket that is not open and
// other bad input: bad_input_test.cpp.)
#include "host.hpp"
#include "net.hpp"

namespace ps = portsock;

TEST(Errors, PortsockCodesCompareWithStdErrc) {
    EXPECT_EQ(ps::make_error_code(ps::error::not_open), std::errc::bad_file_descriptor);
    EXPECT_EQ(ps::make_error_code(ps::error::path_too_long), std::errc::filename_too_long);
    EXPECT_EQ(ps::make_error_code(ps::error::family_mismatch), std::errc::address_family_not_supported);
    EXPECT_EQ(ps::make_error_code(ps::error::no_address), std::errc::address_not_available);
    for (ps::error e : {ps::error::port_out_of_range, ps::error::host_name_too_long, ps::error::embedded_nul,
                        ps::error::bad_address, ps::error::empty_buffer, ps::error::bad_timeout,
                        ps::error::empty_endpoint}) {
        const std::error_code ec = e;
        EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();
        EXPECT_STREQ(ec.category().name(), "portsock");
        EXPECT_FALSE(ec.message().empty());
    }
    EXPECT_EQ(std::error_code(ps::error::port_out_of_range).message(), "port must be 0-65535");
}

TEST(Errors, ResolverCodesHaveTheirOwnCategory) {
    const std::error_code ec = ps::resolve_error::host_not_found;
    EXPECT_STREQ(ec.category().name(), "portsock.resolve");
    EXPECT_EQ(ec.message(), "Name or service not known");
    EXPECT_EQ(std::error_code(ps::resolve_error::try_again), std::errc::resource_unavailable_try_again);
}

TEST(Errors, WouldBlockRecognisesBothSpellings) {
    EXPECT_TRUE(ps::would_block(std::make_error_code(std::errc::operation_would_block)));
    EXPECT_TRUE(ps::would_block(std::make_error_code(std::errc::resource_unavailable_try_again)));
    EXPECT_FALSE(ps::would_block(std::make_error_code(std::errc::timed_out)));
    EXPECT_FALSE(ps::would_block(std::error_code()));
}

TEST(Errors, WouldBlockRecognisesTheSystemsOwnCode) {
    // What a non-blocking receive with nothing waiting really reports, and
    // another failure of the same socket, which is not a would-block.
    auto [a, b] = testsupport::tcp_pair();
    std::error_code ec;
    a.setblocking(false, ec);
    ASSERT_OK(ec);
    char byte;
    a.recv_into(&byte, 1, ec);
    EXPECT_TRUE(ps::would_block(ec)) << ec.message();
    b.close();
    a.setblocking(true, ec);
    a.recv_into(&byte, 1, ec);  // end of stream: no error at all
    EXPECT_FALSE(ps::would_block(ec));
    ps::socket never_connected;
    never_connected.open(ps::family::inet, ps::type::stream, 0, ec);
    ASSERT_OK(ec);
    never_connected.send("x", 1, ec);  // not connected: a system code that is no would-block
    EXPECT_TRUE(ec);
    EXPECT_FALSE(ps::would_block(ec)) << ec.message();
    EXPECT_FALSE(ps::would_block(ps::error::not_open));
}

TEST(Errors, DescribeNamesTheOperationAndTheReason) {
    const auto refused = std::make_error_code(std::errc::connection_refused);
    EXPECT_EQ(ps::describe("connect to 127.0.0.1:9", refused), "connect to 127.0.0.1:9: " + refused.message());
    EXPECT_FALSE(refused.message().empty());
}

#if PORTSOCK_HAS_EXCEPTIONS
TEST(Errors, ThrowingTheExceptionTypeFollowsTheCode) {
    EXPECT_THROW(ps::throw_error(std::make_error_code(std::errc::timed_out), "recv"), ps::timeout_error);
    EXPECT_THROW(ps::throw_error(ps::resolve_error::host_not_found, "getaddrinfo x"), ps::gaierror);
    EXPECT_THROW(ps::throw_error(std::make_error_code(std::errc::connection_reset), "recv"), ps::socket_error);
    try {
        ps::throw_error(std::make_error_code(std::errc::broken_pipe), "sendall to 1.2.3.4:5", 42);
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.transferred(), 42u);
        EXPECT_EQ(std::string(e.what()),
                  "sendall to 1.2.3.4:5: " + std::make_error_code(std::errc::broken_pipe).message());
    }
}

TEST(Errors, ThrowingRefusedConnectNamesTheEndpoint) {
    ps::socket holder(ps::family::inet);
    holder.bind(testsupport::loopback4());  // bound, not listening
    const ps::endpoint target = holder.getsockname();
    ps::socket client(ps::family::inet);
    try {
        client.connect(target);
        FAIL() << "connected to a port nobody listens on";
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(e.code(), std::errc::connection_refused);
        EXPECT_EQ(std::string(e.what()), "connect to " + target.to_string() + ": " + e.code().message());
    }
}

TEST(Errors, ThrowingClosedSocketThrowsNamingTheOperation) {
    ps::socket s;
    try {
        s.listen();
        FAIL();
    } catch (const ps::socket_error& e) {
        EXPECT_EQ(std::string(e.what()), "listen: socket is closed");
    }
    EXPECT_THROW(ps::socket(ps::family::inet, ps::type::stream, 12345), ps::socket_error);
}
#endif
