// child_process for the tests, over CreateProcessW and anonymous pipes.
// Windows has no poll for pipes, so a thread per output pipe reads it into a
// buffer that read_line and wait look at.
#include "child_process.hpp"
#include "host.hpp"

#include <windows.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace testsupport {

struct child_process::impl {
    PROCESS_INFORMATION info{};
    HANDLE in = nullptr;  // write end of its stdin
    std::thread out_reader, err_reader;
    std::mutex mutex;
    std::condition_variable changed;
    std::string out, err;
    int open_pipes = 2;
    bool reaped = false;
    DWORD code = 0;

    void read(HANDLE pipe, std::string impl::*buffer) {
        char chunk[4096];
        DWORD got = 0;
        while (::ReadFile(pipe, chunk, sizeof chunk, &got, nullptr) && got > 0) {
            std::lock_guard<std::mutex> lock(mutex);
            (this->*buffer).append(chunk, got);
            changed.notify_all();
        }
        ::CloseHandle(pipe);
        std::lock_guard<std::mutex> lock(mutex);
        --open_pipes;
        changed.notify_all();
    }

    void reap(DWORD how_long) {
        if (reaped) return;
        if (::WaitForSingleObject(info.hProcess, how_long) != WAIT_OBJECT_0) {
            ::TerminateProcess(info.hProcess, 1);
            ::WaitForSingleObject(info.hProcess, INFINITE);
        }
        ::GetExitCodeProcess(info.hProcess, &code);
        out_reader.join();
        err_reader.join();
        reaped = true;
    }
};

namespace {

std::wstring widen(const std::string& text) {
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, text.c_str(), -1, nullptr, 0);
    std::wstring wide(static_cast<std::size_t>(n > 0 ? n : 1), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, text.c_str(), -1, wide.data(), n);
    wide.resize(wide.size() - 1);
    return wide;
}

// One argument quoted as CommandLineToArgvW reads it back.
void append_quoted(std::wstring& line, const std::wstring& arg) {
    if (!line.empty()) line += L' ';
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
        line += arg;
        return;
    }
    line += L'"';
    std::size_t backslashes = 0;
    for (wchar_t c : arg) {
        if (c == L'\\') {
            ++backslashes;
        } else if (c == L'"') {
            line.append(backslashes * 2 + 1, L'\\');
            line += L'"';
            backslashes = 0;
        } else {
            line.append(backslashes, L'\\');
            line += c;
            backslashes = 0;
        }
    }
    line.append(backslashes * 2, L'\\');
    line += L'"';
}

std::error_code last_error() { return {static_cast<int>(::GetLastError()), std::system_category()}; }

}  // namespace

// A Windows program starts its children itself: under wine too, where the
// test already runs inside the emulator.
std::vector<std::string> child_process::emulator() { return {}; }

child_process child_process::start(const std::vector<std::string>& argv, std::error_code& ec, built_for) {
    child_process child;
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE in_read, in_write, out_read, out_write, err_read, err_write;
    if (!::CreatePipe(&in_read, &in_write, &inherit, 0) || !::CreatePipe(&out_read, &out_write, &inherit, 0) ||
        !::CreatePipe(&err_read, &err_write, &inherit, 0)) {
        ec = last_error();
        return child;
    }
    // Our ends stay here.
    ::SetHandleInformation(in_write, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(err_read, HANDLE_FLAG_INHERIT, 0);

    std::wstring line;
    for (const std::string& arg : argv) append_quoted(line, widen(arg));
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = in_read;
    startup.hStdOutput = out_write;
    startup.hStdError = err_write;
    auto* state = new impl;
    // Its own process group, so that a console break reaches it alone.
    const BOOL started = ::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, CREATE_NEW_PROCESS_GROUP,
                                          nullptr, nullptr, &startup, &state->info);
    if (!started) ec = last_error();
    ::CloseHandle(in_read);
    ::CloseHandle(out_write);
    ::CloseHandle(err_write);
    if (!started) {
        ::CloseHandle(in_write);
        ::CloseHandle(out_read);
        ::CloseHandle(err_read);
        delete state;
        return child;
    }
    state->in = in_write;
    state->out_reader = std::thread([state, out_read] { state->read(out_read, &impl::out); });
    state->err_reader = std::thread([state, err_read] { state->read(err_read, &impl::err); });
    child.impl_ = state;
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
    close_stdin();
    impl_->reap(0);
    ::CloseHandle(impl_->info.hProcess);
    ::CloseHandle(impl_->info.hThread);
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
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->changed.wait_for(lock, timeout, [this] {
        return impl_->out.find('\n') != std::string::npos || impl_->open_pipes == 0;
    });
    return take_line(impl_->out);
}

std::optional<std::string> child_process::read_error_line(std::chrono::milliseconds timeout) {
    if (impl_ == nullptr) return std::nullopt;
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->changed.wait_for(lock, timeout, [this] {
        return impl_->err.find('\n') != std::string::npos || impl_->open_pipes == 0;
    });
    return take_line(impl_->err);
}

bool child_process::write_stdin(std::string_view data) {
    if (impl_ == nullptr || impl_->in == nullptr) return false;
    DWORD written = 0;
    return ::WriteFile(impl_->in, data.data(), static_cast<DWORD>(data.size()), &written, nullptr) &&
           written == data.size();
}

void child_process::close_stdin() {
    if (impl_ != nullptr && impl_->in != nullptr) {
        ::CloseHandle(impl_->in);
        impl_->in = nullptr;
    }
}

// Not under wine: there a console Ctrl-Break is either refused (the test has
// no console) or, as seen once in a CI run, delivered to every process of the
// console, the test's own included, which then dies without a word. A stop
// request that cannot be aimed is not sent; callers skip or kill instead.
bool child_process::terminate() {
    return impl_ != nullptr && !impl_->reaped && !running_under_wine() &&
           ::GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, impl_->info.dwProcessId) != 0;
}

bool child_process::kill() {
    if (impl_ == nullptr || impl_->reaped) return false;
    const bool running = ::WaitForSingleObject(impl_->info.hProcess, 0) == WAIT_TIMEOUT;
    if (running) ::TerminateProcess(impl_->info.hProcess, 1);
    wait(std::chrono::seconds(20));
    return running;
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    if (impl_ == nullptr) return std::nullopt;
    const bool in_time = impl_->reaped || ::WaitForSingleObject(impl_->info.hProcess, static_cast<DWORD>(timeout.count())) == WAIT_OBJECT_0;
    impl_->reap(0);
    std::lock_guard<std::mutex> lock(impl_->mutex);
    out_ += impl_->out;
    impl_->out.clear();
    err_ += impl_->err;
    impl_->err.clear();
    if (!in_time) return std::nullopt;
    return static_cast<int>(impl_->code);
}

}  // namespace testsupport
