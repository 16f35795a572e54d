// sockbench's raw reference poller over a poll()-style call: a table of the
// registered sockets, passed whole to each call, with the ready events
// gathered afterwards (the same scan portsock's poll backend makes). What
// differs per system comes from `Calls`, defined in each backend folder's
// bench_raw.hpp:
//
//   using entry = ...;                  the system's pollfd: {fd, events, revents}
//   static constexpr short readable, writable, failed;   the event bits
//   static int poll(entry*, std::size_t, int ms);        > 0 ready, 0 none
//                                       (or interrupted), < 0 failed
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace portsock {
class poller;
}

namespace bench {

template <class Calls>
class poll_table {
public:
    bool open() { return true; }
    template <class Sock>
    bool add(Sock& s, bool read, bool write, std::uint64_t tag) {
        fds_.push_back({s.fd, events(read, write), 0});
        tags_.push_back(tag);
        return true;
    }
    template <class Sock>
    bool modify(Sock& s, bool read, bool write, std::uint64_t tag) {
        for (std::size_t k = 0; k < fds_.size(); ++k) {
            if (fds_[k].fd == s.fd) {
                fds_[k].events = events(read, write);
                tags_[k] = tag;
            }
        }
        return true;
    }
    template <class Sock>
    void remove(Sock& s) {
        for (std::size_t k = 0; k < fds_.size(); ++k) {
            if (fds_[k].fd == s.fd) {
                fds_[k] = fds_.back();
                tags_[k] = tags_.back();
                fds_.pop_back();
                tags_.pop_back();
                return;
            }
        }
    }
    // No wake-up here: a wait without a limit looks at the stop flag every
    // 250 ms.
    portsock::poller* wakeable() { return nullptr; }
    int wait(int ms) {
        const int n = Calls::poll(fds_.data(), fds_.size(), ms < 0 ? 250 : ms);
        if (n <= 0) return n;
        int count = 0;
        for (std::size_t k = 0; k < fds_.size() && count < 256; ++k) {
            if (fds_[k].revents != 0) ready_[count++] = {tags_[k], fds_[k].revents};
        }
        return count;
    }
    std::uint64_t tag(int k) const { return ready_[k].tag; }
    bool readable(int k) const { return (ready_[k].revents & Calls::readable) != 0; }
    bool writable(int k) const { return (ready_[k].revents & Calls::writable) != 0; }
    bool failed(int k) const { return (ready_[k].revents & Calls::failed) != 0; }

private:
    static short events(bool read, bool write) {
        return static_cast<short>((read ? Calls::readable : 0) | (write ? Calls::writable : 0));
    }
    struct ready {
        std::uint64_t tag;
        short revents;
    };
    std::vector<typename Calls::entry> fds_;
    std::vector<std::uint64_t> tags_;
    ready ready_[256];
};

}  // namespace bench
