// The loop over a handle that is not a socket: a pipe (POSIX only; on
// Windows the loop takes only SOCKETs, which tests/loop_test.cpp covers).
#include <portsock/loop.hpp>

#include <gtest/gtest.h>

#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace ps = portsock;

namespace {

struct pipe_ends {
    int read_end = -1, write_end = -1;
    pipe_ends() {
        int fds[2];
        if (::pipe(fds) == 0) {
            read_end = fds[0];
            write_end = fds[1];
        }
    }
    ~pipe_ends() {
        if (read_end >= 0) ::close(read_end);
        if (write_end >= 0) ::close(write_end);
    }
    pipe_ends(const pipe_ends&) = delete;
    pipe_ends& operator=(const pipe_ends&) = delete;
};

}  // namespace

TEST(LoopPipe, ReaderSeesDataThenTheEnd) {
    pipe_ends p;
    ASSERT_GE(p.read_end, 0);
    ps::loop l;
    std::error_code ec;
    l.open(ec);
    ASSERT_FALSE(ec) << ec.message();
    std::string got;
    bool ended = false;
    l.add_reader(p.read_end, [&] {
        char buffer[16];
        const ssize_t n = ::read(p.read_end, buffer, sizeof buffer);
        if (n > 0) got.append(buffer, static_cast<std::size_t>(n));
        if (n == 0) {
            ended = true;
            std::error_code rec;
            EXPECT_TRUE(l.remove_reader(p.read_end, rec));
        }
    }, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(::write(p.write_end, "pipe", 4), 4);
    while (got.size() < 4 && !ec) l.run_once(5.0, ec);
    EXPECT_EQ(got, "pipe");
    ::close(p.write_end);  // the end of stream, seen by the reader (hangup)
    p.write_end = -1;
    while (!ended && !ec) l.run_once(5.0, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(ended);
}

TEST(LoopPipe, WriterRunsWhileThePipeHasRoom) {
    pipe_ends p;
    ASSERT_GE(p.write_end, 0);
    ASSERT_EQ(::fcntl(p.write_end, F_SETFL, O_NONBLOCK), 0);
    ps::loop l;
    std::error_code ec;
    l.open(ec);
    ASSERT_FALSE(ec) << ec.message();
    std::size_t written = 0;
    bool full = false;
    l.add_writer(p.write_end, [&] {
        // Fills the pipe: writable until then, not after.
        static const char chunk[4096] = {};
        for (;;) {
            const ssize_t n = ::write(p.write_end, chunk, sizeof chunk);
            if (n <= 0) break;
            written += static_cast<std::size_t>(n);
        }
        full = true;
        std::error_code rec;
        EXPECT_TRUE(l.remove_writer(p.write_end, rec));
    }, ec);
    ASSERT_FALSE(ec) << ec.message();
    while (!full && !ec) l.run_once(5.0, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_GT(written, 0u);
    // Full: the writer is gone, and an iteration with nothing to do returns.
    l.run_once(0.0, ec);
    EXPECT_FALSE(ec) << ec.message();
}
