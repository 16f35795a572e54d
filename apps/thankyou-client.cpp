// The tutorial's client: connects (trying every address the host resolves
// to), writes what the server sends to stdout byte for byte as it arrives
// (nothing added, not even a line end), until the server closes (status 0)
// or 10 s (--timeout) pass with nothing received (the bytes so far, then the timeout on
// stderr, status 1).
//
//   thankyou-client [--host H] [--port P] [--timeout SECS]   (--help, --version)
#include "app.hpp"
#include "stdio.hpp"

namespace {

constexpr const char* program = "thankyou-client";
constexpr const char* usage_text = "thankyou-client [--host H] [--port P] [--timeout SECS]";


}  // namespace

int main(int argc, char** argv) {
    std::string host = "localhost";
    int port = 50675;
    int timeout_seconds = 10;  // neither connecting nor waiting for data may hang forever
    const int parsed = app::parse_options(program, argc, argv, usage_text, {"--host", "--port", "--timeout"}, {},
                                          [&](std::string_view name, std::string_view value) {
        if (name == "--host") return host = std::string(value), true;
        if (name == "--port") return app::parse_int(value, 0, 65535, port);
        if (name == "--timeout") return app::parse_int(value, 1, 86400, timeout_seconds);
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;

    std::error_code ec;
    std::vector<portsock::connect_attempt> attempts;
    portsock::socket s = portsock::create_connection(host, port, static_cast<double>(timeout_seconds), ec, &attempts);
    const std::string target = (host.find(':') != std::string::npos ? '[' + host + ']' : host) + ':' +
                               std::to_string(port);
    if (ec) {
        std::string what = "connect to " + target;
        if (attempts.size() > 1) what += " (tried " + portsock::describe(attempts) + ')';
        return app::fail(program, what, ec);
    }

    // Every byte as it arrives, unchanged (NULs, CRs, a last line with no
    // line end): what came before a timeout or a reset is printed too.
    char buffer[4096];
    for (;;) {
        const std::size_t n = s.recv_into(buffer, sizeof buffer, ec);
        if (n > 0 && !app::write_stdout(buffer, n)) {
            return app::fail(program, "write standard output", std::make_error_code(std::errc::io_error));
        }
        if (ec) return app::fail(program, "recv from " + target, ec);
        if (n == 0) break;
    }
    s.close(ec);
    return app::ok;
}
