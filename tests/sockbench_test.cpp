// sockbench as real processes: every workload through portsock and through
// raw system calls, each against its own kind of server, a fixed number of
// operations, every byte checked by the client (it fails on a wrong echo).
// These are correctness tests of the benchmark, not timings: the figures are
// ci/bench.sh's business.
#include "child_process.hpp"
#include "net.hpp"

#include <chrono>

using namespace std::chrono_literals;
using testsupport::child_process;

namespace {

const std::string bench_exe = PORTSOCK_SOCKBENCH;

// A running `sockbench serve[-raw] KIND` and the port it reported.
struct server {
    child_process process;
    std::string port;
};

server start_server(const std::string& mode, const std::string& kind) {
    std::error_code ec;
    server s{child_process::start({bench_exe, mode, kind, "--host", "127.0.0.1", "--port", "0"}, ec), ""};
    EXPECT_OK(ec);
    const auto line = s.process.read_line(20s);
    const std::string prefix = "sockbench: serving " + kind + " on 127.0.0.1:";
    if (line && line->rfind(prefix, 0) == 0) s.port = line->substr(prefix.size(), line->find(' ', prefix.size()) - prefix.size());
    EXPECT_FALSE(s.port.empty()) << "first line: " << line.value_or("<none>") << "\nstderr: " << s.process.err();
    return s;
}

// The value of `"key": <number>` in sockbench's JSON line.
double field(const std::string& json, const std::string& key) {
    const std::size_t at = json.find("\"" + key + "\": ");
    if (at == std::string::npos) return -1;
    return std::stod(json.substr(at + key.size() + 4));
}

struct run_result {
    std::optional<int> status;
    std::string json, err;
};

run_result run_client(std::vector<std::string> argv, const std::string& port, bool raw) {
    argv.insert(argv.begin(), bench_exe);
    for (const char* a : {"--host", "127.0.0.1", "--json"}) argv.emplace_back(a);
    argv.push_back("--port");
    argv.push_back(port);
    if (raw) argv.emplace_back("--raw");
    std::error_code ec;
    child_process p = child_process::start(argv, ec);
    EXPECT_OK(ec);
    run_result r;
    r.status = p.wait(60s);
    r.json = p.out();
    r.err = p.err();
    return r;
}

class Sockbench : public testing::TestWithParam<bool> {
protected:
    bool raw() const { return GetParam(); }
    std::string mode() const { return raw() ? "serve-raw" : "serve"; }
    // Runs the workload against a fresh server and returns the JSON line.
    std::string measure(const std::string& kind, const std::vector<std::string>& argv) {
        server s = start_server(mode(), kind);
        if (s.port.empty()) return {};
        const run_result r = run_client(argv, s.port, raw());
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.json.find(raw() ? "\"impl\": \"raw\"" : "\"impl\": \"portsock\""), std::string::npos) << r.json;
        return r.json;
    }
};

}  // namespace

TEST_P(Sockbench, ThankyouReadsTheFortyBytesEachTime) {
    const std::string json = measure("thankyou", {"thankyou", "--count", "25", "--clients", "2"});
    EXPECT_EQ(field(json, "operations"), 50) << json;  // 25 per client
    EXPECT_GT(field(json, "rate"), 0) << json;
}

TEST_P(Sockbench, PingpongEchoesEveryMessage) {
    const std::string json = measure("echo", {"pingpong", "--count", "200", "--size", "3000"});
    EXPECT_EQ(field(json, "operations"), 200) << json;
    EXPECT_GT(field(json, "p99_us"), 0) << json;
    EXPECT_LE(field(json, "p50_us"), field(json, "p99_us")) << json;
    // The process's CPU time is reported (ci/bench.sh divides it by the
    // operations); it cannot be negative, and it is there.
    EXPECT_GE(field(json, "cpu_s"), 0) << json;
    EXPECT_NE(json.find("\"cpu_s\": "), std::string::npos) << json;
}

TEST_P(Sockbench, ConcurrentKeepsOneMessageInFlightPerConnection) {
    const std::string json = measure("echo", {"concurrent", "--count", "400", "--connections", "40", "--size", "100"});
    EXPECT_GE(field(json, "operations"), 400) << json;
    EXPECT_EQ(field(json, "connections"), 40) << json;
}

TEST_P(Sockbench, BulkGetsBackEveryByteItSent) {
    const std::string json = measure("echo", {"bulk", "--count", "64"});
    EXPECT_EQ(field(json, "operations"), 64) << json;  // 64 writes of 64 KiB came back whole
    EXPECT_GT(field(json, "gbps"), 0) << json;
}

TEST_P(Sockbench, UdpRoundTripsAreAnsweredOrCountedAsLost) {
    const std::string json = measure("udp", {"udp", "--count", "200", "--size", "512"});
    EXPECT_EQ(field(json, "operations") + field(json, "losses"), 200) << json;
    EXPECT_GT(field(json, "operations"), 0) << json;
}

TEST_P(Sockbench, PollwaitReportsTheReadySocketsOnEveryWait) {
    // No server: the sockets and the poller are all in the one process.
    std::vector<std::string> argv = {bench_exe, "pollwait", "--count", "500", "--registered", "20", "--ready", "3",
                                     "--json"};
    if (raw()) argv.emplace_back("--raw");
    std::error_code ec;
    child_process p = child_process::start(argv, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(p.wait(60s), 0) << p.err();
    const std::string json = p.out();
    EXPECT_EQ(field(json, "operations"), 500) << json;  // every wait saw exactly the 3
    EXPECT_EQ(field(json, "registered"), 20) << json;
    EXPECT_EQ(field(json, "ready"), 3) << json;
    EXPECT_GT(field(json, "p50_us"), 0) << json;
    // Its CPU time is the waits' alone: one thread's CPU time cannot exceed
    // the waits' wall time by more than the clock's granularity.
    EXPECT_GE(field(json, "cpu_s"), 0) << json;
    EXPECT_LE(field(json, "cpu_s"), field(json, "seconds") + 0.05) << json;
}

INSTANTIATE_TEST_SUITE_P(PortsockAndRaw, Sockbench, testing::Values(false, true),
                         [](const testing::TestParamInfo<bool>& p) { return p.param ? "Raw" : "Portsock"; });

TEST(Sockbench, UsageUnknownWorkloadIsAUsageError) {
    std::error_code ec;
    child_process p = child_process::start({bench_exe, "nonsense"}, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(p.wait(30s), 2);
    EXPECT_NE(p.err().find("unknown workload 'nonsense'"), std::string::npos) << p.err();
}

TEST(Sockbench, UsageMoreReadyThanRegisteredIsAUsageError) {
    std::error_code ec;
    child_process p = child_process::start({bench_exe, "pollwait", "--registered", "5", "--ready", "6"}, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(p.wait(30s), 2);
    EXPECT_NE(p.err().find("--ready 6 is more than --registered 5"), std::string::npos) << p.err();
}

TEST(Sockbench, UsageNobodyListeningIsAOneLineErrorNamingTheEndpoint) {
    std::error_code ec;
    portsock::socket holder = testsupport::refusing_port();  // ours while the test runs
    const std::string port = std::to_string(holder.getsockname(ec).port());
    ASSERT_OK(ec);
    const run_result r = run_client({"pingpong", "--count", "1"}, port, false);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("sockbench: pingpong against 127.0.0.1:" + port + ": connect: "), std::string::npos) << r.err;
}

TEST(Sockbench, UsageCountIsAcceptedUpToItsMaximumAndRefusedBeyondIt) {
    // --count takes 1 to 1000000000 (ten digits). Against a port nobody
    // listens on, an accepted count gets as far as the connect (status 1);
    // one past the maximum, or a number too long for any integer, is a usage
    // error (status 2) before anything is tried.
    std::error_code ec;
    portsock::socket holder = testsupport::refusing_port();
    const std::string port = std::to_string(holder.getsockname(ec).port());
    ASSERT_OK(ec);
    const run_result at_most = run_client({"pingpong", "--count", "1000000000"}, port, false);
    EXPECT_EQ(at_most.status, 1) << at_most.err;
    EXPECT_NE(at_most.err.find(": connect: "), std::string::npos) << at_most.err;
    for (const char* too_many : {"1000000001", "99999999999999999999999999"}) {
        const run_result r = run_client({"pingpong", "--count", too_many}, port, false);
        EXPECT_EQ(r.status, 2) << too_many << ": " << r.err;
        EXPECT_NE(r.err.find("usage: "), std::string::npos) << r.err;
    }
}

// udp-batch: the batch client (send_many / recv_many) against the batch
// server and against the raw one-datagram server it is measured with; the
// client checks every datagram that comes back.
TEST(SockbenchBatch, UdpBatchEchoesThroughTheBatchAndTheRawServer) {
    for (const char* mode : {"serve", "serve-raw"}) {
        server s = start_server(mode, "udp-batch");
        if (s.port.empty()) return;
        const run_result r = run_client({"udp-batch", "--count", "640", "--batch", "32"}, s.port, false);
        EXPECT_EQ(r.status, 0) << mode << ": " << r.err;
        EXPECT_GT(field(r.json, "operations"), 0) << mode << ": " << r.json;
        EXPECT_EQ(field(r.json, "batch"), 32) << r.json;
    }
}

TEST(SockbenchTimers, TheUncancelledHalfFiresAndEachCostIsReported) {
    // The loop's timers alone (portsock only, no server): sockbench itself
    // fails unless exactly the uncancelled timers fired.
    std::error_code ec;
    child_process p = child_process::start({bench_exe, "timers", "--count", "2001", "--json"}, ec);
    ASSERT_OK(ec);
    EXPECT_EQ(p.wait(60s), 0) << p.err();
    const std::string json = p.out();
    EXPECT_EQ(field(json, "timers"), 2001) << json;
    EXPECT_EQ(field(json, "cancelled"), 1001) << json;
    EXPECT_EQ(field(json, "fired"), 1000) << json;
    for (const char* key : {"cold_schedule_ns", "schedule_ns", "cancel_ns", "fire_ns", "run_once_pending_ns"})
        EXPECT_GT(field(json, key), 0) << key << " in " << json;
}
