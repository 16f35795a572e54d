// Endpoints to and from the system's socket addresses (platform/common's
// to_native and from_native), both ways round:
//   - an endpoint made from the input (IPv4, IPv6 with a scope, a Unix path)
//     converts to a native address and back to the same endpoint;
//   - any bytes given as a native address of any length convert to an
//     endpoint without reading past that length (AddressSanitizer sees the
//     exact-size copy), empty when too short for the family; a family
//     portsock has no name for keeps its bytes (other_family); a non-empty
//     result converts back to native and again to the same endpoint.
#include "fuzz_check.hpp"

#include "address.hpp"

#include <array>
#include <cstring>
#include <memory>

namespace {

namespace ps = portsock;

// The input after its first byte, taken a piece at a time (zeros once used up).
struct reader {
    const std::uint8_t* data;
    std::size_t size;

    template <std::size_t N>
    std::array<std::uint8_t, N> take() {
        std::array<std::uint8_t, N> out{};
        const std::size_t n = size < N ? size : N;
        std::memcpy(out.data(), data, n);
        data += n;
        size -= n;
        return out;
    }
    std::uint16_t port() {
        const auto b = take<2>();
        return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
    }
};

// The endpoint a native address gives, and back: the same endpoint again.
void check_back_and_forth(const ps::endpoint& e) {
    ps::sys::native_address a;
    const std::error_code ec = ps::sys::to_native(e, a);
    FUZZ_CHECK(!ec, "'%s' does not convert to native: %s", e.repr().c_str(), ec.message().c_str());
    FUZZ_CHECK(a.size > 0 && static_cast<std::size_t>(a.size) <= sizeof a.storage, "a native size of %d",
               static_cast<int>(a.size));
    // Exactly `a.size` bytes, so that a read past them is seen.
    const auto size = static_cast<std::size_t>(a.size);
    const std::unique_ptr<unsigned char[]> exact(new unsigned char[size]);
    std::memcpy(exact.get(), &a.storage, size);
    const ps::endpoint back = ps::sys::from_native(reinterpret_cast<const sockaddr*>(exact.get()), a.size);
    FUZZ_CHECK(back == e, "'%s' comes back as '%s'", e.repr().c_str(), back.repr().c_str());
    FUZZ_CHECK(back.scope_id() == e.scope_id(), "scope %u comes back as %u", e.scope_id(), back.scope_id());
}

void from_endpoint(reader in, std::uint8_t kind) {
    switch (kind % 3) {
    case 0: {
        const auto bytes = in.take<4>();
        check_back_and_forth(ps::endpoint::v4(bytes, in.port()));
        return;
    }
    case 1: {
        const auto bytes = in.take<16>();
        const std::uint16_t port = in.port();
        const auto scope = in.take<4>();
        std::uint32_t scope_id;
        std::memcpy(&scope_id, scope.data(), sizeof scope_id);
        check_back_and_forth(ps::endpoint::v6(bytes, port, scope_id));
        return;
    }
    default: {
        std::error_code ec;
        const ps::endpoint e = ps::endpoint::local(fuzz::text(in.data, in.size), ec);
        if (ec) return;  // refused by endpoint::local (fuzz_local_path checks that)
        ps::sys::native_address a;
        ec = ps::sys::to_native(e, a);
        // Only a system without abstract names refuses one it was given.
        if (ec) {
            FUZZ_CHECK(e.is_abstract() && ec == std::errc::address_family_not_supported,
                       "'%s' refused: %s", e.repr().c_str(), ec.message().c_str());
            return;
        }
        check_back_and_forth(e);
        return;
    }
    }
}

void from_native_bytes(const std::uint8_t* data, std::size_t size) {
    if (size > sizeof(sockaddr_storage)) size = sizeof(sockaddr_storage);
    // Any bytes as a native address, the family field set from the input's
    // first byte to one of the three portsock has (or left as it is).
    const std::unique_ptr<unsigned char[]> exact(new unsigned char[size == 0 ? 1 : size]);
    std::memcpy(exact.get(), data, size);
    auto* address = reinterpret_cast<sockaddr*>(exact.get());
    constexpr std::size_t family_end = offsetof(sockaddr, sa_family) + sizeof(sockaddr{}.sa_family);
    if (size >= family_end && size > 0) {
        const int families[] = {AF_INET, AF_INET6, AF_UNIX};
        const std::uint8_t pick = data[0] % 4;
        if (pick < 3) address->sa_family = static_cast<decltype(address->sa_family)>(families[pick]);
    }
    const auto length = static_cast<ps::sys::os::socklen>(size);
    const ps::endpoint e = ps::sys::from_native(address, length);
    if (size < family_end) {
        FUZZ_CHECK(e.empty(), "%zu bytes, shorter than a family, give '%s'", size, e.repr().c_str());
        return;
    }
    const bool known = address->sa_family == AF_INET || address->sa_family == AF_INET6 ||
                       address->sa_family == AF_UNIX;
    if (!known) {
        // A family portsock has no name for (1-127) is kept as other_family,
        // its bytes after the family field as they were, when they fit.
        const int f = address->sa_family;
        const bool kept = f > 0 && f < 0x80 && size - family_end <= ps::endpoint::max_path;
        if (!kept) FUZZ_CHECK(e.empty(), "family %d of %zu bytes gives '%s'", f, size, e.repr().c_str());
        if (kept) {
            FUZZ_CHECK(e.family() == ps::other_family(f), "family %d gives '%s'", f, e.repr().c_str());
            FUZZ_CHECK(e.bytes().size() == size - family_end &&
                           std::memcmp(e.bytes().data(), exact.get() + family_end, size - family_end) == 0,
                       "family %d's bytes come back as '%s'", f, e.repr().c_str());
        }
    }
    if (address->sa_family == AF_INET && size < sizeof(sockaddr_in)) {
        FUZZ_CHECK(e.empty(), "a %zu-byte IPv4 address gives '%s'", size, e.repr().c_str());
    }
    if (address->sa_family == AF_INET6 && size < sizeof(sockaddr_in6)) {
        FUZZ_CHECK(e.empty(), "a %zu-byte IPv6 address gives '%s'", size, e.repr().c_str());
    }
    if (!e.empty()) check_back_and_forth(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    if (mode < 128) {
        from_endpoint(reader{data + 1, size - 1}, mode);
    } else {
        from_native_bytes(data + 1, size - 1);
    }
    return 0;
}
