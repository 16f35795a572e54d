// The fault table behind fault.hpp (compiled only with
// PORTSOCK_FAULT_INJECTION). When no rule is set, a call costs one relaxed
// atomic load and one relaxed increment, and takes no lock: tests under
// ThreadSanitizer then see no synchronisation that the library itself lacks.
#include "fault.hpp"

#include <atomic>
#include <mutex>

namespace portsock::fault {
namespace {

constexpr std::size_t capacity = 32;

struct slot {
    rule r;
    bool live = false;
};

std::mutex table_lock;
slot table[capacity];
std::size_t used = 0;  // rules are appended; a spent one keeps its place until clear()
std::atomic<bool> armed{false};
// Counts in the machine's word: a 64-bit atomic is not lock-free on 32-bit
// MIPS and PowerPC, where it would need libatomic (found by mips-linux).
std::atomic<std::size_t> call_counts[call_kinds];
std::atomic<std::size_t> hit_counts[call_kinds];

std::size_t index_of(call c) noexcept { return static_cast<std::size_t>(c); }

}  // namespace

bool inject(const rule& r) noexcept {
    if (r.times == 0) return true;
    std::lock_guard<std::mutex> hold(table_lock);
    if (used == capacity) return false;
    table[used].r = r;
    table[used].live = true;
    ++used;
    armed.store(true, std::memory_order_release);
    return true;
}

void clear() noexcept {
    std::lock_guard<std::mutex> hold(table_lock);
    for (slot& s : table) s.live = false;
    used = 0;
    for (auto& count : hit_counts) count.store(0, std::memory_order_relaxed);
    armed.store(false, std::memory_order_release);
}

std::uint64_t calls(call c) noexcept { return call_counts[index_of(c)].load(std::memory_order_relaxed); }

std::uint64_t injected(call c) noexcept { return hit_counts[index_of(c)].load(std::memory_order_relaxed); }

decision decide(call c, native_handle_type h) noexcept {
    call_counts[index_of(c)].fetch_add(1, std::memory_order_relaxed);
    if (!armed.load(std::memory_order_relaxed)) return {};
    std::lock_guard<std::mutex> hold(table_lock);
    // Rules are kept in the order they were added: the first one that is
    // live and matches decides (a later rule waits for it to run out).
    for (std::size_t k = 0; k < used; ++k) {
        slot& s = table[k];
        if (!s.live || s.r.target != c) continue;
        if (s.r.handle != invalid_native_handle && c != call::socket && s.r.handle != h) continue;
        if (s.r.skip > 0) {
            --s.r.skip;
            return {};
        }
        if (s.r.times != forever && --s.r.times == 0) s.live = false;
        hit_counts[index_of(c)].fetch_add(1, std::memory_order_relaxed);
        return {s.r.error, s.r.limit};
    }
    return {};
}

}  // namespace portsock::fault
