#include "stdio.hpp"

#include <windows.h>

namespace app {

// ReadFile/WriteFile on the standard handles: bytes as they are, no CRLF
// translation, and a pipe read returns what is there.
long read_stdin(void* buffer, std::size_t size) {
    DWORD got = 0;
    const DWORD want = size > 0x10000000 ? 0x10000000 : static_cast<DWORD>(size);
    if (!::ReadFile(::GetStdHandle(STD_INPUT_HANDLE), buffer, want, &got, nullptr)) {
        return ::GetLastError() == ERROR_BROKEN_PIPE ? 0 : -1;  // the writer closed: end of input
    }
    return static_cast<long>(got);
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
