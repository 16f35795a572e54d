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
