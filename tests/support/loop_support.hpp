// What the loop and coroutine tests share: a clock the test moves by hand,
// and open / run_once that fail the test on an error.
#pragma once

#include "net.hpp"  // ASSERT_OK

#include <portsock/loop.hpp>

#include <optional>
#include <system_error>

namespace testsupport {

struct fake_clock {
    double now = 100.0;
    static double read(void* self) { return static_cast<fake_clock*>(self)->now; }
    portsock::loop_clock clock() { return portsock::loop_clock{&fake_clock::read, this}; }
};

inline void open_loop(portsock::loop& l) {
    std::error_code ec;
    l.open(ec);
    ASSERT_OK(ec);
}

inline void run_once(portsock::loop& l, std::optional<double> timeout = 0.0) {
    std::error_code ec;
    l.run_once(timeout, ec);
    ASSERT_OK(ec);
}

}  // namespace testsupport
