// Safe defaults: no socket portsock opens is inherited by a child process
// (close-on-exec / not inheritable, set atomically where the system can).
#include "host.hpp"
#include "net.hpp"

namespace ps = portsock;

TEST(SafeDefaults, NoSocketIsInheritedByAChildProcess) {
    std::error_code ec;
    ps::socket server = testsupport::listener();
    ps::socket client;
    client.open(ps::family::inet, ps::type::stream, 0, ec);
    client.connect(server.getsockname(ec), ec);
    auto accepted = server.accept(ec);
    auto pair = ps::socketpair(ps::family::unspec, ps::type::stream, 0, ec);
    ps::socket udp;
    udp.open(ps::family::inet, ps::type::dgram, 0, ec);
    ASSERT_OK(ec);
    for (const ps::socket* s : {&server, &client, &accepted.conn, &pair.first, &pair.second, &udp}) {
        EXPECT_FALSE(testsupport::inheritable(s->native_handle())) << s->repr();
    }
}
