// Raw standard input and output for the apps (sockcat): reads that return
// what is there (the C++ library's reads wait for a full buffer), bytes
// passed unchanged (no text-mode line ends). Declared once here, defined per
// backend in apps/<posix|win32>/stdio.cpp.
#pragma once

#include <portsock/portsock.hpp>

#include <cstddef>
#include <system_error>

namespace app {

/// Reads up to `size` bytes from standard input, waiting for at least one.
/// Returns the count, 0 at end of input or on error (`ec` says which: the
/// system's error, as `std::errc` compares it).
std::size_t read_stdin(void* buffer, std::size_t size, std::error_code& ec);

/// Standard input as a handle an event loop may watch: its descriptor on
/// POSIX (pollable when it is a pipe, a terminal or a socket; the loop
/// refuses it otherwise), `portsock::invalid_native_handle` where standard
/// input is never pollable (Windows: a console or a pipe is no SOCKET).
portsock::native_handle_type stdin_handle();

/// Writes all `size` bytes to standard output; false on error.
bool write_stdout(const void* data, std::size_t size);

}  // namespace app
