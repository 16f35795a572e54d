# PORTSOCK_HAVE_COROUTINES: whether this build's C++ compiles <portsock/coro.hpp>
# (C++20 coroutines: CMAKE_CXX_STANDARD 20 or later and a compiler and
# library with __cpp_impl_coroutine and <coroutine>). The library stays C++17;
# only the coroutine example and tests/coro_test.cpp need this, and they are
# skipped (not built) where it is false, e.g. in the C++17 `dev` preset.
include_guard(GLOBAL)
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_QUIET ON)
check_cxx_source_compiles([[
#if !defined(__cpp_impl_coroutine) || __cpp_impl_coroutine < 201902L || !__has_include(<coroutine>)
#error no coroutines
#endif
#include <coroutine>
int main() { return std::coroutine_handle<>{} ? 1 : 0; }
]] PORTSOCK_HAVE_COROUTINES)
unset(CMAKE_REQUIRED_QUIET)

# g++ 12 miscompiles coroutines at -O2 and above: its SLP vectorizer keeps a
# pair of loads (here a watcher's loop and socket pointers) in a stack slot
# that does not survive the coroutine's suspension, so after a resume the
# coroutine reads garbage. Seen with apps/examples/coro_echo.cpp: its second
# accept used a wild socket pointer; -fno-tree-slp-vectorize (or -O1) makes
# it correct. The coroutine targets built by g++ turn that pass off; the
# README tells users to do the same for their coroutine code.
function(portsock_coroutine_target target)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -fno-tree-slp-vectorize)
    endif()
endfunction()
