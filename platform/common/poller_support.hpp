// What every poller (platform/<backend>/poller_*.cpp) does alike.
#pragma once

#include <new>
#include <system_error>

namespace portsock::sys {

/// A poller's state, allocated for poller_open (the one allocation it makes
/// before any table): null with `not_enough_memory` in `ec` when there is
/// no room.
template <class State>
State* new_poller_state(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) State;
    if (p == nullptr) ec = std::make_error_code(std::errc::not_enough_memory);
    return p;
}

}  // namespace portsock::sys
