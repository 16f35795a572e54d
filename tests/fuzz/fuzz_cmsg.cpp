// The control-message reader (cmsg_next / cmsg_view, over the backend's
// layout): any bytes, of any length and at any alignment, as a received
// control buffer.
//   - every message read lies inside the buffer, after its header, and the
//     walk moves forward and ends;
//   - the typed readers (read_packet_info, is_fds / read_fd) read only
//     inside a message's data;
//   - what was read, written again by cmsg_writer into a buffer of the
//     system's sizes, reads back as the same messages.
#include "fuzz_check.hpp"

#include <portsock/message.hpp>

#include <cstring>
#include <memory>
#include <vector>

namespace ps = portsock;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An exact-size copy (AddressSanitizer sees any read past it), starting
    // at an offset from the first byte: unaligned buffers too.
    const std::size_t shift = size > 0 ? data[0] % 8 : 0;
    const std::size_t n = size > 0 ? size - 1 : 0;
    const std::unique_ptr<unsigned char[]> copy(new unsigned char[n + shift + 1]);
    unsigned char* control = copy.get() + shift;
    if (n > 0) std::memcpy(control, data + 1, n);

    std::vector<ps::cmsg> seen;
    std::size_t offset = 0;
    ps::cmsg m;
    while (ps::cmsg_next(control, n, offset, m)) {
        const auto* at = static_cast<const unsigned char*>(m.data);
        FUZZ_CHECK(at >= control && at <= control + n && m.size <= static_cast<std::size_t>(control + n - at),
                   "message outside the buffer");
        FUZZ_CHECK(at >= control + ps::cmsg_len(0), "data before the first header ends");
        FUZZ_CHECK(offset <= n, "offset %zu past the end %zu", offset, n);
        FUZZ_CHECK(seen.size() <= n, "the walk does not end");
        ps::packet_info info;
        (void)ps::read_packet_info(m, info);
        std::size_t count = 0;
        if (ps::is_fds(m, count)) {
            for (std::size_t i = 0; i < count; ++i) (void)ps::read_fd(m, i);
        }
        seen.push_back(m);
    }
    std::size_t via_view = 0;
    for (const ps::cmsg& v : ps::cmsg_view(control, n)) {
        FUZZ_CHECK(via_view < seen.size() && v.data == seen[via_view].data, "the view differs from cmsg_next");
        ++via_view;
    }
    FUZZ_CHECK(via_view == seen.size(), "the view read %zu, cmsg_next %zu", via_view, seen.size());

    // Written again, read again.
    std::size_t space = 0;
    for (const ps::cmsg& s : seen) space += ps::cmsg_space(s.size);
    std::vector<std::max_align_t> out((space + sizeof(std::max_align_t)) / sizeof(std::max_align_t));
    ps::cmsg_writer w(out.data(), space);
    for (const ps::cmsg& s : seen) {
        std::error_code ec;
        w.add(s.level, s.type, s.data, s.size, ec);
        FUZZ_CHECK(!ec, "writing back: %s", ec.message().c_str());
    }
    FUZZ_CHECK(w.size() == space, "wrote %zu of %zu", w.size(), space);
    std::size_t i = 0;
    for (const ps::cmsg& r : ps::cmsg_view(w.data(), w.size())) {
        FUZZ_CHECK(i < seen.size(), "more read back than written");
        FUZZ_CHECK(r.level == seen[i].level && r.type == seen[i].type && r.size == seen[i].size &&
                       (r.size == 0 || std::memcmp(r.data, seen[i].data, r.size) == 0),
                   "message %zu differs read back", i);
        ++i;
    }
    FUZZ_CHECK(i == seen.size(), "read back %zu of %zu", i, seen.size());
    return 0;
}
