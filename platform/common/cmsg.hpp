// Walking and writing control messages in the system's layout, for both
// backends: each passes its header type (cmsghdr, WSACMSGHDR) and the
// numbers its CMSG_* macros give, so that no layout is written by hand.
// Headers are copied with memcpy: a caller's buffer need not be aligned,
// and a hostile one is never read outside its bounds.
#pragma once

#include <portsock/error.hpp>
#include <portsock/message.hpp>

#include <cstddef>
#include <cstring>
#include <system_error>

namespace portsock::sys {

/// What a backend's macros say of its layout.
struct cmsg_layout {
    std::size_t data_offset;  ///< CMSG_LEN(0): the header and its padding
    std::size_t align;        ///< what cmsg_len is rounded up to for the next header
};

template <class Header>
bool walk_cmsg(const cmsg_layout& layout, const void* control, std::size_t size, std::size_t& offset,
               cmsg& out) noexcept {
    if (control == nullptr || offset > size || size - offset < sizeof(Header)) return false;
    const auto* at = static_cast<const unsigned char*>(control) + offset;
    Header h;
    std::memcpy(&h, at, sizeof h);
    const std::size_t len = static_cast<std::size_t>(h.cmsg_len);
    if (len < layout.data_offset || len > size - offset) return false;
    out.level = h.cmsg_level;
    out.type = h.cmsg_type;
    out.data = at + layout.data_offset;
    out.size = len - layout.data_offset;
    const std::size_t step = (len + layout.align - 1) / layout.align * layout.align;
    offset = step > size - offset ? size : offset + step;
    return true;
}

/// Appends one message of `space` bytes (the backend's CMSG_SPACE(size)).
template <class Header>
std::error_code add_cmsg(const cmsg_layout& layout, std::size_t space, void* control, std::size_t capacity,
                         std::size_t& used, int level, int type, const void* data, std::size_t size) noexcept {
    if (used > capacity || size > capacity || capacity - used < space || space < layout.data_offset + size) {
        return error::control_too_small;
    }
    auto* at = static_cast<unsigned char*>(control) + used;
    std::memset(at, 0, space);
    Header h{};
    h.cmsg_len = static_cast<decltype(h.cmsg_len)>(layout.data_offset + size);
    h.cmsg_level = level;
    h.cmsg_type = type;
    std::memcpy(at, &h, sizeof h);
    if (size != 0) std::memcpy(at + layout.data_offset, data, size);
    used += space;
    return {};
}

}  // namespace portsock::sys
