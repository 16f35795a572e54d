// The tutorial's client: connects (trying every address the host resolves
// to), prints what the server sends until it closes, and closes.
//
//   thankyou-client [--host H] [--port P]
#include "app.hpp"

namespace {

constexpr const char* program = "thankyou-client";
constexpr const char* usage_text = "thankyou-client [--host H] [--port P]";

// Neither connecting nor waiting for the reply may hang forever.
constexpr double timeout_seconds = 10.0;

}  // namespace

int main(int argc, char** argv) {
    std::string host = "localhost";
    int port = 50675;
    const int parsed = app::parse_args(program, argc, argv, usage_text, {}, [&](std::string_view name, std::string_view value) {
        if (name == "--host") return host = std::string(value), true;
        if (name == "--port") return app::parse_int(value, 0, 65535, port);
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;

    std::error_code ec;
    std::vector<portsock::connect_attempt> attempts;
    portsock::socket s = portsock::create_connection(host, port, timeout_seconds, ec, &attempts);
    const std::string target = (host.find(':') != std::string::npos ? '[' + host + ']' : host) + ':' +
                               std::to_string(port);
    if (ec) {
        std::string what = "connect to " + target;
        if (attempts.size() > 1) what += " (tried " + portsock::describe(attempts) + ')';
        return app::fail(program, what, ec);
    }

    std::string received;
    char buffer[1024];
    for (;;) {
        const std::size_t n = s.recv_into(buffer, sizeof buffer, ec);
        if (ec) return app::fail(program, "recv from " + target, ec);
        if (n == 0) break;
        received.append(buffer, n);
    }
    app::say(received);
    s.close(ec);
    return app::ok;
}
