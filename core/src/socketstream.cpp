// socketbuf and socketstream (socketstream.hpp): a std::streambuf whose get
// area is filled by recv_into and whose put area is emptied by sendall. It
// never throws: failures are kept in error_ and reported to the stream as
// end of input (underflow) or as a failed write (overflow, xsputn, sync).
#include <portsock/socketstream.hpp>

#include <algorithm>
#include <climits>
#include <cstring>

namespace portsock {

socketbuf::socketbuf(socket& s) noexcept : socket_(&s) {
    set_areas(get_storage_.data(), get_storage_.size(), put_storage_.data(), put_storage_.size());
}

socketbuf::socketbuf(socket& s, char* get_area, std::size_t get_size, char* put_area,
                     std::size_t put_size) noexcept
    : socket_(&s) {
    set_areas(get_area, get_size, put_area, put_size);
}

void socketbuf::set_areas(char* get_area, std::size_t get_size, char* put_area,
                          std::size_t put_size) noexcept {
    get_area_ = get_area;
    get_size_ = get_area ? get_size : 0;
    // pbump counts in int: a larger put area is used up to INT_MAX bytes.
    put_size_ = put_area ? std::min<std::size_t>(put_size, INT_MAX) : 0;
    put_area_ = put_size_ > 0 ? put_area : nullptr;
    // Nothing read yet; with no put area every write goes to overflow/xsputn.
    setg(get_area_, get_area_, get_area_);
    setp(put_area_, put_area_ + put_size_);
}

socketbuf::~socketbuf() { send_pending(); }

bool socketbuf::send_pending() noexcept {
    const std::size_t pending = static_cast<std::size_t>(pptr() - pbase());
    if (pending == 0) return true;
    const std::size_t sent = socket_->sendall(pbase(), pending, error_);
    if (!error_) {
        setp(put_area_, put_area_ + put_size_);
        return true;
    }
    // Keep what was not sent at the front of the area, for the next flush.
    std::memmove(put_area_, pbase() + sent, pending - sent);
    setp(put_area_, put_area_ + put_size_);
    pbump(static_cast<int>(pending - sent));
    return false;
}

socketbuf::int_type socketbuf::underflow() {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    // A reply is read after its request has gone.
    if (!send_pending()) return traits_type::eof();
    if (get_size_ == 0) {
        error_ = error::empty_buffer;
        return traits_type::eof();
    }
    const std::size_t n = socket_->recv_into(get_area_, get_size_, error_);
    if (error_ || n == 0) return traits_type::eof();  // an error, or the peer's end of stream
    setg(get_area_, get_area_, get_area_ + n);
    return traits_type::to_int_type(*gptr());
}

socketbuf::int_type socketbuf::overflow(int_type c) {
    if (!send_pending()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char byte = traits_type::to_char_type(c);
    if (put_size_ == 0) {
        socket_->sendall(&byte, 1, error_);
        return error_ ? traits_type::eof() : c;
    }
    *pptr() = byte;
    pbump(1);
    return c;
}

std::streamsize socketbuf::xsputn(const char_type* data, std::streamsize count) {
    if (count <= 0) return 0;
    const auto room = epptr() - pptr();
    if (count <= room) {
        std::memcpy(pptr(), data, static_cast<std::size_t>(count));
        pbump(static_cast<int>(count));
        return count;
    }
    // Larger than the room left: send what waits, then this from the
    // caller's data if it would not fit an empty area either.
    if (!send_pending()) return 0;
    if (static_cast<std::size_t>(count) <= put_size_) {
        std::memcpy(pptr(), data, static_cast<std::size_t>(count));
        pbump(static_cast<int>(count));
        return count;
    }
    return static_cast<std::streamsize>(socket_->sendall(data, static_cast<std::size_t>(count), error_));
}

int socketbuf::sync() { return send_pending() ? 0 : -1; }

socketstream::socketstream(socket& s) : std::iostream(nullptr), buf_(s) {
    std::basic_ios<char>::rdbuf(&buf_);
}

socketstream::socketstream(socket&& s) : std::iostream(nullptr), owned_(std::move(s)), buf_(owned_) {
    std::basic_ios<char>::rdbuf(&buf_);
}

socketstream::~socketstream() = default;

}  // namespace portsock
