// `socketbuf` and `socketstream`: a connected stream socket as a C++ stream
// (Python's `sock.makefile('rw')`), so that `std::getline`, `operator<<` and
// `operator>>` work on a connection:
//
//     portsock::socketstream io{conn};        // shares conn (as makefile does)
//     io << "HELLO " << 42 << '\n' << std::flush;
//     std::string line;
//     if (!std::getline(io, line) && io.error()) ... // a timeout or an error
//
// The buffer. A `socketbuf` reads with `recv_into` into its get area and
// writes with `sendall` from its put area; it allocates nothing, ever. Its
// areas are built in (`socketbuf::buffer_size` bytes each, inside the
// object), or are the caller's (any size; a put area of size 0 sends every
// write at once). A write larger than the put area is sent straight from the
// caller's data. Reading first sends whatever is waiting in the put area, so
// a request written then its reply read cannot wait on each other (as C's
// stdio flushes stdout before it reads an interactive stdin). `sync`
// (`std::flush`, `std::endl`) sends the put area; the destructor does too,
// ignoring errors.
//
// The socket. A `socketbuf` refers to a socket and never owns it: the socket
// must outlive it, and stays usable (Python's makefile shares the socket the
// same way). A `socketstream` built from an lvalue socket shares it likewise;
// built from an rvalue (`socketstream io{std::move(conn)}`) it owns it and
// closes it when the stream goes away. The socket's timeout mode holds for
// every transfer: blocking waits, a timeout fails after the timeout (each
// refill of the get area and each flush of the put area has its own), and
// non-blocking mode fails at once with `would_block`: give the socket a
// timeout or leave it blocking.
//
// Errors. The buffer never throws, so that it works unchanged where
// exceptions are off. A failed transfer keeps its error, which `error()`
// returns (the code `recv_into` or `sendall` reported: `std::errc::timed_out`
// for a timeout), and the stream learns of it as iostreams expect: a read
// that fails ends the input (`eof()` and `fail()` are set, as at the peer's
// end of stream, where `error()` is empty), a write or flush that fails sets
// `bad()`. With `exceptions(...)` set on the stream, the stream throws
// `std::ios_base::failure` as it does for a file; `error()` then says why.
// `error()` is the outcome of the last transfer: cleared when one succeeds.
// After a timeout the stream can be `clear()`ed and used again: bytes a
// failed write did not send stay in the put area and go with the next flush.
//
// Threads: one `socketbuf` or `socketstream` is used by one thread at a time.
#pragma once

#include <portsock/export.hpp>
#include <portsock/socket.hpp>

#include <array>
#include <cstddef>
#include <istream>
#include <streambuf>
#include <system_error>

namespace portsock {

/// A `std::streambuf` over a connected stream socket (see the top of this file).
class PORTSOCK_API socketbuf : public std::streambuf {
public:
    /// The size of each built-in area (get and put), in bytes.
    static constexpr std::size_t buffer_size = 4096;

    /// Reads and writes `s` through the built-in areas.
    explicit socketbuf(socket& s) noexcept;
    /// Reads and writes `s` through the caller's areas, which must outlive
    /// the buffer. `get_size` must not be 0; a `put_size` of 0 sends each
    /// write as it comes.
    socketbuf(socket& s, char* get_area, std::size_t get_size, char* put_area,
              std::size_t put_size) noexcept;
    /// Sends what is waiting in the put area, ignoring errors.
    ~socketbuf() override;
    socketbuf(const socketbuf&) = delete;
    socketbuf& operator=(const socketbuf&) = delete;

    /// The error of the last transfer: empty after a success and at the
    /// peer's end of stream; `std::errc::timed_out` after a timeout.
    std::error_code error() const noexcept { return error_; }
    /// The socket read and written.
    socket& get_socket() const noexcept { return *socket_; }

protected:
    int_type underflow() override;
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char_type* data, std::streamsize count) override;
    int sync() override;

private:
    void set_areas(char* get_area, std::size_t get_size, char* put_area,
                   std::size_t put_size) noexcept;
    // Sends the put area; on failure keeps the unsent bytes. False on failure.
    bool send_pending() noexcept;

    socket* socket_;
    std::error_code error_;
    char* get_area_ = nullptr;
    std::size_t get_size_ = 0;
    char* put_area_ = nullptr;
    std::size_t put_size_ = 0;
    std::array<char, buffer_size> get_storage_;
    std::array<char, buffer_size> put_storage_;
};

/// A `std::iostream` over a connected stream socket, with its `socketbuf`
/// (Python's `sock.makefile('rw')`; see the top of this file).
class PORTSOCK_API socketstream : public std::iostream {
public:
    /// Shares `s`, which must outlive the stream.
    explicit socketstream(socket& s);
    /// Owns `s` (moved in) and closes it with the stream.
    explicit socketstream(socket&& s);
    ~socketstream() override;
    socketstream(const socketstream&) = delete;
    socketstream& operator=(const socketstream&) = delete;

    /// The stream's buffer.
    socketbuf* rdbuf() const noexcept { return &buf_; }
    /// The error of the last transfer (`socketbuf::error`).
    std::error_code error() const noexcept { return buf_.error(); }
    /// The socket read and written.
    socket& get_socket() const noexcept { return buf_.get_socket(); }

private:
    socket owned_;  // the socket when the stream owns it; empty otherwise
    mutable socketbuf buf_;
};

}  // namespace portsock
