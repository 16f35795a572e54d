// child_process for the tests, over posix_spawn and pipes.
#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

extern char** environ;

namespace testsupport {

struct child_process::impl {
    pid_t pid = -1;
    int in = -1;   // write end of its stdin
    int out = -1;  // read end of its stdout
    int err = -1;  // read end of its stderr
    bool reaped = false;
    int status = 0;
};

namespace {

bool make_pipe(int fds[2]) {
    if (::pipe(fds) < 0) return false;
    for (int k = 0; k < 2; ++k) ::fcntl(fds[k], F_SETFD, FD_CLOEXEC);
    return true;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

// Splits the emulator setting ("qemu-aarch64;-L;/usr/aarch64-linux-gnu").
std::vector<std::string> child_process::emulator() {
    std::vector<std::string> parts;
#ifdef PORTSOCK_TEST_EMULATOR
    std::string text = PORTSOCK_TEST_EMULATOR;
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const std::size_t end = text.find(';', start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
#endif
    return parts;
}

namespace {

// Reads what is available on the ready descriptors into the buffers; stops
// reading a descriptor at end of file. Returns false on timeout.
// With `line_of`, stops as soon as that buffer holds a whole line.
bool pump(int& out_fd, int& err_fd, std::string& out, std::string& err,
          std::chrono::steady_clock::time_point deadline, const std::string* line_of) {
    for (;;) {
        if (line_of != nullptr && line_of->find('\n') != std::string::npos) return true;
        if (out_fd < 0 && err_fd < 0) return true;
        pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
        // Past the deadline, what is already there is still read.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        const int n = ::poll(p, 2, left <= 0 ? 0 : left > INT_MAX ? INT_MAX : static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        int* fds[2] = {&out_fd, &err_fd};
        std::string* bufs[2] = {&out, &err};
        for (int k = 0; k < 2; ++k) {
            if (*fds[k] < 0 || p[k].revents == 0) continue;
            char chunk[4096];
            const ssize_t got = ::read(*fds[k], chunk, sizeof chunk);
            if (got > 0) {
                bufs[k]->append(chunk, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                close_fd(*fds[k]);
            }
        }
    }
}

}  // namespace

child_process child_process::start(const std::vector<std::string>& argv, std::error_code& ec, built_for program) {
    child_process child;
    int in[2], out[2], err[2];
    if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err)) {
        ec = {errno, std::generic_category()};
        return child;
    }
    std::vector<std::string> full;
    if (program == built_for::target) full = emulator();
    full.insert(full.end(), argv.begin(), argv.end());
    std::vector<char*> args;
    for (std::string& a : full) args.push_back(a.data());
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(in[1]);
        ::close(out[0]);
        ::close(err[0]);
        ec = {rc, std::generic_category()};
        return child;
    }
    child.impl_ = new impl{pid, in[1], out[0], err[0], false, 0};
    ec.clear();
    return child;
}

child_process::child_process(child_process&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)), out_(std::move(other.out_)), err_(std::move(other.err_)) {}

child_process& child_process::operator=(child_process&& other) noexcept {
    std::swap(impl_, other.impl_);
    std::swap(out_, other.out_);
    std::swap(err_, other.err_);
    return *this;
}

child_process::~child_process() {
    if (impl_ == nullptr) return;
    if (!impl_->reaped) {
        ::kill(impl_->pid, SIGKILL);
        ::waitpid(impl_->pid, &impl_->status, 0);
    }
    close_fd(impl_->in);
    close_fd(impl_->out);
    close_fd(impl_->err);
    delete impl_;
}

namespace {

std::optional<std::string> take_line(std::string& buffer) {
    const std::size_t newline = buffer.find('\n');
    if (newline == std::string::npos) return std::nullopt;
    std::string line = buffer.substr(0, newline);
    buffer.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
    if (impl_ == nullptr) return std::nullopt;
    pump(impl_->out, impl_->err, out_, err_, std::chrono::steady_clock::now() + timeout, &out_);
    return take_line(out_);
}

std::optional<std::string> child_process::read_error_line(std::chrono::milliseconds timeout) {
    if (impl_ == nullptr) return std::nullopt;
    pump(impl_->out, impl_->err, out_, err_, std::chrono::steady_clock::now() + timeout, &err_);
    return take_line(err_);
}

// Writes while reading its output, so that a child that answers as it reads
// (and whose output pipe fills up) cannot deadlock with us.
bool child_process::write_stdin(std::string_view data) {
    if (impl_ == nullptr || impl_->in < 0) return false;
    ::fcntl(impl_->in, F_SETFL, ::fcntl(impl_->in, F_GETFL) | O_NONBLOCK);
    while (!data.empty()) {
        pollfd p[3] = {{impl_->in, POLLOUT, 0}, {impl_->out, POLLIN, 0}, {impl_->err, POLLIN, 0}};
        if (::poll(p, 3, 30000) <= 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if ((p[1].revents | p[2].revents) != 0) {
            pump(impl_->out, impl_->err, out_, err_, std::chrono::steady_clock::now(), nullptr);
        }
        if (p[0].revents == 0) continue;
        const ssize_t n = ::write(impl_->in, data.data(), data.size());
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void child_process::close_stdin() {
    if (impl_ != nullptr) close_fd(impl_->in);
}

bool child_process::terminate() {
    return impl_ != nullptr && !impl_->reaped && ::kill(impl_->pid, SIGTERM) == 0;
}

bool child_process::kill() {
    if (impl_ == nullptr || impl_->reaped) return false;
    // Asked without reaping it (WNOWAIT), so that wait still collects it.
    siginfo_t info{};
    const bool running = ::waitid(P_PID, static_cast<id_t>(impl_->pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                         info.si_pid == 0;
    if (running) ::kill(impl_->pid, SIGKILL);
    wait(std::chrono::seconds(20));
    return running;
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    if (impl_ == nullptr) return std::nullopt;
    if (!impl_->reaped) {
        const bool drained = pump(impl_->out, impl_->err, out_, err_,
                                  std::chrono::steady_clock::now() + timeout, nullptr);
        if (!drained) {
            ::kill(impl_->pid, SIGKILL);
            ::waitpid(impl_->pid, &impl_->status, 0);
            impl_->reaped = true;
            return std::nullopt;
        }
        // Its output is closed: it has exited or is about to.
        while (::waitpid(impl_->pid, &impl_->status, 0) < 0 && errno == EINTR) {
        }
        impl_->reaped = true;
    }
    const int s = impl_->status;
    if (WIFEXITED(s)) return WEXITSTATUS(s);
    if (WIFSIGNALED(s)) return 128 + WTERMSIG(s);
    return std::nullopt;
}

}  // namespace testsupport
