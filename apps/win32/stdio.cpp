#include "stdio.hpp"

#include <windows.h>

namespace app {

// ReadFile/WriteFile on the standard handles: bytes as they are, no CRLF
// translation, and a pipe read returns what is there.
std::size_t read_stdin(void* buffer, std::size_t size, std::error_code& ec) {
    ec.clear();
    DWORD got = 0;
    const DWORD want = size > 0x10000000 ? 0x10000000 : static_cast<DWORD>(size);
    if (!::ReadFile(::GetStdHandle(STD_INPUT_HANDLE), buffer, want, &got, nullptr)) {
        const DWORD error = ::GetLastError();
        // The writer closed: end of input. Anything else is the error.
        if (error != ERROR_BROKEN_PIPE) ec.assign(static_cast<int>(error), std::system_category());
        return 0;
    }
    return got;
}

bool write_stdout(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        DWORD written = 0;
        const DWORD chunk = size > 0x10000000 ? 0x10000000 : static_cast<DWORD>(size);
        if (!::WriteFile(::GetStdHandle(STD_OUTPUT_HANDLE), p, chunk, &written, nullptr) || written == 0) {
            return false;
        }
        p += written;
        size -= written;
    }
    return true;
}

portsock::native_handle_type stdin_handle() { return portsock::invalid_native_handle; }

}  // namespace app
