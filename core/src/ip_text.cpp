// IPv4 and IPv6 address text, read and written here rather than by the
// system so that every backend accepts and prints the same thing: RFC 4291
// section 2.2 input, RFC 5952 output. Fuzzed through endpoint::parse and
// endpoint::host (tests/fuzz).
#include "ip_text.hpp"

#include <cstring>

namespace portsock::detail {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_hex(std::string& out, unsigned value) {
    static const char digits[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned nibble = (value >> shift) & 0xf;
        if (nibble != 0 || started || shift == 0) {
            out += digits[nibble];
            started = true;
        }
    }
}

}  // namespace

bool is_v4_mapped(const std::uint8_t* b) noexcept {
    static const std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(b, prefix, sizeof prefix) == 0;
}

// Dotted-quad IPv4 with exactly four decimal parts, each 0-255 without
// leading zeros (which some parsers read as octal: refusing them is safer).
bool parse_v4(std::string_view text, std::uint8_t* out) noexcept {
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= text.size() || text[i] != '.') return false;
            ++i;
        }
        const std::size_t start = i;
        unsigned value = 0;
        while (i < text.size() && is_digit(text[i]) && i - start < 3) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
        }
        const std::size_t digits = i - start;
        if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
        out[part] = static_cast<std::uint8_t>(value);
    }
    return i == text.size();
}

// IPv6 without zone: up to eight groups of 1-4 hex digits, at most one "::",
// optionally ending in a dotted quad that stands for the last two groups.
bool parse_v6(std::string_view text, std::uint8_t* out) noexcept {
    std::uint16_t words[8] = {};
    int count = 0;
    int gap = -1;
    std::size_t i = 0;
    if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        i = 2;
    } else if (!text.empty() && text[0] == ':') {
        return false;
    }
    while (i < text.size()) {
        if (count == 8) return false;
        std::size_t end = text.find(':', i);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view part = text.substr(i, end - i);
        if (part.find('.') != std::string_view::npos) {
            std::uint8_t v4[4];
            if (end != text.size() || count > 6 || !parse_v4(part, v4)) return false;
            words[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            words[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            i = end;
            break;
        }
        if (part.empty() || part.size() > 4) return false;
        unsigned value = 0;
        for (char c : part) {
            const int h = hex_value(c);
            if (h < 0) return false;
            value = value << 4 | static_cast<unsigned>(h);
        }
        words[count++] = static_cast<std::uint16_t>(value);
        if (end == text.size()) {
            i = end;
            break;
        }
        if (end + 1 < text.size() && text[end + 1] == ':') {
            if (gap >= 0) return false;
            gap = count;
            i = end + 2;
        } else {
            i = end + 1;
            if (i == text.size()) return false;  // a trailing single colon
        }
    }
    if (gap < 0 ? count != 8 : count > 7) return false;
    std::uint16_t full[8] = {};
    if (gap < 0) {
        std::memcpy(full, words, sizeof full);
    } else {
        const int tail = count - gap;
        for (int k = 0; k < gap; ++k) full[k] = words[k];
        for (int k = 0; k < tail; ++k) full[8 - tail + k] = words[gap + k];
    }
    for (int k = 0; k < 8; ++k) {
        out[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
        out[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xff);
    }
    return true;
}

void append_v4(std::string& out, const std::uint8_t* b) {
    for (int k = 0; k < 4; ++k) {
        if (k > 0) out += '.';
        out += std::to_string(b[k]);
    }
}

// RFC 5952: lower case, no leading zeros, the longest run (first on a tie) of
// two or more zero groups as "::", IPv4-mapped and IPv4-compatible addresses
// with a dotted tail.
void append_v6(std::string& out, const std::uint8_t* b) {
    if (is_v4_mapped(b)) {
        out += "::ffff:";
        append_v4(out, b + 12);
        return;
    }
    unsigned words[8];
    for (int k = 0; k < 8; ++k) words[k] = static_cast<unsigned>(b[2 * k] << 8 | b[2 * k + 1]);
    int best_start = -1, best_len = 0;
    for (int k = 0; k < 8;) {
        if (words[k] != 0) {
            ++k;
            continue;
        }
        int run = k;
        while (run < 8 && words[run] == 0) ++run;
        if (run - k > best_len) {
            best_start = k;
            best_len = run - k;
        }
        k = run;
    }
    if (best_len < 2) best_start = -1;
    if (best_start == 0 && best_len == 6) {
        // An IPv4-compatible address (RFC 4291 2.5.5.1, deprecated), ::a.b.c.d
        // with a.b not zero: a dotted tail, as glibc's and Python's inet_ntop
        // print it.
        out += "::";
        append_v4(out, b + 12);
        return;
    }
    for (int k = 0; k < 8; ++k) {
        if (k == best_start) {
            out += "::";
            k += best_len - 1;
            continue;
        }
        if (k > 0 && k != best_start + best_len) out += ':';
        append_hex(out, words[k]);
    }
}

}  // namespace portsock::detail
