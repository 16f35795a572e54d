// IPv4 and IPv6 address text (RFC 4291 section 2.2 input, RFC 5952 output),
// without ports, brackets or zones: endpoint.cpp handles those around it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portsock::detail {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Reads a dotted-quad IPv4 address (exactly four decimal parts, 0-255, no
/// leading zeros) into `out[0..3]`. False, with `out` unspecified, otherwise.
bool parse_v4(std::string_view text, std::uint8_t* out) noexcept;

/// Reads an IPv6 address without a zone (up to eight groups of 1-4 hex
/// digits, at most one "::", optionally a dotted-quad tail) into
/// `out[0..15]`. False, with `out` unspecified, otherwise.
bool parse_v6(std::string_view text, std::uint8_t* out) noexcept;

/// Whether the sixteen bytes `b[0..15]` are an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d).
bool is_v4_mapped(const std::uint8_t* b) noexcept;

/// Appends the four bytes `b[0..3]` as a dotted quad.
void append_v4(std::string& out, const std::uint8_t* b);

/// Appends the sixteen bytes `b[0..15]` in RFC 5952's canonical form.
void append_v6(std::string& out, const std::uint8_t* b);

}  // namespace portsock::detail
