// A model of BSD kqueue on Linux, for tests only (README.md beside this file
// says what it models and how it approximates what Linux cannot tell).
// Written from the FreeBSD and Apple kqueue(2) manual pages; every wait is
// one ppoll() over the enabled filters' descriptors, so the model is as
// level-triggered as kqueue's socket filters are.
#include <sys/event.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

// A filter is (filter, ident), kept in that order: every write filter comes
// before every read filter, so one descriptor's two events are not next to
// each other in an eventlist when others are ready. kqueue returns events in
// the order they became active, which can part them the same way; a backend
// must merge them wherever they are.
using key = std::pair<std::int16_t, std::uintptr_t>;

struct knote {
    void* udata = nullptr;
    std::uint16_t flags = 0;  // EV_ONESHOT, EV_CLEAR, EV_DISPATCH as registered
    bool enabled = true;
    // Which file the filter was added for: Linux tells no one when a
    // descriptor is closed, so a number that now names another file means
    // the old one was closed (and its filters went with it).
    dev_t dev = 0;
    ino_t ino = 0;
    // Whether the socket was ever seen connected: the error guess below.
    bool connected = false;
    // EV_CLEAR: the state last reported; reported again only when it changes.
    bool reported = false;
    std::intptr_t last_data = 0;
    bool last_eof = false;
};

struct queue {
    std::map<key, knote> notes;
    key cursor{INT16_MIN, 0};  // where the next scan starts (see scan)
    int wake = -1;             // the queue's descriptor: an eventfd
    ino_t ino = 0;             // its inode: tells when the number names another kind of file
};

std::mutex lock;
std::unordered_map<int, std::shared_ptr<queue>> queues;

bool same_file(int fd, const knote& n) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_dev == n.dev && st.st_ino == n.ino;
}

bool is_socket(int fd) {
    int type = 0;
    socklen_t size = sizeof type;
    return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) == 0;
}

bool is_listening(int fd) {
    int on = 0;
    socklen_t size = sizeof on;
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &size) == 0 && on != 0;
}

bool has_peer(int fd) {
    sockaddr_storage a{};
    socklen_t size = sizeof a;
    return ::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &size) == 0;
}

// EVFILT_READ's data: the connections waiting on a listening socket (TCP's
// accept queue, which Linux reports in tcpi_unacked for a listener; 1 for
// another kind of listener, whose queue Linux does not show), else the bytes
// that can be read (FIONREAD: for a datagram socket Linux gives the size of
// the next datagram where the BSDs give the whole buffer).
std::intptr_t read_data(int fd) {
    if (is_listening(fd)) {
        tcp_info info{};
        socklen_t size = sizeof info;
        if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) == 0) return static_cast<std::intptr_t>(info.tcpi_unacked);
        return 1;
    }
    int n = 0;
    if (::ioctl(fd, FIONREAD, &n) < 0) return 0;
    return n;
}

// EVFILT_WRITE's data: the room left in a socket's send buffer.
std::intptr_t write_data(int fd) {
    if (!is_socket(fd)) return 0;
    int size = 0, queued = 0;
    socklen_t len = sizeof size;
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) < 0 || ::ioctl(fd, TIOCOUTQ, &queued) < 0) return 0;
    return size > queued ? size - queued : 0;
}

int add_or_change(queue& q, const struct kevent& change) {
    const int fd = static_cast<int>(change.ident);
    struct stat st {};
    // Every descriptor filter looks the descriptor up first: EBADF.
    if (change.ident > static_cast<std::uintptr_t>(INT_MAX) || ::fstat(fd, &st) < 0) return EBADF;
    if (change.filter != EVFILT_READ && change.filter != EVFILT_WRITE) return EINVAL;
    const key k{change.filter, change.ident};
    auto it = q.notes.find(k);
    // A filter left from a file that was closed is gone: kqueue dropped it
    // at the close.
    if (it != q.notes.end() && (it->second.dev != st.st_dev || it->second.ino != st.st_ino)) {
        q.notes.erase(it);
        it = q.notes.end();
    }
    if (it == q.notes.end()) {
        if ((change.flags & EV_ADD) == 0) return ENOENT;
        knote n;
        n.dev = st.st_dev;
        n.ino = st.st_ino;
        n.connected = is_socket(fd) && (has_peer(fd) || is_listening(fd));
        it = q.notes.emplace(k, n).first;
    }
    knote& n = it->second;
    if ((change.flags & EV_DELETE) != 0) {
        q.notes.erase(it);
        return 0;
    }
    if ((change.flags & EV_ADD) != 0) {
        n.udata = change.udata;
        n.flags = change.flags & (EV_ONESHOT | EV_CLEAR | EV_DISPATCH);
        n.enabled = true;
        n.reported = false;
    }
    if ((change.flags & EV_ENABLE) != 0) n.enabled = true;
    if ((change.flags & EV_DISABLE) != 0) n.enabled = false;
    return 0;
}

std::int64_t now_ns() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// Where fd's pollfd is in polled[1..] (sorted by descriptor), or null.
const pollfd* find_polled(const std::vector<pollfd>& polled, int fd) {
    const auto at = std::lower_bound(polled.begin() + 1, polled.end(), fd,
                                     [](const pollfd& p, int d) { return p.fd < d; });
    return at != polled.end() && at->fd == fd ? &*at : nullptr;
}

// One look at every enabled filter: fills `out` with up to `room` events,
// starting where the last look that ran out of room stopped, so that what a
// short eventlist leaves out comes first next time (kqueue requeues a
// level-triggered event behind the others once it has been returned).
// Allocates nothing: a wait is the data path of a program over kqueue.
int scan(queue& q, const std::vector<pollfd>& polled, struct kevent* out, int room) {
    std::size_t left = q.notes.size();
    auto it = q.notes.lower_bound(q.cursor);
    int count = 0;
    for (; left > 0; --left) {
        if (it == q.notes.end()) it = q.notes.begin();
        const key k = it->first;
        knote& n = it->second;
        const int fd = static_cast<int>(k.second);
        const pollfd* p = n.enabled ? find_polled(polled, fd) : nullptr;
        const short ev = p != nullptr ? p->revents : 0;
        if (ev == 0) {
            ++it;
            continue;
        }
        if ((ev & POLLNVAL) != 0 || !same_file(fd, n)) {
            it = q.notes.erase(it);  // the descriptor was closed: so were its filters
            continue;
        }
        if ((ev & POLLOUT) != 0 && (ev & (POLLERR | POLLHUP)) == 0) n.connected = true;
        const bool read = k.first == EVFILT_READ;
        const bool ready = read ? (ev & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0
                                : (ev & (POLLOUT | POLLHUP | POLLERR)) != 0;
        if (!ready) {
            ++it;
            continue;
        }
        if (count == room) {
            q.cursor = k;  // the first one left out
            return count;
        }
        // EV_EOF: the read side is shut down (READ), the connection is gone
        // (WRITE: it can send no more).
        const bool eof = read ? (ev & (POLLRDHUP | POLLHUP)) != 0 : (ev & POLLHUP) != 0;
        const std::intptr_t data = read ? read_data(fd) : write_data(fd);
        if ((n.flags & EV_CLEAR) != 0 && n.reported && n.last_data == data && n.last_eof == eof) {
            ++it;
            continue;
        }
        struct kevent& e = out[count++];
        e.ident = k.second;
        e.filter = k.first;
        e.flags = static_cast<std::uint16_t>(EV_ADD | n.flags | (eof ? EV_EOF : 0));
        // The socket's pending error, which the BSDs show without clearing
        // it. Linux clears it when it is read (SO_ERROR, or any data call),
        // and the program has still to read it: the model names the error
        // the socket's history implies instead (README.md).
        e.fflags = eof && (ev & POLLERR) != 0 ? static_cast<std::uint32_t>(n.connected ? ECONNRESET : ECONNREFUSED) : 0;
        e.data = data;
        e.udata = n.udata;
        if ((n.flags & EV_ONESHOT) != 0) {
            it = q.notes.erase(it);
        } else {
            if ((n.flags & EV_DISPATCH) != 0) n.enabled = false;
            n.reported = true;
            n.last_data = data;
            n.last_eof = eof;
            ++it;
        }
        // Returned: behind every other ready filter next time.
        q.cursor = it == q.notes.end() ? key{INT16_MIN, 0} : it->first;
    }
    return count;
}

// What the next ppoll waits for: the queue's eventfd first, then one pollfd
// per descriptor with an enabled filter, sorted by descriptor. The vector is
// the waiting thread's own and reused, so a steady-state wait allocates
// nothing and two threads may wait on one queue.
void gather(const queue& q, std::vector<pollfd>& polled) {
    polled.clear();
    polled.push_back({q.wake, POLLIN, 0});
    for (const auto& [k, n] : q.notes) {
        const auto events = static_cast<short>(k.first == EVFILT_READ ? POLLIN | POLLRDHUP : POLLOUT);
        if (n.enabled) polled.push_back({static_cast<int>(k.second), events, 0});
    }
    std::sort(polled.begin() + 1, polled.end(), [](const pollfd& a, const pollfd& b) { return a.fd < b.fd; });
    std::size_t kept = 1;  // merge each descriptor's read and write
    for (std::size_t k = 1; k < polled.size(); ++k) {
        if (kept > 1 && polled[kept - 1].fd == polled[k].fd) {
            polled[kept - 1].events |= polled[k].events;
        } else {
            polled[kept++] = polled[k];
        }
    }
    polled.resize(kept);
}

// The waiting thread's pollfds (see gather).
std::vector<pollfd>& thread_polled() {
    thread_local std::vector<pollfd> polled;
    return polled;
}

}  // namespace

extern "C" int kqueue(void) {
    const int fd = ::eventfd(0, EFD_NONBLOCK);
    if (fd < 0) return -1;
    try {
        // Room made now for the opening thread's waits, so that its first
        // waits allocate nothing either (as a kernel's kevent does not).
        thread_polled().reserve(64);
        auto q = std::make_shared<queue>();
        q->wake = fd;
        struct stat st {};
        ::fstat(fd, &st);
        q->ino = st.st_ino;
        const std::lock_guard<std::mutex> guard(lock);
        // A number the kernel hands out again was closed: a queue kept
        // under it is gone.
        queues[fd] = std::move(q);
    } catch (...) {
        ::close(fd);
        errno = ENOMEM;
        return -1;
    }
    return fd;
}

extern "C" int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
                      const struct timespec* timeout) {
    if (nchanges < 0 || nevents < 0 || (timeout != nullptr && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
                                                                timeout->tv_nsec >= 1000000000))) {
        errno = EINVAL;
        return -1;
    }
    std::unique_lock<std::mutex> guard(lock);
    const auto found = queues.find(kq);
    // A queue closed by the program: its number is no queue any more, even
    // when the kernel gave it to another file since.
    struct stat st {};
    if (found == queues.end() || ::fstat(kq, &st) < 0 || st.st_ino != found->second->ino) {
        if (found != queues.end()) queues.erase(found);
        errno = EBADF;
        return -1;
    }
    const std::shared_ptr<queue> q = found->second;
    // Changes, in order. A failed one goes into the eventlist with EV_ERROR
    // and its errno in data while there is room, else kevent fails with it
    // (kqueue(2), RETURN VALUES); EV_RECEIPT answers every change that way.
    int answered = 0;
    bool changed = false;
    for (int k = 0; k < nchanges; ++k) {
        const struct kevent& change = changelist[k];
        const int error = add_or_change(*q, change);
        changed = true;
        if (error == 0 && (change.flags & EV_RECEIPT) == 0) continue;
        if (answered < nevents) {
            struct kevent& e = eventlist[answered++];
            e = change;
            e.flags = static_cast<std::uint16_t>(change.flags | EV_ERROR);
            e.data = error;
        } else if (error != 0) {
            errno = error;
            return -1;
        }
    }
    if (changed) {
        // A thread waiting on this queue looks again.
        const std::uint64_t one = 1;
        (void)!::write(q->wake, &one, sizeof one);
    }
    if (answered > 0 || nevents == 0) return answered;

    const std::int64_t deadline =
        timeout == nullptr ? -1 : now_ns() + static_cast<std::int64_t>(timeout->tv_sec) * 1000000000 + timeout->tv_nsec;
    std::vector<pollfd>& polled = thread_polled();
    for (;;) {
        gather(*q, polled);
        timespec left{};
        const timespec* wait = nullptr;
        if (deadline >= 0) {
            std::int64_t ns = deadline - now_ns();
            if (ns < 0) ns = 0;
            left.tv_sec = static_cast<time_t>(ns / 1000000000);
            left.tv_nsec = static_cast<long>(ns % 1000000000);
            wait = &left;
        }
        guard.unlock();
        const int n = ::ppoll(polled.data(), polled.size(), wait, nullptr);
        const int saved = errno;
        guard.lock();
        if (n < 0) {
            errno = saved;  // EINTR: kevent is interrupted by a signal too
            return -1;
        }
        if ((polled[0].revents & POLLIN) != 0) {
            std::uint64_t drained;
            (void)!::read(q->wake, &drained, sizeof drained);
        }
        const int count = scan(*q, polled, eventlist, nevents);
        if (count > 0) return count;
        if (deadline >= 0 && now_ns() >= deadline) return 0;
    }
}
