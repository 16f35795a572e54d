// Argument checks the core makes in more than one place, defined once so
// that every operation accepts and refuses the same input.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace portsock::detail {

/// The longest host name accepted, in bytes (RFC 1035's 255 octets on the
/// wire are 253 characters of text); a longer one fails with
/// `error::host_name_too_long` before the resolver is asked.
inline constexpr std::size_t max_host_name = 253;

/// The longest timeout accepted, in seconds: the most whole seconds whose
/// nanoseconds fit a signed 64-bit count (about 292 years), which is also
/// where Python stops (OverflowError past its 64-bit nanosecond time). A
/// longer one fails with `error::bad_timeout`; one accepted is kept as given.
inline constexpr double max_timeout_seconds = 9223372036.0;

/// Whether `seconds` is a timeout accepted: 0 or more, and at most
/// `max_timeout_seconds` (NaN and infinity are not). Anything else fails with
/// `error::bad_timeout`.
inline bool valid_timeout(double seconds) noexcept { return seconds >= 0 && seconds <= max_timeout_seconds; }

/// A valid timeout in nanoseconds, rounded up (a timeout never ends early).
inline std::int64_t timeout_ns(double seconds) noexcept {
    return static_cast<std::int64_t>(std::ceil(seconds * 1e9));
}

}  // namespace portsock::detail
