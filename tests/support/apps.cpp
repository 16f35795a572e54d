// The apps tests' shared helpers (apps.hpp).
#include "apps.hpp"

#include <chrono>

using namespace std::chrono_literals;

namespace testsupport {

const std::string thankyou_server_exe = PORTSOCK_THANKYOU_SERVER;
const std::string thankyou_client_exe = PORTSOCK_THANKYOU_CLIENT;
const std::string echo_server_exe = PORTSOCK_ECHO_SERVER;
const std::string echo_load_exe = PORTSOCK_ECHO_LOAD;
const std::string sockcat_exe = PORTSOCK_SOCKCAT;
const std::string python_exe = PORTSOCK_PYTHON3;

child_process start(const std::vector<std::string>& argv) {
    std::error_code ec;
    // python3 is the one program of the build host the tests start; the
    // rest are the apps, built for the target.
    const bool host = !python_exe.empty() && !argv.empty() && argv[0] == python_exe;
    child_process p = child_process::start(
        argv, ec, host ? child_process::built_for::host : child_process::built_for::target);
    EXPECT_OK(ec) << " starting " << argv[0];
    return p;
}

result finish(child_process& p, std::string_view input) {
    if (!input.empty()) p.write_stdin(input);
    p.close_stdin();
    result r;
    r.status = p.wait(30s);
    r.out = p.out();
    r.err = p.err();
    return r;
}

result run(const std::vector<std::string>& argv) {
    child_process p = start(argv);
    result r = finish(p);
    for (std::string* s : {&r.out, &r.err}) {  // wine ends lines with CRLF
        for (std::size_t at = s->find("\r\n"); at != std::string::npos; at = s->find("\r\n", at)) s->erase(at, 1);
    }
    return r;
}

void expect_one_line(const std::string& text) {
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), text.size() - 1) << "not a single line: " << text;
}

running_server start_thankyou_server(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {thankyou_server_exe, "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    running_server s{start(argv), 0};
    EXPECT_EQ(s.process.read_line(20s), "The socket is created successfully");
    const auto bound = s.process.read_line(20s);
    const std::string prefix = "The socket is bound to ";
    if (bound && bound->rfind(prefix, 0) == 0) s.port = std::stoi(bound->substr(prefix.size()));
    EXPECT_NE(s.port, 0) << "bound line: " << bound.value_or("<none>") << "\nstderr: " << s.process.err();
    EXPECT_EQ(s.process.read_line(20s), "The socket is listening");
    return s;
}

running_server start_echo_server(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {echo_server_exe, "--host", "127.0.0.1", "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    running_server s{start(argv), 0};
    const auto line = s.process.read_line(20s);
    const auto colon = line ? line->rfind(':') : std::string::npos;
    if (colon != std::string::npos) s.port = std::stoi(line->substr(colon + 1));
    EXPECT_NE(s.port, 0) << line.value_or("<none>") << "\nstderr: " << s.process.err();
    return s;
}

void stop_or_kill(child_process& server) {
    if (server.terminate()) {
        EXPECT_EQ(server.wait(20s), 0) << "stderr: " << server.err();
        return;
    }
    EXPECT_TRUE(server.kill()) << "it had exited before it was told to stop; stderr: " << server.err();
}

}  // namespace testsupport
