// Raw standard input and output for the apps (sockcat): reads that return
// what is there (the C++ library's reads wait for a full buffer), bytes
// passed unchanged (no text-mode line ends). Declared once here, defined per
// backend in apps/<posix|win32>/stdio.cpp.
#pragma once

#include <cstddef>

namespace app {

/// Reads up to `size` bytes from standard input, waiting for at least one.
/// Returns the count, 0 at end of input, -1 on error.
long read_stdin(void* buffer, std::size_t size);

/// Writes all `size` bytes to standard output; false on error.
bool write_stdout(const void* data, std::size_t size);

}  // namespace app
