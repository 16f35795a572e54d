// The message calls of socket.hpp (sendmsg, recvmsg_into, recvmsg,
// send_fds, recv_fds, packet info) and the control-message reader and
// writer of message.hpp: argument checks and Python's timeout modes over
// sys.hpp's "Messages" block, as socket.cpp does for the other data calls.
#include <portsock/message.hpp>
#include <portsock/socket.hpp>

#include "sys.hpp"

#include <utility>

namespace portsock {
namespace {

// One call; in deadline mode, waits and retries while it would block (as
// socket.cpp's with_deadline).
template <class Op>
std::size_t with_deadline(native_handle_type h, std::int64_t timeout_ns, sys::direction dir,
                          std::error_code& ec, Op op) noexcept {
    std::size_t result = op(ec);
    if (!ec || timeout_ns <= 0 || !would_block(ec)) return result;
    const auto deadline = sys::deadline_after(timeout_ns);
    for (;;) {
        ec = sys::wait(h, dir, deadline);
        if (ec) return 0;
        result = op(ec);
        if (!ec || !would_block(ec)) return result;
    }
}

bool flags_ok(msg flags, std::error_code& ec) noexcept {
    if (flags == msg::none || sys::flags_supported(flags)) return true;
    ec = error::not_supported;
    return false;
}

// Closes the descriptors of the SCM_RIGHTS messages in a control buffer
// past the first `keep` of them (counted over all such messages).
void close_fds_beyond(const cmsg_view& view, std::size_t keep) noexcept {
    std::size_t seen = 0;
    for (const cmsg& m : view) {
        std::size_t count = 0;
        if (!sys::is_fds(m, count)) continue;
        for (std::size_t i = 0; i < count; ++i, ++seen) {
            if (seen >= keep) (void)sys::close(sys::read_fd(m, i));
        }
    }
}

}  // namespace

// The reader and writer ---------------------------------------------------------

std::size_t cmsg_len(std::size_t data_size) noexcept { return sys::cmsg_len(data_size); }
std::size_t cmsg_space(std::size_t data_size) noexcept { return sys::cmsg_space(data_size); }
bool cmsg_next(const void* control, std::size_t size, std::size_t& offset, cmsg& out) noexcept {
    return sys::cmsg_next(control, size, offset, out);
}
bool read_packet_info(const cmsg& m, packet_info& out) noexcept { return sys::read_packet_info(m, out); }
bool is_fds(const cmsg& m, std::size_t& count) noexcept { return sys::is_fds(m, count); }
native_handle_type read_fd(const cmsg& m, std::size_t index) noexcept { return sys::read_fd(m, index); }

void cmsg_writer::add(int level, int type, const void* data, std::size_t size, std::error_code& ec) noexcept {
    ec = sys::cmsg_add(control_, capacity_, used_, level, type, data, size);
}
void cmsg_writer::add_fds(const native_handle_type* fds, std::size_t count, std::error_code& ec) noexcept {
    ec = sys::cmsg_add_fds(control_, capacity_, used_, fds, count);
}
void cmsg_writer::add_packet_info(const endpoint& local, std::uint32_t interface_index,
                                  std::error_code& ec) noexcept {
    ec = sys::cmsg_add_packet_info(control_, capacity_, used_, local, interface_index);
}

// The socket's calls -------------------------------------------------------------

std::size_t socket::sendmsg(const const_buffer* buffers, std::size_t count, const void* control,
                            std::size_t control_size, const endpoint& address, std::error_code& ec,
                            msg flags) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return 0;
    }
    if (!flags_ok(flags, ec)) return 0;
    if (count > max_buffers) {
        ec = error::too_many_buffers;
        return 0;
    }
    if (!address.empty() && address.family() != family_) {
        ec = error::family_mismatch;
        return 0;
    }
    const endpoint* to = address.empty() ? nullptr : &address;
    const native_handle_type h = handle_;
    const bool stream = type_ == portsock::type::stream;
    return with_deadline(h, timeout_ns_, sys::direction::write, ec, [&](std::error_code& e) {
        return sys::sendmsg(h, stream, buffers, count, control, control_size, to, flags, e);
    });
}

std::size_t socket::sendmsg(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                            msg flags) noexcept {
    return sendmsg(buffers, count, nullptr, 0, endpoint{}, ec, flags);
}

recvmsg_result socket::recvmsg_into(const mutable_buffer* buffers, std::size_t count, void* control,
                                    std::size_t control_capacity, std::error_code& ec, msg flags) noexcept {
    recvmsg_result result;
    if (!is_open()) {
        ec = error::not_open;
        return result;
    }
    if (!flags_ok(flags, ec)) return result;
    if (count > max_buffers) {
        ec = error::too_many_buffers;
        return result;
    }
    if (control == nullptr) control_capacity = 0;
    const bool stream = type_ == portsock::type::stream;
    std::size_t control_size = 0;
    const native_handle_type h = handle_;
    result.nbytes = with_deadline(h, timeout_ns_, sys::direction::read, ec, [&](std::error_code& e) {
        control_size = control_capacity;
        return sys::recvmsg(h, stream, buffers, count, control, control_size, stream ? nullptr : &result.address,
                            flags, result.msg_flags, e);
    });
    if (!ec) result.ancdata = cmsg_view(control, control_size);
    return result;
}

recvmsg_data socket::recvmsg(std::size_t bufsize, std::size_t ancbufsize, std::error_code& ec, msg flags) {
    recvmsg_data result;
    result.data.resize(bufsize);
    // Aligned storage for the control data (std::string's need not be).
    std::vector<std::max_align_t> control((ancbufsize + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t));
    mutable_buffer b{result.data.data(), bufsize};
    recvmsg_result r = recvmsg_into(&b, 1, control.data(), ancbufsize, ec, flags);
    result.data.resize(r.nbytes);
    if (ec) return result;
    for (const cmsg& m : r.ancdata) {
        result.ancdata.push_back({m.level, m.type, std::string(static_cast<const char*>(m.data), m.size)});
    }
    result.msg_flags = r.msg_flags;
    result.address = std::move(r.address);
    return result;
}

std::size_t socket::send_fds(const const_buffer* buffers, std::size_t count, const native_handle_type* fds,
                             std::size_t nfds, std::error_code& ec, msg flags, const endpoint& address) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return 0;
    }
    if (!sys::has_fd_passing()) {
        ec = error::not_supported;
        return 0;
    }
    if (nfds > max_fds) {
        ec = error::too_many_buffers;
        return 0;
    }
    control_buffer<cmsg_space_bound(max_fds * sizeof(int))> control;
    cmsg_writer writer(control.bytes, control.size);
    if (nfds != 0) {
        writer.add_fds(fds, nfds, ec);
        if (ec) return 0;
    }
    return sendmsg(buffers, count, writer.data(), writer.size(), address, ec, flags);
}

recv_fds_result socket::recv_fds_into(void* buffer, std::size_t size, native_handle_type* fds, std::size_t maxfds,
                                      std::error_code& ec, msg flags) noexcept {
    recv_fds_result result;
    if (!is_open()) {
        ec = error::not_open;
        return result;
    }
    if (!sys::has_fd_passing()) {
        ec = error::not_supported;
        return result;
    }
    if (maxfds > max_fds) {
        ec = error::too_many_buffers;
        return result;
    }
    // Room for max_fds whatever `maxfds`: what arrives beyond `maxfds` is
    // closed here. (Sized to `maxfds`, the system would close the rest
    // itself, but qemu-user receives into a larger buffer of its own and
    // leaves the descriptors it cannot hand over open.)
    control_buffer<cmsg_space_bound(max_fds * sizeof(int))> control;
    const std::size_t capacity = sys::cmsg_space(max_fds * sizeof(int));
    mutable_buffer b{buffer, size};
    recvmsg_result r = recvmsg_into(&b, 1, control.bytes, capacity, ec, flags);
    if (ec) return result;
    std::size_t total = 0;
    for (const cmsg& m : r.ancdata) {
        std::size_t count = 0;
        if (!sys::is_fds(m, count)) continue;
        for (std::size_t i = 0; i < count; ++i, ++total) {
            if (total < maxfds) fds[result.nfds++] = sys::read_fd(m, i);
        }
    }
    if (total > maxfds) {
        close_fds_beyond(r.ancdata, maxfds);
        r.msg_flags = r.msg_flags | msg::ctrunc;
    }
    result.nbytes = r.nbytes;
    result.msg_flags = r.msg_flags;
    result.address = std::move(r.address);
    return result;
}

recv_fds_data socket::recv_fds(std::size_t bufsize, std::size_t maxfds, std::error_code& ec, msg flags) {
    recv_fds_data result;
    result.data.resize(bufsize);
    native_handle_type fds[max_fds];
    recv_fds_result r = recv_fds_into(result.data.data(), bufsize, fds, maxfds, ec, flags);
    result.data.resize(r.nbytes);
    if (ec) return result;
    result.fds.assign(fds, fds + r.nfds);
    result.msg_flags = r.msg_flags;
    result.address = std::move(r.address);
    return result;
}

void socket::set_packet_info(bool on, std::error_code& ec) noexcept {
    if (!is_open()) {
        ec = error::not_open;
        return;
    }
    if (family_ != portsock::family::inet && family_ != portsock::family::inet6) {
        ec = error::family_mismatch;
        return;
    }
    ec = sys::set_packet_info(handle_, family_, on);
}

recvfrom_result socket::recvfrom_into(void* buffer, std::size_t size, packet_info& to_local, std::error_code& ec,
                                      msg flags) noexcept {
    recvfrom_result result;
    to_local = packet_info{};
    if (size == 0) {
        ec = error::empty_buffer;
        return result;
    }
    control_buffer<2 * cmsg_space_bound(64)> control;
    mutable_buffer b{buffer, size};
    recvmsg_result r = recvmsg_into(&b, 1, control.bytes, control.size, ec, flags);
    result.nbytes = r.nbytes;
    result.address = std::move(r.address);
    if (ec) return result;
    for (const cmsg& m : r.ancdata) {
        if (read_packet_info(m, to_local)) break;
    }
    // As recvfrom_into: a datagram longer than the buffer is message_size.
    if (has(r.msg_flags, msg::trunc)) ec = std::make_error_code(std::errc::message_size);
    return result;
}

std::size_t socket::sendto(const void* data, std::size_t size, const endpoint& address,
                           const packet_info& from_local, std::error_code& ec, msg flags) noexcept {
    if (address.empty()) {
        ec = error::empty_endpoint;
        return 0;
    }
    control_buffer<cmsg_space_bound(64)> control;
    cmsg_writer writer(control.bytes, control.size);
    if (!from_local.local.empty()) {
        if (from_local.local.family() != address.family()) {
            ec = error::family_mismatch;
            return 0;
        }
        writer.add_packet_info(from_local.local, from_local.interface_index, ec);
        if (ec) return 0;
    }
    const_buffer b{data, size};
    return sendmsg(&b, 1, writer.data(), writer.size(), address, ec, flags);
}

#if PORTSOCK_HAS_EXCEPTIONS
// Throwing forms --------------------------------------------------------------

std::size_t socket::sendmsg(const const_buffer* buffers, std::size_t count, const void* control,
                            std::size_t control_size, const endpoint& address, msg flags) {
    std::error_code ec;
    const std::size_t n = sendmsg(buffers, count, control, control_size, address, ec, flags);
    if (ec) {
        if (address.empty()) fail(ec, "sendmsg");
        fail(ec, "sendmsg to", address);
    }
    return n;
}

recvmsg_result socket::recvmsg_into(const mutable_buffer* buffers, std::size_t count, void* control,
                                    std::size_t control_capacity, msg flags) {
    std::error_code ec;
    recvmsg_result r = recvmsg_into(buffers, count, control, control_capacity, ec, flags);
    if (ec) fail(ec, "recvmsg_into");
    return r;
}

recvmsg_data socket::recvmsg(std::size_t bufsize, std::size_t ancbufsize, msg flags) {
    std::error_code ec;
    recvmsg_data r = recvmsg(bufsize, ancbufsize, ec, flags);
    if (ec) fail(ec, "recvmsg");
    return r;
}

std::size_t socket::send_fds(const const_buffer* buffers, std::size_t count, const native_handle_type* fds,
                             std::size_t nfds, msg flags, const endpoint& address) {
    std::error_code ec;
    const std::size_t n = send_fds(buffers, count, fds, nfds, ec, flags, address);
    if (ec) fail(ec, "send_fds");
    return n;
}

recv_fds_data socket::recv_fds(std::size_t bufsize, std::size_t maxfds, msg flags) {
    std::error_code ec;
    recv_fds_data r = recv_fds(bufsize, maxfds, ec, flags);
    if (ec) fail(ec, "recv_fds");
    return r;
}

void socket::set_packet_info(bool on) {
    std::error_code ec;
    set_packet_info(on, ec);
    if (ec) fail(ec, "set_packet_info");
}

recv_fds_result socket::recv_fds_into(void* buffer, std::size_t size, native_handle_type* fds, std::size_t maxfds,
                                      msg flags) {
    std::error_code ec;
    recv_fds_result r = recv_fds_into(buffer, size, fds, maxfds, ec, flags);
    if (ec) fail(ec, "recv_fds");
    return r;
}

#endif

}  // namespace portsock
