// The threading guarantee: one thread may send while another receives on the
// same socket.
#include "net.hpp"

#include <string>
#include <thread>

namespace ps = portsock;

TEST(Threads, OneThreadSendsWhileAnotherReceivesOnTheSameSocket) {
    // The threading guarantee (README): one thread may send while another
    // receives on the same socket. Run under ThreadSanitizer by the tsan preset.
    auto [a, b] = testsupport::tcp_pair();
    constexpr std::size_t total = 1 << 20;
    std::error_code send_ec, recv_ec, echo_ec;
    std::size_t received = 0;
    // b echoes everything back; a sends from one thread and receives on another.
    std::thread echo([&, &b = b] {
        char buffer[8192];
        for (;;) {
            const std::size_t n = b.recv_into(buffer, sizeof buffer, echo_ec);
            if (echo_ec || n == 0) return;
            b.sendall(buffer, n, echo_ec);
            if (echo_ec) return;
        }
    });
    std::thread receiver([&, &a = a] {
        char buffer[8192];
        while (received < total) {
            const std::size_t n = a.recv_into(buffer, sizeof buffer, recv_ec);
            if (recv_ec || n == 0) return;
            received += n;
        }
    });
    const std::string chunk(4096, 'z');
    for (std::size_t sent = 0; sent < total && !send_ec; sent += chunk.size()) {
        a.sendall(chunk.data(), chunk.size(), send_ec);
    }
    receiver.join();
    a.shutdown(ps::shut::wr, send_ec);
    echo.join();
    EXPECT_OK(send_ec);
    EXPECT_OK(recv_ec);
    EXPECT_OK(echo_ec);
    EXPECT_EQ(received, total);
}
