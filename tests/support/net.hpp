// Helpers the socket tests share: loopback endpoints on port 0, a check for
// IPv6, unique Unix socket paths, and a connected TCP pair.
#pragma once

#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace testsupport {

inline portsock::endpoint loopback4(std::uint16_t port = 0) {
    return portsock::endpoint::v4({127, 0, 0, 1}, port);
}

inline portsock::endpoint loopback6(std::uint16_t port = 0) {
    return portsock::endpoint::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, port);
}

/// True when this host can bind to ::1 (containers sometimes have no IPv6).
inline bool has_ipv6() {
    static const bool answer = [] {
        std::error_code ec;
        portsock::socket s;
        s.open(portsock::family::inet6, portsock::type::stream, 0, ec);
        if (!ec) s.bind(loopback6(), ec);
        return !ec;
    }();
    return answer;
}

/// True when the system has Unix-domain sockets.
inline bool has_local() {
    static const bool answer = [] {
        std::error_code ec;
        portsock::socket s;
        s.open(portsock::family::local, portsock::type::stream, 0, ec);
        return !ec;
    }();
    return answer;
}

/// Expects an error code to be clear, printing its message if not.
#define EXPECT_OK(ec) EXPECT_FALSE(ec) << (ec).message()
#define ASSERT_OK(ec) ASSERT_FALSE(ec) << (ec).message()

#define PORTSOCK_REQUIRE_IPV6() \
    if (!testsupport::has_ipv6()) GTEST_SKIP() << "this host cannot bind to ::1 (no IPv6 loopback)"

#define PORTSOCK_REQUIRE_LOCAL() \
    if (!testsupport::has_local()) GTEST_SKIP() << "this system has no Unix-domain sockets"

/// A path for a Unix socket that no other test (or test process) uses,
/// removed again when the object goes away. Kept short: paths are limited to
/// about 100 bytes.
class temp_path {
public:
    temp_path() {
        static std::atomic<unsigned> counter{0};
        std::random_device random;
        const auto dir = std::filesystem::temp_directory_path();
        path_ = (dir / ("ps-" + std::to_string(random()) + "-" + std::to_string(counter++))).string();
    }
    ~temp_path() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    temp_path(const temp_path&) = delete;
    temp_path& operator=(const temp_path&) = delete;
    const std::string& str() const { return path_; }

private:
    std::string path_;
};

/// A listening TCP socket on loopback, port 0.
inline portsock::socket listener(portsock::family f = portsock::family::inet) {
    std::error_code ec;
    portsock::socket s = portsock::create_server(f == portsock::family::inet ? loopback4() : loopback6(),
                                                 portsock::socket::default_backlog, false, ec);
    EXPECT_FALSE(ec) << "create_server: " << ec.message();
    return s;
}

/// A TCP socket bound to a loopback port but not listening: while it lives
/// the port is ours and every connection to it is refused. Read the port
/// back with getsockname().
inline portsock::socket refusing_port() {
    std::error_code ec;
    portsock::socket s;
    s.open(portsock::family::inet, portsock::type::stream, 0, ec);
    s.bind(loopback4(), ec);
    EXPECT_FALSE(ec) << "bind: " << ec.message();
    return s;
}

/// Everything the socket receives until the peer closes (errors fail the test).
inline std::string read_all(portsock::socket& s) {
    std::string data;
    char buffer[4096];
    std::error_code ec;
    for (;;) {
        const std::size_t n = s.recv_into(buffer, sizeof buffer, ec);
        EXPECT_FALSE(ec) << ec.message();
        if (ec || n == 0) return data;
        data.append(buffer, n);
    }
}

/// Two connected TCP sockets over loopback: {client, server side}.
inline std::pair<portsock::socket, portsock::socket> tcp_pair(portsock::family f = portsock::family::inet) {
    std::error_code ec;
    portsock::socket server = listener(f);
    portsock::socket client;
    client.open(f, portsock::type::stream, 0, ec);
    if (!ec) client.connect(server.getsockname(ec), ec);
    EXPECT_FALSE(ec) << "connect: " << ec.message();
    auto accepted = server.accept(ec);
    EXPECT_FALSE(ec) << "accept: " << ec.message();
    return {std::move(client), std::move(accepted.conn)};
}

}  // namespace testsupport
