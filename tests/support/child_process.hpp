// Starting the apps as real processes from the tests. Declared once here and
// defined per backend in tests/support/<posix|win32>/child_process.cpp, so the
// tests themselves name no operating system.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace testsupport {

class child_process {
public:
    /// What a program was built for: the target, as the apps (started
    /// through the build's emulator when it set one), or the build host, as
    /// python3 (started as it is: under qemu-user an emulated program's
    /// posix_spawn runs a host program natively).
    enum class built_for { target, host };

    /// Starts `argv[0]` with the rest as arguments; its stdin, stdout and
    /// stderr are pipes to this process. When the build set an emulator for
    /// the target (qemu-user), a target program is started through it.
    static child_process start(const std::vector<std::string>& argv, std::error_code& ec,
                               built_for program = built_for::target);

    /// The command that runs a target program before its own arguments:
    /// the build's emulator (`qemu-mips -L ...`), or nothing.
    static std::vector<std::string> emulator();

    child_process() = default;
    child_process(child_process&& other) noexcept;
    child_process& operator=(child_process&& other) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    /// Kills and reaps a child that is still running.
    ~child_process();

    /// The next line of its stdout (no line end, CR stripped), waiting up to
    /// `timeout`. `std::nullopt` at end of output or on timeout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    /// The same for its stderr.
    std::optional<std::string> read_error_line(std::chrono::milliseconds timeout);
    /// Writes to its stdin; `close_stdin` sends end-of-file.
    bool write_stdin(std::string_view data);
    void close_stdin();
    /// Asks it to stop (SIGTERM; Windows: a console Ctrl-Break). False when
    /// the request cannot be delivered (wine has no console to send it on).
    bool terminate();
    /// Ends it at once (SIGKILL; Windows: TerminateProcess) and collects its
    /// output, as wait does. True when it was still running until then; false
    /// when it had already exited on its own (or was never started).
    bool kill();
    /// Waits for it to exit, collecting all its output. Returns the exit
    /// status (128 + signal number when a signal ended it), or `std::nullopt`
    /// if it did not exit in time (it is then killed).
    std::optional<int> wait(std::chrono::milliseconds timeout);

    /// Output not yet returned by read_line / read_error_line.
    const std::string& out() const { return out_; }
    const std::string& err() const { return err_; }

private:
    struct impl;
    impl* impl_ = nullptr;
    std::string out_;
    std::string err_;
};

}  // namespace testsupport
