// The Windows poller: AFD polling (poller_afd.cpp) by default, select()
// (poller_select.cpp) when the environment variable PORTSOCK_WINDOWS_POLLER
// is "select" when a poller is opened, or when AFD cannot be used here (the
// device does not open, or sockets have no base handle: a non-IFS layered
// service provider). The choice is made once, in poller_open, and never
// changes for that poller: a switch later (at the first add) would race
// with a wake() from another thread.
#include "poller_support.hpp"
#include "pollers.hpp"
#include "sys.hpp"

#include <windows.h>

namespace portsock::sys {

struct poller_state {
    afd_state* afd = nullptr;  // exactly one of the two is set
    select_state* select = nullptr;
};

namespace {

// PORTSOCK_WINDOWS_POLLER=select (any case) asks for select; anything else,
// or nothing, for the default.
bool select_requested() noexcept {
    wchar_t value[16];
    const DWORD n = ::GetEnvironmentVariableW(L"PORTSOCK_WINDOWS_POLLER", value, 16);
    return n > 0 && n < 16 &&
           ::CompareStringOrdinal(value, static_cast<int>(n), L"select", -1, TRUE) == CSTR_EQUAL;
}

}  // namespace

poller_state* poller_open(std::error_code& ec) noexcept {
    auto* p = new_poller_state<poller_state>(ec);
    if (p == nullptr) return nullptr;
    if (!select_requested()) {
        std::error_code afd_ec;  // AFD unusable here: select instead
        p->afd = afd_open(afd_ec);
        if (p->afd != nullptr) {
            clear_error(ec);
            return p;
        }
    }
    p->select = select_open(ec);
    if (p->select == nullptr) {
        delete p;
        return nullptr;
    }
    return p;
}

void poller_close(poller_state* p) noexcept {
    if (p->afd != nullptr) afd_close(p->afd);
    if (p->select != nullptr) select_close(p->select);
    delete p;
}

std::error_code poller_add(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    return p->afd != nullptr ? afd_add(p->afd, h, interest, tag) : select_add(p->select, h, interest, tag);
}

std::error_code poller_modify(poller_state* p, handle h, event interest, std::uint64_t tag) noexcept {
    return p->afd != nullptr ? afd_modify(p->afd, h, interest, tag)
                             : select_modify(p->select, h, interest, tag);
}

std::error_code poller_remove(poller_state* p, handle h) noexcept {
    return p->afd != nullptr ? afd_remove(p->afd, h) : select_remove(p->select, h);
}

std::size_t poller_wait(poller_state* p, poll_event* out, std::size_t capacity, wait_limit limit,
                        std::error_code& ec) noexcept {
    return p->afd != nullptr ? afd_wait(p->afd, out, capacity, limit, ec)
                             : select_wait(p->select, out, capacity, limit, ec);
}

void poller_wake(poller_state* p) noexcept {
    if (p->afd != nullptr) {
        afd_wake(p->afd);
    } else {
        select_wake(p->select);
    }
}

}  // namespace portsock::sys
