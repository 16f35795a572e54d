// An event-driven echo server: one thread, one event loop, TCP and UDP on the
// same port, every byte sent back.
//
//   echo-server [--host H] [--port P] [--tcp|--udp] [--v6-only]
//   echo-server --unix PATH [--dgram]        (and --help, --version)
//
// An IPv6 host (`--host ::`) serves IPv4 clients too, over TCP and UDP alike
// (Python's create_server(dualstack_ipv6=True), `nc -6 -l`), and the startup
// line says so: "serving TCP and UDP on [::]:50676 (IPv4 too)"; `--v6-only`
// serves IPv6 alone ("(IPv6 only)"), as does a system with no dual stack.
// `--unix PATH` serves a Unix-domain stream socket (`--dgram`: datagrams,
// echoed to a sender that bound a name of its own). A socket file left at
// PATH by a server that died is removed; a live server's, or a file that is
// no socket, is an error. The server removes its own file when it ends.
//
// It runs on one portsock::loop: the listener, each connection and the UDP
// socket are readers (a connection is a writer instead while it holds data
// its client has not taken yet). TCP connections read into one 64 KiB buffer
// shared by all of them and echo from it at once; only what the client does
// not take yet is kept, per connection, and while a connection holds any it
// is not read from (back-pressure, no unbounded buffering). An idle
// connection holds no buffer at all. UDP moves up to 32 datagrams per call
// (recv_many / send_many), each sent back to its sender's address as
// received. A client's half-close is passed on once its data is echoed. When
// accept runs out of descriptors, accepting pauses (a 1 s call_later timer,
// or until a connection closes) instead of spinning, and says so once per
// shortage; a listener that cannot go back on the loop then stays paused
// for another second, and again, until it can. Ctrl-C / SIGTERM stop the
// loop (loop::stop_on_signals) and the server ends cleanly.
#include "app.hpp"

#include <portsock/loop.hpp>

#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr const char* program = "echo-server";
constexpr const char* usage_text =
    "echo-server [--host H] [--port P] [--tcp|--udp] [--v6-only] | echo-server --unix PATH [--dgram]";
constexpr std::size_t buffer_size = 64 * 1024;   // every connection's shared receive buffer
constexpr std::size_t max_batch = 32;            // datagrams per recv_many
constexpr std::size_t max_datagram = 65536;
constexpr std::size_t probe_every = 64;          // lone datagrams between tries of two slots
constexpr std::size_t wanted_handles = 65536;
constexpr double accept_pause = 1.0;             // seconds without accepting in a shortage

struct connection {
    portsock::socket sock;
    std::unique_ptr<char[]> pending;  // received, not yet echoed (null when none)
    std::size_t start = 0;            // echoed up to here
    std::size_t end = 0;              // pending up to here
    std::size_t slot = 0;             // its place in the server's table
};

class server {
public:
    /// `where`: the address served (TCP and UDP share it), or the Unix-domain
    /// path, as the messages name it.
    server(portsock::loop& l, portsock::socket& listener, portsock::socket& udp, std::string where)
        : loop_(l), listener_(listener), udp_(udp), where_(std::move(where)) {}

    /// Watches the listener and the UDP socket; on failure (`ec`) returns
    /// what failed, for the message.
    std::string start(std::error_code& ec) {
        if (listener_.is_open()) loop_.add_reader(listener_, [this] { accept_all(); }, ec);
        if (ec) return "watch the listener on " + where_;
        if (udp_.is_open()) loop_.add_reader(udp_, [this] { echo_datagrams(); }, ec);
        return ec ? "watch " + datagram_socket() : std::string();
    }

    void accept_all() {
        std::error_code ec;
        for (;;) {
            auto [sock, peer] = listener_.accept(ec);
            if (portsock::would_block(ec)) {
                end_shortage("descriptors to spare again");  // the backlog is drained
                return;
            }
            if (ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
                ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory) {
                pause();
                return;
            }
            if (ec) {
                app::report(program, "accept on " + where_, ec);
                return;
            }
            const char* what = "set non-blocking mode for";
            sock.setblocking(false, ec);
            if (!ec && !local_) {
                what = "set TCP_NODELAY for";
                sock.setsockopt(portsock::opt::no_delay, true, ec);
            }
            const std::size_t slot = free_slot();
            auto c = std::make_unique<connection>();
            c->slot = slot;
            connection* p = c.get();
            if (!ec) {
                what = "watch";
                loop_.add_reader(sock, [this, p] { receive(*p); }, ec);
            }
            if (ec) {
                free_.push_back(slot);  // unused: the next connection takes it
                app::report(program, std::string(what) + " the connection from " + client(peer), ec);
                continue;
            }
            c->sock = std::move(sock);
            connections_[slot] = std::move(c);
            ++open_;
        }
    }

    // The reader of a connection with nothing pending: reads into the shared
    // buffer and echoes at once; what the client does not take is kept, and
    // the connection becomes a writer until it is sent.
    void receive(connection& c) {
        std::error_code& ec = ec_;
        const std::size_t n = c.sock.recv_into(shared_.get(), buffer_size, ec);
        if (n == 0) {
            if (!ec) {
                // The client half-closed and everything is echoed (a
                // connection with data pending is not read from).
                c.sock.shutdown(portsock::shut::wr, ec);  // pass the half-close on
                return close(c);
            }
            if (!portsock::would_block(ec)) return close(c);
            return;
        }
        std::size_t sent = 0;
        while (sent < n) {
            const std::size_t k = c.sock.send(shared_.get() + sent, n - sent, ec);
            if (ec) {
                if (portsock::would_block(ec)) break;
                return close(c);
            }
            sent += k;
        }
        if (sent == n) return;
        // The client is slow: keep the rest, stop reading, write when it can take more.
        c.pending.reset(new char[n - sent]);
        std::memcpy(c.pending.get(), shared_.get() + sent, n - sent);
        c.start = 0;
        c.end = n - sent;
        connection* p = &c;
        loop_.add_writer(c.sock, [this, p] { flush(*p); }, ec);
        if (!ec) loop_.remove_reader(c.sock, ec);
        if (ec) {
            app::report(program, "watch the connection from " + client(c.sock), ec);
            close(c);
        }
    }

    // The writer of a connection holding data: sends it, and reads again once
    // it is all gone.
    void flush(connection& c) {
        std::error_code ec;
        while (c.start < c.end) {
            const std::size_t k = c.sock.send(c.pending.get() + c.start, c.end - c.start, ec);
            if (ec) {
                if (portsock::would_block(ec)) return;
                return close(c);
            }
            c.start += k;
        }
        c.pending.reset();
        c.start = c.end = 0;
        connection* p = &c;
        loop_.add_reader(c.sock, [this, p] { receive(*p); }, ec);
        if (!ec) loop_.remove_writer(c.sock, ec);
        if (ec) {
            app::report(program, "watch the connection from " + client(c.sock), ec);
            close(c);
        }
    }

    // Datagrams in batches that adapt to the traffic: a full batch doubles
    // the next (up to 32) and is followed at once by another; a short one
    // shrinks the next to what came and hands back to the loop, as does a
    // lone datagram (level-triggered: the loop's poller says at once if more
    // wait). So a lone datagram costs a wait, one recvmsg and one sendto, and
    // no receive that finds nothing; every 64th lone datagram is asked for
    // with two slots, which lets a burst grow its batches again.
    void echo_datagrams() {
        portsock::socket& udp = udp_;
        if (!datagrams_) {
            datagrams_.reset(new char[max_batch * max_datagram]);
            for (std::size_t k = 0; k < max_batch; ++k) slots_[k].buffer(datagrams_.get() + k * max_datagram, max_datagram);
        }
        std::error_code& ec = ec_;
        for (;;) {
            const std::size_t n = udp.recv_many(slots_, want_, ec);
            if (n == 0) {
                if (!portsock::would_block(ec)) app::report(program, "recv_many on " + datagram_socket(), ec);
                return;
            }
            for (std::size_t k = 0; k < n; ++k) slots_[k].size = slots_[k].nbytes;
            // A full send buffer drops the rest, as UDP may; a datagram the
            // system refuses is skipped.
            for (std::size_t sent = udp.send_many(slots_, n, ec); sent < n;) {
                const std::size_t k = udp.send_many(slots_ + sent, n - sent, ec);
                if (k > 0) {
                    sent += k;
                } else if (portsock::would_block(ec)) {
                    break;
                } else {
                    ++sent;
                }
            }
            for (std::size_t k = 0; k < n; ++k) slots_[k].size = max_datagram;
            if (n < want_) {  // short: the socket is drained (the loop says when it is not)
                want_ = n;
                return;
            }
            if (want_ == 1) {  // one of one: the loop says whether more wait
                if (++lone_ == probe_every) {
                    lone_ = 0;
                    want_ = 2;
                }
                return;
            }
            want_ = want_ * 2 < max_batch ? want_ * 2 : max_batch;  // full: a larger batch, at once
        }
    }

    /// Says how many pauses a descriptor shortage took, when it ends (the
    /// backlog drained) or when the server stops during one.
    void end_shortage(const char* how) {
        if (pauses_ == 0) return;
        app::report(program, std::string(how) + " after " + std::to_string(pauses_) + " pauses");
        pauses_ = 0;
    }

    /// The connections are Unix-domain streams (no Nagle to switch off).
    void serve_local() { local_ = true; }

    /// After the loop ran: closes every connection (no more accepting).
    void close_all() {
        stopped_ = true;
        resume_.cancel();
        for (auto& c : connections_) {
            if (c) close(*c);
        }
    }

private:
    // A client, for a message: its address (a Unix-domain client has no name).
    std::string client(const portsock::endpoint& peer) const {
        return local_ ? "a client of " + where_ : peer.to_string();
    }
    // The same for a connection: its peer's address, or the socket's repr
    // when the system no longer knows the peer (it reset the connection).
    std::string client(const portsock::socket& sock) const {
        std::error_code ec;
        const portsock::endpoint peer = sock.getpeername(ec);
        return !ec || local_ ? client(peer) : sock.repr();
    }
    // The datagram socket, for a message.
    std::string datagram_socket() const { return local_ ? where_ : "UDP " + where_; }

    std::size_t free_slot() {
        if (!free_.empty()) {
            const std::size_t slot = free_.back();
            free_.pop_back();
            return slot;
        }
        connections_.emplace_back();
        return connections_.size() - 1;
    }

    void close(connection& c) {
        std::error_code ec;
        loop_.remove_reader(c.sock, ec);  // the one it has of the two
        loop_.remove_writer(c.sock, ec);
        const std::size_t slot = c.slot;
        connections_[slot].reset();  // closes the socket
        free_.push_back(slot);
        --open_;
        if (paused_ && !stopped_) resume();  // a descriptor to spare
    }

    void pause() {
        if (paused_) return;
        std::error_code ec;
        loop_.remove_reader(listener_, ec);
        paused_ = true;
        resume_ = loop_.call_later(accept_pause, [this] { resume(); });
        // Said once per shortage: while connections wait in the backlog, each
        // close lets one in and the next accept pauses again (counted).
        if (pauses_++ > 0) return;
        app::report(program, "out of descriptors with " + std::to_string(open_) +
                                 " connections open: accepting paused");
    }

    // Accepting again, once a connection closed or the pause ended. When the
    // listener cannot be watched again, accepting stays paused and is tried
    // again after another pause (said once until it works).
    void resume() {
        if (!paused_) return;
        resume_.cancel();
        std::error_code ec;
        loop_.add_reader(listener_, [this] { accept_all(); }, ec);
        if (ec) {
            if (!resume_failed_) app::report(program, "watch the listener on " + where_ + " again", ec);
            resume_failed_ = true;
            resume_ = loop_.call_later(accept_pause, [this] { resume(); });
            return;
        }
        paused_ = false;
        resume_failed_ = false;
    }

    portsock::loop& loop_;
    std::error_code ec_;  // the readers' (made once: a std::error_code() calls system_category())
    portsock::socket& listener_;
    portsock::socket& udp_;
    std::string where_;
    std::vector<std::unique_ptr<connection>> connections_;
    std::vector<std::size_t> free_;
    std::size_t open_ = 0;
    bool paused_ = false;
    bool resume_failed_ = false;  // watching the listener again failed (said once)
    bool stopped_ = false;
    portsock::timer resume_;  // the end of an accept pause
    std::size_t pauses_ = 0;  // in the current shortage (said at the first)
    std::unique_ptr<char[]> shared_{new char[buffer_size]};  // every connection's reads
    std::unique_ptr<char[]> datagrams_;                       // the UDP slots' room
    portsock::datagram slots_[max_batch];
    std::size_t want_ = 1;  // slots for the next recv_many
    std::size_t lone_ = 0;  // lone datagrams since the last try of two slots
    bool local_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    std::string host;
    int port = 50676;
    bool tcp = true, udp = true;
    bool tcp_flag = false, udp_flag = false, v6_only = false, dgram = false, host_or_port = false;
    std::string unix_path;
    const int parsed = app::parse_options(program, argc, argv, usage_text, {"--host", "--port", "--unix"},
                                          {"--tcp", "--udp", "--v6-only", "--dgram"},
                                          [&](std::string_view name, std::string_view value) {
        if (name == "--host") return host = std::string(value), host_or_port = true;
        if (name == "--port") return host_or_port = true, app::parse_int(value, 0, 65535, port);
        if (name == "--unix") return unix_path = std::string(value), !unix_path.empty();
        if (name == "--tcp") return tcp_flag = true;
        if (name == "--udp") return udp_flag = true;
        if (name == "--v6-only") return v6_only = true;
        if (name == "--dgram") return dgram = true;
        return false;
    });
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;
    if (tcp_flag && udp_flag) return app::usage_error(program, "--tcp and --udp exclude each other", usage_text);
    const bool local = !unix_path.empty();
    if (local && (tcp_flag || udp_flag)) {
        return app::usage_error(program, "--unix takes no --tcp or --udp (--dgram: datagrams)", usage_text);
    }
    if (local && (host_or_port || v6_only)) {
        return app::usage_error(program, "--unix takes no --host, --port or --v6-only", usage_text);
    }
    if (dgram && !local) return app::usage_error(program, "--dgram needs --unix PATH (--udp for UDP)", usage_text);
    if (tcp_flag) udp = false;
    if (udp_flag) tcp = false;
    if (local) {
        tcp = !dgram;
        udp = dgram;
    }

    std::error_code ec;
    const std::size_t limit = portsock::raise_handle_limit(wanted_handles, ec);
    if (limit < 10240) {
        app::report(program, "can keep only about " + std::to_string(limit) +
                                 " connections open: the open-file limit is that low (ulimit -Hn)");
    }
    // The sockets are declared before the loop: removed from it before they close.
    portsock::socket listener, datagrams;
    portsock::loop loop;
    loop.open(ec);
    if (ec) {
        // Before the address is resolved: what was asked for (`*`: any).
        return app::fail(program,
                         "open the event loop for " + (local ? unix_path : app::host_port(host.empty() ? "*" : host, port)),
                         ec);
    }
    loop.stop_on_signals(ec);  // Ctrl-C / SIGTERM end loop.run()
    if (ec) return app::fail(program, "stop on signals", ec);

    portsock::endpoint address;
    if (local) {
        address = portsock::endpoint::local(unix_path, ec);
        if (ec) return app::fail(program, "Unix socket path " + unix_path, ec);
        // A socket file left by a server that died is in the way; a live one is not touched.
        app::remove_stale_socket(unix_path, dgram ? portsock::type::dgram : portsock::type::stream, ec);
        if (ec) return app::fail(program, "listen on " + unix_path, ec);
    } else {
        address = app::server_address(host, port, ec);
        if (ec) return app::fail(program, "resolve " + (host.empty() ? std::string("''") : host), ec);
    }
    // One rule for TCP and UDP, Python's create_server(dualstack_ipv6=True)
    // and `nc -6 -l`'s: an IPv6 host serves IPv4 clients too, unless --v6-only.
    const bool ipv6 = address.family() == portsock::family::inet6;
    if (v6_only && !ipv6) return app::usage_error(program, "--v6-only needs an IPv6 --host (such as ::)", usage_text);
    // (Only the any address can: ::1 or another IPv6 address is IPv6's alone.)
    const bool any6 = ipv6 && address.is_any();
    const bool dual_stack = any6 && !v6_only && portsock::has_dualstack_ipv6();

    // The socket file is ours once bound: removed when the server ends.
    struct remove_at_exit {
        std::string path;
        ~remove_at_exit() {
            std::error_code ignored;
            if (!path.empty()) std::filesystem::remove(path, ignored);
        }
    } socket_file;

    if (tcp) {
        listener = portsock::create_server(address, 1024, dual_stack, ec);
        if (ec) return app::fail(program, "listen on " + (local ? unix_path : address.to_string()), ec);
        if (local) socket_file.path = unix_path;
        if (!local) address = listener.getsockname(ec);  // the real port, for UDP too
        listener.setblocking(false, ec);
        if (ec) return app::fail(program, "listen on " + (local ? unix_path : address.to_string()), ec);
    }
    if (udp) {
        datagrams.open(address.family(), portsock::type::dgram, 0, ec);
        if (!ec && ipv6) datagrams.setsockopt(portsock::opt::v6_only, !dual_stack, ec);
        if (!ec) datagrams.bind(address, ec);
        if (ec) return app::fail(program, "bind " + (local ? unix_path : "UDP to " + address.to_string()), ec);
        if (local) socket_file.path = unix_path;
        if (!local) address = datagrams.getsockname(ec);
        datagrams.setblocking(false, ec);
        if (ec) return app::fail(program, "bind " + (local ? unix_path : "UDP to " + address.to_string()), ec);
    }
    if (local) {
        app::say(std::string("echo-server: serving Unix-domain ") + (dgram ? "datagrams" : "streams") + " on " +
                 unix_path);
    } else {
        app::say(std::string("echo-server: serving ") + (tcp && udp ? "TCP and UDP" : tcp ? "TCP" : "UDP") +
                 " on " + address.to_string() + (!any6 ? "" : dual_stack ? " (IPv4 too)" : " (IPv6 only)"));
    }

    const std::string where = local ? unix_path : address.to_string();
    server s(loop, listener, datagrams, where);
    if (local) s.serve_local();
    const std::string failed = s.start(ec);
    if (ec) return app::fail(program, failed, ec);
    loop.run(ec);
    if (ec) return app::fail(program, "run the event loop for " + where, ec);
    s.end_shortage("stopping in a descriptor shortage");
    s.close_all();
    return app::ok;
}
