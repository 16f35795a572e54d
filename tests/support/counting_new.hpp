// Counts every operator new while `counting` is on, for the tests that assert
// a path allocates nothing. It defines the program's replacement operators, so
// include it from exactly one file of a test binary.
//
// Every replaceable form that the library or the standard library may call is
// replaced, so that each allocation is counted and each block is freed by the
// allocator that made it (AddressSanitizer checks that pairing). The aligned
// forms are left alone: nothing in portsock over-aligns. Coroutine frames come
// from operator new too.
#pragma once

#include <portsock/error.hpp>  // PORTSOCK_HAS_EXCEPTIONS

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_malloc(std::size_t size) noexcept {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* counted_or_fail(std::size_t size) {
    if (void* p = counted_malloc(size)) return p;
#if PORTSOCK_HAS_EXCEPTIONS
    throw std::bad_alloc();
#else
    std::abort();
#endif
}
}  // namespace

void* operator new(std::size_t size) { return counted_or_fail(size); }
void* operator new[](std::size_t size) { return counted_or_fail(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
