// What the apps share: option parsing, one-line reports and errors, and
// stopping on Ctrl-C / SIGTERM. Written only against portsock and the standard library.
#pragma once

#include <portsock/portsock.hpp>

#include <algorithm>
#include <csignal>
#include <initializer_list>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace app {

/// Exit codes: 0 success, 1 a network failure, 2 a usage error.
enum exit_code : int { ok = 0, failed = 1, usage = 2 };

/// Prints `<program>: <message>` on one line to stderr and decides nothing:
/// for what the app goes on after (a dropped client, a notice about limits),
/// or ends with an exit code of its own.
inline void report(const char* program, const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", program, message.c_str());
}

/// Prints `<program>: <what>: <error message>` (portsock::describe), as above.
inline void report(const char* program, std::string_view what, std::error_code ec) {
    report(program, portsock::describe(what, ec));
}

/// Reports a failure that ends the app: prints as `report` does and returns
/// `failed`, the exit code to return from main.
[[nodiscard]] inline int fail(const char* program, const std::string& message) {
    report(program, message);
    return failed;
}

/// Reports a failure that ends the app, with the error's message.
[[nodiscard]] inline int fail(const char* program, std::string_view what, std::error_code ec) {
    report(program, what, ec);
    return failed;
}

/// Prints a line to stdout at once (the tests and the demo read it live).
inline void say(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

/// `host:port` for a message, an IPv6 host in brackets (`[::1]:80`); the
/// port as given (a number or a service name).
inline std::string host_port(const std::string& host, const std::string& port) {
    return (host.find(':') != std::string::npos ? '[' + host + ']' : host) + ':' + port;
}
inline std::string host_port(const std::string& host, int port) { return host_port(host, std::to_string(port)); }

/// Python's bind(('', port)) address: `""` is IPv4's any address; any other
/// host is taken as the resolver gives it (an IPv6 literal makes an IPv6
/// server).
inline portsock::endpoint server_address(const std::string& host, int port, std::error_code& ec) {
    portsock::endpoint e = portsock::endpoint::parse(host, port, ec);
    if (!ec) return e;
    auto infos = portsock::getaddrinfo(host, port, portsock::family::unspec, portsock::type::stream, 0,
                                       portsock::ai::passive, ec);
    if (!ec && infos.empty()) ec = portsock::error::no_address;
    return ec ? portsock::endpoint{} : infos.front().address;
}

/// Reads a whole decimal number in [low, high] from `text` (0 <= low <= high
/// <= INT_MAX): digits only, as many as it has (leading zeros included), so
/// every value up to `high` can be written. It stops at the first digit that
/// would take the value past `high`, so no input can overflow.
inline bool parse_int(std::string_view text, long low, long high, int& out) {
    if (text.empty()) return false;
    long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const long digit = c - '0';
        if (value > (high - digit) / 10) return false;  // value * 10 + digit > high
        value = value * 10 + digit;
    }
    if (value < low || value > high) return false;
    out = static_cast<int>(value);
    return true;
}

/// Walks argv as `--name value` pairs and, for the names in `flags`, lone
/// `--flag`s (handled with an empty value). `handle(name, value)` returns
/// false for an unknown name or a bad value; then the usage is printed and
/// the result is `usage`. `--help` prints the usage; the result is then
/// negative, meaning "exit 0"; so is `--version` (the version printed).
template <class Handler>
int parse_args(const char* program, int argc, char** argv, const char* usage_text,
               std::initializer_list<std::string_view> flags, Handler handle) {
    for (int i = 1; i < argc; i += 2) {
        const std::string_view name = argv[i];
        if (name == "--help" || name == "-h") {
            std::printf("usage: %s\n", usage_text);
            return -1;
        }
        if (name == "--version") {
            std::printf("%s (portsock) %s\n", program, PORTSOCK_VERSION_STRING);
            return -1;
        }
        if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
            if (!handle(name, std::string_view())) {
                std::fprintf(stderr, "%s: bad option %s\nusage: %s\n", program, argv[i], usage_text);
                return usage;
            }
            --i;  // a flag takes no value
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "%s: option %s needs a value\nusage: %s\n", program, argv[i], usage_text);
            return usage;
        }
        if (!handle(name, std::string_view(argv[i + 1]))) {
            std::fprintf(stderr, "%s: bad option %s '%s'\nusage: %s\n", program, argv[i], argv[i + 1],
                         usage_text);
            return usage;
        }
    }
    return ok;
}

/// Prints `<program> (portsock) <version>` to stdout: what `--version` says
/// (as sockcat says it, GNU's form).
inline void print_version(const char* program) {
    std::printf("%s (portsock) %s\n", program, PORTSOCK_VERSION_STRING);
}

/// Prints `<program>: <problem>` and the usage to stderr; returns `usage`.
[[nodiscard]] inline int usage_error(const char* program, const std::string& problem, const char* usage_text) {
    std::fprintf(stderr, "%s: %s\nusage: %s\n", program, problem.c_str(), usage_text);
    return usage;
}

/// Walks argv knowing every name: `with_value` lists the options that take a
/// value (`--port P`), `flags` those that take none (`--tcp`). Each is handed
/// to `handle(name, value)` (a flag's value is empty), which returns false
/// for a bad value. Each problem is said in its own words, then the usage,
/// and the result is `usage`: "unknown option --x", "option --port needs a
/// value", "bad value 'x' for --port", and "unexpected argument A" for a word
/// that is no option (with "(did you mean --host A?)" where `--host` is one).
/// `--help` prints the usage to stdout and `--version` the version; the result
/// is then negative, meaning "exit 0". (`parse_args` above is the older form:
/// it cannot tell an unknown name from a bad value.)
template <class Handler>
int parse_options(const char* program, int argc, char** argv, const char* usage_text,
                  std::initializer_list<std::string_view> with_value,
                  std::initializer_list<std::string_view> flags, Handler handle) {
    const auto has = [](std::initializer_list<std::string_view> names, std::string_view name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help" || name == "-h") {
            std::printf("usage: %s\n", usage_text);
            return -1;
        }
        if (name == "--version") {
            print_version(program);
            return -1;
        }
        if (has(flags, name)) {
            if (!handle(name, std::string_view())) return usage_error(program, "bad option " + std::string(name), usage_text);
            continue;
        }
        if (has(with_value, name)) {
            if (i + 1 >= argc) return usage_error(program, "option " + std::string(name) + " needs a value", usage_text);
            const std::string_view value = argv[++i];
            if (!handle(name, value)) {
                return usage_error(program, "bad value '" + std::string(value) + "' for " + std::string(name), usage_text);
            }
            continue;
        }
        if (name.size() > 1 && name[0] == '-') return usage_error(program, "unknown option " + std::string(name), usage_text);
        std::string problem = "unexpected argument " + std::string(name);
        if (has(with_value, "--host")) problem += " (did you mean --host " + std::string(name) + "?)";
        return usage_error(program, problem, usage_text);
    }
    return ok;
}

/// Makes `path` free for a Unix-domain server of `type` to bind, as a server
/// restarted after a crash needs: a socket file that nobody answers on (a
/// connect is refused) is removed. Anything else is left where it is and is
/// the error: `std::errc::address_in_use` when a server answers there,
/// `std::errc::file_exists` when it is not a socket, or what the probe met.
/// Nothing there is no error.
inline void remove_stale_socket(const std::string& path, portsock::type type, std::error_code& ec) {
    ec.clear();
    std::error_code fs;
    const std::filesystem::file_status status = std::filesystem::symlink_status(path, fs);
    if (fs || status.type() == std::filesystem::file_type::not_found) return;  // bind says what is wrong
    if (status.type() != std::filesystem::file_type::socket) {
        ec = std::make_error_code(std::errc::file_exists);
        return;
    }
    const portsock::endpoint address = portsock::endpoint::local(path, ec);
    portsock::socket probe;
    if (!ec) probe.open(portsock::family::local, type, 0, ec);
    if (!ec) probe.settimeout(1.0, ec);  // a full backlog is a server too
    if (ec) return;
    probe.connect(address, ec);
    if (!ec || ec == std::errc::timed_out) {
        ec = std::make_error_code(std::errc::address_in_use);
        return;
    }
    if (ec != std::errc::connection_refused) return;
    ec.clear();
    std::filesystem::remove(path, ec);
}

// Ctrl-C, Ctrl-Break and SIGTERM set a flag and wake the app's poller (an
// async-signal-safe write on POSIX; Windows runs the handler in a thread of
// its own); the app's loop then closes every socket and exits with status 0.
inline volatile std::sig_atomic_t stop_flag = 0;
inline portsock::poller* stop_poller = nullptr;

extern "C" inline void on_stop_signal(int) {
    stop_flag = 1;
    if (stop_poller != nullptr) stop_poller->wake();
}

/// Installs the handlers; `p` (if given) is woken when a stop is asked for.
inline void handle_stop_signals(portsock::poller* p = nullptr) {
    stop_poller = p;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
#ifdef SIGBREAK  // Ctrl-Break, where the C library has it
    std::signal(SIGBREAK, on_stop_signal);
#endif
}

inline bool stop_requested() { return stop_flag != 0; }

}  // namespace app
