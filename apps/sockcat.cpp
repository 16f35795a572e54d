// sockcat: a netcat built on portsock, with OpenBSD netcat's everyday flags.
// Standard input goes to the socket and the socket to standard output, until
// both sides have closed; standard input's end is passed on as a half-close
// (unless --no-shutdown).
//
//   sockcat [flags] HOST PORT               connect (TCP, or UDP with -u)
//   sockcat -l [flags] [HOST] PORT          listen (HOST: any address) for one peer
//   sockcat -l [flags] -p PORT [HOST]       the same, OpenBSD nc's way
//   sockcat -z [-v] [-w SECS] HOST PORT[-PORT]   report which TCP ports are open
//   sockcat [-l] [-k] -U PATH               Unix-domain stream socket
//
// Flags (OpenBSD nc's meanings; short flags combine: -lvk -p 8080, -lu):
//   -4 / -6    IPv4 / IPv6 only            -u   UDP
//   -l         listen                      -k   keep listening after a peer leaves
//   -v         say what happens, on stderr -n   numeric hosts and ports only
//   -w SECS    connect timeout, and end after SECS with no traffic either way
//   -q SECS    end SECS after standard input's end (-q 0: at once)
//   -p PORT    source port (with -l: the port to listen on)
//   -s ADDR    source address (with -l: the address to listen on)
//   -d         do not read standard input  -C   send LF as CRLF
//   -b         allow broadcast (UDP)       -N   shut down on stdin's end (the default)
//   -z         report whether ports are open (exit 0 when one is)
//   --no-shutdown  keep the sending side open after standard input's end
//                  (OpenBSD nc's default, ncat's --no-shutdown)
//   --ipv6-only    with -l on [::] (-6 with no host): IPv6 peers only
//   --help, --version
// PORT may be a service name (http) unless -n.
//
// Dual stack: a listener on the IPv6 any address ([::], which `-l -6` with no
// host means) accepts IPv4 peers too, over TCP and UDP alike, as Python's
// create_server(dualstack_ipv6=True) and Linux's `nc -6 -l` do; --ipv6-only
// refuses them. The listening line says which: `listening on [::]:8080
// (IPv6 and IPv4)`.
//
// A listening sockcat says where on stderr (`sockcat: listening on
// 127.0.0.1:40123`), useful with port 0. UDP: each read from standard input
// is sent as one datagram; a listener answers the first peer that writes (with
// -k: whichever peer wrote last); once standard input ends, sockcat waits one
// second (or -q SECS) for more datagrams, then ends.
// Exit status: 0 done, 1 could not resolve / connect / listen (-z: no port
// open), 2 usage, 3 the transfer failed (reset; a read error on standard
// input, a write error on standard output).
//
// It runs on a portsock::loop: the socket and standard input are readers,
// -w and -q are call_later / call_at timers. Standard input cannot be polled
// like a socket everywhere (a Windows console or pipe, a regular file under
// epoll cannot): there a thread reads it and hands the bytes to the loop
// through a socketpair, whose full buffer holds the thread back.
#include "app.hpp"
#include "stdio.hpp"

#include <portsock/loop.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace {

constexpr const char* program = "sockcat";
constexpr const char* usage_text =
    "sockcat [-46bCdklNnuvz] [-p PORT] [-q SECS] [-s ADDR] [-w SECS] [HOST] [PORT[-PORT]] | "
    "sockcat [-l] [-k] -U PATH | sockcat --help";
constexpr const char* help_text =
    "Connect:  sockcat [flags] HOST PORT\n"
    "Listen:   sockcat -l [flags] [HOST] PORT   (or -l -p PORT [HOST])\n"
    "Scan:     sockcat -z [-v] [-w SECS] HOST PORT[-PORT]\n"
    "Unix:     sockcat [-l] [-k] -U PATH\n"
    "Standard input goes to the peer, the peer's bytes to standard output.\n"
    "  -4, -6         IPv4 / IPv6 only\n"
    "  -u             UDP instead of TCP\n"
    "  -l             listen for a peer instead of connecting\n"
    "  -k             with -l: keep listening after a peer leaves\n"
    "  -v             say what happens, on stderr\n"
    "  -n             numeric hosts and ports only (no resolver)\n"
    "  -w SECS        connect timeout; end after SECS with no traffic\n"
    "  -q SECS        end SECS after standard input's end (-q 0: at once)\n"
    "  -p PORT        source port (with -l: the port to listen on)\n"
    "  -s ADDR        source address (with -l: the address to listen on)\n"
    "  -d             do not read standard input\n"
    "  -C             send each LF of standard input as CRLF\n"
    "  -b             allow broadcast (with -u)\n"
    "  -N             shut down the sending side at standard input's end (default)\n"
    "  -z             report whether ports are open (-v to see them); PORT may be 20-30\n"
    "  --no-shutdown  keep the sending side open after standard input's end\n"
    "  --ipv6-only    with -l on [::] (-6, no host): refuse IPv4 peers\n"
    "                 (default: a listener on [::] takes IPv4 too, TCP and UDP)\n"
    "  --help, --version\n"
    "PORT may be a service name (http) unless -n. Exit status: 0 done, 1 could not\n"
    "connect or listen (-z: no port open), 2 usage, 3 the transfer failed.\n";
enum : int { transfer_failed = 3 };
constexpr std::size_t chunk = 65507;  // the largest UDP payload over IPv4
constexpr double udp_linger_seconds = 1.0;

struct options {
    bool listen = false, udp = false, local = false, verbose = false, keep = false, scan = false;
    bool numeric = false, no_stdin = false, crlf = false, broadcast = false, no_shutdown = false;
    bool ipv6_only = false;
    portsock::family family = portsock::family::unspec;
    std::optional<double> wait, quit;  // -w, -q
    std::string source_port, source_host;  // -p, -s
    int source_port_number = 0;            // -p resolved (connecting)
    std::vector<std::string> positional;
};

int transfer_error(const std::string& what, std::error_code ec) {
    app::report(program, what, ec);
    return transfer_failed;
}

int usage_error(const std::string& why) {
    std::fprintf(stderr, "%s: %s\nusage: %s\n", program, why.c_str(), usage_text);
    return app::usage;
}

void verbose(const options& o, const std::string& message) {
    if (o.verbose) {
        app::report(program, message);
        std::fflush(stderr);
    }
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Sets the option `letter` takes a value for; false when the value is bad.
bool set_value(char letter, const std::string& value, options& o) {
    int n = 0;
    switch (letter) {
    case 'w':
    case 'q':
        if (!app::parse_int(value, 0, 86400 * 365, n)) return false;
        (letter == 'w' ? o.wait : o.quit) = static_cast<double>(n);
        return true;
    case 'p':
        o.source_port = value;
        return !value.empty();
    default:  // 's'
        o.source_host = value;
        return !value.empty();
    }
}

bool set_flag(char letter, options& o) {
    switch (letter) {
    case '4': o.family = portsock::family::inet; return true;
    case '6': o.family = portsock::family::inet6; return true;
    case 'b': o.broadcast = true; return true;
    case 'C': o.crlf = true; return true;
    case 'd': o.no_stdin = true; return true;
    case 'k': o.keep = true; return true;
    case 'l': o.listen = true; return true;
    case 'N': o.no_shutdown = false; return true;  // the default already
    case 'n': o.numeric = true; return true;
    case 'U': o.local = true; return true;
    case 'u': o.udp = true; return true;
    case 'v': o.verbose = true; return true;
    case 'z': o.scan = true; return true;
    default: return false;
    }
}

// A getopt-style parse (combined short flags, `-pVALUE` or `-p VALUE`, `--`
// ends the options); a result other than ok is the exit status, negative
// meaning "exit 0" (--help, --version).
int parse(int argc, char** argv, options& o) {
    bool options_ended = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (options_ended || a.size() < 2 || a[0] != '-') {
            o.positional.emplace_back(a);
            continue;
        }
        if (a == "--") {
            options_ended = true;
        } else if (a == "--help" || a == "-h") {
            std::printf("usage: %s\n%s", usage_text, help_text);
            return -1;
        } else if (a == "--version") {
            std::printf("sockcat (portsock) %s\n", portsock::version_string);
            return -1;
        } else if (a == "--no-shutdown") {
            o.no_shutdown = true;
        } else if (a == "--ipv6-only") {
            o.ipv6_only = true;
        } else if (a[1] == '-') {
            return usage_error("unknown option " + std::string(a));
        } else {
            for (std::size_t k = 1; k < a.size(); ++k) {
                const char c = a[k];
                const std::string name = std::string("-") + c;
                if (std::string_view("wqps").find(c) != std::string_view::npos) {
                    std::string value;
                    if (k + 1 < a.size()) value = std::string(a.substr(k + 1));
                    else if (i + 1 < argc) value = argv[++i];
                    else return usage_error("option " + name + " needs a value");
                    if (!set_value(c, value, o)) return usage_error("bad value for " + name + ": '" + value + "'");
                    break;
                }
                if (!set_flag(c, o)) return usage_error("unknown option " + name);
            }
        }
    }
    // Flags that do not go together.
    const struct {
        bool clash;
        const char* what;
    } clashes[] = {
        {o.local && o.udp, "-U and -u"},
        {o.local && o.family != portsock::family::unspec, "-U and -4/-6"},
        {o.local && o.scan, "-U and -z"},
        {o.local && !o.source_port.empty(), "-U and -p"},
        {o.local && !o.source_host.empty(), "-U and -s"},
        {o.local && o.broadcast, "-U and -b"},
        {o.listen && o.scan, "-l and -z"},
        {o.scan && o.udp, "-z and -u (only TCP ports are scanned)"},
    };
    for (const auto& c : clashes) {
        if (c.clash) return usage_error(std::string(c.what) + " exclude each other");
    }
    if (o.keep && !o.listen) return usage_error("-k needs -l");
    if (o.broadcast && !o.udp) return usage_error("-b needs -u");
    if (o.ipv6_only && !o.listen) return usage_error("--ipv6-only needs -l");
    if (o.no_stdin && o.quit) return usage_error("-q needs standard input (not -d)");

    // The arguments each mode takes.
    std::size_t least = 2, most = 2;
    const char* missing = "HOST and PORT";
    if (o.local) least = most = 1, missing = "PATH";
    else if (o.listen && !o.source_port.empty()) least = 0, most = o.source_host.empty() ? 1 : 0;
    else if (o.listen) least = 1, most = o.source_host.empty() ? 2 : 1, missing = "PORT";
    if (o.positional.size() > most) {
        const std::string extra = o.positional[most];
        if (o.listen && !o.source_port.empty() && most == 1) {
            return usage_error("unexpected argument " + extra + " (the port is given by -p)");
        }
        return usage_error("unexpected argument " + extra);
    }
    if (o.positional.size() < least) {
        return usage_error("missing " + std::string(o.positional.size() == 1 && least == 2 ? "PORT" : missing));
    }
    return app::ok;
}

// A port from its text: a number, or a service name unless -n. Returns
// app::ok, or the exit status after saying what is wrong.
int resolve_port(const std::string& text, const options& o, int& port) {
    if (all_digits(text)) {
        return app::parse_int(text, 0, 65535, port) ? app::ok : usage_error("bad port " + text);
    }
    if (o.numeric) return usage_error("port " + text + " is not a number (-n: no service names)");
    std::error_code ec;
    port = portsock::getservbyname(text, o.udp ? "udp" : "tcp", ec);
    return ec ? app::fail(program, "service " + text, ec) : app::ok;
}

// The source address for a connection to `family`, from -s and -p.
portsock::endpoint source_for(portsock::family family, const options& o, int port, std::error_code& ec) {
    if (o.source_host.empty()) return portsock::endpoint::parse(family == portsock::family::inet6 ? "::" : "", port, ec);
    const auto t = o.udp ? portsock::type::dgram : portsock::type::stream;
    const auto infos = portsock::getaddrinfo(o.source_host, port, family, t, 0,
                                             o.numeric ? portsock::ai::numerichost | portsock::ai::passive
                                                       : portsock::ai::passive, ec);
    if (!ec && infos.empty()) ec = portsock::error::family_mismatch;
    return ec ? portsock::endpoint{} : infos.front().address;
}

// Tries every address `host` resolves to (of the family asked for) until one
// connects: each socket first bound to -s / -p, given -b, and connecting
// within -w.
portsock::socket connect_to(const std::string& host, int port, const options& o, std::error_code& ec,
                            std::string& what) {
    const auto t = o.udp ? portsock::type::dgram : portsock::type::stream;
    what = "connect to " + app::host_port(host, port);
    const int source_port = o.source_port_number;
    const bool bind_source = !o.source_host.empty() || !o.source_port.empty();
    if (bind_source) what += " from " + app::host_port(o.source_host.empty() ? "*" : o.source_host, source_port);
    const auto infos = portsock::getaddrinfo(host, port, o.family, t, 0,
                                             o.numeric ? portsock::ai::numerichost : portsock::ai::none, ec);
    if (ec) return {};
    std::vector<portsock::connect_attempt> attempts;
    for (const auto& info : infos) {
        portsock::socket s;
        std::error_code ignored;
        portsock::endpoint source;
        if (bind_source) source = source_for(info.family, o, source_port, ec);
        if (!ec) s.open(info.family, info.type, info.proto, ec);
        if (!ec && o.broadcast) s.setsockopt(portsock::opt::broadcast, true, ec);
        if (!ec && bind_source) s.setsockopt(portsock::opt::reuse_address, true, ignored);
        if (!ec && bind_source) s.bind(source, ec);
        if (!ec && o.wait) s.settimeout(*o.wait, ec);
        if (!ec) s.connect(info.address, ec);
        if (!ec) s.settimeout(std::nullopt, ec);
        if (!ec) return s;
        attempts.push_back({info.address, ec});
    }
    if (infos.empty()) ec = portsock::error::no_address;
    if (attempts.size() > 1) what += " (tried " + portsock::describe(attempts) + ')';
    return {};
}

// What the thread that reads standard input (pump_stdin) met: a read error,
// set before the thread shuts its end of the socketpair down, so the loop
// tells it from the end of input when it reads that end.
struct pump_status {
    std::mutex lock;
    std::error_code error;
};

// Standard input as the event loop sees it. Where it can be polled (a pipe,
// a terminal or a socket on POSIX) the loop watches its descriptor and reads
// it when it is ready (`direct`). Elsewhere (a Windows console or pipe, a
// regular file, which epoll refuses) a thread reads it and hands the bytes to
// the loop through a socketpair (`from_stdin`), whose buffer holds the
// thread back while the network is slow; `pump` is what that thread shares
// with the loop. None with -d. `quit_at`: when sockcat is to quit after its
// end (-q), on the loop's clock.
struct input {
    portsock::native_handle_type direct = portsock::invalid_native_handle;
    portsock::socket from_stdin;
    std::shared_ptr<pump_status> pump;
    bool ended = false;
    std::optional<double> quit_at;
    std::vector<char> converted;  // -C: a direct read with LF as CRLF
};

// Copies standard input into `to` (LF as CRLF with -C) until it ends or a
// read fails (the error left in `status`), then shuts `to` down.
void pump_stdin(portsock::socket to, bool crlf, std::shared_ptr<pump_status> status) {
    std::vector<char> buffer(chunk), converted;
    std::error_code ec;
    for (;;) {
        std::error_code read_error;
        const std::size_t n = app::read_stdin(buffer.data(), buffer.size(), read_error);
        if (read_error) {
            const std::lock_guard<std::mutex> hold(status->lock);
            status->error = read_error;
            break;
        }
        if (n == 0) break;
        const char* data = buffer.data();
        std::size_t size = n;
        if (crlf) {
            converted.clear();
            for (std::size_t k = 0; k < size; ++k) {
                if (buffer[k] == '\n') converted.push_back('\r');
                converted.push_back(buffer[k]);
            }
            data = converted.data();
            size = converted.size();
        }
        to.sendall(data, size, ec);
        if (ec) break;
    }
    to.shutdown(portsock::shut::wr, ec);
}

int start_input(const options& o, input& in, portsock::loop& loop) {
    if (o.no_stdin) return app::ok;
    std::error_code ec;
    // Try the loop on standard input itself first (watched only while relaying).
    const portsock::native_handle_type h = app::stdin_handle();
    if (h != portsock::invalid_native_handle) {
        loop.add_reader(h, [] {}, ec);
        if (!ec) {
            loop.remove_reader(h, ec);
            in.direct = h;
            if (o.crlf) in.converted.reserve(2 * chunk);
            return app::ok;
        }
    }
    auto [from_stdin, to_loop] = portsock::socketpair(portsock::family::unspec, portsock::type::stream, 0, ec);
    if (ec) return app::fail(program, "socketpair", ec);
    in.from_stdin = std::move(from_stdin);
    in.pump = std::make_shared<pump_status>();
    std::thread(pump_stdin, std::move(to_loop), o.crlf, in.pump).detach();  // may stay blocked in a read until exit
    return app::ok;
}

// The handle the loop watches for standard input (none with -d).
portsock::native_handle_type input_handle(const input& in) {
    return in.direct != portsock::invalid_native_handle ? in.direct
           : in.from_stdin.is_open()                   ? in.from_stdin.native_handle()
                                                        : portsock::invalid_native_handle;
}

// Reads what standard input has into `buffer` (LF as CRLF with -C) and sets
// `data` to the bytes to send: their count, 0 at its end. A read error (the
// thread's, passed on at the socketpair's end) is `ec`.
std::size_t read_input(input& in, const options& o, std::vector<char>& buffer, const char*& data,
                       std::error_code& ec) {
    data = buffer.data();
    if (in.direct == portsock::invalid_native_handle) {
        const std::size_t n = in.from_stdin.recv_into(buffer.data(), buffer.size(), ec);
        if (!ec && n == 0 && in.pump) {
            const std::lock_guard<std::mutex> hold(in.pump->lock);
            ec = in.pump->error;
        }
        return n;
    }
    const std::size_t size = app::read_stdin(buffer.data(), buffer.size(), ec);
    if (ec || !o.crlf) return size;
    in.converted.clear();
    for (std::size_t k = 0; k < size; ++k) {
        if (buffer[k] == '\n') in.converted.push_back('\r');
        in.converted.push_back(buffer[k]);
    }
    data = in.converted.data();
    return in.converted.size();
}

// What standard input's end does to `net`: a half-close unless
// --no-shutdown (or UDP, which has none), and the -q clock.
void input_ended(portsock::socket& net, bool udp, const options& o, input& in, portsock::loop& loop, bool first_time) {
    std::error_code ec;
    if (!udp && !o.no_shutdown) net.shutdown(portsock::shut::wr, ec);
    if (!first_time) return;
    const std::optional<double> quit = udp && !o.quit ? std::optional<double>(udp_linger_seconds) : o.quit;
    if (quit) in.quit_at = loop.time() + *quit;
    verbose(o, std::string("end of standard input") + (udp ? "" : o.no_shutdown ? ", not half-closing" : ", half-closing") +
                   (o.quit ? ", quitting in " + std::to_string(static_cast<long>(*o.quit)) + " s" : ""));
}

// One relay on the loop: `net` and standard input are its readers, -w's idle
// limit and -q's quit are its timers. See `relay`.
//
// `net` is non-blocking: standard input's bytes go out as fast as the
// network takes them, and what it does not take yet waits in the buffer they
// were read into while `net` is a writer that sends it. Meanwhile standard
// input is not read (its reader is removed until the rest is sent: no more
// is buffered than one read), but `net` stays a reader: a peer that answers
// as it reads (an echo server) is read from all along, else both would wait
// for each other once the socket buffers are full. A datagram goes whole:
// when the socket buffer has no room, it waits as a stream's rest does.
class relayer {
public:
    relayer(portsock::loop& loop, portsock::socket& net, bool udp, const options& o, input& in,
            std::string where, std::optional<portsock::endpoint> peer)
        : loop_(loop), net_(net), udp_(udp), o_(o), in_(in), where_(std::move(where)), peer_(std::move(peer)),
          buffer_(chunk), input_buffer_(chunk) {}

    int run() {
        std::error_code ec;
        net_.setblocking(false, ec);
        if (ec) return app::fail(program, "set non-blocking mode for " + peer_text(), ec);
        loop_.add_reader(net_, [this] { from_network(); }, ec);
        if (ec) return app::fail(program, "watch " + peer_text(), ec);
        network_watched_ = true;
        if (!in_.ended) watch_input(ec);
        if (ec) {
            forget();
            return app::fail(program, "watch standard input for " + peer_text(), ec);
        }
        if (in_.ended) input_ended(net_, udp_, o_, in_, loop_, false);
        if (in_.quit_at) schedule_quit();
        arm_idle();
        loop_.run(ec);
        forget();
        if (ec && !done_) return app::fail(program, "run the event loop for " + peer_text(), ec);
        return status_;
    }

private:
    // The peer, for a message: the one the last datagram came from (-k -u),
    // or the one the relay is with.
    std::string peer_text() const { return peer_ ? peer_->to_string() : where_; }

    void finish(int status) {
        if (done_) return;
        done_ = true;
        status_ = status;
        loop_.stop();
    }
    // Both sides have ended (with -k: the peer has), and standard input's
    // bytes are all sent.
    void maybe_done() {
        if (unsent_size_ > 0) return;
        if (((in_.ended || o_.no_stdin) && network_done_) || (o_.keep && network_done_)) finish(app::ok);
    }
    // -w: the relay ends after that long with no traffic either way.
    void arm_idle() {
        if (!o_.wait || done_) return;
        idle_.cancel();
        idle_ = loop_.call_later(*o_.wait, [this] {
            verbose(o_, "no traffic for " + std::to_string(static_cast<long>(o_.wait.value_or(0))) + " s, closing");
            finish(app::ok);
        });
    }
    void schedule_quit() {
        quit_.cancel();
        quit_ = loop_.call_at(*in_.quit_at, [this] {
            if (!udp_ || o_.quit) verbose(o_, "quitting after the end of standard input");
            finish(app::ok);
        });
    }
    // Standard input as a reader (none with -d), and no longer.
    void watch_input(std::error_code& ec) {
        const portsock::native_handle_type h = input_handle(in_);
        if (h == portsock::invalid_native_handle || input_watched_) return;
        loop_.add_reader(h, [this] { from_input(); }, ec);
        input_watched_ = !ec;
    }
    void unwatch_input() {
        std::error_code ignored;
        if (input_watched_) loop_.remove_reader(input_handle(in_), ignored);
        input_watched_ = false;
    }
    // Sends the bytes of standard input not yet sent, as many as the socket
    // takes now. False on an error other than a full socket buffer (`ec`).
    bool send_unsent(std::error_code& ec) {
        while (unsent_size_ > 0) {
            std::size_t sent = peer_ ? net_.sendto(unsent_, unsent_size_, *peer_, ec)
                                     : net_.send(unsent_, unsent_size_, ec);
            if (ec) {
                if (!portsock::would_block(ec)) return false;
                ec.clear();  // no room now: the writer sends it when there is
                return true;
            }
            if (udp_) sent = unsent_size_;  // a datagram goes whole or not at all
            unsent_ += sent;
            unsent_size_ -= sent;
        }
        return true;
    }
    void from_input() {
        if (done_) return;
        std::error_code ec;
        const char* data = nullptr;
        const std::size_t got = read_input(in_, o_, input_buffer_, data, ec);
        if (ec) return finish(transfer_error("read standard input", ec));
        if (got == 0) {
            // Read only with nothing unsent: the half-close follows every byte.
            in_.ended = true;
            unwatch_input();
            input_ended(net_, udp_, o_, in_, loop_, true);
            if (in_.quit_at) schedule_quit();
        } else {
            unsent_ = data;
            unsent_size_ = got;
            if (!send_unsent(ec)) return finish(transfer_error("send to " + peer_text(), ec));
            if (unsent_size_ > 0) {  // the network is slower: hold standard input back
                unwatch_input();
                loop_.add_writer(net_, [this] { to_network(); }, ec);
                if (ec) return finish(transfer_error("watch " + peer_text(), ec));
                writer_watched_ = true;
            }
        }
        arm_idle();
        maybe_done();
    }
    // The writer while some of standard input's bytes wait: sends them, and
    // reads standard input again once they are gone.
    void to_network() {
        if (done_) return;
        std::error_code ec;
        const std::size_t before = unsent_size_;
        if (!send_unsent(ec)) return finish(transfer_error("send to " + peer_text(), ec));
        if (unsent_size_ == before) return;
        if (unsent_size_ == 0) {
            loop_.remove_writer(net_, ec);
            writer_watched_ = false;
            ec.clear();
            watch_input(ec);
            if (ec) return finish(transfer_error("watch standard input for " + peer_text(), ec));
        }
        arm_idle();
        maybe_done();
    }
    void from_network() {
        if (done_) return;
        std::error_code ec;
        std::size_t got = 0;
        if (peer_) {
            auto [count, from] = net_.recvfrom_into(buffer_.data(), buffer_.size(), ec);
            got = count;
            if (!ec && from != *peer_) verbose(o_, "datagram from " + from.to_string());
            if (!ec) peer_ = from;
        } else {
            got = net_.recv_into(buffer_.data(), buffer_.size(), ec);
        }
        if (portsock::would_block(ec)) return;  // nothing after all: the loop says when there is
        if (ec && ec != std::errc::message_size) return finish(transfer_error("recv from " + peer_text(), ec));
        if (got == 0 && !udp_) {
            network_done_ = true;
            loop_.remove_reader(net_, ec);
            network_watched_ = false;
            verbose(o_, "the peer closed its side");
        } else if (!app::write_stdout(buffer_.data(), got)) {
            return finish(transfer_error("write standard output", std::make_error_code(std::errc::io_error)));
        }
        arm_idle();
        maybe_done();
    }
    // Leaves the loop as it was (standard input stays for the next relay).
    void forget() {
        std::error_code ignored;
        if (network_watched_) loop_.remove_reader(net_, ignored);
        if (writer_watched_) loop_.remove_writer(net_, ignored);
        unwatch_input();
        network_watched_ = writer_watched_ = false;
        idle_.cancel();
        quit_.cancel();
    }

    portsock::loop& loop_;
    portsock::socket& net_;
    bool udp_;
    const options& o_;
    input& in_;
    std::string where_;  // the peer, for messages
    std::optional<portsock::endpoint> peer_;
    std::vector<char> buffer_;        // the network's bytes, on their way to standard output
    std::vector<char> input_buffer_;  // standard input's, on their way to the network
    const char* unsent_ = nullptr;    // standard input's bytes the network has not taken yet
    std::size_t unsent_size_ = 0;
    portsock::timer idle_, quit_;
    bool network_watched_ = false;
    bool writer_watched_ = false;
    bool input_watched_ = false;
    bool network_done_ = false;
    bool done_ = false;
    int status_ = app::ok;
};

// Relays between `net` and standard input / output until both have ended
// (with -k: until the peer has ended), the connection is idle for -w SECS,
// or -q's time after standard input's end is up. `where`: the peer, as
// messages name it. `peer`: an unconnected UDP socket's peer (-l -k -u),
// which each datagram received updates.
int relay(portsock::loop& loop, portsock::socket& net, bool udp, const options& o, input& in, std::string where,
          std::optional<portsock::endpoint> peer = {}) {
    if (in.quit_at && loop.time() >= *in.quit_at) {  // -k: the -q time ran out with the last peer
        if (!udp || o.quit) verbose(o, "quitting after the end of standard input");
        return app::ok;
    }
    relayer r(loop, net, udp, o, in, std::move(where), std::move(peer));
    return r.run();
}

// -z: tries each port in `ports` (`80`, `http`, `20-30`) and says, with -v,
// which are open. Status 0 when one is, else 1.
int scan(const std::string& host, const std::string& ports, const options& o) {
    int first = 0, last = 0;
    const auto dash = ports.find('-');
    if (dash != std::string::npos && all_digits(ports.substr(0, dash)) && all_digits(ports.substr(dash + 1))) {
        if (!app::parse_int(ports.substr(0, dash), 0, 65535, first) ||
            !app::parse_int(ports.substr(dash + 1), 0, 65535, last) || first > last) {
            return usage_error("bad port range " + ports);
        }
    } else {
        const int status = resolve_port(ports, o, first);
        if (status != app::ok) return status;
        last = first;
    }
    bool any_open = false;
    for (int port = first; port <= last; ++port) {
        std::error_code ec;
        std::string what;
        portsock::socket s = connect_to(host, port, o, ec, what);
        if (ec) {
            if (o.verbose) app::report(program, what, ec);
            continue;
        }
        any_open = true;
        std::string service = "*";
        if (!o.numeric) {
            std::error_code ignored;
            const std::string name = portsock::getservbyport(port, "tcp", ignored);
            if (!ignored) service = name;
        }
        verbose(o, app::host_port(host, port) + " (tcp/" + service + ") is open");
    }
    return any_open ? app::ok : app::failed;
}

// The host a listener binds to: "" (IPv4's any address; -6: IPv6's) unless
// one was given.
std::string listen_host(const options& o) {
    const bool host_given = !o.source_host.empty() || (o.source_port.empty() ? o.positional.size() == 2 : o.positional.size() == 1);
    return !o.source_host.empty() ? o.source_host
           : host_given           ? o.positional[0]
           : o.family == portsock::family::inet6 ? "::" : "";
}

// Where sockcat is to connect or listen, as the command line says it, for a
// message before there is a socket: `HOST:PORT`, `listening on HOST:PORT`
// (`*` for IPv4's any address) or a Unix-domain PATH.
std::string target_text(const options& o) {
    if (o.local) return o.positional[0];
    if (!o.listen) return app::host_port(o.positional[0], o.positional[1]);
    const std::string host = listen_host(o);
    return "listening on " + app::host_port(host.empty() ? "*" : host,
                                            o.source_port.empty() ? o.positional.back() : o.source_port);
}

int serve_local(const std::string& path, const options& o, input& in, portsock::loop& loop) {
    std::error_code ec;
    const portsock::endpoint address = portsock::endpoint::local(path, ec);
    if (ec) return app::fail(program, "Unix socket path " + path, ec);
    if (!o.listen) {
        portsock::socket s;
        s.open(portsock::family::local, portsock::type::stream, 0, ec);
        if (!ec) s.connect(address, ec);
        if (ec) return app::fail(program, "connect to " + path, ec);
        verbose(o, "connected to " + path);
        return relay(loop, s, false, o, in, path);
    }
    portsock::socket listener = portsock::create_server(address, 1, false, ec);
    if (ec) return app::fail(program, "listen on " + path, ec);
    std::fprintf(stderr, "%s: listening on %s\n", program, path.c_str());
    std::fflush(stderr);
    for (;;) {
        auto accepted = listener.accept(ec);
        if (!o.keep) {
            listener.close();
            std::error_code ignored;
            std::filesystem::remove(path, ignored);  // the name is not needed once connected
        }
        if (ec) return app::fail(program, "accept on " + path, ec);
        verbose(o, "connection on " + path);
        const int status = relay(loop, accepted.conn, false, o, in, "the peer on " + path);
        if (!o.keep || (in.quit_at && loop.time() >= *in.quit_at)) return status;
    }
}

int serve(const options& o, input& in, portsock::loop& loop) {
    std::error_code ec;
    const auto type = o.udp ? portsock::type::dgram : portsock::type::stream;
    int port = 0;
    const int port_status = resolve_port(o.source_port.empty() ? o.positional.back() : o.source_port, o, port);
    if (port_status != app::ok) return port_status;
    const std::string host = listen_host(o);
    portsock::endpoint address;
    if (o.numeric) {
        address = portsock::endpoint::parse(host, port, ec);
    } else if (o.family != portsock::family::unspec && !host.empty()) {
        const auto infos = portsock::getaddrinfo(host, port, o.family, type, 0, portsock::ai::passive, ec);
        if (!ec && infos.empty()) ec = portsock::error::no_address;
        if (!ec) address = infos.front().address;
    } else {
        address = app::server_address(host, port, ec);
    }
    if (ec) return app::fail(program, "resolve " + (host.empty() ? std::string("''") : host), ec);
    // One dual-stack rule for TCP and UDP: IPv6's any address takes IPv4 too
    // unless --ipv6-only; any other IPv6 address is IPv6 only.
    const bool v6 = address.family() == portsock::family::inet6;
    const bool dual = v6 && address.is_any() && !o.ipv6_only && portsock::has_dualstack_ipv6();
    portsock::socket s;
    if (o.udp) {
        s.open(address.family(), type, 0, ec);
        if (!ec && v6) s.setsockopt(portsock::opt::v6_only, !dual, ec);
        if (!ec && o.broadcast) s.setsockopt(portsock::opt::broadcast, true, ec);
        if (!ec) s.bind(address, ec);
    } else {
        portsock::server_options options;
        options.backlog = o.keep ? portsock::socket::default_backlog : 1;
        options.dual_stack = dual;
        s = portsock::create_server(address, options, ec);
    }
    if (ec) return app::fail(program, "listen on " + address.to_string(), ec);
    const std::string here = s.getsockname(ec).to_string();
    std::fprintf(stderr, "%s: listening on %s%s\n", program, here.c_str(),
                 !v6 ? "" : dual ? " (IPv6 and IPv4)" : " (IPv6 only)");
    std::fflush(stderr);
    if (!o.udp) {
        for (;;) {
            auto accepted = s.accept(ec);
            if (ec) return app::fail(program, "accept on " + here, ec);
            verbose(o, "connection from " + accepted.address.to_string());
            if (!o.keep) s.close();
            const int status = relay(loop, accepted.conn, false, o, in, accepted.address.to_string());
            if (!o.keep || (in.quit_at && loop.time() >= *in.quit_at)) return status;
        }
    }
    // UDP: the first datagram names the peer; answer it alone from then on
    // (-k: answer whichever peer wrote last).
    std::vector<char> first(chunk);
    auto [n, peer] = s.recvfrom_into(first.data(), first.size(), ec);
    if (ec && ec != std::errc::message_size) return transfer_error("recvfrom on " + here, ec);
    verbose(o, "datagram from " + peer.to_string());
    if (!app::write_stdout(first.data(), n)) {
        return transfer_error("write standard output", std::make_error_code(std::errc::io_error));
    }
    if (o.keep) return relay(loop, s, true, o, in, peer.to_string(), peer);
    s.connect(peer, ec);
    if (ec) return app::fail(program, "connect to " + peer.to_string(), ec);
    return relay(loop, s, true, o, in, peer.to_string());
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    const int parsed = parse(argc, argv, o);
    if (parsed != app::ok) return parsed < 0 ? app::ok : parsed;
    if (!o.listen && !o.source_port.empty()) {
        const int status = resolve_port(o.source_port, o, o.source_port_number);
        if (status != app::ok) return status;
    }
    if (o.scan) return scan(o.positional[0], o.positional[1], o);

    // One loop for the whole run: standard input stays on it from peer to peer (-k).
    portsock::loop loop;
    std::error_code opened;
    loop.open(opened);
    if (opened) return app::fail(program, "open the event loop for " + target_text(o), opened);
    input in;
    const int started = start_input(o, in, loop);
    if (started != app::ok) return started;
    if (o.local) return serve_local(o.positional[0], o, in, loop);
    if (o.listen) return serve(o, in, loop);

    int port = 0;
    const int port_status = resolve_port(o.positional[1], o, port);
    if (port_status != app::ok) return port_status;
    std::error_code ec;
    std::string what;
    verbose(o, "connecting to " + app::host_port(o.positional[0], port));
    portsock::socket s = connect_to(o.positional[0], port, o, ec, what);
    if (ec) return app::fail(program, what, ec);
    std::error_code ignored;
    const portsock::endpoint peer = s.getpeername(ignored);
    const std::string where = ignored ? app::host_port(o.positional[0], port) : peer.to_string();
    verbose(o, "connected to " + peer.to_string() + " from " + s.getsockname(ignored).to_string());
    return relay(loop, s, o.udp, o, in, where);
}
