// Argument checks the core makes in more than one place, defined once so
// that every operation accepts and refuses the same input.
#pragma once

#include <cmath>
#include <cstddef>

namespace portsock::detail {

/// The longest host name accepted, in bytes (RFC 1035's 255 octets on the
/// wire are 253 characters of text); a longer one fails with
/// `error::host_name_too_long` before the resolver is asked.
inline constexpr std::size_t max_host_name = 253;

/// The longest timeout kept, in seconds; longer ones are clamped to it (31
/// years) so that deadlines never overflow the clock.
inline constexpr double max_timeout_seconds = 1e9;

/// Whether `seconds` is a timeout Python accepts: finite and 0 or more (NaN
/// is not). Anything else fails with `error::bad_timeout`.
inline bool valid_timeout(double seconds) noexcept { return seconds >= 0 && std::isfinite(seconds); }

/// A valid timeout clamped to `max_timeout_seconds`.
inline double clamp_timeout(double seconds) noexcept {
    return seconds < max_timeout_seconds ? seconds : max_timeout_seconds;
}

}  // namespace portsock::detail
